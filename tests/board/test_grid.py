"""The flat grid the comparison computes on: NaN and infinities are "no figure" at every edge,
text to the cent is half-even and never has an exponent, exact text keeps every digit."""

from __future__ import annotations

from decimal import Decimal

from hub.board.grid import ARITHMETIC, NAN, Grid


def test_rows_and_text_read_nan_and_infinities_as_no_figure() -> None:
    # 1 / 0 and 0 / 0 in the comparison's context: an infinity and NaN, never an exception
    infinity = ARITHMETIC.divide(Decimal(1), Decimal(0))
    undefined = ARITHMETIC.divide(Decimal(0), Decimal(0))
    grid = Grid([Decimal("10.125"), NAN, infinity, undefined, Decimal("-0.004"), Decimal(3)], 3)
    assert grid.rows() == [[Decimal("10.125"), None, None], [None, Decimal("-0.004"), Decimal(3)]]
    assert grid[1] == [None, Decimal("-0.004"), Decimal(3)]
    # half-even: 10.125 -> 10.12; -0.004 -> -0.00 as format(v, ".2f") writes it
    assert grid.cents() == [["10.12", None, None], [None, "-0.00", "3.00"]]
    assert grid.exact() == [["10.125", None, None], [None, "-0.004", "3"]]


def test_exact_text_never_has_an_exponent() -> None:
    grid = Grid([Decimal("5.00E+6"), Decimal("1E-7"), Decimal("12.50")], 3)
    assert grid.exact() == [["5000000", "0.0000001", "12.50"]]
    assert grid.cents() == [["5000000.00", "0.00", "12.50"]]


def test_cents_keep_every_digit_of_a_long_number() -> None:
    # 31 digits: beyond the 28 of Python's default context, still to the cent
    assert Grid([Decimal("123456789012345678901234567.895")], 1).cents() == [
        ["123456789012345678901234567.90"]
    ]


def test_grids_are_equal_when_their_rows_are() -> None:
    # NaN is never equal to itself; two grids with no figure in the same place are
    assert Grid([NAN, Decimal(1)], 2) == Grid.of_rows([[None, Decimal("1.0")]], 2)
    assert Grid([NAN, Decimal(1)], 2) != Grid([Decimal(0), Decimal(1)], 2)
    assert Grid([], 0).rows() == []
    assert Grid([], 0).cents() == []
