"""Sweden: Smart AB (not-for-profit statutes), Stockholm. Books in SEK under BAS; exports SIE."""

from countries import ChartOfAccounts, Profile

PROFILE = Profile(
    code="SE",
    chart_of_accounts=ChartOfAccounts(name="BAS (Swedish standard chart)"),
    import_formats=("xlsx", "sie"),
)
