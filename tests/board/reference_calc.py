"""The board's comparison arithmetic written plainly, one value at a time, in fractions: the
oracle that tests/board/test_calc_reference.py holds the faster `hub.board.calc.compare` to
(values in EUR at the right rate, change against the previous period, rank per KPI, network
totals and ratios), under hub.board.kernel's rules: money in EUR to the cent, rounded once,
every later step exact, change % and ratios rounded once to the cent, all half-even."""

from __future__ import annotations

import decimal
import functools
import itertools
from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction

from hub.board.calc import RATIOS, SUMMABLE, Block, Comparison, Ratio, rate_type
from hub.board.grid import Grid
from hub.registry.model import KpiDefinition

# (entity, period, KPI, amount, currency, provenance)
Figure = tuple[str, str, str, Decimal, str | None, str]
Row = list[Decimal | None]


EXACT = decimal.Context(prec=100_000)


def cents(value: Fraction) -> Decimal:
    """To the cent, half-even (Python's `round` of a fraction is half-even)."""
    return Decimal(round(value * 100)).scaleb(-2)


def _changes(row: Row) -> tuple[Row, Row]:
    """Change (exact) and change % (to the cent) of each column against the one before (the
    first is the period before the comparison, read only for this)."""
    changes: Row = [
        None if before is None or now is None else EXACT.subtract(now, before)
        for before, now in itertools.pairwise(row)
    ]
    percents: Row = [
        None
        if change is None or not before
        else cents(Fraction(change) * 100 / abs(Fraction(before)))
        for change, before in zip(changes, row, strict=False)
    ]
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
    order = sorted((v for v in column if v is not None), reverse=True)
    # walking backwards, the first position of a value is the one written last
    first = {value: position for position, value in reversed(list(enumerate(order, start=1)))}
    return [None if v is None else first[v] for v in column]


def compare(
    periods: Sequence[str],
    previous: str,
    entities: Sequence[str],
    currencies: Mapping[str, str],
    kpis: Sequence[KpiDefinition],
    figures: Sequence[Figure],
    rates: Mapping[tuple[str, str, str], Decimal],
    group_currency: str,
) -> Comparison:
    """`previous` is the period before the first one, read only for the first change.
    `rates`: (currency, rate type, period) -> units of currency per unit of group currency."""
    span = [previous, *periods]
    column_of = {period: index for index, period in enumerate(span)}
    row_of = {entity: index for index, entity in enumerate(entities)}
    width = len(span)
    grids: dict[str, list[Row]] = {k.code: [[None] * width for _ in entities] for k in kpis}
    marks: dict[str, list[list[str | None]]] = {
        k.code: [[None] * width for _ in entities] for k in kpis
    }
    for entity, period, code, amount, _currency, provenance in figures:
        grid = grids.get(code)
        if grid is None or entity not in row_of or period not in column_of:
            continue
        grid[row_of[entity]][column_of[period]] = amount
        marks[code][row_of[entity]][column_of[period]] = provenance
    one = Decimal(1)
    rate_rows: dict[str | None, list[Row]] = {None: [[None] * width for _ in entities]}
    for rate_kind in ("average", "closing"):
        rate_rows[rate_kind] = [
            [
                one if currencies[e] == group_currency else rates.get((currencies[e], rate_kind, p))
                for p in span
            ]
            for e in entities
        ]
    eur_of: dict[str, list[Row]] = {}
    blocks = []
    for kpi in kpis:
        kind = rate_type(kpi)
        grid = grids[kpi.code]
        rows = rate_rows[kind]
        if kind is None:
            eur = grid
        else:
            eur = [
                [
                    None if a is None or not r else cents(Fraction(a) / Fraction(r))
                    for a, r in zip(g, rr, strict=True)
                ]
                for g, rr in zip(grid, rows, strict=True)
            ]
        eur_of[kpi.code] = eur
        change_rows = [_changes(row) for row in eur]
        shown = [row[1:] for row in eur]
        columns = list(zip(*shown, strict=True)) if shown else []
        rank_columns = [_ranks(column) for column in columns]
        total = total_changes = total_percents = left_out = None
        if kpi.unit in SUMMABLE:
            left_out = [
                [
                    _left_out(entity, currencies[entity], kind, period, raw[j])
                    for entity, raw, converted in zip(entities, grid, eur, strict=True)
                    if converted[j] is None
                ]
                for j, period in enumerate(span)
            ][1:]
            sums: Row = []
            counted: list[frozenset[int]] = []
            for column_values in zip(*eur, strict=True) if eur else []:
                present = [v for v in column_values if v is not None]
                sums.append(functools.reduce(EXACT.add, present, Decimal(0)) if present else None)
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
                currencies=[currencies[e] if kind is not None else None for e in entities],
                values=Grid.of_rows([row[1:] for row in grid]),
                values_eur=Grid.of_rows(shown),
                rates=Grid.of_rows([row[1:] for row in rows]),
                changes=Grid.of_rows([c for c, _ in change_rows]),
                change_percents=Grid.of_rows([p for _, p in change_rows]),
                ranks=[list(r) for r in zip(*rank_columns, strict=True)]
                if rank_columns
                else [[] for _ in entities],
                provenances=[row[1:] for row in marks[kpi.code]],
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
                values=Grid.of_rows(
                    [
                        [
                            None
                            if n is None or not d
                            else cents(Fraction(n) * Fraction(factor) / Fraction(d))
                            for n, d in zip(nums[1:], dens[1:], strict=True)
                        ]
                        for nums, dens in zip(eur_of[top], eur_of[bottom], strict=True)
                    ]
                ),
            )
        )
    return Comparison(periods=list(periods), blocks=blocks, ratios=ratios)
