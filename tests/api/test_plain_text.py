"""The Decimal scalar's fast text is Decimal's own `format(v, "f")`, exponents included."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from hub.api.scalars import plain_text

exponents = st.sampled_from([Decimal(t) for t in ("5.00E+6", "1E-7", "0E-10", "-0.00", "1E+3")])


@given(st.decimals(allow_nan=False, allow_infinity=False) | exponents)
def test_plain_text_is_decimals_own_fixed_point(value: Decimal) -> None:
    # 5.00E+6 -> "5000000", 1E-7 -> "0.0000001": never an exponent, never a digit lost
    assert plain_text(value) == format(value, "f")
