"""Break-even arithmetic, pure: a least-squares trend through the recent operating results,
the year it reaches zero, and a status with its reason.

Statuses (most recent year first):
- reached: the latest operating result is zero or better;
- on track: the trend reaches zero by the target year;
- at risk: the trend improves but reaches zero after the target year (or, with no target,
  within the horizon);
- off track: the trend does not improve, or reaches zero beyond the horizon.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from enum import StrEnum

import msgspec

HORIZON = 3  # years after the target (or after the latest year) still counted as "at risk"
WINDOW = 4  # the trend uses at most this many latest years
METHOD = (
    f"ordinary least squares over the last {WINDOW} years' operating results in EUR (each year "
    "at its average rate); break-even is the first year the fitted line is at zero or above"
)


class Status(StrEnum):
    REACHED = "reached"
    ON_TRACK = "on track"
    AT_RISK = "at risk"
    OFF_TRACK = "off track"


class Projection(msgspec.Struct, frozen=True, kw_only=True):
    slope: Decimal | None  # EUR per year
    projected_year: int | None
    status: Status
    reason: str


def _fmt(amount: Decimal) -> str:
    return f"{amount:,.0f}"


def project(
    results: Sequence[tuple[int, Decimal]], target: int | None, plan: str | None
) -> Projection:
    """`results`: (year, operating result in EUR), any order."""
    points = sorted(results)[-WINDOW:]
    if not points:
        return Projection(
            slope=None,
            projected_year=None,
            status=Status.AT_RISK,
            reason="no approved operating result yet",
        )
    latest_year, latest = points[-1]
    goal = f"the target {target}" if target is not None else (plan or "no target year")
    if latest >= 0:
        return Projection(
            slope=None,
            projected_year=latest_year,
            status=Status.REACHED,
            reason=f"operating result {_fmt(latest)} EUR in {latest_year}",
        )
    if len(points) < 2:
        return Projection(
            slope=None,
            projected_year=None,
            status=Status.AT_RISK,
            reason=(
                f"one year of results ({_fmt(latest)} EUR in {latest_year}): no trend yet; {goal}"
            ),
        )
    n = Decimal(len(points))
    zero_sum = Decimal(0)
    mean_x = sum((Decimal(x) for x, _ in points), zero_sum) / n
    mean_y = sum((y for _, y in points), zero_sum) / n
    spread = sum(((Decimal(x) - mean_x) ** 2 for x, _ in points), zero_sum)
    slope = sum(((Decimal(x) - mean_x) * (y - mean_y) for x, y in points), zero_sum) / spread
    first, last = points[0], points[-1]
    movement = (
        f"operating result from {_fmt(first[1])} EUR ({first[0]}) to {_fmt(last[1])} EUR "
        f"({last[0]}), trend {'+' if slope >= 0 else ''}{_fmt(slope)} EUR a year"
    )
    if slope <= 0:
        return Projection(
            slope=slope,
            projected_year=None,
            status=Status.OFF_TRACK,
            reason=f"{movement}: not improving; {goal}",
        )
    intercept = mean_y - slope * mean_x
    zero = -intercept / slope
    year = max(latest_year + 1, math.ceil(zero))
    if target is not None and year <= target:
        status = Status.ON_TRACK
    elif year <= (target if target is not None else latest_year) + HORIZON:
        status = Status.AT_RISK
    else:
        status = Status.OFF_TRACK
    return Projection(
        slope=slope,
        projected_year=year,
        status=status,
        reason=f"{movement}: break-even projected in {year}; {goal}",
    )
