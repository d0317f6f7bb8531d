"""A matrix of figures (a row per entity, a column per period) as the answer carries them: a
row is the JSON of its figures' exact texts, b'["1.50",null,"-2.00"]' (null: no figure).

The comparison's arithmetic (hub.board.kernel) writes its results that way, and the GraphQL
answer embeds them as they are (`msgspec.Raw`): thousands of figures are never made into Python
strings only to be encoded again. Readers that want values get them decoded: `exact()` and
`cents()` as texts, `rows()` and `grid[row]` as decimals (the board pack, the tests).
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from itertools import repeat

from msgspec import Raw
from msgspec.json import Decoder, encode

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


def _json(rows: list[bytes]) -> Raw:
    return Raw(b"[" + b",".join(rows) + b"]")


class Grid:
    """`rows`: a JSON row per entity of each figure's exact text, without an exponent;
    `cents_rows`: the same to the cent, when the arithmetic wrote them (else computed when asked
    for)."""

    __slots__ = ("_cents", "json_rows")

    def __init__(self, rows: list[bytes], cents_rows: list[bytes] | None = None) -> None:
        self.json_rows = rows
        self._cents = cents_rows

    @classmethod
    def of_texts(cls, rows: Sequence[Sequence[str | None]]) -> Grid:
        return cls(list(map(encode, rows)))

    @classmethod
    def of_rows(cls, rows: Sequence[Sequence[Decimal | None]]) -> Grid:
        """NaN and infinities are no figure."""
        return cls.of_texts([exact([NAN if v is None else v for v in row]) for row in rows])

    def __len__(self) -> int:
        return len(self.json_rows)

    def __getitem__(self, row: int) -> Row:
        return list(map(_decimal, _TEXTS.decode(self.json_rows[row])))

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

    def _cents_rows(self) -> list[bytes]:
        if self._cents is None:
            self._cents = [
                encode(cents([NAN if t is None else Decimal(t) for t in row]))
                for row in self.exact()
            ]
        return self._cents

    def exact(self) -> list[TextRow]:
        """Each figure exactly as it is, without an exponent; None for none."""
        return list(map(_TEXTS.decode, self.json_rows))

    def cents(self) -> list[TextRow]:
        """Each figure to the cent, half-even, as text ("1234.50", "0.00"); None for none."""
        return list(map(_TEXTS.decode, self._cents_rows()))

    def exact_json(self) -> Raw:
        """`exact()` as the answer's JSON."""
        return _json(self.json_rows)

    def cents_json(self) -> Raw:
        """`cents()` as the answer's JSON."""
        return _json(self._cents_rows())

    def row_exact_json(self, row: int) -> Raw:
        return Raw(self.json_rows[row])

    def row_cents_json(self, row: int) -> Raw:
        return Raw(self._cents_rows()[row])


_TEXTS = Decoder(list[str | None])


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
