"""The comparison arithmetic, pure: values in EUR at the right rate, change against the
previous period, rank per KPI, network totals and ratios.

Money KPIs are translated at the period's average rate when they are flows and at its
closing rate when they are stocks, each to the cent; persons, FTE, counts and percentages stay
as reported. The rules of every step are hub.board.kernel's. The result is a block per KPI:
one row per entity, one column per period.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from itertools import chain, compress
from operator import is_
from typing import TypeVar

import msgspec

from hub.board import kernel
from hub.board.grid import NOTHING, Grid, Row
from hub.board.kernel import EXACT
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
    """Change (exact) and change % (to the cent, hub.board.kernel's rule) of each column against
    the one before (the first is the period before the comparison, read only for this): for
    the totals, a row at a time."""
    changes: Row = []
    percents: Row = []
    before = row[0]
    for now in row[1:]:
        if before is None or now is None:
            changes.append(None)
            percents.append(None)
        else:
            change = EXACT.subtract(now, before)
            changes.append(change)
            percents.append(percent(change, before))
        before = now
    return changes, percents


def percent(change: Decimal, before: Decimal) -> Decimal | None:
    """change x 100 / |before| to the cent, as the kernel rounds it; None from zero."""
    (found,) = kernel.python_quotients([str(change)], [str(abs(before))], "100")
    return None if found is None else Decimal(found)


def _left_out(
    entity: str, currency: str, rate_kind: str | None, period: str, raw: str | None
) -> str:
    """Why a network total leaves an entity out: it reported no figure, or its figure has no
    rate to the group currency."""
    if raw is None:
        return f"{entity}: no figure"
    return f"{entity}: no {rate_kind} rate for {currency} in {period}"


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

    Thousands of values pass through here per request: each KPI's block goes through
    hub.board.kernel at once, which answers in text (tests/board/test_calc_reference.py checks
    it against a straightforward version, value by value)."""
    span = [previous, *periods]
    width = len(span)
    size = len(entities) * width
    starts = range(0, size, width)

    def shown(flat: list[T]) -> list[T]:
        """Every row without its first column (the period before the comparison)."""
        return list(chain.from_iterable(flat[start + 1 : start + width] for start in starts))

    def rows(flat: list[T]) -> list[list[T]]:
        return [flat[start + 1 : start + width] for start in starts]

    def known(texts: list[str]) -> list[str | None]:
        return list(map(NOTHING.get, texts, texts))

    texts: list[list[str]] = [["NaN"] * size for _ in kpis]
    marks: list[list[str | None]] = [[None] * size for _ in kpis]
    for k, e, column, amount, provenance in cells:
        at = e * width + column
        texts[k][at] = amount
        marks[k][at] = provenance
    own = [currencies[e] for e in entities]
    listed: list[str | None] = list(own)
    rate_texts: dict[str, list[str]] = {}
    for rate_kind in ("average", "closing"):
        rate_texts[rate_kind] = [
            rate
            for c in own
            for rate in (
                ["1"] * width
                if c == group_currency
                else [_rate_text(rates.get((c, rate_kind, p))) for p in span]
            )
        ]
    shown_rates = {kind: Grid(known(shown(flat)), width - 1) for kind, flat in rate_texts.items()}
    no_rates = Grid([None] * (size - len(entities)), width - 1)
    eur_of: dict[str, list[str | None]] = {}
    blocks = []
    for kpi, text, mark in zip(kpis, texts, marks, strict=True):
        kind = rate_type(kpi)
        eur, eur_cents, changes, change_cents, percents, ranks, sums = kernel.block(
            text, None if kind is None else rate_texts[kind], width
        )
        eur_of[kpi.code] = eur
        total = total_changes = total_percents = left_out = None
        if kpi.unit in SUMMABLE:
            total, total_changes, total_percents, left_out = _totals(
                eur, text, sums, width, entities, own, kind, span
            )
        blocks.append(
            Block(
                kpi=kpi.code,
                rate_type=kind,
                entities=list(entities),
                currencies=listed if kind is not None else [None] * len(entities),
                values=Grid(known(shown(text)), width - 1),
                values_eur=Grid(shown(eur), width - 1, eur_cents),
                rates=no_rates if kind is None else shown_rates[kind],
                changes=Grid(changes, width - 1, change_cents),
                change_percents=Grid(percents, width - 1, percents),
                ranks=_split(ranks, width - 1, len(entities)),
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
        values = kernel.quotients(shown(eur_of[top]), shown(eur_of[bottom]), str(factor))
        ratios.append(
            Ratio(
                ratio=code,
                label=label,
                entities=list(entities),
                values=Grid(values, width - 1, values),
            )
        )
    return Comparison(periods=list(periods), blocks=blocks, ratios=ratios)


def _rate_text(rate: Decimal | None) -> str:
    """A rate as the kernel reads it: its exact text, "NaN" for none."""
    if rate is None:
        return "NaN"
    text = str(rate)
    return format(rate, "f") if "E" in text else text


def _split(flat: list[T], width: int, rows: int) -> list[list[T]]:
    return [flat[start : start + width] for start in range(0, rows * width, width)]


def _totals(
    eur: list[str | None],
    figures: list[str],
    sums: list[str | None],
    width: int,
    entities: Sequence[str],
    currencies: Sequence[str],
    kind: str | None,
    span: Sequence[str],
) -> tuple[Row, Row, Row, list[list[str]]]:
    """The network's total per period in EUR (the kernel's sums), its change and change %, and
    per period the entities it leaves out and why."""
    missing: list[list[int]] = [[] for _ in span]
    for at in compress(range(len(eur)), map(is_, eur, itertools.repeat(None))):
        e, j = divmod(at, width)
        missing[j].append(e)
    totals: Row = [None if t is None else Decimal(t) for t in sums]
    changes, percents = _changes(totals)
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
                None if figures[e * width + j] == "NaN" else figures[e * width + j],
            )
            for e in missing[j]
        ]
        for j in range(1, width)
    ]
    return totals[1:], changes, percents, left_out
