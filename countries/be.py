"""Belgium: SmartCoop, the network parent. Books under the Belgian minimum chart (PCMN/MAR)."""

from countries import Profile
from countries.charts import CHARTS, load_chart

PROFILE = Profile(
    code="BE",
    chart_of_accounts=load_chart(CHARTS / "be.toml"),
)
