"""IAS 21: an entity's trial balance in group currency, and its equity carried from period to
period. Pure arithmetic.

- Income and expenses at the period's average rate; assets and liabilities at the closing rate.
- Equity is never translated at one rate: each line starts from its value at the period's
  opening (carried forward from the prior period, an opening position, or the acquisition), and
  only what moved during the period is translated, at the rate finance entered for that line's
  movement (a capital increase at the rate of its date) or else the average rate. The result of a
  year reaches the brought-forward line at that year's average rate, where it stays.
- What is left is the translation reserve (CTA): it makes the translated balance sheet balance.
  Its opening is the same measure at the opening: the opening equity's local amount at the prior
  closing rate, less its carried value.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from decimal import Decimal

from hub.consolidation.model import (
    Balance,
    EntityInput,
    EntityRates,
    EquityClosing,
    EquityLine,
    Opening,
)
from hub.registry.group_chart import GroupChart, Statement

PRECISION = Decimal("1e-10")
ZERO = Decimal(0)


def exact(amount: Decimal) -> Decimal:
    return amount.quantize(PRECISION)


@functools.lru_cache(maxsize=16)
def carried_equity_lines(chart: GroupChart) -> frozenset[str]:
    """Equity lines an entity reports, carried at their historical value: all of equity but the
    result of the year (the income statement's), the translation reserve (what is left) and
    non-controlling interests (consolidation's). Kept per chart (a chart does not change once
    loaded): a consolidation asks for them once per entity and period."""
    roles = chart.roles
    excluded = {
        roles.result_of_the_year,
        roles.translation_reserve,
        roles.non_controlling_interests,
    }
    return frozenset(
        code
        for code, line in chart.lines.items()
        if not line.is_total and chart.is_under(code, roles.equity) and code not in excluded
    )


def rate_for(line: str, chart: GroupChart, rates: EntityRates) -> Decimal:
    """The rate a line that is not carried equity is translated at."""
    group_line = chart.lines[line]
    if group_line.statement is Statement.INCOME_STATEMENT or line == chart.roles.result_of_the_year:
        return rates.average
    return rates.closing


def _equity_by_line(entity: EntityInput, carried: frozenset[str]) -> dict[str, Decimal]:
    found: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for balance in entity.balances:
        if balance.line in carried:
            found[balance.line] += balance.amount
    return found


def translate(
    entity: EntityInput, rates: EntityRates, chart: GroupChart, in_group_currency: bool
) -> tuple[list[Balance], Decimal, EquityClosing]:
    """The entity's balances in group currency (carried equity one balance per line), the
    translation reserve that makes them balance (balance terms), and its equity at the period
    end, to carry into the next period."""
    carried = carried_equity_lines(chart)
    translated = [
        Balance(b.line, exact(b.amount / rate_for(b.line, chart, rates)), b.partner, b.investment)
        for b in entity.balances
        if b.line not in carried
    ]
    local = _equity_by_line(entity, carried)
    if in_group_currency:
        equity = dict(local)
    else:
        assert entity.opening is not None, f"{entity.entity} has no opening equity"
        equity = roll_forward(local, entity.opening, rates)
    translated += [Balance(line, amount) for line, amount in sorted(equity.items())]
    cta = -sum((b.amount for b in translated), ZERO)
    income = Statement.INCOME_STATEMENT
    result_local = sum(
        (b.amount for b in entity.balances if chart.lines[b.line].statement is income), ZERO
    )
    result_translated = sum(
        (b.amount for b in translated if chart.lines[b.line].statement is income), ZERO
    )
    closing = EquityClosing(
        entity=entity.entity,
        lines=(
            *(
                EquityLine(line=line, local=local.get(line, ZERO), translated=equity[line])
                for line in sorted(equity)
            ),
            EquityLine(
                line=chart.roles.result_of_the_year,
                local=result_local,
                translated=result_translated,
            ),
        ),
    )
    return translated, cta, closing


def roll_forward(
    local: dict[str, Decimal], opening: Opening, rates: EntityRates
) -> dict[str, Decimal]:
    """Each carried equity line in group currency: its opening value plus this period's
    movement at the movement rate (balance terms)."""
    start = {line.line: line for line in opening.lines}
    translated = {}
    for line in sorted(set(local) | set(start)):
        before = start.get(line)
        moved = local.get(line, ZERO) - (ZERO if before is None else before.local)
        rate = rates.movements.get(line, rates.average)
        translated[line] = exact((ZERO if before is None else before.translated) + moved / rate)
    return translated


def opening_reserve(opening: Opening, rates: EntityRates) -> Decimal | None:
    """The translation reserve at the period start (line terms): the opening equity's local
    amount at the prior closing rate, less the value it is carried at."""
    if rates.opening is None:
        return None
    local = -sum((line.local for line in opening.lines), ZERO)
    carried = -sum((line.translated for line in opening.lines), ZERO)
    return exact(local / rates.opening - carried)


def carry_forward(closing: EquityClosing, chart: GroupChart, source: str) -> Opening:
    """The next period's opening from a period's closing equity: the year's result joins the
    brought-forward line, local and translated (at the average rate it was translated at)."""
    roles = chart.roles
    lines: dict[str, EquityLine] = {}
    result = None
    for line in closing.lines:
        if line.line == roles.result_of_the_year:
            result = line
        else:
            lines[line.line] = line
    if result is not None and (result.local or result.translated):
        before = lines.get(roles.brought_forward)
        lines[roles.brought_forward] = EquityLine(
            line=roles.brought_forward,
            local=result.local + (ZERO if before is None else before.local),
            translated=result.translated + (ZERO if before is None else before.translated),
        )
    return Opening(lines=tuple(lines[code] for code in sorted(lines)), source=source)
