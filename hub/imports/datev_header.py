"""The first line of a DATEV-Format file: what the file is (category), whose books, the fiscal
year, the batch's dates, the account length and the currency.

The fields are read at the positions of DATEV's layout (the same for format versions 510 and
700). Some programs write an empty field too many or too few before the fiscal year's first day;
only when field 13 is not a date is the header read from where the first date after field 6
stands (the others at the same distance), and the reader says so in a note."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from hub.imports.model import ImportProblem

MARKERS = ("EXTF", "DTVF")
VERSIONS = (510, 700)

# The 1-based field of each header item, per format version.
_SPEC = {
    "origin": 8,  # Herkunft: a two-letter code of the exporting program
    "adviser": 11,  # Beraternummer
    "client": 12,  # Mandantennummer
    "fiscal_year_start": 13,  # WJ-Beginn
    "account_length": 14,  # Sachkontenlänge
    "first_day": 15,  # Datum vom
    "last_day": 16,  # Datum bis
    "label": 17,  # Bezeichnung
    "currency": 22,  # WKZ
    "application": 31,  # Anwendungsinformation
}
LAYOUTS: dict[int, dict[str, int]] = {510: _SPEC, 700: _SPEC}
SHIFTED_FROM = _SPEC["adviser"]  # a shifted header is read shifted from this field on

BOOKINGS = 21
ACCOUNT_NAMES = 20
CATEGORIES = {
    16: "Debitoren/Kreditoren (customer and supplier master data)",
    20: "Kontenbeschriftungen (account names)",
    21: "Buchungsstapel (booking batch)",
    46: "Zahlungsbedingungen (payment terms)",
    48: "Diverse Adressen (addresses)",
    65: "Wiederkehrende Buchungen (recurring bookings)",
}

_DATE = re.compile(r"\d{8}")
_CURRENCY = re.compile(r"[A-Z]{3}")


@dataclass(frozen=True, slots=True)
class Header:
    marker: str
    version: int
    category: int
    origin: str | None
    adviser: str | None
    client: str | None
    fiscal_year_start: dt.date | None
    account_length: int | None
    first_day: dt.date | None
    last_day: dt.date | None
    label: str | None
    currency: str | None
    application: str | None
    shift: int  # 0: the fields are where DATEV's layout puts them

    @property
    def fiscal_year(self) -> tuple[dt.date, dt.date] | None:
        if self.fiscal_year_start is None:
            return None
        return self.fiscal_year_start, one_year_on(self.fiscal_year_start)


def one_year_on(start: dt.date) -> dt.date:
    """The last day of the year that starts on `start`."""
    try:
        following = start.replace(year=start.year + 1)
    except ValueError:  # 29 February
        following = dt.date(start.year + 1, 3, 1)
    return following - dt.timedelta(days=1)


def category_name(category: int) -> str:
    return CATEGORIES.get(category, f"category {category}")


def parse_header(fields: list[str]) -> tuple[Header | None, list[ImportProblem]]:
    """The header of line 1, or the problems of its fields."""
    problems: list[ImportProblem] = []

    def problem(column: int | None, message: str) -> None:
        problems.append(ImportProblem(line=1, column=column, message=message))

    def text(number: int) -> str:
        return fields[number - 1].strip() if 0 < number <= len(fields) else ""

    marker = text(1).upper()
    if marker not in MARKERS:
        problem(1, f"the DATEV-Format header starts with EXTF, not {text(1)!r}")
        return None, problems
    if not _digits(text(2)) or int(text(2)) not in VERSIONS:
        problem(
            2,
            f"DATEV-Format version {text(2) or '(empty)'} is not read; export in version 700 "
            "(or the older 510)",
        )
    if not _digits(text(3)):
        problem(3, f"the data category {text(3)!r} is not a number (21 is a Buchungsstapel)")
    if problems:
        return None, problems
    version, category = int(text(2)), int(text(3))
    if category not in (BOOKINGS, ACCOUNT_NAMES):
        problem(
            3,
            f"this is a {category_name(category)} file, category {category}: it holds no "
            "balances. Send the booking batch (Buchungsstapel, category 21), with the account "
            "names (Kontenbeschriftungen, category 20) if you like",
        )
        return None, problems
    layout = LAYOUTS[version]
    shift = _shift(fields, layout["fiscal_year_start"])

    def at(name: str) -> int:
        number = layout[name]
        return number + shift if number >= SHIFTED_FROM else number

    def optional(name: str) -> str | None:
        return text(at(name)) or None

    def date(name: str, title: str, required: bool) -> dt.date | None:
        value = text(at(name))
        if not value:
            if required:
                problem(at(name), f"{title} is missing (YYYYMMDD)")
            return None
        parsed = _date(value)
        if parsed is None:
            problem(at(name), f"{title} {value!r} is not a date (YYYYMMDD)")
        return parsed

    booking = category == BOOKINGS
    start = date("fiscal_year_start", "the fiscal year's first day (WJ-Beginn)", booking)
    length_text = text(at("account_length"))
    length = int(length_text) if _digits(length_text) else None
    if length_text and (length is None or not 4 <= length <= 8):
        problem(
            at("account_length"),
            f"the account length (Sachkontenlänge) {length_text!r} is not a number of digits "
            "from 4 to 8",
        )
        length = None
    elif not length_text and booking:
        problem(at("account_length"), "the account length (Sachkontenlänge) is missing")
    first = date("first_day", "the batch's first day (Datum vom)", False) if booking else None
    last = date("last_day", "the batch's last day (Datum bis)", False) if booking else None
    currency = _currency(fields, at("currency"), at("label"))
    if currency is not None and not _CURRENCY.fullmatch(currency):
        problem(at("currency"), f"the currency (WKZ) {currency!r} is not an ISO code like EUR")
    header = Header(
        marker=marker,
        version=version,
        category=category,
        origin=optional("origin"),
        adviser=optional("adviser"),
        client=optional("client"),
        fiscal_year_start=start,
        account_length=length,
        first_day=first,
        last_day=last,
        label=optional("label"),
        currency=currency,
        application=optional("application"),
        shift=shift,
    )
    if booking:
        problems.extend(_batch_dates(header, at("first_day"), at("last_day")))
    return (None if problems else header), problems


def _shift(fields: list[str], spec: int) -> int:
    """0 when field `spec` holds a date; else the distance from it to the first date after
    field 6 that a number (the account length) follows."""
    if spec <= len(fields) and _date(fields[spec - 1].strip()) is not None:
        return 0
    for index in range(6, len(fields) - 1):
        if _date(fields[index].strip()) is not None and _digits(fields[index + 1].strip()):
            return index + 1 - spec
    return 0


def _currency(fields: list[str], number: int, label: int) -> str | None:
    """The WKZ: at its field, or (in a shifted header) the first ISO-like code after the
    batch's label."""
    value = fields[number - 1].strip() if number <= len(fields) else ""
    if value or number == _SPEC["currency"]:
        return value or None
    return next((f.strip() for f in fields[label:] if _CURRENCY.fullmatch(f.strip())), None)


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _date(text: str) -> dt.date | None:
    if not _DATE.fullmatch(text):
        return None
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def _batch_dates(header: Header, first_column: int, last_column: int) -> list[ImportProblem]:
    """The batch's dates lie in one fiscal year, the first before the last."""
    problems = []
    first, last, year = header.first_day, header.last_day, header.fiscal_year
    if (first is None) != (last is None):
        column = first_column if first is None else last_column
        problems.append(
            ImportProblem(
                line=1,
                column=column,
                message="the batch gives one of its dates (Datum vom, Datum bis) without the other",
            )
        )
    if first is not None and last is not None and first > last:
        problems.append(
            ImportProblem(
                line=1,
                column=last_column,
                message=f"the batch ends ({last}) before it starts ({first})",
            )
        )
    if year is not None:
        for day, column in ((first, first_column), (last, last_column)):
            if day is not None and not year[0] <= day <= year[1]:
                problems.append(
                    ImportProblem(
                        line=1,
                        column=column,
                        message=f"the batch's date {day} is outside its fiscal year "
                        f"({year[0]} to {year[1]}): a batch lies within one fiscal year",
                    )
                )
    return problems
