"""Rounding happens once, when a figure is shown: to the cent, half-even."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

CENT = Decimal("0.01")


def present(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_EVEN)


def present_optional(amount: Decimal | None) -> Decimal | None:
    return None if amount is None else present(amount)
