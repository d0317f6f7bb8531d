"""The arithmetic of consolidation, pure: (entity balances, rates, ownership, journals) ->
statement columns, elimination journal, differences and checks.

Method (IAS 21 and IFRS 10 as the network applies them):
- translation: income and expenses at the period's average rate, equity at historical rates,
  every other balance-sheet line at the closing rate. What is left after translating a
  balanced trial balance is the translation reserve (CTA): it makes the translated balance
  sheet balance, and it is cumulative, so its roll-forward is this period's CTA minus the last;
- the result of the year on the balance sheet is the net result of the income statement;
- intra-network balances and flows between entities consolidated line by line are reversed
  in group currency; what does not cancel out goes to the eliminations plug, with its likely
  cause (one side missing; FX when the two sides keep different currencies; else timing);
- a parent's investment in a fully consolidated subsidiary is offset against the share of the
  subsidiary's equity it holds (the difference is goodwill); the rest of that equity, and of
  its result, belongs to non-controlling interests;
- an entity under the equity method is replaced by one line, the share of its equity, and its
  result by the share of its result.

Amounts are kept exact to 10 decimal places; rounding happens once, at presentation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal

from hub.consolidation.model import (
    ADJUSTMENTS,
    ELIMINATIONS,
    TOTAL,
    Balance,
    Cause,
    Check,
    Consolidated,
    ConsolidationError,
    Difference,
    Elimination,
    EntityInput,
    EntityRates,
    EntryKind,
    Journal,
    Translation,
)
from hub.registry.group_chart import GroupChart, Side, Statement
from hub.registry.model import ConsolidationMethod

PRECISION = Decimal("1e-10")
ZERO = Decimal(0)
LINE_BY_LINE = (
    ConsolidationMethod.PARENT,
    ConsolidationMethod.FULL,
    ConsolidationMethod.AGGREGATION,
)


def exact(amount: Decimal) -> Decimal:
    return amount.quantize(PRECISION)


def rate_for(line: str, chart: GroupChart, rates: EntityRates) -> Decimal:
    """The rate a line of the entity is translated at (units of its currency per group unit)."""
    group_line = chart.lines[line]
    roles = chart.roles
    if group_line.statement is Statement.INCOME_STATEMENT or line == roles.result_of_the_year:
        return rates.average
    if chart.is_under(line, roles.equity) and line not in (
        roles.translation_reserve,
        roles.non_controlling_interests,
    ):
        return rates.historical_by_line.get(line, rates.historical)
    return rates.closing


def translate(
    entity: EntityInput, rates: EntityRates, chart: GroupChart
) -> tuple[list[Balance], Decimal]:
    """The entity's balances in group currency, and the translation reserve (balance terms)
    that makes them balance."""
    translated = [
        Balance(b.line, exact(b.amount / rate_for(b.line, chart, rates)), b.partner, b.investment)
        for b in entity.balances
    ]
    return translated, -sum((b.amount for b in translated), ZERO)


def line_values(chart: GroupChart, entries: Iterable[tuple[str, Decimal]]) -> dict[str, Decimal]:
    """Every line of the chart (line terms) from balance-terms entries on its leaves; the
    result of the year takes the net result of the income statement."""
    values = dict.fromkeys(chart.lines, ZERO)
    for line, amount in entries:
        values[line] += amount if chart.lines[line].side is Side.DEBIT else -amount
    for total in chart.totals_bottom_up():
        values[total.code] = sum((values[child] for child in total.children), ZERO)
    result = values[chart.roles.net_result]
    for code in (chart.roles.result_of_the_year, *chart.ancestors(chart.roles.result_of_the_year)):
        values[code] += result
    return values


def _add(into: dict[str, Decimal], values: Mapping[str, Decimal]) -> None:
    for code, amount in values.items():
        into[code] = into.get(code, ZERO) + amount


def consolidate(
    inputs: list[EntityInput],
    rates: Mapping[str, EntityRates],
    chart: GroupChart,
    journals: list[Journal],
    tolerance: Decimal,
    trial_balance_tolerance: Decimal,
) -> Consolidated:
    problems = _check_inputs(inputs, rates, chart, journals, trial_balance_tolerance)
    if problems:
        raise ConsolidationError(problems)
    roles = chart.roles
    by_code = {e.entity: e for e in inputs}
    translated: dict[str, list[Balance]] = {}
    columns: dict[str, dict[str, Decimal]] = {}
    translations = []
    for entity in inputs:
        balances, cta = translate(entity, rates[entity.entity], chart)
        balances.append(Balance(roles.translation_reserve, cta))
        translated[entity.entity] = balances
        columns[entity.entity] = line_values(chart, ((b.line, b.amount) for b in balances))
        entity_rates = rates[entity.entity]
        translations.append(
            Translation(
                entity=entity.entity,
                currency=entity.currency,
                closing=entity_rates.closing,
                average=entity_rates.average,
                historical=entity_rates.historical,
                cta=columns[entity.entity][roles.translation_reserve],
            )
        )

    eliminations: list[Elimination] = []
    differences = _intra_network(inputs, translated, tolerance, chart, eliminations)
    nci_result = ZERO
    for entity in inputs:
        if entity.parent is None or entity.parent not in by_code:
            continue
        if entity.method is ConsolidationMethod.FULL:
            nci_result += _full(entity, translated, columns[entity.entity], chart, eliminations)
        elif entity.method is ConsolidationMethod.EQUITY:
            _equity_method(entity, translated, columns[entity.entity], chart, eliminations)

    adjustments = [entry for journal in journals for entry in journal.entries]
    columns[ELIMINATIONS] = line_values(chart, ((e.line, e.amount) for e in eliminations))
    columns[ADJUSTMENTS] = line_values(chart, ((e.line, e.amount) for e in adjustments))
    total: dict[str, Decimal] = {}
    for column in columns.values():
        _add(total, column)
    columns[TOTAL] = total
    return Consolidated(
        columns=columns,
        eliminations=eliminations,
        adjustments=adjustments,
        differences=differences,
        translations=translations,
        nci_result=nci_result,
        checks=_checks(columns, chart),
    )


def _check_inputs(
    inputs: list[EntityInput],
    rates: Mapping[str, EntityRates],
    chart: GroupChart,
    journals: list[Journal],
    trial_balance_tolerance: Decimal,
) -> list[str]:
    problems = []
    for entity in inputs:
        if entity.entity not in rates:
            problems.append(f"no exchange rates for {entity.entity} ({entity.currency})")
        unknown = sorted({b.line for b in entity.balances if b.line not in chart.lines})
        if unknown:
            problems.append(f"{entity.entity}: unknown group lines {', '.join(unknown)}")
        total = sum((b.amount for b in entity.balances), ZERO)
        if abs(total) > trial_balance_tolerance:
            problems.append(
                f"{entity.entity}'s trial balance (version {entity.version}) does not balance: "
                f"debits minus credits = {total} {entity.currency}"
            )
    for journal in journals:
        total = sum((e.amount for e in journal.entries), ZERO)
        if total != 0:
            problems.append(f"journal {journal.id} does not balance: {total}")
    return problems


def _intra_network(
    inputs: list[EntityInput],
    translated: Mapping[str, list[Balance]],
    tolerance: Decimal,
    chart: GroupChart,
    eliminations: list[Elimination],
) -> list[Difference]:
    """Reverse every intra-network balance between entities consolidated line by line; book
    what does not cancel out per pair and statement to the plug."""
    scope = {e.entity: e for e in inputs if e.method in LINE_BY_LINE}
    sides: dict[tuple[str, str, Statement], dict[str, Decimal]] = defaultdict(
        lambda: defaultdict(lambda: ZERO)
    )
    for code in scope:
        for b in translated[code]:
            if b.partner is None or b.partner not in scope or b.investment:
                continue
            eliminations.append(
                Elimination(
                    kind=EntryKind.INTRA_NETWORK,
                    line=b.line,
                    amount=-b.amount,
                    entity=code,
                    partner=b.partner,
                )
            )
            a, z = sorted((code, b.partner))
            sides[(a, z, chart.lines[b.line].statement)][code] += b.amount
    differences = []
    for (a, z, statement), amounts in sorted(sides.items()):
        gap = amounts[a] + amounts[z]
        if gap == 0:
            continue
        if amounts[a] == 0 or amounts[z] == 0:
            cause = Cause.MISSING_SIDE
        elif scope[a].currency != scope[z].currency:
            cause = Cause.FX
        else:
            cause = Cause.TIMING
        differences.append(
            Difference(
                entity=a,
                partner=z,
                statement=statement.value,
                amount=gap,
                cause=cause,
                beyond_tolerance=abs(gap) > tolerance,
            )
        )
        eliminations.append(
            Elimination(
                kind=EntryKind.DIFFERENCE,
                line=chart.roles.eliminations_plug,
                amount=gap,
                entity=a,
                partner=z,
                note=f"{statement.value}: {cause.value}",
            )
        )
    return differences


def _equity_balances(
    balances: list[Balance], chart: GroupChart, *, with_reserve: bool
) -> dict[str, Decimal]:
    roles = chart.roles
    excluded = {roles.result_of_the_year, roles.non_controlling_interests}
    if not with_reserve:
        excluded.add(roles.translation_reserve)
    found: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for b in balances:
        if chart.is_under(b.line, roles.equity) and b.line not in excluded:
            found[b.line] += b.amount
    return found


def _investment(entity: EntityInput, translated: Mapping[str, list[Balance]]) -> list[Balance]:
    assert entity.parent is not None
    return [b for b in translated[entity.parent] if b.investment and b.partner == entity.entity]


def _full(
    entity: EntityInput,
    translated: Mapping[str, list[Balance]],
    values: Mapping[str, Decimal],
    chart: GroupChart,
    eliminations: list[Elimination],
) -> Decimal:
    """Offset the parent's investment against its share of the subsidiary's equity; give the
    rest of the equity and of the result to non-controlling interests. Returns their result."""
    roles = chart.roles
    share = entity.share if entity.share is not None else Decimal(1)
    entries: list[Elimination] = []
    for b in _investment(entity, translated):
        entries.append(
            Elimination(
                kind=EntryKind.INVESTMENT,
                line=b.line,
                amount=-b.amount,
                entity=entity.parent,
                partner=entity.entity,
            )
        )
    acquired = _equity_balances(translated[entity.entity], chart, with_reserve=False)
    for line, amount in sorted(acquired.items()):
        entries.append(
            Elimination(
                kind=EntryKind.INVESTMENT,
                line=line,
                amount=exact(-share * amount),
                entity=entity.entity,
                partner=entity.parent,
            )
        )
    entries.append(
        Elimination(
            kind=EntryKind.INVESTMENT,
            line=roles.goodwill,
            amount=-sum((e.amount for e in entries), ZERO),
            entity=entity.parent,
            partner=entity.entity,
            note="investment less the share of equity acquired",
        )
    )
    eliminations.extend(entries)
    if share == 1:
        return ZERO
    minority = Decimal(1) - share
    moved = ZERO
    for line, amount in sorted(
        _equity_balances(translated[entity.entity], chart, with_reserve=True).items()
    ):
        part = exact(-minority * amount)
        moved += part
        eliminations.append(
            Elimination(kind=EntryKind.NCI, line=line, amount=part, entity=entity.entity)
        )
    result = exact(minority * values[roles.net_result])
    eliminations.append(
        Elimination(
            kind=EntryKind.NCI,
            line=roles.result_of_the_year,
            amount=result,
            entity=entity.entity,
            note="share of the result",
        )
    )
    eliminations.append(
        Elimination(
            kind=EntryKind.NCI,
            line=roles.non_controlling_interests,
            amount=-(moved + result),
            entity=entity.entity,
        )
    )
    return result


def _equity_method(
    entity: EntityInput,
    translated: Mapping[str, list[Balance]],
    values: Mapping[str, Decimal],
    chart: GroupChart,
    eliminations: list[Elimination],
) -> None:
    """Replace the associate's lines by the share of its equity, and its result by the share
    of its result; the parent's investment at cost goes, the rest goes to reserves."""
    roles = chart.roles
    share = entity.share if entity.share is not None else Decimal(1)
    entries = [
        Elimination(
            kind=EntryKind.EQUITY_METHOD, line=b.line, amount=-b.amount, entity=entity.entity
        )
        for b in translated[entity.entity]
    ]
    entries += [
        Elimination(
            kind=EntryKind.EQUITY_METHOD,
            line=b.line,
            amount=-b.amount,
            entity=entity.parent,
            partner=entity.entity,
        )
        for b in _investment(entity, translated)
    ]
    entries.append(
        Elimination(
            kind=EntryKind.EQUITY_METHOD,
            line=roles.associates,
            amount=exact(share * values[roles.equity]),
            entity=entity.parent,
            partner=entity.entity,
            note="share of equity",
        )
    )
    entries.append(
        Elimination(
            kind=EntryKind.EQUITY_METHOD,
            line=roles.share_of_associates_result,
            amount=exact(-share * values[roles.net_result]),
            entity=entity.parent,
            partner=entity.entity,
            note="share of result",
        )
    )
    entries.append(
        Elimination(
            kind=EntryKind.EQUITY_METHOD,
            line=roles.reserves,
            amount=-sum((e.amount for e in entries), ZERO),
            entity=entity.parent,
            partner=entity.entity,
        )
    )
    eliminations.extend(entries)


def _checks(columns: Mapping[str, Mapping[str, Decimal]], chart: GroupChart) -> list[Check]:
    roles = chart.roles
    total = columns[TOTAL]
    balance = total[roles.assets] - total[roles.liabilities_and_equity]
    checks = [Check(name="assets = liabilities + equity", ok=balance == 0, difference=balance)]
    worst = ZERO
    for line in chart.lines:
        parts = sum((c[line] for name, c in columns.items() if name != TOTAL), ZERO)
        worst = max(worst, abs(parts - total[line]))
    checks.append(
        Check(name="entities + eliminations + adjustments = total", ok=worst == 0, difference=worst)
    )
    for name, column in columns.items():
        if name == TOTAL:
            continue
        gap = column[roles.assets] - column[roles.liabilities_and_equity]
        if gap != 0:
            checks.append(Check(name=f"{name} balances", ok=False, difference=gap))
    return checks
