from __future__ import annotations

import datetime as dt

import pytest

from hub.reporting.period import Period, PeriodError, parse_period

EXPECTED = "expected YYYY, YYYY-Qn or YYYY-MM (e.g. 2024, 2024-Q3, 2024-09)"


@pytest.mark.parametrize(
    ("text", "period", "start", "end"),
    [
        ("2024", Period(2024), dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
        ("2024-Q1", Period(2024, quarter=1), dt.date(2024, 1, 1), dt.date(2024, 3, 31)),
        ("2024-Q4", Period(2024, quarter=4), dt.date(2024, 10, 1), dt.date(2024, 12, 31)),
        ("2024-02", Period(2024, month=2), dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
    ],
)
def test_periods_and_their_calendar_bounds(
    text: str, period: Period, start: dt.date, end: dt.date
) -> None:
    assert parse_period(text) == period
    assert str(period) == text
    assert period.bounds() == (start, end)


def test_a_fiscal_year_starting_in_july() -> None:
    assert Period(2024).bounds(7) == (dt.date(2024, 7, 1), dt.date(2025, 6, 30))
    assert Period(2024, quarter=3).bounds(7) == (dt.date(2025, 1, 1), dt.date(2025, 3, 31))


def test_previous_periods() -> None:
    assert Period(2024).previous() == Period(2023)
    assert Period(2024, quarter=1).previous() == Period(2023, quarter=4)
    assert Period(2024, month=1).previous() == Period(2023, month=12)
    assert Period(2024, month=7).previous() == Period(2024, month=6)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "24",
            f"'24' is not a period: {EXPECTED}",
        ),
        (
            "2024-1",
            f"'2024-1' is not a period: {EXPECTED}",
        ),
        ("2024-00", "'2024-00': month must be 01 to 12"),
        ("2024-Q0", "'2024-Q0': quarter must be Q1 to Q4"),
        ("0024", "'0024': year 24 is out of range 1900..2200"),
    ],
)
def test_bad_periods_say_why(text: str, message: str) -> None:
    with pytest.raises(PeriodError) as raised:
        parse_period(text)
    assert str(raised.value) == message
