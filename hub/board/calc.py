"""The comparison arithmetic, pure: values in EUR at the right rate, change against the
previous period, rank per KPI, network totals and ratios.

Money KPIs are translated at the period's average rate when they are flows and at its
closing rate when they are stocks; persons, FTE, counts and percentages stay as reported.
The result is a block per KPI: one row per entity, one column per period.
"""

from __future__ import annotations

import itertools
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from itertools import chain, compress, repeat
from operator import not_, sub
from typing import TypeVar

import msgspec

from hub.board.grid import ARITHMETIC, NAN, NOTHING, Grid, Row
from hub.registry.model import KpiDefinition, KpiKind, KpiUnit

T = TypeVar("T")

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

# (KPI index, entity index, column, amount, provenance): a figure placed in the grid, its
# amount as the exact text PostgreSQL writes of a numeric ("5000000.00", never an exponent)
Cell = tuple[int, int, int, str, str]


class Block(msgspec.Struct, frozen=True, kw_only=True):
    """One KPI: rows follow `entities`, columns follow the comparison's periods."""

    kpi: str
    rate_type: str | None
    entities: list[str]
    currencies: list[str | None]
    values: Grid
    values_eur: Grid
    rates: Grid  # shared by every KPI of the rate type
    changes: Grid
    change_percents: Grid
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
    values: Grid


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
    before the comparison, read only for this): for the totals, a row at a time."""
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
            percents.append(change * HUNDRED / abs(before) if before else None)
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


def _ranks(column: list[Decimal]) -> list[int | None]:
    """Competition ranking, highest first: 1, 2, 2, 4; None where there is no figure."""
    # 1 + how many are higher: by bisection in the sorted column (a dict of the values would
    # hash each decimal, which costs three times the rest).
    finite = list(map(Decimal.is_finite, column))
    present = column if all(finite) else list(compress(column, finite))
    ascending = sorted(present)
    ranks = map(sub, repeat(len(ascending) + 1), map(bisect_right, repeat(ascending), present))
    if present is column:
        return list(ranks)
    return [next(ranks) if ok else None for ok in finite]


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
    `cells`: (KPI index, entity index, column, amount as text, provenance), column 0 being
    `previous`.
    `rates`: (currency, rate type, period) -> units of currency per unit of group currency.

    Thousands of values pass through here per request: each step is one `map` over a whole
    grid (hub.board.grid), NaN standing for no figure (tests/board/test_calc_reference.py
    checks it against the straightforward version, value by value)."""
    span = [previous, *periods]
    width = len(span)
    size = len(entities) * width
    starts = range(0, size, width)

    def shown(flat: list[T]) -> list[T]:
        """Every row without its first column (the period before the comparison)."""
        return list(chain.from_iterable(flat[start + 1 : start + width] for start in starts))

    def before(flat: list[Decimal]) -> list[Decimal]:
        """Every row without its last column: what each shown value changes from."""
        return list(chain.from_iterable(flat[start : start + width - 1] for start in starts))

    def known(texts: list[str]) -> list[str | None]:
        return list(map(NOTHING.get, texts, texts))

    def grid(flat: list[Decimal]) -> Grid:
        return Grid(flat, width - 1)

    def rows(flat: list[T]) -> list[list[T]]:
        return [flat[start + 1 : start + width] for start in starts]

    texts: list[list[str]] = [["NaN"] * size for _ in kpis]
    marks: list[list[str | None]] = [[None] * size for _ in kpis]
    for k, e, column, amount, provenance in cells:
        at = e * width + column
        texts[k][at] = amount
        marks[k][at] = provenance
    # Decimal of a text is one C call, cheaper than asyncpg's decoding of a numeric; the text
    # itself is the figure as the answer shows it.
    figures = [list(map(Decimal, text)) for text in texts]
    own = [currencies[e] for e in entities]
    listed: list[str | None] = list(own)
    converted = [c != group_currency for c in own]
    one = Decimal(1)
    rate_flats: dict[str | None, list[Decimal]] = {None: [NAN] * size}
    for rate_kind in ("average", "closing"):
        rate_flats[rate_kind] = [
            rate
            for c, convert in zip(own, converted, strict=True)
            for rate in (
                [rates.get((c, rate_kind, p), NAN) for p in span] if convert else [one] * width
            )
        ]
    shown_rates = {kind: grid(shown(flat)) for kind, flat in rate_flats.items()}
    divide, subtract, multiply = ARITHMETIC.divide, ARITHMETIC.subtract, ARITHMETIC.multiply
    absolute = ARITHMETIC.abs
    eur_of: dict[str, list[Decimal]] = {}
    blocks = []
    for kpi, flat, mark, text in zip(kpis, figures, marks, texts, strict=True):
        kind = rate_type(kpi)
        if kind is None:
            eur = flat
        else:
            rate_flat = rate_flats[kind]
            eur = list(
                chain.from_iterable(
                    map(divide, flat[start : start + width], rate_flat[start : start + width])
                    if convert
                    else flat[start : start + width]  # already in the group currency
                    for start, convert in zip(starts, converted, strict=True)
                )
            )
        eur_of[kpi.code] = eur
        now, then = shown(eur), before(eur)
        changes = list(map(subtract, now, then))
        # x / 0 is an infinity and 0 / 0 NaN in this context: no change % from nothing
        percents = list(map(divide, map(multiply, changes, repeat(HUNDRED)), map(absolute, then)))
        rank_columns = [_ranks(now[j :: width - 1]) for j in range(width - 1)] if now else []
        total = total_changes = total_percents = left_out = None
        if kpi.unit in SUMMABLE:
            total, total_changes, total_percents, left_out = _totals(
                eur, flat, width, entities, own, kind, span
            )
        blocks.append(
            Block(
                kpi=kpi.code,
                rate_type=kind,
                entities=list(entities),
                currencies=listed if kind is not None else [None] * len(entities),
                values=Grid(shown(flat), width - 1, known(shown(text))),
                values_eur=grid(now),
                rates=shown_rates[kind],
                changes=grid(changes),
                change_percents=grid(percents),
                ranks=[list(r) for r in zip(*rank_columns, strict=True)]
                if rank_columns
                else [[] for _ in entities],
                provenances=rows(mark),
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
        quotients = map(divide, shown(eur_of[top]), shown(eur_of[bottom]))
        ratios.append(
            Ratio(
                ratio=code,
                label=label,
                entities=list(entities),
                values=grid(list(map(multiply, quotients, repeat(factor)))),
            )
        )
    return Comparison(periods=list(periods), blocks=blocks, ratios=ratios)


def _totals(
    eur: list[Decimal],
    figures: list[Decimal],
    width: int,
    entities: Sequence[str],
    currencies: Sequence[str],
    kind: str | None,
    span: Sequence[str],
) -> tuple[Row, Row, Row, list[list[str]]]:
    """The network's total per period in EUR, its change and change %, and per period the
    entities it leaves out and why."""
    finite = list(map(Decimal.is_finite, eur))
    missing: list[list[int]] = [[] for _ in span]
    for at in compress(range(len(eur)), map(not_, finite)):
        e, j = divmod(at, width)
        missing[j].append(e)
    sums: Row = []
    for j in range(width):
        present = list(compress(eur[j::width], finite[j::width]))
        sums.append(sum(present, Decimal(0)) if present else None)
    changes, percents = _changes(sums)
    # A total only compares with one over the same entities.
    for index, (then, now) in enumerate(itertools.pairwise(missing)):
        if then != now:
            changes[index] = percents[index] = None
    left_out = [
        [
            _left_out(
                entities[e],
                currencies[e],
                kind,
                span[j],
                None if figures[e * width + j].is_nan() else figures[e * width + j],
            )
            for e in missing[j]
        ]
        for j in range(1, width)
    ]
    return sums[1:], changes, percents, left_out
