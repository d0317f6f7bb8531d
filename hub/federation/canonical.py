"""Canonical bytes of a JSON value: RFC 8785 (JSON Canonicalization Scheme).

Signatures and hashes are taken over these bytes, so the same value gives the same bytes in
every process. Money is never a JSON number here: a `Decimal` is written as a string in plain
notation with the digits it has (`Decimal("1234.50")` -> `"1234.50"`, `Decimal("1E+3")` ->
`"1000"`), so no amount goes through a binary float on either side. Other values go through
msgspec's builtins (structs -> objects, dates and times -> ISO 8601 strings, enums -> values).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import msgspec
import rfc8785


class CanonicalError(ValueError):
    """A value has no canonical JSON form; the message says where and why."""


def builtins(value: object) -> Any:
    """`value` as plain JSON values, Decimals written as canonical decimal strings."""
    return _decimals(msgspec.to_builtins(value, builtin_types=(Decimal,)), "$")


def canonical(value: object) -> bytes:
    """RFC 8785 bytes of `value` (structs, Decimals and dates allowed; see `builtins`)."""
    plain = builtins(value)
    try:
        return rfc8785.dumps(plain)
    except rfc8785.CanonicalizationError as error:
        raise CanonicalError(f"no canonical JSON for this value: {error}") from error


def decimal_text(amount: Decimal) -> str:
    """An amount's canonical text: plain notation, its digits kept (trailing zeros too)."""
    if not amount.is_finite():
        raise CanonicalError(f"{amount} is not an amount: only finite numbers are")
    return format(amount, "f")


def _decimals(value: Any, where: str) -> Any:
    if isinstance(value, Decimal):
        try:
            return decimal_text(value)
        except CanonicalError as error:
            raise CanonicalError(f"{where}: {error}") from None
    if isinstance(value, dict):
        return {key: _decimals(item, f"{where}.{key}") for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_decimals(item, f"{where}[{index}]") for index, item in enumerate(value)]
    return value
