"""Statement lines against the trial balance of the same submission, and the balance sheet's
result of the year against the income statement's: pure functions over the group chart.

A trial balance is taken before closing (debit positive, credit negative): its income-statement
accounts still hold the year's result, so the balance sheet's result of the year is what the
accounts mapped to it hold plus the net result, as consolidation reads it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal

from hub.registry.group_chart import GroupChart, Side
from hub.reporting.model import Finding, Severity, Where

ZERO = Decimal(0)


def line_amounts(group: GroupChart, balances: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """Every line of the chart as the statements show it, from trial-balance balances summed
    per leaf line (debit positive)."""
    values = dict.fromkeys(group.lines, ZERO)
    for code, balance in balances.items():
        values[code] += balance if group.lines[code].side is Side.DEBIT else -balance
    for total in group.totals_bottom_up():
        values[total.code] = sum((values[child] for child in total.children), ZERO)
    result = values[group.roles.net_result]
    roles = group.roles
    for code in (roles.result_of_the_year, *group.ancestors(roles.result_of_the_year)):
        values[code] += result
    return values


def lines_against_trial_balance(
    group: GroupChart,
    reported: Mapping[str, Decimal],
    balances: Mapping[str, Decimal],
    tolerance: Decimal,
    currency: str,
) -> Iterator[Finding]:
    """Each reported line against the trial balance aggregated to it through the mapping: a
    difference within `tolerance` is published rounding (a notice), beyond it an error."""
    derived = line_amounts(group, balances)
    for code, line in group.lines.items():
        amount = reported.get(code)
        if amount is None or amount == derived[code]:
            continue
        difference = amount - derived[code]
        text = (
            f"{code} {line.label}: the statements say {amount}, the trial balance gives "
            f"{derived[code]} {currency} (difference {difference})"
        )
        where = Where("lines", None, code)
        if abs(difference) <= tolerance:
            yield Finding(Severity.NOTICE, "lines-vs-trial-balance", where, f"{text}: rounding")
        else:
            yield Finding(
                Severity.ERROR,
                "lines-vs-trial-balance",
                where,
                f"{text}, beyond the tolerance of {tolerance}",
            )


def result_of_the_year(
    group: GroupChart, reported: Mapping[str, Decimal], tolerance: Decimal, currency: str
) -> Iterator[Finding]:
    """The balance sheet's result of the year against the income statement's net result, when
    both are given. Beyond `tolerance` it is a warning, not an error: the published Belgian
    statements of 2023 differ by 777 (the group's share against the consolidated result), and
    the team explains such a difference in the comment that submitting then needs."""
    roles = group.roles
    balance_sheet, income = reported.get(roles.result_of_the_year), reported.get(roles.net_result)
    if balance_sheet is None or income is None or balance_sheet == income:
        return
    difference = balance_sheet - income
    text = (
        f"the balance sheet's result of the year ({roles.result_of_the_year}) is {balance_sheet}, "
        f"the income statement's net result ({roles.net_result}) {income} {currency} "
        f"(difference {difference})"
    )
    where = Where("lines", None, roles.result_of_the_year)
    if abs(difference) <= tolerance:
        yield Finding(Severity.NOTICE, "result-of-the-year", where, f"{text}: rounding")
    else:
        yield Finding(
            Severity.WARNING,
            "result-of-the-year",
            where,
            f"{text}, beyond the tolerance of {tolerance}: explain it in the comment",
        )
