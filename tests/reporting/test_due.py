"""Deadlines, the due periods and the status a report shows against its deadline."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from hub.registry.load import ConfigError
from hub.reporting.due import (
    After,
    Deadlines,
    KindDeadlines,
    ReportingState,
    due_date,
    due_periods,
    state,
)
from hub.reporting.model import Dataset, Status
from hub.reporting.period import Period, parse_period
from hub.reporting.rules import load_reporting_rules

CONFIG = Path(__file__).resolve().parents[2] / "config" / "reporting.toml"


def test_a_year_is_due_four_months_after_its_end() -> None:
    assert due_date(Period(2024), 1, After(months=4)) == dt.date(2025, 4, 30)
    assert due_date(Period(2024, quarter=1), 1, After(months=1)) == dt.date(2024, 4, 30)
    assert due_date(Period(2024, quarter=4), 1, After(months=1, days=15)) == dt.date(2025, 2, 15)
    assert due_date(Period(2024, month=1), 1, After(days=20)) == dt.date(2024, 2, 20)
    # A fiscal year from July: 2024 runs to 30 June 2025.
    assert due_date(Period(2024), 7, After(months=4)) == dt.date(2025, 10, 31)
    assert due_date(Period(2024, quarter=3), 7, After(months=1)) == dt.date(2025, 4, 30)


def test_the_configured_deadlines() -> None:
    deadlines = load_reporting_rules(CONFIG).deadlines
    assert deadlines.of(Dataset.STATEMENTS, Period(2025)) == After(months=4)
    assert deadlines.of(Dataset.KPI, Period(2025)) == After(months=4)
    assert deadlines.of(Dataset.STATEMENTS, Period(2025, quarter=2)) == After(months=1)
    assert deadlines.of(Dataset.KPI, Period(2025, quarter=2)) is None
    assert deadlines.of(Dataset.KPI, Period(2025, month=2)) is None


def test_a_deadline_with_an_unknown_key_is_refused(tmp_path: Path) -> None:
    text = CONFIG.read_text(encoding="utf-8").replace(
        "kpi.year = { months = 4 }", "kpi.year = { weeks = 4 }"
    )
    path = tmp_path / "reporting.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load_reporting_rules(path)
    assert "weeks" in str(refused.value)


YEARLY_AND_QUARTERLY = Deadlines(
    statements=KindDeadlines(year=After(months=4), quarter=After(months=1)),
    kpi=KindDeadlines(year=After(months=4)),
)


def test_the_due_periods_are_two_fiscal_years_and_the_begun_quarters() -> None:
    due = due_periods(dt.date(2026, 5, 10), 1, YEARLY_AND_QUARTERLY)
    assert [str(p) for p in due] == ["2025", "2026", "2026-Q1", "2026-Q2"]
    yearly = Deadlines(kpi=KindDeadlines(year=After(months=4)))
    assert [str(p) for p in due_periods(dt.date(2026, 1, 1), 1, yearly)] == ["2025", "2026"]
    # From July: on 10 May 2026 the current fiscal year is 2025 (July 2025 to June 2026).
    assert [str(p) for p in due_periods(dt.date(2026, 5, 10), 7, YEARLY_AND_QUARTERLY)] == [
        "2024",
        "2025",
        "2025-Q1",
        "2025-Q2",
        "2025-Q3",
        "2025-Q4",
    ]
    monthly = Deadlines(kpi=KindDeadlines(month=After(days=20)))
    assert [str(p) for p in due_periods(dt.date(2026, 3, 1), 1, monthly)] == [
        "2025",
        "2026",
        "2026-01",
        "2026-02",
        "2026-03",
    ]
    assert parse_period("2026-03") in due_periods(dt.date(2026, 3, 1), 1, monthly)


@pytest.mark.parametrize(
    ("status", "today", "expected"),
    [
        (None, dt.date(2025, 4, 30), ReportingState.NOT_STARTED),
        (None, dt.date(2025, 5, 1), ReportingState.OVERDUE),
        (Status.DRAFT, dt.date(2025, 4, 30), ReportingState.DRAFT),
        (Status.DRAFT, dt.date(2025, 5, 1), ReportingState.OVERDUE),
        (Status.SUBMITTED, dt.date(2025, 5, 1), ReportingState.SUBMITTED),
        (Status.APPROVED, dt.date(2026, 1, 1), ReportingState.APPROVED),
        (Status.LOCKED, dt.date(2026, 1, 1), ReportingState.LOCKED),
    ],
)
def test_overdue_means_not_submitted_after_the_deadline(
    status: Status | None, today: dt.date, expected: ReportingState
) -> None:
    assert state(status, dt.date(2025, 4, 30), today) is expected


def test_without_a_deadline_nothing_is_overdue() -> None:
    assert state(None, None, dt.date(2100, 1, 1)) is ReportingState.NOT_STARTED
    assert state(Status.DRAFT, None, dt.date(2100, 1, 1)) is ReportingState.DRAFT
