"""Reporting periods: a fiscal year `2024`, a quarter `2024-Q3` or a month `2024-09`."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

_PERIOD = re.compile(r"^(?P<year>\d{4})(?:-Q(?P<quarter>\d)|-(?P<month>\d{2}))?$")
EXPECTED = "expected YYYY, YYYY-Qn or YYYY-MM (e.g. 2024, 2024-Q3, 2024-09)"


class PeriodError(ValueError):
    pass


@dataclass(frozen=True, slots=True, order=True)
class Period:
    """A period of an entity's fiscal year. Fiscal year N starts in year N, in the entity's
    first fiscal month; quarters count from that month; months are calendar months."""

    year: int
    quarter: int | None = None
    month: int | None = None

    def __str__(self) -> str:
        if self.quarter is not None:
            return f"{self.year}-Q{self.quarter}"
        if self.month is not None:
            return f"{self.year}-{self.month:02d}"
        return f"{self.year}"

    @property
    def is_year(self) -> bool:
        return self.quarter is None and self.month is None

    def bounds(self, fiscal_year_start_month: int = 1) -> tuple[dt.date, dt.date]:
        """First and last day of the period."""
        if self.month is not None:
            last = calendar.monthrange(self.year, self.month)[1]
            return dt.date(self.year, self.month, 1), dt.date(self.year, self.month, last)
        first_month = fiscal_year_start_month + 3 * ((self.quarter or 1) - 1)
        start = _add_months(dt.date(self.year, 1, 1), first_month - 1)
        length = 3 if self.quarter is not None else 12
        return start, _add_months(start, length) - dt.timedelta(days=1)

    def previous(self) -> Period:
        """The same kind of period one step earlier (2024 -> 2023, 2024-Q1 -> 2023-Q4)."""
        if self.quarter is not None:
            return (
                Period(self.year - 1, 4)
                if self.quarter == 1
                else Period(self.year, self.quarter - 1)
            )
        if self.month is not None:
            return (
                Period(self.year - 1, month=12)
                if self.month == 1
                else Period(self.year, month=self.month - 1)
            )
        return Period(self.year - 1)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def parse_period(text: str) -> Period:
    match = _PERIOD.match(text.strip())
    if match is None:
        raise PeriodError(f"{text!r} is not a period: {EXPECTED}")
    year = int(match["year"])
    if not 1900 <= year <= 2200:
        raise PeriodError(f"{text!r}: year {year} is out of range 1900..2200")
    if match["quarter"] is not None:
        quarter = int(match["quarter"])
        if not 1 <= quarter <= 4:
            raise PeriodError(f"{text!r}: quarter must be Q1 to Q4")
        return Period(year, quarter=quarter)
    if match["month"] is not None:
        month = int(match["month"])
        if not 1 <= month <= 12:
            raise PeriodError(f"{text!r}: month must be 01 to 12")
        return Period(year, month=month)
    return Period(year)
