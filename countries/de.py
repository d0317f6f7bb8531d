"""Germany: Smart eG, Berlin. Books under DATEV's SKR04 and exports DATEV files."""

from countries import Profile
from countries.charts import CHARTS, load_chart

PROFILE = Profile(
    code="DE",
    chart_of_accounts=load_chart(CHARTS / "de.toml"),
    import_formats=("xlsx", "datev", "csv"),
)
