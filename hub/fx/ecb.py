"""The ECB's euro reference rates file, and the period rates derived from its daily rates.

The file (`eurofxref-hist.csv`): a header `Date,USD,JPY,...,ZAR,` then one line per TARGET day,
newest first, each rate in units of the currency per 1 EUR, `N/A` where there is none. Every line
ends with a comma. Pure: no I/O besides the lines given.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal

import msgspec

from hub.fx.model import DailyRate, DerivedRate, RateType
from hub.reporting.period import Period

_RATE = re.compile(r"^\d+(\.\d+)?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_NO_RATE = ("N/A", "")

# The longest stretch of calendar days without an ECB rate: TARGET closes from Good Friday to
# Easter Monday, so Thursday's rate is followed by Tuesday's. A longer stretch inside a period
# means the file lacks some of its days (an excerpt, a file that starts or stops mid-period).
MAX_GAP = dt.timedelta(days=5)


class EcbFormatError(ValueError):
    """The file cannot be read; the message names the line and the reason."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


class EcbFile(msgspec.Struct, frozen=True):
    days: tuple[dt.date, ...]  # every date of the file, oldest first
    rates: dict[str, dict[dt.date, Decimal]]  # currency -> day -> rate, quoted days only

    def daily(self) -> Iterator[DailyRate]:
        for currency, by_day in self.rates.items():
            for day, rate in by_day.items():
                yield DailyRate(currency, day, rate)

    @property
    def daily_count(self) -> int:
        return sum(len(by_day) for by_day in self.rates.values())


def decode_lines(data: bytes) -> list[str]:
    """The file's text lines; bytes that are not UTF-8 are reported by line."""
    lines = data.removeprefix(b"\xef\xbb\xbf").split(b"\n")
    decoded = []
    for number, raw in enumerate(lines, start=1):
        try:
            decoded.append(raw.decode("utf-8"))
        except UnicodeDecodeError as error:
            raise EcbFormatError(number, "not UTF-8 text") from error
    return decoded


def _fields(text: str, columns: int | None) -> list[str]:
    fields = [field.strip() for field in text.split(",")]
    # Every ECB line ends with a comma: an empty last field that is not a column.
    while fields and fields[-1] == "" and (columns is None or len(fields) > columns):
        fields.pop()
    return fields


def _header(number: int, text: str) -> tuple[int, list[tuple[int, str]]]:
    """The index of the Date column, and (index, currency) of the others."""
    names = _fields(text.removeprefix("\ufeff"), None)
    dates = [index for index, name in enumerate(names) if name.lower() == "date"]
    if not dates:
        raise EcbFormatError(number, "no Date column")
    if len(dates) > 1:
        raise EcbFormatError(number, "column Date appears twice")
    currencies: list[tuple[int, str]] = []
    seen: set[str] = set()
    for index, name in enumerate(names):
        if index == dates[0]:
            continue
        if not name:
            raise EcbFormatError(number, f"column {index + 1} has no name")
        if not _CURRENCY.match(name):
            raise EcbFormatError(
                number, f"{name!r} is not a currency code (three upper-case letters)"
            )
        if name in seen:
            raise EcbFormatError(number, f"column {name} appears twice")
        seen.add(name)
        currencies.append((index, name))
    if not currencies:
        raise EcbFormatError(number, "no currency columns")
    return dates[0], currencies


def _rate(number: int, text: str, currency: str) -> Decimal | None:
    if text in _NO_RATE:
        return None
    if not _RATE.match(text):
        raise EcbFormatError(number, f"{text!r} is not a rate for {currency}")
    rate = Decimal(text)
    if rate == 0:
        raise EcbFormatError(number, f"{text!r} is not a rate for {currency}: rates are positive")
    return rate


def _day(number: int, text: str) -> dt.date:
    try:
        if not _DATE.match(text):
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise EcbFormatError(number, f"{text!r} is not a date (expected YYYY-MM-DD)") from None


def parse_ecb(lines: Iterable[str]) -> EcbFile:
    """Read the file: any column order, blank lines skipped, `N/A` or empty for no rate."""
    header: tuple[int, list[tuple[int, str]]] | None = None
    columns = 0
    first_seen: dict[dt.date, int] = {}
    rates: dict[str, dict[dt.date, Decimal]] = {}
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text or (header is None and text == "\ufeff"):
            continue
        if header is None:
            header = _header(number, text)
            columns = len(_fields(text, None))
            rates = {currency: {} for _, currency in header[1]}
            continue
        fields = _fields(text, columns)
        if len(fields) != columns:
            raise EcbFormatError(
                number, f"{len(fields)} values where the header has {columns} columns"
            )
        day = _day(number, fields[header[0]])
        if day in first_seen:
            raise EcbFormatError(number, f"{day} appears twice (first on line {first_seen[day]})")
        first_seen[day] = number
        for index, currency in header[1]:
            rate = _rate(number, fields[index], currency)
            if rate is not None:
                rates[currency][day] = rate
    if header is None:
        raise EcbFormatError(1, "the file is empty: expected a header line 'Date,USD,JPY,...'")
    return EcbFile(
        days=tuple(sorted(first_seen)),
        rates={currency: dict(sorted(by_day.items())) for currency, by_day in rates.items()},
    )


