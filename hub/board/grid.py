"""A matrix of decimals (a row per entity, a column per period) kept as one flat list, with
NaN where there is no figure.

The comparison works on thousands of values per request. Kept flat, a whole matrix goes
through each step of the arithmetic and of the formatting as one `map` over a C-level decimal
operation (`Context.divide`, `Context.quantize`, `str`), with no Python bytecode per value;
NaN, which every decimal operation carries through without raising in `ARITHMETIC`'s context,
stands for "no figure" all along, and becomes None (null) only at the edges: `rows()` for
Python readers, `cents()` and `exact()` for the answer's text.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from itertools import repeat

Row = list[Decimal | None]
TextRow = list[str | None]

NAN = Decimal("NaN")
# Python's default precision and rounding (what `a / b` gives), but nothing raises: a division
# by zero gives an infinity and anything involving NaN gives NaN, both read as "no figure".
ARITHMETIC = decimal.Context(prec=28, rounding=decimal.ROUND_HALF_EVEN, traps=[])
# Quantizing to the cent keeps every digit before the point (up to 1,000 of them).
TO_CENTS = decimal.Context(prec=1_000, rounding=decimal.ROUND_HALF_EVEN, traps=[])
CENT = Decimal("0.01")
# `str` of what stands for no figure, mapped to None by `dict.get(text, text)`.
NOTHING: dict[str, None] = {"NaN": None, "-NaN": None, "Infinity": None, "-Infinity": None}


def _split(flat: list[str | None], width: int) -> list[TextRow]:
    return [flat[start : start + width] for start in range(0, len(flat), width)] if width else []


class Grid:
    """`width` columns per row; `flat` holds the rows one after the other."""

    __slots__ = ("flat", "texts", "width")

    def __init__(
        self, flat: list[Decimal], width: int, texts: list[str | None] | None = None
    ) -> None:
        """`texts`: each value's exact text when it is known already (as PostgreSQL wrote it)."""
        self.flat = flat
        self.width = width
        self.texts = texts

    @classmethod
    def of_rows(cls, rows: Sequence[Sequence[Decimal | None]], width: int) -> Grid:
        return cls([NAN if v is None else v for row in rows for v in row], width)

    def __len__(self) -> int:
        return len(self.flat) // self.width if self.width else 0

    def __getitem__(self, row: int) -> Row:
        start = row * self.width
        return [v if v.is_finite() else None for v in self.flat[start : start + self.width]]

    def __iter__(self) -> Iterator[Row]:
        return (self[row] for row in range(len(self)))

    def rows(self) -> list[Row]:
        return list(self)

    def __eq__(self, other: object) -> bool:
        """Equal when the rows are: NaN is never equal to itself, "no figure" is."""
        if not isinstance(other, Grid):
            return NotImplemented
        return self.width == other.width and self.rows() == other.rows()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Grid({self.rows()!r})"

    def cents(self) -> list[TextRow]:
        """Each value to the cent, half-even, as text ("1234.50", "-0.00"); None for none."""
        return _split(cents(self.flat), self.width)

    def exact(self) -> list[TextRow]:
        """Each value exactly as it is, without an exponent; None for none."""
        return _split(exact(self.flat) if self.texts is None else self.texts, self.width)


def cents(values: Iterable[Decimal]) -> list[str | None]:
    """To the cent, half-even, as text; NaN and infinities (no figure) as None."""
    texts = list(map(str, map(TO_CENTS.quantize, values, repeat(CENT))))
    return list(map(NOTHING.get, texts, texts))


def exact(values: list[Decimal]) -> list[str | None]:
    """Each value exactly, without an exponent: `str`, and `format(v, "f")` where `str` writes
    one, as the Decimal scalar does (hub.api.scalars.plain_text, out of this layer's reach)."""
    texts = list(map(str, values))
    found = list(map(NOTHING.get, texts, texts))
    if "E" in "".join(texts):  # rare (5.00E+6, 1E-7): one search over all of them
        pairs = zip(found, values, strict=True)
        return [t if t is None or "E" not in t else format(v, "f") for t, v in pairs]
    return found
