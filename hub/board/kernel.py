"""The comparison's arithmetic over a whole KPI block at once, and its rules.

The rules, which the board's tables follow so that they foot (a total is the sum of the
figures shown, a change the difference of the two shown):

- A money figure in the group currency is the reported amount divided by the rate, rounded once
  to the cent, half-even (a figure already in the group currency is rounded to the cent too).
  Figures that are not money (persons, FTE, counts, percentages) stay exactly as reported.
- Every later step is exact: changes, network totals and ranks use those figures; a change %
  (change x 100 / |before|) and a ratio are rounded once to the cent, half-even.
- No figure, no rate, or a zero to divide by: no result (None).

Two implementations of the same rules: `_kernel`, compiled from `_kernel.c` at install when a C
compiler is there (fixed point on 128-bit integers, no Python object per step), and the one
below on `decimal`, which runs where the extension is missing and for any block the extension
leaves alone (it returns None for an exponent, more than 36 digits or a result beyond 38).
tests/board/test_kernel.py holds them to the same text, value by value.

Every input is text, the amounts as PostgreSQL writes a numeric; every result is text as the
answer shows it (no exponent, no negative zero), the matrices as the answer's JSON rows.
"""

from __future__ import annotations

import decimal
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from functools import reduce
from itertools import compress, repeat
from operator import sub
from types import ModuleType
from typing import Any, TypeVar, cast

from msgspec.json import encode

from hub.board.grid import CENT, NAN, TO_CENTS, exact

T = TypeVar("T")

Texts = list[str | None]
Matrix = list[Texts]
Ranks = list[list[int | None]]
# A row as the answer's JSON, b'["1.50",null,"-2.00"]': the figures the arithmetic makes are
# written once, as the answer carries them, not made into thousands of Python strings first.
JsonRows = list[bytes]
# A row per entity, the periods compared (not the one before): the amounts as given; in EUR,
# in EUR to the cent, changes, changes to the cent and change % to the cent as JSON rows; ranks.
# Per period, the one before included: the sum, and the entities with no figure in EUR (their
# indices).
BlockResult = tuple[
    Matrix, JsonRows, JsonRows, JsonRows, JsonRows, JsonRows, Ranks, Texts, list[list[int]]
]

# +, - and x never round for figures of up to 100,000 digits (the API takes at most 28).
EXACT = decimal.Context(prec=100_000, rounding=decimal.ROUND_HALF_EVEN, traps=[])
# A quotient truncated with the last digit made odd-like when inexact ("round for reround"):
# rounded again to the cent, half-even, it gives the correctly rounded quotient, as long as it
# holds a digit beyond the cent (checked: `_rounded_quotients`).
REROUND = decimal.Context(prec=60, rounding=decimal.ROUND_05UP, traps=[])
WIDE_REROUND = decimal.Context(prec=100_000, rounding=decimal.ROUND_05UP, traps=[])
HUNDRED = Decimal(100)


def _compiled() -> ModuleType | None:
    try:
        from hub.board import _kernel  # type: ignore[attr-defined]
    except ImportError:
        return None
    return cast(ModuleType, _kernel)


COMPILED = _compiled()


def _to_cents(values: list[Decimal]) -> list[Decimal]:
    return list(map(EXACT.plus, map(TO_CENTS.quantize, values, repeat(CENT))))


def _rounded_quotients(tops: list[Decimal], bottoms: list[Decimal]) -> list[Decimal]:
    """top / bottom to the cent, rounded once (half-even); NaN or an infinity where nothing."""
    quotients = list(map(REROUND.divide, tops, bottoms))
    if max(map(Decimal.adjusted, quotients), default=0) > 50:  # fewer than 8 digits past cents
        quotients = list(map(WIDE_REROUND.divide, tops, bottoms))
    return _to_cents(quotients)


def _decimals(texts: list[str]) -> list[Decimal]:
    return list(map(Decimal, texts))


def _ranks(column: list[Decimal]) -> list[int | None]:
    """Competition ranking, highest first: 1, 2, 2, 4; None where there is no figure."""
    finite = list(map(Decimal.is_finite, column))
    present = column if all(finite) else list(compress(column, finite))
    ascending = sorted(present)
    ranks = map(sub, repeat(len(ascending) + 1), map(bisect_right, repeat(ascending), present))
    if present is column:
        return list(ranks)
    return [next(ranks) if ok else None for ok in finite]


def _rows(flat: list[T], width: int, count: int) -> list[list[T]]:
    return [flat[row * width : (row + 1) * width] for row in range(count)]