# --- period rates ------------------------------------------------------------------------------


def decimals(rate: Decimal) -> int:
    exponent = rate.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def mean_half_even(rates: list[Decimal], places: int) -> Decimal:
    """The exact mean, rounded half-even to `places` decimals (integer arithmetic: no context
    precision, no double rounding)."""
    scaled = sum(int(rate.scaleb(places)) for rate in rates)
    quotient, remainder = divmod(scaled, len(rates))
    if 2 * remainder > len(rates) or (2 * remainder == len(rates) and quotient % 2 == 1):
        quotient += 1
    return Decimal(quotient).scaleb(-places)


class _Days:
    """The file's days seen from one period: which of them it has, and whether it has them all."""

    def __init__(self, days: tuple[dt.date, ...]) -> None:
        self.days = days

    def within(self, start: dt.date, end: dt.date) -> tuple[dt.date, ...]:
        return self.days[bisect.bisect_left(self.days, start) : bisect.bisect_right(self.days, end)]

    def ends_complete(self, inside: tuple[dt.date, ...], end: dt.date) -> bool:
        """The file reaches the period's end, and has its last days."""
        return self.days[-1] >= end and end + dt.timedelta(days=1) - inside[-1] <= MAX_GAP

    def complete(self, inside: tuple[dt.date, ...], start: dt.date, end: dt.date) -> bool:
        """No stretch of more than MAX_GAP days lacks a rate, from the day before the start to
        the day after the end, and the file reaches the end."""
        points = (start - dt.timedelta(days=1), *inside)
        return self.ends_complete(inside, end) and all(
            later - earlier <= MAX_GAP for earlier, later in itertools.pairwise(points)
        )

    def before(self, start: dt.date, inside: tuple[dt.date, ...]) -> dt.date | None:
        """The file's last day before the period, if no days are missing in between."""
        index = bisect.bisect_left(self.days, start)
        if index == 0:
            return None
        previous = self.days[index - 1]
        return previous if inside[0] - previous <= MAX_GAP else None


def _periods(days: Iterable[dt.date]) -> list[Period]:
    """The calendar years, quarters and months the days fall in: each year, then its quarters,
    then its months."""
    by_year: dict[int, set[int]] = {}
    for day in days:
        by_year.setdefault(day.year, set()).add(day.month)
    periods = []
    for year in sorted(by_year):
        months = sorted(by_year[year])
        periods.append(Period(year))
        periods.extend(Period(year, quarter=q) for q in sorted({(m - 1) // 3 + 1 for m in months}))
        periods.extend(Period(year, month=m) for m in months)
    return periods


def derive_rates(ecb: EcbFile) -> list[DerivedRate]:
    """Closing, average and opening rates of every calendar month, quarter and year in which a
    currency has a rate, where the file has the days they need:

    - `closing`: the last daily rate of the period; the currency is quoted on the period's last
      day in the file, and the file has the period's last days.
    - `average`: the mean of the period's daily rates; the file has every day of the period and
      the currency is quoted on each. It is rounded half-even to the number of decimals the ECB
      quotes the currency with in that period (the most decimals among its daily rates: the file
      drops trailing zeros, 11.459 is 11.4590). That is the precision of the ECB's own
      published averages, and of the rates the network publishes (EUR/SEK 2023: 11.4788, 2024:
      11.4325); more digits would be noise that makes converted amounts differ from theirs.
    - `opening`: the last daily rate before the period starts, when the file has that day and
      no days are missing between it and the period (absent at the start of the file).

    A period the file covers only in part (it starts or ends inside it, or is an excerpt with a
    hole) gets no average and maybe no closing rate: better none than a wrong one.
    """
    if not ecb.days:
        return []
    days = _Days(ecb.days)
    derived: list[DerivedRate] = []
    for currency in sorted(ecb.rates):
        quoted = ecb.rates[currency]
        for period in _periods(quoted):
            start, end = period.bounds()
            inside = days.within(start, end)
            name = str(period)
            last = inside[-1]
            if last in quoted and days.ends_complete(inside, end):
                derived.append(
                    DerivedRate(
                        currency=currency,
                        type=RateType.CLOSING,
                        period=name,
                        rate=quoted[last],
                        basis=f"ECB rate of {last}",
                    )
                )
            if days.complete(inside, start, end) and all(day in quoted for day in inside):
                rates = [quoted[day] for day in inside]
                places = max(decimals(rate) for rate in rates)
                derived.append(
                    DerivedRate(
                        currency=currency,
                        type=RateType.AVERAGE,
                        period=name,
                        rate=mean_half_even(rates, places),
                        basis=f"mean of {len(rates)} ECB rates from {inside[0]} to {last}, "
                        f"rounded half-even to {places} decimals",
                    )
                )
            previous = days.before(start, inside)
            if previous is not None and previous in quoted:
                derived.append(
                    DerivedRate(
                        currency=currency,
                        type=RateType.OPENING,
                        period=name,
                        rate=quoted[previous],
                        basis=f"ECB rate of {previous}, the last before {name}",
                    )
                )
    return derived
