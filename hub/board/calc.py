"""The comparison arithmetic, pure: values in EUR at the right rate, change against the
previous period, rank per KPI, network totals and ratios.

Money KPIs are translated at the period's average rate when they are flows and at its
closing rate when they are stocks; persons, FTE, counts and percentages stay as reported.
The result is a block per KPI: one row per entity, one column per period.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
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

# (KPI index, entity index, column, amount, provenance): a figure placed in the grid
Cell = tuple[int, int, int, Decimal, str]
Row = list[Decimal | None]


class Block(msgspec.Struct, frozen=True, kw_only=True):
    """One KPI: rows follow `entities`, columns follow the comparison's periods."""

    kpi: str
    rate_type: str | None
    entities: list[str]
    currencies: list[str | None]
    values: list[Row]
    values_eur: list[Row]
    rates: list[Row]
    changes: list[Row]
    change_percents: list[Row]
    ranks: list[list[int | None]]
    provenances: list[list[str | None]]
    total_eur: Row | None  # None for KPIs that do not add up (percentages, ratios)
    total_changes: Row | None
    total_change_percents: Row | None
    # Per period, the entities the total leaves out and why: "SE: no average rate for SEK".
    total_left_out: list[list[str]] | None


class Ratio(msgspec.Struct, frozen=True, kw_only=True):
    ratio: str
    label: str
    entities: list[str]
    values: list[Row]


class Comparison(msgspec.Struct, frozen=True, kw_only=True):
    periods: list[str]
    blocks: list[Block]
    ratios: list[Ratio]


def rate_type(kpi: KpiDefinition) -> str | None:
    if kpi.unit is not KpiUnit.CURRENCY:
        return None
    return "closing" if kpi.kind is KpiKind.STOCK else "average"


def _changes(row: Row) -> tuple[Row, Row]:
    """Change and change % of each column against the one before (the first is the period
    before the comparison, read only for this)."""
    changes: Row = []
    percents: Row = []
    before = row[0]
    for now in row[1:]:
        if before is None or now is None:
            changes.append(None)
            percents.append(None)
        else:
            change = now - before
            changes.append(change)
            percents.append(change / abs(before) * HUNDRED if before else None)
        before = now
    return changes, percents


def _left_out(
    entity: str, currency: str, rate_kind: str | None, period: str, raw: Decimal | None
) -> str:
    """Why a network total leaves an entity out: it reported no figure, or its figure has no
    rate to the group currency."""
    if raw is None:
        return f"{entity}: no figure"
    return f"{entity}: no {rate_kind} rate for {currency} in {period}"


def _ranks(column: Sequence[Decimal | None]) -> list[int | None]:
    """Competition ranking, highest first: 1, 2, 2, 4."""
    first: dict[Decimal, int] = {}
    for position, value in enumerate(sorted((v for v in column if v is not None), reverse=True), 1):
        first.setdefault(value, position)
    return [None if v is None else first[v] for v in column]


def compare(
    periods: Sequence[str],
    previous: str,
    entities: Sequence[str],
    currencies: Mapping[str, str],
    kpis: Sequence[KpiDefinition],
    cells: Iterable[Cell],
    rates: Mapping[tuple[str, str, str], Decimal],
    group_currency: str,
) -> Comparison:
    """`previous` is the period before the first one, read only for the first change.
    `cells`: (KPI index, entity index, column, amount, provenance), column 0 being `previous`.
    `rates`: (currency, rate type, period) -> units of currency per unit of group currency.

    Thousands of values pass through here per request: each is touched a handful of times, in
    plain loops (tests/board/test_calc_reference.py checks it against the straightforward
    version, value by value)."""
    span = [previous, *periods]
    width = len(span)
    grids: list[list[Row]] = [[[None] * width for _ in entities] for _ in kpis]
    marks: list[list[list[str | None]]] = [[[None] * width for _ in entities] for _ in kpis]
    for k, e, column, amount, provenance in cells:
        grids[k][e][column] = amount
        marks[k][e][column] = provenance
    own = [currencies[e] for e in entities]
    listed: list[str | None] = list(own)
    converted = [c != group_currency for c in own]
    one = Decimal(1)
    rate_rows: dict[str | None, list[Row]] = {None: [[None] * width for _ in entities]}
    for rate_kind in ("average", "closing"):
        rate_rows[rate_kind] = [
            [rates.get((c, rate_kind, p)) for p in span] if convert else [one] * width
            for c, convert in zip(own, converted, strict=True)
        ]
    # Shared by every KPI of the rate type: formatted once per answer (hub.board.graphql).
    shown_rates = {kind: [row[1:] for row in rows] for kind, rows in rate_rows.items()}
    eur_of: dict[str, list[Row]] = {}
    blocks = []
    for kpi, grid, mark in zip(kpis, grids, marks, strict=True):
        kind = rate_type(kpi)
        rows = rate_rows[kind]
        if kind is None:
            eur = grid
        else:
            eur = [
                [None if a is None or r is None else a / r for a, r in zip(g, rr, strict=True)]
                if convert
                else g  # already in the group currency: no division
                for g, rr, convert in zip(grid, rows, converted, strict=True)
            ]
        eur_of[kpi.code] = eur
        change_rows = [_changes(row) for row in eur]
        shown = [row[1:] for row in eur]
        rank_columns = [_ranks(column) for column in zip(*shown, strict=True)] if shown else []
        total = total_changes = total_percents = left_out = None
        if kpi.unit in SUMMABLE:
            left_out = [
                [
                    _left_out(entity, currencies[entity], kind, period, raw[j])
                    for entity, raw, row in zip(entities, grid, eur, strict=True)
                    if row[j] is None
                ]
                for j, period in enumerate(span)
                if j
            ]
            sums: Row = []
            counted: list[frozenset[int]] = []
            for column_values in zip(*eur, strict=True) if eur else []:
                present = [v for v in column_values if v is not None]
                sums.append(sum(present, Decimal(0)) if present else None)
                counted.append(frozenset(i for i, v in enumerate(column_values) if v is not None))
            total = sums[1:]
            total_changes, total_percents = _changes(sums)
            # A total only compares with one over the same entities.
            for index, (before, now) in enumerate(itertools.pairwise(counted)):
                if before != now:
                    total_changes[index] = total_percents[index] = None
        blocks.append(
            Block(
                kpi=kpi.code,
                rate_type=kind,
                entities=list(entities),
                currencies=listed if kind is not None else [None] * len(entities),
                values=[row[1:] for row in grid],
                values_eur=shown,
                rates=shown_rates[kind],
                changes=[c for c, _ in change_rows],
                change_percents=[p for _, p in change_rows],
                ranks=[list(r) for r in zip(*rank_columns, strict=True)]
                if rank_columns
                else [[] for _ in entities],
                provenances=[row[1:] for row in mark],
                total_eur=total,
                total_changes=total_changes,
                total_change_percents=total_percents,
                total_left_out=left_out,
            )
        )
    ratios = []
    for code, label, top, bottom, factor in RATIOS:
        if top not in eur_of or bottom not in eur_of:
            continue
        ratios.append(
            Ratio(
                ratio=code,
                label=label,
                entities=list(entities),
                values=[
                    [
                        None if n is None or not d else n / d * factor
                        for n, d in zip(nums[1:], dens[1:], strict=True)
                    ]
                    for nums, dens in zip(eur_of[top], eur_of[bottom], strict=True)
                ],
            )
        )
    return Comparison(periods=list(periods), blocks=blocks, ratios=ratios)
