"""The `Decimal` scalar: exact numbers as strings, so that no float ever touches an amount."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import strawberry
from strawberry.types.scalar import ScalarDefinition

from graphql import FloatValueNode, IntValueNode, StringValueNode, ValueNode

_DECIMAL = re.compile(r"^-?\d+(\.\d+)?$")
# No amount of the hub needs more (PostgreSQL's numeric would take 131,072 digits, and a
# million-digit string would be parsed, validated and echoed before anything refused it).
MAX_DIGITS = 28


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:37]}..."


def parse_decimal(value: object) -> Decimal:
    if isinstance(value, bool):
        raise ValueError(f"{value} is not a number")
    if isinstance(value, int):
        if abs(value) >= 10**MAX_DIGITS:
            raise ValueError(f"a number of more than {MAX_DIGITS} digits: too large for an amount")
        return Decimal(value)
    if isinstance(value, float):
        raise ValueError(
            f"{value} was sent as a JSON number with a fraction; send amounts as strings, "
            f'e.g. "{value}", so that they stay exact'
        )
    if isinstance(value, str) and len(value) > MAX_DIGITS + 8:
        raise ValueError(
            f"a number of {len(value):,} characters: amounts have at most {MAX_DIGITS} digits"
        )
    if isinstance(value, str) and _DECIMAL.match(value.strip()):
        return Decimal(value.strip())
    raise ValueError(
        f"{_shown(value)} is not a number: expected digits with an optional '.' fraction"
    )


def _parse_literal(node: ValueNode, _variables: Any = None) -> Decimal:
    if isinstance(node, StringValueNode):
        return parse_decimal(node.value)
    if isinstance(node, IntValueNode):
        if len(node.value) > MAX_DIGITS + 1:
            raise ValueError(f"a number of more than {MAX_DIGITS} digits: too large for an amount")
        return parse_decimal(int(node.value))
    if isinstance(node, FloatValueNode):
        return parse_decimal(float(node.value))
    raise ValueError('a decimal is given as a string, e.g. "5985000.00"')


def plain_text(value: Decimal) -> str:
    """The exact decimal without an exponent: `str` is four times faster than `format(v, "f")`
    and agrees with it except where it would write an exponent (5.00E+6, 1E-7)."""
    if type(value) is Decimal:
        text = str(value)
        if "E" not in text:
            return text
    return format(value, "f")


DecimalScalar = strawberry.scalar(
    name="Decimal",
    description=(
        'An exact decimal number, read and written as a string such as "5985000.00". '
        "Whole JSON numbers are accepted on input; numbers with a fraction are refused."
    ),
    serialize=plain_text,
    parse_value=parse_decimal,
    parse_literal=_parse_literal,
)


def _as_is(value: object) -> object:
    """The resolvers give these scalars their final form (decimal strings): serialising them
    again would cost a Python call per value."""
    return value


def _output_only(value: object) -> object:
    raise ValueError("this scalar is output only")


def _bulk(name: str, description: str) -> ScalarDefinition:
    return strawberry.scalar(
        name=name, description=description, serialize=_as_is, parse_value=_output_only
    )


# Bulk figures travel as lists (and lists of lists) inside one scalar: thousands of values
# cost one GraphQL completion per field instead of one per value.
DecimalListScalar = _bulk(
    "DecimalList", "A list of exact decimals as strings (null where there is no figure)."
)
IntListScalar = _bulk("IntList", "A list of integers (null where there is none).")
DecimalMatrixScalar = _bulk(
    "DecimalMatrix", "Rows of exact decimals as strings (null where there is no figure)."
)
IntMatrixScalar = _bulk("IntMatrix", "Rows of integers (null where there is none).")
StringListScalar = _bulk("StringList", "A list of strings (null where there is none).")
StringMatrixScalar = _bulk("StringMatrix", "Rows of strings (null where there is none).")
