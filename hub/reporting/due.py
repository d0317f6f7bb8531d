"""What is due and when: deadlines from `config/reporting.toml` and the status a report shows
against its deadline. Pure; `today` is always given.

The periods a team is asked about when it names none ("due periods"): its previous and current
fiscal years, and the quarters and months of the current fiscal year that have begun, each only
when some dataset has a deadline for that kind of period; plus any other period of those two
fiscal years for which the entity already has a report.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

import msgspec

from hub.reporting.model import Dataset, Status
from hub.reporting.period import Period

NonNegative = Annotated[int, msgspec.Meta(ge=0)]


class PeriodKind(StrEnum):
    YEAR = "year"
    QUARTER = "quarter"
    MONTH = "month"


class After(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """A deadline: this long after the period's last day. Months count from the day after it,
    so a year ending 31 December with `months = 4` is due 30 April."""

    months: NonNegative = 0
    days: NonNegative = 0


class KindDeadlines(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """A dataset's deadline per kind of period; a kind without one is not asked for."""

    year: After | None = None
    quarter: After | None = None
    month: After | None = None

    def of(self, kind: PeriodKind) -> After | None:
        deadline: After | None = getattr(self, kind.value)
        return deadline


class Deadlines(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    kpi: KindDeadlines = KindDeadlines()
    statements: KindDeadlines = KindDeadlines()

    def of(self, dataset: Dataset, period: Period) -> After | None:
        kinds: KindDeadlines = getattr(self, dataset.value)
        return kinds.of(kind_of(period))

    def kinds(self) -> set[PeriodKind]:
        return {
            kind
            for dataset in Dataset
            for kind in PeriodKind
            if getattr(self, dataset.value).of(kind) is not None
        }


class ReportingState(StrEnum):
    """A report's status as a to-do list shows it: its workflow status, or that it has not
    started, or that it is overdue (not submitted by its deadline)."""

    NOT_STARTED = "not started"
    DRAFT = "draft"
    OVERDUE = "overdue"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    LOCKED = "locked"


def kind_of(period: Period) -> PeriodKind:
    if period.quarter is not None:
        return PeriodKind.QUARTER
    if period.month is not None:
        return PeriodKind.MONTH
    return PeriodKind.YEAR


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def due_date(period: Period, fiscal_year_start_month: int, after: After) -> dt.date:
    end = period.bounds(fiscal_year_start_month)[1]
    following = end + dt.timedelta(days=1)
    # The period ends on a month's last day, so the day after it is a first of the month.
    shifted = _add_months(following, after.months) - dt.timedelta(days=1)
    return shifted + dt.timedelta(days=after.days)


def fiscal_year_of(day: dt.date, fiscal_year_start_month: int) -> int:
    """Fiscal year N starts in year N, in its first month (hub.reporting.period)."""
    return day.year if day.month >= fiscal_year_start_month else day.year - 1


def due_periods(today: dt.date, fiscal_year_start_month: int, deadlines: Deadlines) -> list[Period]:
    current = fiscal_year_of(today, fiscal_year_start_month)
    kinds = deadlines.kinds()
    periods = [Period(current - 1), Period(current)]
    if PeriodKind.QUARTER in kinds:
        periods += [
            Period(current, quarter=q)
            for q in range(1, 5)
            if Period(current, quarter=q).bounds(fiscal_year_start_month)[0] <= today
        ]
    if PeriodKind.MONTH in kinds:
        start = Period(current).bounds(fiscal_year_start_month)[0]
        for offset in range(12):
            first = _add_months(start, offset)
            if first <= today:
                periods.append(Period(first.year, month=first.month))
    return periods


def in_fiscal_years(period: Period, years: set[int], fiscal_year_start_month: int) -> bool:
    start = period.bounds(fiscal_year_start_month)[0]
    return fiscal_year_of(start, fiscal_year_start_month) in years


def sort_key(period: Period) -> tuple[int, int, int]:
    """Years before their quarters, quarters before months; `Period`'s own order compares None."""
    return (period.year, period.quarter or 0, period.month or 0)


def state(status: Status | None, deadline: dt.date | None, today: dt.date) -> ReportingState:
    """`status` None: no version yet. Overdue when not submitted and the deadline has passed."""
    late = deadline is not None and today > deadline
    if status is None:
        return ReportingState.OVERDUE if late else ReportingState.NOT_STARTED
    if status is Status.DRAFT:
        return ReportingState.OVERDUE if late else ReportingState.DRAFT
    return ReportingState(status.value)
