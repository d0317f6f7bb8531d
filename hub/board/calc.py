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
from typing import TypeVar

import msgspec

from hub.board import kernel
from hub.board.grid import Grid, Row
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

# (entity, period, lines): the figures of one version, a line each, "kpi<TAB>amount<TAB>
# provenance", the amount as the exact text PostgreSQL writes of a numeric ("5000000.00", never
# an exponent): a row of the database's kpi_block (repository.figures_for_comparison)
Figures = tuple[str, str, str]


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
    figures: Iterable[Figures],
    rates: Mapping[tuple[str, str, str], Decimal],
    group_currency: str,
) -> Comparison:
    """`previous` is the period before the first one, read only for the first change.
    `figures`: (entity, period, lines) per version shown, `previous` among the periods (see
    `Figures`); the KPIs not in `kpis` are left out.
    `rates`: (currency, rate type, period) -> units of currency per unit of group currency.

    Thousands of values pass through here per request: each KPI's block goes through
    hub.board.kernel at once, which answers in text (tests/board/test_calc_reference.py checks
    it against a straightforward version, value by value)."""
    span = [previous, *periods]
    width = len(span)
    size = len(entities) * width
    starts = range(0, size, width)

    def rows(flat: list[T]) -> list[list[T]]:
        return [flat[start + 1 : start + width] for start in starts]

    texts, marks = kernel.place(
        figures,
        {k.code: i for i, k in enumerate(kpis)},
        {code: i for i, code in enumerate(entities)},
        {period: i for i, period in enumerate(span)},
    )
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
    shown_rates = {
        kind: Grid.of_texts([[None if r == "NaN" else r for r in row] for row in rows(flat)])
        for kind, flat in rate_texts.items()
    }
    no_rates = Grid.of_texts([[None] * (width - 1) for _ in entities])
    eur_of: dict[str, Grid] = {}
    blocks = []
    for kpi, text, mark in zip(kpis, texts, marks, strict=True):
        kind = rate_type(kpi)
        values, eur, eur_cents, changes, change_cents, percents, ranks, sums, missing = (
            kernel.block(text, None if kind is None else rate_texts[kind], width)
        )
        values_eur = eur_of[kpi.code] = Grid(eur, eur_cents)
        total = total_changes = total_percents = left_out = None
        if kpi.unit in SUMMABLE:
            total, total_changes, total_percents, left_out = _totals(
                missing, text, sums, width, entities, own, kind, span
            )
        blocks.append(
            Block(
                kpi=kpi.code,
                rate_type=kind,
                entities=list(entities),
                currencies=listed if kind is not None else [None] * len(entities),
                values=Grid.of_texts(values),
                values_eur=values_eur,
                rates=no_rates if kind is None else shown_rates[kind],
                changes=Grid(changes, change_cents),
                change_percents=Grid(percents, percents),
                ranks=ranks,
                provenances=mark,
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
        quotients = kernel.quotients(eur_of[top].exact(), eur_of[bottom].exact(), str(factor))
        ratio_rows = Grid.of_texts(quotients).json_rows  # to the cent already
        ratios.append(
            Ratio(
                ratio=code,
                label=label,
                entities=list(entities),
                values=Grid(ratio_rows, ratio_rows),
            )
        )
    return Comparison(periods=list(periods), blocks=blocks, ratios=ratios)


def _rate_text(rate: Decimal | None) -> str:
    """A rate as the kernel reads it: its exact text, "NaN" for none."""
    if rate is None:
        return "NaN"
    text = str(rate)
    return format(rate, "f") if "E" in text else text


def _totals(
    missing: list[list[int]],
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
    # the totals' row as a block of its own: its changes are exact, its change % to the cent
    _, _, _, (change_json,), _, (percent_json,), _, _, _ = kernel.block(
        [t or "NaN" for t in sums], None, width
    )
    change_texts, percent_texts = Grid([change_json]).exact()[0], Grid([percent_json]).exact()[0]
    totals, changes, percents = (
        [None if t is None else Decimal(t) for t in texts]
        for texts in (sums, change_texts, percent_texts)
    )
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