def python_block(texts: list[str], rates: list[str] | None, width: int) -> BlockResult:
    """`block` on `decimal`: the same rules, the same texts."""
    figures = _decimals(texts)
    eur = figures if rates is None else _rounded_quotients(figures, _decimals(rates))
    starts = range(0, len(eur), width)
    entities = len(starts)
    now = [v for start in starts for v in eur[start + 1 : start + width]]
    then = [v for start in starts for v in eur[start : start + width - 1]]
    given = [t for start in starts for t in texts[start + 1 : start + width]]
    changes = list(map(EXACT.subtract, now, then))
    hundredfold = list(map(EXACT.multiply, changes, repeat(HUNDRED)))
    percents = _rounded_quotients(hundredfold, list(map(EXACT.abs, then)))
    shown = width - 1
    rank_columns = [_ranks(now[j::shown]) for j in range(shown)]
    ranks: list[int | None] = [None] * len(now)
    for j, ranked in enumerate(rank_columns):
        ranks[j::shown] = ranked
    sums: list[Decimal] = []
    missing: list[list[int]] = []
    for j in range(width):
        every = eur[j::width]
        present = [v for v in every if v.is_finite()]
        sums.append(EXACT.plus(reduce(EXACT.add, present, Decimal(0))) if present else NAN)
        missing.append([e for e, v in enumerate(every) if not v.is_finite()])

    def json(values: list[Decimal]) -> JsonRows:
        return list(map(encode, _rows(exact(values), shown, entities)))

    return (
        _rows([None if t == "NaN" else t for t in given], shown, entities),
        json(now),
        json(_to_cents(now)),
        json(changes),
        json(_to_cents(changes)),
        json(percents),
        _rows(ranks, shown, entities),
        exact(sums),
        missing,
    )


def python_quotients(tops: Matrix, bottoms: Matrix, factor: str) -> Matrix:
    """`quotients` on `decimal`."""
    multiple = Decimal(factor)
    top = [NAN if t is None else EXACT.multiply(Decimal(t), multiple) for row in tops for t in row]
    bottom = [NAN if b is None else Decimal(b) for row in bottoms for b in row]
    found = exact(_rounded_quotients(top, bottom))
    widths = [len(row) for row in tops]
    rows, at = [], 0
    for width in widths:
        rows.append(found[at : at + width])
        at += width
    return rows


def python_place(
    blocks: Iterable[Sequence[Any]],
    kpis: Mapping[str, int],
    entities: Mapping[str, int],
    columns: Mapping[str, int],
) -> tuple[list[list[str]], list[Matrix]]:
    """`place` in Python."""
    rows, width = len(entities), len(columns)
    if width < 1:
        raise ValueError("columns: at least one")
    for index in kpis.values():
        if not 0 <= index < len(kpis):
            raise ValueError(f"KPI index {index} out of range [0, {len(kpis)})")
    texts: list[list[str]] = [["NaN"] * (rows * width) for _ in range(len(kpis))]
    marks: list[Matrix] = [[[None] * (width - 1) for _ in range(rows)] for _ in range(len(kpis))]
    for entity, period, lines in blocks:
        if entity not in entities:
            raise ValueError(f"unknown entity {entity!r}")
        if period not in columns:
            raise ValueError(f"unknown period {period!r}")
        if not isinstance(lines, str):
            raise TypeError("a block's lines: text")
        e, column = entities[entity], columns[period]
        for line in lines.split("\n"):
            if not line:
                continue
            fields = line.split("\t")
            if len(fields) != 3:
                raise ValueError(f"a figure's line is not kpi<TAB>amount<TAB>provenance: {line!r}")
            code, amount, provenance = fields
            k = kpis.get(code)
            if k is None:  # a KPI the comparison does not show
                continue
            texts[k][e * width + column] = amount
            if column:
                marks[k][e][column - 1] = provenance
    return texts, marks


def _dict(mapping: Mapping[str, int]) -> dict[str, int]:
    return mapping if isinstance(mapping, dict) else dict(mapping)


def place(
    blocks: Iterable[Sequence[Any]],
    kpis: Mapping[str, int],
    entities: Mapping[str, int],
    columns: Mapping[str, int],
) -> tuple[list[list[str]], list[Matrix]]:
    """Each block (entity, period, lines) put in the grids: `lines` holds one figure a line,
    "kpi<TAB>amount<TAB>provenance" (the database's kpi_block), the amount as text. The
    mappings give each KPI, entity and period its index (KPIs not in `kpis` are left out).
    Per KPI: the amounts of every entity's row one after the other, a column per period ("NaN"
    where there is none: `block`'s `texts`), and the provenances as rows without the first
    column."""
    if COMPILED is not None:
        placed = COMPILED.place(blocks, _dict(kpis), _dict(entities), _dict(columns))
        return cast(tuple[list[list[str]], list[Matrix]], placed)
    return python_place(blocks, kpis, entities, columns)


def block(texts: list[str], rates: list[str] | None, width: int) -> BlockResult:
    """One KPI's block: `texts` holds each entity's row of `width` amounts ("NaN": no figure),
    the first column being the period before the comparison. `rates`, for money only, holds the
    rate of each cell ("NaN": none; "1" in the group currency); None for other figures.
    The matrices are fresh lists (the caller may keep them); texts may be shared."""
    if COMPILED is not None:
        found = cast(BlockResult | None, COMPILED.block(texts, rates, width))
        if found is not None:
            return found
    return python_block(texts, rates, width)


def quotients(tops: Matrix, bottoms: Matrix, factor: str) -> Matrix:
    """top x factor / bottom to the cent, half-even, per pair; None where either is None or
    the bottom is zero. `tops` and `bottoms` are rows of exact texts (a block's `eur`)."""
    if COMPILED is not None:
        found = cast(Matrix | None, COMPILED.quotients(tops, bottoms, factor))
        if found is not None:
            return found
    return python_quotients(tops, bottoms, factor)
