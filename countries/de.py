"""Germany: Smart eG, Berlin. Books under DATEV's SKR04 and exports DATEV files."""

from countries import ChartOfAccounts, Profile

PROFILE = Profile(
    code="DE",
    chart_of_accounts=ChartOfAccounts(name="SKR04 (DATEV standard chart)"),
    import_formats=("xlsx", "datev"),
)
