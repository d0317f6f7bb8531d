"""Italy: Smart Cooperativa Impresa Sociale, Rome and Milan. Civil-code statement schema."""

from countries import ChartOfAccounts, Profile

PROFILE = Profile(
    code="IT",
    chart_of_accounts=ChartOfAccounts(name="Civil-code schema (art. 2424 and 2425 c.c.)"),
)
