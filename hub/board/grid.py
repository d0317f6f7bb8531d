"""A matrix of figures (a row per entity, a column per period) as their exact texts, None
where there is no figure.

The comparison's arithmetic (hub.board.kernel) answers in text, as the answer shows it, and in
rows, as the answer is shaped: a grid holds those rows, and its figures to the cent when the
arithmetic gave them too, so that the answer is the rows as they are. Decimals are made only
for readers that ask for them (`rows()`, `grid[row]`: the board pack, the tests).
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


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


class Grid:
    """`texts`: a row per entity of each figure's exact text, without an exponent; `given_cents`:
    the same to the cent, when the arithmetic gave them (else computed when asked for). The
    rows are the answer's: read them, do not change them."""

    __slots__ = ("_cents", "texts")

    def __init__(self, texts: list[TextRow], given_cents: list[TextRow] | None = None) -> None:
        self.texts = texts
        self._cents = given_cents

    @classmethod
    def of_rows(cls, rows: Sequence[Sequence[Decimal | None]]) -> Grid:
        """NaN and infinities are no figure."""
        return cls([exact([NAN if v is None else v for v in row]) for row in rows])

    def __len__(self) -> int:
        return len(self.texts)

    def __getitem__(self, row: int) -> Row:
        return list(map(_decimal, self.texts[row]))

    def __iter__(self) -> Iterator[Row]:
        return (self[row] for row in range(len(self)))

    def rows(self) -> list[Row]:
        return list(self)

    def __eq__(self, other: object) -> bool:
        """Equal when the figures are (12.5 equals 12.50)."""
        if not isinstance(other, Grid):
            return NotImplemented
        return self.rows() == other.rows()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Grid({self.rows()!r})"

    def cents(self) -> list[TextRow]:
        """Each figure to the cent, half-even, as text ("1234.50", "0.00"); None for none."""
        if self._cents is None:
            self._cents = [
                cents([NAN if t is None else Decimal(t) for t in row]) for row in self.texts
            ]
        return self._cents

    def exact(self) -> list[TextRow]:
        """Each figure exactly as it is, without an exponent; None for none."""
        return self.texts


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
