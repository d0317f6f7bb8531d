"""The grid the comparison answers with: exact texts, None for no figure; NaN and infinities of
decimals are "no figure"; text to the cent is half-even, never has an exponent or a negative
zero; exact text keeps every digit."""

from __future__ import annotations

import decimal
from decimal import Decimal

from hub.board.grid import NAN, Grid

QUIET = decimal.Context(traps=[])


def test_rows_and_text_read_nan_and_infinities_as_no_figure() -> None:
    # 1 / 0 and 0 / 0 with nothing trapped: an infinity and NaN
    infinity = QUIET.divide(Decimal(1), Decimal(0))
    undefined = QUIET.divide(Decimal(0), Decimal(0))
    grid = Grid.of_rows(
        [[Decimal("10.125"), NAN, infinity], [undefined, Decimal("-0.004"), Decimal(3)]]
    )
    assert grid.rows() == [[Decimal("10.125"), None, None], [None, Decimal("-0.004"), Decimal(3)]]
    assert grid[1] == [None, Decimal("-0.004"), Decimal(3)]
    # half-even: 10.125 -> 10.12; -0.004 -> 0.00, a zero without a sign
    assert grid.cents() == [["10.12", None, None], [None, "0.00", "3.00"]]
    assert grid.exact() == [["10.125", None, None], [None, "-0.004", "3"]]


def test_exact_text_never_has_an_exponent_or_a_negative_zero() -> None:
    grid = Grid.of_rows([[Decimal("5.00E+6"), Decimal("1E-7"), Decimal("12.50"), Decimal("-0.00")]])
    assert grid.exact() == [["5000000", "0.0000001", "12.50", "0.00"]]
    assert grid.cents() == [["5000000.00", "0.00", "12.50", "0.00"]]


def test_cents_keep_every_digit_of_a_long_number() -> None:
    # 31 digits: beyond the 28 of Python's default context, still to the cent
    assert Grid.of_rows([[Decimal("123456789012345678901234567.895")]]).cents() == [
        ["123456789012345678901234567.90"]
    ]


def test_cents_given_by_the_arithmetic_are_the_answer() -> None:
    grid = Grid([b'["12.5",null,"7.125"]'], [b'["12.50",null,"7.12"]'])
    assert grid.cents() == [["12.50", None, "7.12"]]
    assert grid.exact() == [["12.5", None, "7.125"]]
    assert grid.rows() == [[Decimal("12.5"), None, Decimal("7.125")]]
    # as the answer carries them: the JSON written once
    assert bytes(grid.cents_json()) == b'[["12.50",null,"7.12"]]'
    assert bytes(grid.row_exact_json(0)) == b'["12.5",null,"7.125"]'


def test_grids_are_equal_when_their_figures_are() -> None:
    # NaN is never equal to itself; two grids with no figure in the same place are
    assert Grid.of_rows([[NAN, Decimal(1)]]) == Grid.of_rows([[None, Decimal("1.0")]])
    assert Grid.of_texts([["12.5"]]) == Grid.of_texts([["12.50"]])
    assert Grid.of_texts([[None, "1"]]) != Grid.of_texts([["0", "1"]])
    assert Grid([]).rows() == []
    assert Grid([]).cents() == []
