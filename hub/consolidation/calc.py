"""The arithmetic of consolidation, pure: (entity balances, rates, the acquisition register,
journals) -> statement columns, the eliminations journal, differences and checks.

- translation (IAS 21): hub/consolidation/translation.py; the result of the year on the balance
  sheet is the net result of the income statement;
- intra-network balances and flows: hub/consolidation/intra.py;
- a subsidiary consolidated in full, or an associate by the equity method, against its entry in
  the acquisition register (IFRS 3, IFRS 10, IAS 28): hub/consolidation/acquisition.py;
- entities added line by line without ownership (`aggregation`) keep their equity.

Amounts are kept exact to 10 decimal places; rounding happens once, at presentation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from hub.consolidation.acquisition import (
    Acquired,
    consolidate_by_equity_method,
    consolidate_in_full,
)
from hub.consolidation.intra import eliminate_intra_network
from hub.consolidation.model import (
    ADJUSTMENTS,
    ELIMINATIONS,
    TOTAL,
    AcquisitionTerms,
    Balance,
    Check,
    Consolidated,
    ConsolidationError,
    Elimination,
    EntityInput,
    EntityRates,
    EquityClosing,
    GoodwillPosition,
    Journal,
    Translation,
)
from hub.consolidation.translation import ZERO, exact, opening_reserve, translate
from hub.registry.group_chart import GroupChart, Side
from hub.registry.model import ConsolidationMethod

__all__ = ["consolidate", "exact", "line_values"]

LINE_BY_LINE = (
    ConsolidationMethod.PARENT,
    ConsolidationMethod.FULL,
    ConsolidationMethod.AGGREGATION,
)
OWNED = (ConsolidationMethod.FULL, ConsolidationMethod.EQUITY)


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
    *,
    acquisitions: Mapping[str, AcquisitionTerms] | None = None,
    group_currency: str = "EUR",
) -> Consolidated:
    register = dict(acquisitions or {})
    problems = _check_inputs(
        inputs, rates, chart, journals, trial_balance_tolerance, register, group_currency
    )
    if problems:
        raise ConsolidationError(problems)
    roles = chart.roles
    by_code = {e.entity: e for e in inputs}
    translated: dict[str, list[Balance]] = {}
    columns: dict[str, dict[str, Decimal]] = {}
    translations = []
    closing_equity: list[EquityClosing] = []
    for entity in inputs:
        entity_rates = rates[entity.entity]
        balances, cta, closing = translate(
            entity, entity_rates, chart, entity.currency == group_currency
        )
        balances.append(Balance(roles.translation_reserve, cta))
        translated[entity.entity] = balances
        closing_equity.append(closing)
        columns[entity.entity] = line_values(chart, ((b.line, b.amount) for b in balances))
        if entity.currency != group_currency:
            assert entity.opening is not None
            translations.append(
                Translation(
                    entity=entity.entity,
                    currency=entity.currency,
                    closing=entity_rates.closing,
                    average=entity_rates.average,
                    cta=columns[entity.entity][roles.translation_reserve],
                    cta_opening=opening_reserve(entity.opening, entity_rates),
                    opening_source=entity.opening.source,
                )
            )

    eliminations: list[Elimination]
    eliminations, differences = eliminate_intra_network(
        inputs, rates, chart, group_currency, tolerance, LINE_BY_LINE
    )
    nci_result = ZERO
    goodwill: list[GoodwillPosition] = []
    warnings: list[str] = []
    for entity in inputs:
        terms = register.get(entity.entity)
        if entity.method not in OWNED or terms is None or terms.parent not in by_code:
            continue
        acquired = Acquired(terms, rates[entity.entity], entity.currency, chart)
        goodwill.append(acquired.position())
        warnings += acquired.warnings()
        if entity.method is ConsolidationMethod.FULL:
            entries, nci = consolidate_in_full(
                terms,
                acquired,
                translated[terms.parent],
                translated[entity.entity],
                columns[entity.entity],
                chart,
            )
            nci_result += nci
        else:
            entries = consolidate_by_equity_method(
                terms,
                acquired,
                translated[terms.parent],
                translated[entity.entity],
                columns[entity.entity],
                chart,
            )
        eliminations += entries

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
        goodwill=goodwill,
        closing_equity=closing_equity,
        warnings=warnings,
    )


def _check_inputs(
    inputs: list[EntityInput],
    rates: Mapping[str, EntityRates],
    chart: GroupChart,
    journals: list[Journal],
    trial_balance_tolerance: Decimal,
    register: Mapping[str, AcquisitionTerms],
    group_currency: str,
) -> list[str]:
    problems = []
    scope = {e.entity: e for e in inputs}
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
        if entity.currency != group_currency and entity.opening is None:
            problems.append(
                f"{entity.entity}: no opening equity to translate from (IAS 21): lock the prior "
                "period's consolidation, record the acquisition, or enter an opening position"
            )
        problems += _ownership_problems(entity, scope, register)
    for journal in journals:
        total = sum((e.amount for e in journal.entries), ZERO)
        if total != 0:
            problems.append(f"journal {journal.id} does not balance: {total}")
    return problems


def _ownership_problems(
    entity: EntityInput, scope: Mapping[str, EntityInput], register: Mapping[str, AcquisitionTerms]
) -> list[str]:
    problems = []
    terms = register.get(entity.entity)
    if entity.method in OWNED and entity.parent in scope:
        if terms is None:
            problems.append(
                f"{entity.entity} is consolidated by the {entity.method.value} method but the "
                "acquisition register has no entry for it: record its acquisition"
            )
        elif terms.method is not entity.method:
            problems.append(
                f"{entity.entity}: the acquisition register says {terms.method.value}, the "
                f"network's configuration {entity.method.value}"
            )
    for b in entity.balances:
        if not b.investment:
            continue
        held = scope.get(b.partner or "")
        if b.partner is None:
            problems.append(
                f"{entity.entity}: an investment of {b.amount} on {b.line} names no partner: "
                "name the entity it is held in"
            )
        elif held is None:
            problems.append(
                f"{entity.entity} holds an investment in {b.partner}, which is not in the "
                "scope of this consolidation: include it"
            )
        elif held.method not in OWNED or b.partner not in register:
            problems.append(
                f"{entity.entity} holds an investment in {b.partner}, which the acquisition "
                "register does not list as a subsidiary or associate: record the acquisition"
            )
    return sorted(set(problems))


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
