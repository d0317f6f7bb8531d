"""Canonical JSON: RFC 8785's own examples, and amounts as decimal strings."""

from __future__ import annotations

import json
import struct
from decimal import Decimal

import pytest

from hub.federation.canonical import CanonicalError, canonical


def test_rfc8785_section_3_2_2_example() -> None:
    """The input and output of RFC 8785 §3.2.2 (whitespace, literals, numbers, strings)."""
    sent = r"""{
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
      "literals": [null, true, false]
    }"""
    expected = (
        r'{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
        r'"string":"€$\u000f\nA'
        "'"
        r'B\"\\\\\"/"}'
    )
    assert canonical(json.loads(sent)) == expected.encode("utf-8")


def test_rfc8785_section_3_2_3_sorts_keys_by_utf16_code_units() -> None:
    """§3.2.3: U+1F600 (surrogates D83D DE00) sorts before U+FB33, unlike by code points."""
    sent = json.loads(
        r"""{
          "\u20ac": "Euro Sign",
          "\r": "Carriage Return",
          "\ufb33": "Hebrew Letter Dalet With Dagesh",
          "1": "One",
          "\ud83d\ude00": "Emoji: Grinning Face",
          "\u0080": "Control",
          "\u00f6": "Latin Small Letter O With Diaeresis"
        }"""
    )
    keys = list(json.loads(canonical(sent)))
    assert keys == ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\U0001f600", "\ufb33"]


@pytest.mark.parametrize(
    ("bits", "text"),
    [
        # RFC 8785 Appendix B: IEEE 754 doubles and their serialisation.
        ("0000000000000000", "0"),
        ("8000000000000000", "0"),
        ("0000000000000001", "5e-324"),
        ("8000000000000001", "-5e-324"),
        ("7fefffffffffffff", "1.7976931348623157e+308"),
        ("ffefffffffffffff", "-1.7976931348623157e+308"),
        ("4340000000000000", "9007199254740992"),
        ("c340000000000000", "-9007199254740992"),
        ("4430000000000000", "295147905179352830000"),
        ("44b52d02c7e14af5", "9.999999999999997e+22"),
        ("44b52d02c7e14af6", "1e+23"),
        ("44b52d02c7e14af7", "1.0000000000000001e+23"),
        ("444b1ae4d6e2ef4e", "999999999999999700000"),
        ("444b1ae4d6e2ef4f", "999999999999999900000"),
        ("444b1ae4d6e2ef50", "1e+21"),
        ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
        ("3eb0c6f7a0b5ed8d", "0.000001"),
        ("41b3de4355555553", "333333333.3333332"),
        ("41b3de4355555554", "333333333.33333325"),
        ("41b3de4355555555", "333333333.3333333"),
        ("41b3de4355555556", "333333333.3333334"),
        ("41b3de4355555557", "333333333.33333343"),
        ("becbf647612f3696", "-0.0000033333333333333333"),
        ("43143ff3c1cb0959", "1424953923781206.2"),
    ],
)
def test_rfc8785_appendix_b_numbers(bits: str, text: str) -> None:
    (number,) = struct.unpack(">d", bytes.fromhex(bits))
    assert canonical([number]) == f"[{text}]".encode()


@pytest.mark.parametrize("bits", ["7fffffffffffffff", "7ff0000000000000", "fff0000000000000"])
def test_rfc8785_appendix_b_nan_and_infinity_have_no_json(bits: str) -> None:
    (number,) = struct.unpack(">d", bytes.fromhex(bits))
    with pytest.raises(CanonicalError, match="no canonical JSON"):
        canonical([number])


def test_amounts_are_decimal_strings_with_their_digits() -> None:
    value = {"b": Decimal("1234.50"), "a": [Decimal("1E+3"), Decimal("-0.01"), Decimal("7")]}
    assert canonical(value) == b'{"a":["1000","-0.01","7"],"b":"1234.50"}'


def test_an_amount_beyond_a_double_keeps_every_digit() -> None:
    amount = Decimal("12345678901234567.89")
    assert canonical({"amount": amount}) == b'{"amount":"12345678901234567.89"}'


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "-Infinity", "sNaN"])
def test_a_non_finite_amount_is_refused_with_its_place(amount: str) -> None:
    with pytest.raises(CanonicalError) as caught:
        canonical({"lines": [{"amount": Decimal("1")}, {"amount": Decimal(amount)}]})
    assert str(caught.value) == (
        f"$.lines[1].amount: {Decimal(amount)} is not an amount: only finite numbers are"
    )
