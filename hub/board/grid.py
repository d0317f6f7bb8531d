"""A matrix of figures (a row per entity, a column per period) kept as one flat list of their
exact texts, None where there is no figure.

The comparison's arithmetic (hub.board.kernel) answers in text, as the answer shows it: a grid
holds those texts, and its figures to the cent when the arithmetic gave them too, so that the
answer is the texts as they are. Decimals are made only for readers that ask for them
(`rows()`, `grid[row]`: the board pack, the tests).
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from itertools import repeat

Row = list[Decimal | None]
TextRow = list[str | None]

NAN = Decimal("NaN")
# Quantizing to the cent keeps every digit before the point (up to 1,000 of them).
TO_CENTS = decimal.Context(prec=1_000, rounding=decimal.ROUND_HALF_EVEN, traps=[])
CENT = Decimal("0.01")
# `str` of what stands for no figure, mapped to None by `dict.get(text, text)`.
NOTHING: dict[str, None] = {"NaN": None, "-NaN": None, "Infinity": None, "-Infinity": None}


def _split(flat: list[str | None], width: int) -> list[TextRow]:
    return [flat[start : start + width] for start in range(0, len(flat), width)] if width else []


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


class Grid:
    """`width` columns per row; `texts` holds the rows one after the other."""

    __slots__ = ("_cents", "texts", "width")

    def __init__(
        self, texts: list[str | None], width: int, cents: list[str | None] | None = None
    ) -> None:
        """`texts`: each figure exactly, without an exponent; `cents`: each to the cent, when
        the arithmetic gave them (else they are computed when asked for)."""
        self.texts = texts
        self.width = width
        self._cents = cents

    @classmethod
    def of_decimals(cls, flat: list[Decimal], width: int) -> Grid:
        """NaN and infinities are no figure."""
        return cls(exact(flat), width)

    @classmethod
    def of_rows(cls, rows: Sequence[Sequence[Decimal | None]], width: int) -> Grid:
        return cls.of_decimals([NAN if v is None else v for row in rows for v in row], width)

    def __len__(self) -> int:
        return len(self.texts) // self.width if self.width else 0

    def __getitem__(self, row: int) -> Row:
        start = row * self.width
        return list(map(_decimal, self.texts[start : start + self.width]))

    def __iter__(self) -> Iterator[Row]:
        return (self[row] for row in range(len(self)))

    def rows(self) -> list[Row]:
        return list(self)

    def __eq__(self, other: object) -> bool:
        """Equal when the figures are (12.5 equals 12.50)."""
        if not isinstance(other, Grid):
            return NotImplemented
        return self.width == other.width and self.rows() == other.rows()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Grid({self.rows()!r})"

    def cents(self) -> list[TextRow]:
        """Each figure to the cent, half-even, as text ("1234.50", "0.00"); None for none."""
        if self._cents is None:
            decimals = [NAN if t is None else Decimal(t) for t in self.texts]
            self._cents = cents(decimals)
        return _split(self._cents, self.width)

    def exact(self) -> list[TextRow]:
        """Each figure exactly as it is, without an exponent; None for none."""
        return _split(self.texts, self.width)


def cents(values: Iterable[Decimal]) -> list[str | None]:
    """To the cent, half-even, as text, zero without a sign; NaN and infinities (no figure) as
    None."""
    rounded = map(TO_CENTS.quantize, values, repeat(CENT))
    texts = list(map(str, map(TO_CENTS.plus, rounded)))
    return list(map(NOTHING.get, texts, texts))


def exact(values: list[Decimal]) -> list[str | None]:
    """Each value exactly, without an exponent, zero without a sign: `str`, and `format(v, "f")`
    where `str` writes one, as the Decimal scalar does (hub.api.scalars.plain_text, out of this
    layer's reach)."""
    plain = list(map(TO_CENTS.plus, values))
    texts = list(map(str, plain))
    found = list(map(NOTHING.get, texts, texts))
    if "E" in "".join(texts):  # rare (5.00E+6, 1E-7): one search over all of them
        pairs = zip(found, plain, strict=True)
        return [t if t is None or "E" not in t else format(v, "f") for t, v in pairs]
    return found
