"""The break-even projection, without a database."""

from __future__ import annotations

from decimal import Decimal

from hub.breakeven.calc import Status, project


def results(*pairs: tuple[int, int]) -> list[tuple[int, Decimal]]:
    return [(year, Decimal(amount)) for year, amount in pairs]


def test_on_track_when_the_trend_reaches_zero_by_the_target() -> None:
    # slope of -420k, -330k, -190k, -70k over 2021-2024: +119,000 a year (least squares);
    # the line crosses zero during 2025
    projection = project(
        results((2021, -420_000), (2022, -330_000), (2023, -190_000), (2024, -70_000)), 2025, None
    )
    assert projection.status is Status.ON_TRACK
    assert projection.projected_year == 2025
    assert projection.slope == Decimal(119_000)
    assert projection.reason == (
        "operating result from -420,000 EUR (2021) to -70,000 EUR (2024), trend +119,000 EUR "
        "a year: break-even projected in 2025; the target 2025"
    )


def test_off_track_when_the_results_do_not_improve() -> None:
    projection = project(results((2023, -180_000), (2024, -260_000)), None, "Action plan")
    assert projection.status is Status.OFF_TRACK
    assert projection.reason == (
        "operating result from -180,000 EUR (2023) to -260,000 EUR (2024), trend -80,000 EUR "
        "a year: not improving; Action plan"
    )


def test_slow_improvement_is_at_risk_then_off_track() -> None:
    slow = project(results((2023, -100_000), (2024, -60_000)), 2024, None)
    assert (slow.status, slow.projected_year) == (Status.AT_RISK, 2026)
    crawl = project(
        results((2021, -260_000), (2022, -240_000), (2023, -250_000), (2024, -230_000)),
        None,
        "Action plan",
    )
    assert crawl.status is Status.OFF_TRACK
    assert crawl.projected_year is not None
    assert crawl.projected_year > 2030


def test_reached_and_unknown() -> None:
    assert project(results((2023, -5), (2024, 10)), 2025, None).status is Status.REACHED
    none = project([], 2025, None)
    assert (none.status, none.reason) == (Status.AT_RISK, "no approved operating result yet")
