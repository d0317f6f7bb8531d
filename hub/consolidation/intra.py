"""Intra-network balances and flows between entities consolidated line by line: reversed, and
matched pair by pair so that what does not cancel out is explained. Pure arithmetic.

Matching: a balance on a line is matched with the partner's balance on its reciprocal line (the
group chart's `[[reciprocal]]` pairs: a loan granted with the loan received); what remains is
matched per statement. A pair that does not cancel out in group currency is split:
- in one currency, or with one side missing, it is all a booking difference;
- in two currencies, both sides are compared in the transaction currency (the group currency
  when one side keeps it, else the first side's): the other side is converted at the rate it
  should have been booked at (balance sheet: the prior closing rate, the last revaluation;
  income statement: the period's average), and what still differs is the booking difference;
  the rest of the gap is what the exchange rates explain (FX).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal

from hub.consolidation.model import (
    Cause,
    Difference,
    Elimination,
    EntityInput,
    EntityRates,
    EntryKind,
)
from hub.consolidation.translation import ZERO, exact, rate_for
from hub.registry.group_chart import GroupChart, Statement

Side = dict[str, tuple[Decimal, Decimal]]  # line -> (local, group currency), balance terms


def _sides(
    scope: Mapping[str, EntityInput], rates: Mapping[str, EntityRates], chart: GroupChart
) -> dict[tuple[str, str], Side]:
    found: dict[tuple[str, str], dict[str, list[Decimal]]] = defaultdict(
        lambda: defaultdict(lambda: [ZERO, ZERO])
    )
    for code, entity in scope.items():
        for b in entity.balances:
            if b.partner is None or b.partner not in scope or b.investment:
                continue
            amounts = found[(code, b.partner)][b.line]
            amounts[0] += b.amount
            amounts[1] += exact(b.amount / rate_for(b.line, chart, rates[code]))
    return {
        key: {line: (local, group) for line, (local, group) in lines.items()}
        for key, lines in found.items()
    }


def _groups(
    mine: Side, theirs: Side, chart: GroupChart
) -> list[tuple[Statement, list[str], list[str]]]:
    """Reciprocal lines first, each booked by both sides; the rest per statement."""
    groups: list[tuple[Statement, list[str], list[str]]] = []
    left_mine, left_theirs = set(mine), set(theirs)
    for line in sorted(mine):
        counterpart = chart.reciprocal.get(line)
        if counterpart is not None and counterpart in left_theirs:
            groups.append((chart.lines[line].statement, [line], [counterpart]))
            left_mine.discard(line)
            left_theirs.discard(counterpart)
    for statement in Statement:
        ours = sorted(line for line in left_mine if chart.lines[line].statement is statement)
        other = sorted(line for line in left_theirs if chart.lines[line].statement is statement)
        if ours or other:
            groups.append((statement, ours, other))
    return groups


def eliminate_intra_network(
    inputs: list[EntityInput],
    rates: Mapping[str, EntityRates],
    chart: GroupChart,
    group_currency: str,
    tolerance: Decimal,
    line_by_line: tuple[object, ...],
) -> tuple[list[Elimination], list[Difference]]:
    scope = {e.entity: e for e in inputs if e.method in line_by_line}
    sides = _sides(scope, rates, chart)
    eliminations = [
        Elimination(
            kind=EntryKind.INTRA_NETWORK,
            line=line,
            amount=-group,
            entity=code,
            partner=partner,
        )
        for (code, partner), lines in sorted(sides.items())
        for line, (_, group) in sorted(lines.items())
        if group
    ]
    differences = []
    pairs = sorted({tuple(sorted(key)) for key in sides})
    for a, z in pairs:
        mine, theirs = sides.get((a, z), {}), sides.get((z, a), {})
        for statement, our_lines, their_lines in _groups(mine, theirs, chart):
            difference = _match(
                (a, [mine[line] for line in our_lines]),
                (z, [theirs[line] for line in their_lines]),
                statement,
                scope,
                rates,
                group_currency,
                tolerance,
            )
            if difference is None:
                continue
            differences.append(
                Difference(
                    entity=a,
                    partner=z,
                    statement=statement.value,
                    amount=difference.amount,
                    cause=difference.cause,
                    beyond_tolerance=difference.beyond_tolerance,
                    lines=(*our_lines, *their_lines),
                    fx=difference.fx,
                    booking=difference.booking,
                    transaction_currency=difference.transaction_currency,
                    booking_transaction=difference.booking_transaction,
                )
            )
            eliminations.append(
                Elimination(
                    kind=EntryKind.DIFFERENCE,
                    line=chart.roles.eliminations_plug,
                    amount=difference.amount,
                    entity=a,
                    partner=z,
                    note=f"{statement.value}: {difference.cause.value}",
                )
            )
    return eliminations, differences


def _match(
    first: tuple[str, list[tuple[Decimal, Decimal]]],
    second: tuple[str, list[tuple[Decimal, Decimal]]],
    statement: Statement,
    scope: Mapping[str, EntityInput],
    rates: Mapping[str, EntityRates],
    group_currency: str,
    tolerance: Decimal,
) -> Difference | None:
    (a, ours), (z, theirs) = first, second
    local = {a: sum((x for x, _ in ours), ZERO), z: sum((x for x, _ in theirs), ZERO)}
    gap = sum((g for _, g in ours), ZERO) + sum((g for _, g in theirs), ZERO)
    if gap == 0:
        return None
    beyond = abs(gap) > tolerance
    if not ours or not theirs:
        return Difference(
            entity=a,
            partner=z,
            statement=statement.value,
            amount=gap,
            cause=Cause.MISSING_SIDE,
            beyond_tolerance=beyond,
            booking=gap,
        )
    currencies = {a: scope[a].currency, z: scope[z].currency}
    if currencies[a] == currencies[z]:
        return Difference(
            entity=a,
            partner=z,
            statement=statement.value,
            amount=gap,
            cause=Cause.BOOKING,
            beyond_tolerance=beyond,
            booking=gap,
            transaction_currency=currencies[a],
            booking_transaction=local[a] + local[z],
        )
    x = z if currencies[z] == group_currency else a
    y = a if x == z else z

    def booked_at(code: str) -> Decimal:
        entity_rates = rates[code]
        if statement is Statement.INCOME_STATEMENT:
            return entity_rates.average
        return entity_rates.opening or entity_rates.closing

    def translated_at(code: str) -> Decimal:
        entity_rates = rates[code]
        return (
            entity_rates.average
            if statement is Statement.INCOME_STATEMENT
            else entity_rates.closing
        )

    expected = local[y] * booked_at(x) / booked_at(y)
    booking_transaction = exact(local[x] + expected)
    booking = exact(booking_transaction / translated_at(x))
    return Difference(
        entity=a,
        partner=z,
        statement=statement.value,
        amount=gap,
        cause=Cause.BOOKING if abs(booking) > tolerance else Cause.FX,
        beyond_tolerance=beyond,
        fx=gap - booking,
        booking=booking,
        transaction_currency=currencies[x],
        booking_transaction=booking_transaction,
    )
