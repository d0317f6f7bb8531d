"""Austria: Smart Genossenschaft, Vienna. Books under the Austrian uniform chart (EKR)."""

from countries import Profile
from countries.charts import CHARTS, load_chart

PROFILE = Profile(
    code="AT",
    chart_of_accounts=load_chart(CHARTS / "at.toml"),
)
