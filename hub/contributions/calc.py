"""The contribution arithmetic, pure: rules in force over a period, expected contribution of a
component on its base, and the gap with what was booked.

A rule applies from its first day: over a period that a rule change cuts in two, each rule
applies to its share of the days (pro rata temporis) when only the period's total base is
known; a month or quarter inside one rule's validity takes that rule whole.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

import msgspec

from hub.registry.model import ContributionComponent, ContributionRule

HUNDRED = Decimal(100)


class Segment(msgspec.Struct, frozen=True):
    rule: ContributionRule
    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def segments(rules: Sequence[ContributionRule], start: dt.date, end: dt.date) -> list[Segment]:
    """The parts of [start, end] each rule covers, in order; days no rule covers are left out."""
    found = []
    for rule in sorted(rules, key=lambda r: r.valid_from):
        first = max(start, rule.valid_from)
        last = min(end, rule.valid_to or end)
        if first <= last:
            found.append(Segment(rule, first, last))
    return found


class Expected(msgspec.Struct, frozen=True, kw_only=True):
    component: str
    base: str
    base_amount: Decimal | None
    rate_percent: Decimal | None  # the effective (day-weighted) rate, when computable
    expected: Decimal | None
    method: str
    computable: bool
    illustrative: bool


def _component_rate(
    component: ContributionComponent, rule: ContributionRule
) -> tuple[Decimal | None, str]:
    if component.rate_percent is not None:
        return component.rate_percent, f"{component.rate_percent} %"
    if len(rule.components) == 1 and rule.published_rate_percent is not None:
        return (
            rule.published_rate_percent,
            f"{rule.published_rate_percent} % (the published average of the rates by "
            f"{component.by}; the base by {component.by} is not reported)",
        )
    return None, f"rates by {component.by}: the base by {component.by} is not reported"


def expected(
    name: str,
    base: str,
    base_amount: Decimal | None,
    parts: Sequence[Segment],
    total_days: int,
) -> Expected:
    """The contribution a component's rules make due on a base over the period."""
    components = [
        (segment, next(c for c in segment.rule.components if c.name == name)) for segment in parts
    ]
    illustrative = any(component.illustrative for _, component in components)
    if base_amount is None:
        return Expected(
            component=name,
            base=base,
            base_amount=None,
            rate_percent=None,
            expected=None,
            method=f"the base {base} is not reported",
            computable=False,
            illustrative=illustrative,
        )
    weighted = Decimal(0)
    described = []
    for segment, component in components:
        rate, text = _component_rate(component, segment.rule)
        if rate is None:
            return Expected(
                component=name,
                base=base,
                base_amount=base_amount,
                rate_percent=None,
                expected=None,
                method=text,
                computable=False,
                illustrative=illustrative,
            )
        weighted += rate * segment.days / total_days
        described.append(
            text
            if len(components) == 1
            else f"{text} from {segment.start} to {segment.end} ({segment.days} days)"
        )
    covered = sum(segment.days for segment, _ in components)
    method = "; ".join(described)
    if len(components) > 1:
        method = f"pro rata temporis: {method}"
    if covered < total_days:
        method += f"; {total_days - covered} days without a rule"
    return Expected(
        component=name,
        base=base,
        base_amount=base_amount,
        rate_percent=weighted,
        expected=base_amount * weighted / HUNDRED,
        method=method,
        computable=True,
        illustrative=illustrative,
    )


class Gap(msgspec.Struct, frozen=True, kw_only=True):
    booked: Decimal | None
    amount: Decimal | None  # booked - expected
    percent: Decimal | None  # of the expected
    flagged: bool


def gap(expected_amount: Decimal | None, booked: Decimal | None, tolerance: Decimal) -> Gap:
    if expected_amount is None or booked is None:
        return Gap(booked=booked, amount=None, percent=None, flagged=False)
    difference = booked - expected_amount
    percent = None if expected_amount == 0 else difference / expected_amount * HUNDRED
    return Gap(
        booked=booked, amount=difference, percent=percent, flagged=abs(difference) > tolerance
    )
