"""Belgium: SmartCoop, the network parent. Books under the Belgian minimum chart (PCMN/MAR)."""

from countries import ChartOfAccounts, Profile

PROFILE = Profile(
    code="BE",
    chart_of_accounts=ChartOfAccounts(name="PCMN / MAR (Belgian minimum standard chart)"),
)
