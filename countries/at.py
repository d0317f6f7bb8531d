"""Austria: Smart Genossenschaft, Vienna. Books under the Austrian uniform chart (EKR)."""

from countries import ChartOfAccounts, Profile

PROFILE = Profile(
    code="AT",
    chart_of_accounts=ChartOfAccounts(name="EKR (Einheitskontenrahmen)"),
)
