"""Italy: Smart Cooperativa Impresa Sociale, Rome and Milan. Civil-code statement schema."""

from countries import Profile
from countries.charts import CHARTS, load_chart

PROFILE = Profile(
    code="IT",
    chart_of_accounts=load_chart(CHARTS / "it.toml"),
)
