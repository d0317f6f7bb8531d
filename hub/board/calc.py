"""The comparison arithmetic, pure: values in EUR at the right rate, change against the
previous period, rank per KPI, network totals and ratios.

Money KPIs are translated at the period's average rate when they are flows and at its
closing rate when they are stocks; persons, FTE, counts and percentages stay as reported.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal

import msgspec

from hub.registry.model import KpiDefinition, KpiKind, KpiUnit

HUNDRED = Decimal(100)
SUMMABLE = (KpiUnit.CURRENCY, KpiUnit.PERSONS, KpiUnit.FTE, KpiUnit.COUNT)
RATIOS: tuple[tuple[str, str, str, str, Decimal], ...] = (
    # code, label, numerator KPI, denominator KPI, factor
    (
        "turnover_per_user",
        "Turnover per user of the services (EUR)",
        "turnover",
        "users",
        Decimal(1),
    ),
    ("turnover_per_fte", "Turnover per staff FTE (EUR)", "turnover", "staff_fte", Decimal(1)),
    (
        "contribution_income_share",
        "Contribution income / turnover (%)",
        "contribution_income",
        "turnover",
        HUNDRED,
    ),
)


class Value(msgspec.Struct, frozen=True, kw_only=True):
    entity: str
    period: str
    kpi: str
    amount: Decimal
    currency: str | None
    provenance: str


class Series(msgspec.Struct, frozen=True, kw_only=True):
    entity: str
    kpi: str
    currency: str | None
    values: list[Decimal | None]
    values_eur: list[Decimal | None]
    rates: list[Decimal | None]
    rate_types: list[str | None]
    changes: list[Decimal | None]
    change_percents: list[Decimal | None]
    ranks: list[int | None]
    provenances: list[str | None]


class Total(msgspec.Struct, frozen=True, kw_only=True):
    kpi: str
    values_eur: list[Decimal | None]
    changes: list[Decimal | None]
    change_percents: list[Decimal | None]


class Ratio(msgspec.Struct, frozen=True, kw_only=True):
    entity: str
    ratio: str
    label: str
    values: list[Decimal | None]


class Comparison(msgspec.Struct, frozen=True, kw_only=True):
    periods: list[str]
    series: list[Series]
    totals: list[Total]
    ratios: list[Ratio]


def rate_type(kpi: KpiDefinition) -> str | None:
    if kpi.unit is not KpiUnit.CURRENCY:
        return None
    return "closing" if kpi.kind is KpiKind.STOCK else "average"


def _change(now: Decimal | None, before: Decimal | None) -> tuple[Decimal | None, Decimal | None]:
    if now is None or before is None:
        return None, None
    change = now - before
    return change, (None if before == 0 else change / abs(before) * HUNDRED)


def _ranks(values: Mapping[str, Decimal | None]) -> dict[str, int | None]:
    """Competition ranking, highest first: 1, 2, 2, 4."""
    known = [v for v in values.values() if v is not None]
    return {
        entity: None if value is None else 1 + sum(1 for other in known if other > value)
        for entity, value in values.items()
    }


def compare(
    periods: Sequence[str],
    previous: str | None,
    entities: Sequence[str],
    currencies: Mapping[str, str],
    kpis: Sequence[KpiDefinition],
    values: Sequence[Value],
    rates: Mapping[tuple[str, str, str], Decimal],
    group_currency: str,
) -> Comparison:
    """`previous` is the period before the first one, read only for the first change.
    `rates`: (currency, rate type, period) -> units of currency per unit of group currency."""
    span = [previous, *periods] if previous is not None else list(periods)
    found = {(v.entity, v.kpi, v.period): v for v in values}
    eur: dict[tuple[str, str, str], Decimal | None] = {}
    series = []
    for kpi in kpis:
        kind = rate_type(kpi)
        for entity in entities:
            currency = currencies[entity]
            row_values, row_eur, row_rates, row_types, row_provenance = [], [], [], [], []
            for period in span:
                value = found.get((entity, kpi.code, period))
                amount = None if value is None else value.amount
                rate: Decimal | None = None
                if kind is not None:
                    rate = (
                        Decimal(1)
                        if currency == group_currency
                        else rates.get((currency, kind, period))
                    )
                converted = (
                    amount
                    if kind is None
                    else (None if amount is None or rate is None else amount / rate)
                )
                eur[(entity, kpi.code, period)] = converted
                row_values.append(amount)
                row_eur.append(converted)
                row_rates.append(rate)
                row_types.append(kind)
                row_provenance.append(None if value is None else value.provenance)
            changes = [
                _change(row_eur[i], row_eur[i - 1]) if i else (None, None) for i in range(len(span))
            ]
            offset = 1 if previous is not None else 0
            series.append(
                Series(
                    entity=entity,
                    kpi=kpi.code,
                    currency=currency if kpi.unit is KpiUnit.CURRENCY else None,
                    values=row_values[offset:],
                    values_eur=row_eur[offset:],
                    rates=row_rates[offset:],
                    rate_types=row_types[offset:],
                    changes=[c for c, _ in changes[offset:]],
                    change_percents=[p for _, p in changes[offset:]],
                    ranks=[],
                    provenances=row_provenance[offset:],
                )
            )
    ranked = []
    by_kpi: dict[str, list[Series]] = defaultdict(list)
    for row in series:
        by_kpi[row.kpi].append(row)
    for kpi in kpis:
        rows = by_kpi[kpi.code]
        per_period = [
            _ranks({r.entity: r.values_eur[i] for r in rows}) for i in range(len(periods))
        ]
        ranked += [
            msgspec.structs.replace(r, ranks=[per_period[i][r.entity] for i in range(len(periods))])
            for r in rows
        ]
    totals = []
    for kpi in kpis:
        if kpi.unit not in SUMMABLE:
            continue
        sums: list[Decimal | None] = []
        for period in span:
            known = [eur[(e, kpi.code, period)] for e in entities]
            present = [v for v in known if v is not None]
            sums.append(sum(present, Decimal(0)) if present else None)
        changes = [_change(sums[i], sums[i - 1]) if i else (None, None) for i in range(len(span))]
        offset = 1 if previous is not None else 0
        totals.append(
            Total(
                kpi=kpi.code,
                values_eur=sums[offset:],
                changes=[c for c, _ in changes[offset:]],
                change_percents=[p for _, p in changes[offset:]],
            )
        )
    ratios = []
    for code, label, top, bottom, factor in RATIOS:
        for entity in entities:
            values_of: list[Decimal | None] = []
            for period in periods:
                numerator, denominator = (
                    eur.get((entity, top, period)),
                    eur.get((entity, bottom, period)),
                )
                values_of.append(
                    None
                    if numerator is None or not denominator
                    else numerator / denominator * factor
                )
            ratios.append(Ratio(entity=entity, ratio=code, label=label, values=values_of))
    return Comparison(periods=list(periods), series=ranked, totals=totals, ratios=ratios)
