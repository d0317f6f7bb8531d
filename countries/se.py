"""Sweden: Smart AB (not-for-profit statutes), Stockholm. Books in SEK under BAS; exports SIE."""

from countries import Profile
from countries.charts import CHARTS, load_chart

PROFILE = Profile(
    code="SE",
    chart_of_accounts=load_chart(CHARTS / "se.toml"),
    import_formats=("xlsx", "sie", "csv"),
)
