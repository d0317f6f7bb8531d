"""DATEV-Format (EXTF, versions 700 and 510): a booking batch (Buchungsstapel, category 21)
summed into the trial balance at the period's last day, with the account names of a
Kontenbeschriftungen file (category 20) sent in the same import.

Each booking moves its amount between two accounts: `S` debits `Konto` and credits
`Gegenkonto`, `H` the reverse; the bookings dated from the fiscal year's first day to the
period's last day are summed per account (debit positive). The columns are found by their
titles (programs title them differently), the accounts padded to the header's length."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from hub.imports.datev_header import (
    BOOKINGS,
    Header,
    parse_header,
)
from hub.imports.datev_text import BrokenQuotes, Lines, Meter, records, sniff
from hub.imports.model import ImportProblem, Ledger, LedgerBalance

if TYPE_CHECKING:  # formats.py imports this module to register it
    from hub.imports.formats import Progress, Source

MAX_PROBLEMS = 50

# A column's key -> the titles it goes by, before any parenthesis: "Umsatz (ohne Soll/Haben-Kz)"
# is "Umsatz", "Gegenkonto (ohne BU-Schlüssel)" is "Gegenkonto".
BOOKING_COLUMNS: dict[str, tuple[str, ...]] = {
    "amount": ("Umsatz",),
    "side": ("Soll/Haben-Kennzeichen", "Soll-/Haben-Kennzeichen", "Soll/Haben", "S/H"),
    "currency": ("WKZ Umsatz", "WKZ"),
    "account": ("Konto", "Kontonummer"),
    "contra": ("Gegenkonto",),
    "tax_key": ("BU-Schlüssel",),
    "date": ("Belegdatum",),
}
BOOKING_REQUIRED = {
    "amount": "Umsatz (the amount)",
    "side": "Soll/Haben-Kennzeichen (S or H)",
    "account": "Konto",
    "contra": "Gegenkonto",
    "date": "Belegdatum (the document date, DDMM)",
}
NAME_COLUMNS: dict[str, tuple[str, ...]] = {
    "account": ("Konto",),
    "name": ("Kontenbeschriftung", "Beschriftung"),
}
NAME_REQUIRED = {"account": "Konto", "name": "Kontenbeschriftung"}

SIDES = {"S": 1, "H": -1}
_AMOUNT = re.compile(r"(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d{1,2})?")
_DDMM = re.compile(r"\d{3,4}")
_HEADER_START = re.compile(r'^\s*"?(EXTF|DTVF)"?\s*([;,])', re.IGNORECASE)


@dataclass
class _Problems:
    """The problems of the import, capped; `prefix` names the file when there are several."""

    items: list[ImportProblem] = field(default_factory=list)
    prefix: str = ""

    def add(self, line: int | None, column: int | None, message: str) -> None:
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(
                ImportProblem(line=line, column=column, message=self.prefix + message)
            )
        elif len(self.items) == MAX_PROBLEMS:
            self.items.append(
                ImportProblem(
                    line=None,
                    column=None,
                    message=f"more problems follow; these are the first {MAX_PROBLEMS}",
                )
            )

    @property
    def full(self) -> bool:
        return len(self.items) > MAX_PROBLEMS


@dataclass
class _Batch:
    """What one booking batch adds up to."""

    header: Header
    prefix: str  # the file's name, when the import has several
    currency: str | None
    first_day: dt.date  # the batch's dates (Datum vom, bis), else its fiscal year's
    last_day: dt.date
    balances: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    counted: int = 0
    later: int = 0
    tax_keys: int = 0


@dataclass
class _Names:
    header: Header
    prefix: str
    names: dict[str, str] = field(default_factory=dict)


def read(
    sources: Sequence[Source],
    first_day: dt.date,
    last_day: dt.date,
    progress: Progress | None,
    options: Mapping[str, object],
) -> tuple[Ledger | None, list[ImportProblem]]:
    """The trial balance at `last_day` of the booking batches among `sources`, named by the
    Kontenbeschriftungen among them; or every problem, located."""
    meter = Meter(progress)
    problems = _Problems()
    batches: list[_Batch] = []
    names: list[_Names] = []
    for source in sources:
        problems.prefix = f"{source.name}: " if len(sources) > 1 else ""
        read_one = _read_file(source, meter, problems, last_day)
        if isinstance(read_one, _Batch):
            batches.append(read_one)
        elif isinstance(read_one, _Names):
            names.append(read_one)
        if problems.full:
            break
    meter.finish()
    problems.prefix = ""
    if not problems.items:
        _check_together(batches, names, first_day, last_day, problems)
    if problems.items:
        return None, problems.items
    return _ledger(batches, names, last_day), []


def _read_file(
    source: Source, meter: Meter, problems: _Problems, last_day: dt.date
) -> _Batch | _Names | None:
    encoding, binary = sniff(source)
    if binary is not None:
        problems.add(
            None,
            None,
            f"this is {binary}, not a DATEV-Format file: export the Buchungsstapel from the "
            "accounting program as a DATEV CSV file (EXTF)",
        )
        return None
    lines = Lines(
        source,
        encoding,
        meter,
        lambda line, byte: problems.add(
            line, None, f"byte {byte} is not a character in Windows-1252 (nor is the file UTF-8)"
        ),
    )
    first = lines.peek()
    start = _HEADER_START.match(first or "")
    if start is None:
        problems.add(1, None, _not_extf(first))
        return None
    try:
        return _read_records(lines, start.group(2), problems, last_day)
    except BrokenQuotes as broken:
        problems.add(broken.line, broken.column, broken.message)
        return None


def _not_extf(first: str | None) -> str:
    """Why a file is not a DATEV-Format file, from its first line."""
    text = (first or "").strip()
    if not text:
        return "the file is empty, not a DATEV-Format file (its first line is the EXTF header)"
    if text.startswith("#"):
        return (
            "this is a SIE file (the Swedish standard), not a DATEV-Format file: import it as SIE"
        )
    if text.strip('"').casefold().startswith("umsatz"):
        return (
            "the first line holds column titles: the DATEV-Format header "
            '("EXTF";700;21;"Buchungsstapel";...) is missing; export again with it'
        )
    shown = text if len(text) <= 40 else text[:40] + "…"
    return (
        "a DATEV-Format file starts with its header "
        f'("EXTF";700;21;"Buchungsstapel";...), this one with {shown!r}'
    )


def _read_records(
    lines: Lines, delimiter: str, problems: _Problems, last_day: dt.date
) -> _Batch | _Names | None:
    rows = records(lines, delimiter)
    _, header_fields = next(rows)
    header, header_problems = parse_header(header_fields)
    for problem in header_problems:
        problems.add(problem.line, problem.column, problem.message)
    if header is None:
        return None
    titled = next(rows, None)
    if titled is None:
        problems.add(2, None, "the column titles (line 2) are missing, and the bookings with them")
        return None
    booking = header.category == BOOKINGS
    columns = _columns(
        titled[1],
        BOOKING_COLUMNS if booking else NAME_COLUMNS,
        BOOKING_REQUIRED if booking else NAME_REQUIRED,
        problems,
    )
    if columns is None:
        return None
    if booking:
        return _bookings(header, columns, rows, problems, last_day)
    return _account_names(header, columns, rows, problems)


def _columns(
    titles: list[str],
    known: dict[str, tuple[str, ...]],
    required: dict[str, str],
    problems: _Problems,
) -> dict[str, int] | None:
    """Each known column's 0-based index, by its title up to any parenthesis."""
    by_title: dict[str, str] = {t.casefold(): key for key, ts in known.items() for t in ts}
    found: dict[str, int] = {}
    for index, title in enumerate(titles):
        key = by_title.get(title.split("(")[0].strip().casefold())
        if key is not None and key not in found:
            found[key] = index
    missing = [label for key, label in required.items() if key not in found]
    if missing:
        problems.add(
            2,
            None,
            f"no column titled {', '.join(missing)}; line 2 should hold the DATEV column titles, "
            f"found: {'; '.join(t for t in titles[:12] if t)}",
        )
        return None
    return found


def _bookings(
    header: Header,
    columns: dict[str, int],
    rows: Iterator[tuple[int, list[str]]],
    problems: _Problems,
    last_day: dt.date,
) -> _Batch | None:
    assert header.account_length is not None
    assert header.fiscal_year is not None
    span = (
        (header.first_day, header.last_day)
        if header.first_day is not None and header.last_day is not None
        else header.fiscal_year
    )
    batch = _Batch(
        header=header,
        prefix=problems.prefix,
        currency=header.currency,
        first_day=span[0],
        last_day=span[1],
    )
    needed = max(columns[key] for key in BOOKING_REQUIRED) + 1
    before = len(problems.items)
    for line, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < needed:
            problems.add(
                line,
                None,
                f"the line has {len(row)} field{'s' * (len(row) != 1)}, a booking at least "
                f"{needed} (up to its {_last_required(columns)}): is a text with a line break "
                "missing its quotes?",
            )
            continue
        _booking(batch, columns, line, row, problems, last_day)
        if problems.full:
            break
    return batch if len(problems.items) == before else None


def _last_required(columns: dict[str, int]) -> str:
    key = max(BOOKING_REQUIRED, key=lambda k: columns[k])
    return BOOKING_REQUIRED[key].split(" (")[0]


def _booking(
    batch: _Batch,
    columns: dict[str, int],
    line: int,
    row: list[str],
    problems: _Problems,
    last_day: dt.date,
) -> None:
    """One booking line, added to the batch's balances, or its problems."""
    assert batch.header.account_length is not None
    before = len(problems.items)

    def cell(key: str) -> str:
        index = columns.get(key)
        return row[index].strip() if index is not None and index < len(row) else ""

    amount = _amount(cell("amount"))
    if isinstance(amount, str):
        problems.add(line, columns["amount"] + 1, amount)
    side = cell("side").upper()
    if side not in SIDES:
        problems.add(
            line,
            columns["side"] + 1,
            f"the Soll/Haben indicator {cell('side')!r} is neither S (debit) nor H (credit)"
            if side
            else "the Soll/Haben indicator is missing: S (debit) or H (credit)",
        )
    length = batch.header.account_length
    account = _account(cell("account"), length, "account (Konto)")
    contra = _account(cell("contra"), length, "counter-account (Gegenkonto)")
    for key, found in (("account", account), ("contra", contra)):
        if found.problem is not None:
            problems.add(line, columns[key] + 1, found.problem)
    currency = cell("currency").upper()
    if currency and batch.currency is None:
        batch.currency = currency
    elif currency and currency != batch.currency:
        problems.add(
            line,
            columns["currency"] + 1,
            f"the booking is in {currency}, the batch in {batch.currency}: a batch holds one "
            "currency",
        )
    day = _day(cell("date"), batch.first_day, batch.last_day)
    if isinstance(day, str):
        problems.add(line, columns["date"] + 1, day)
    if len(problems.items) != before or isinstance(amount, str) or isinstance(day, str):
        return
    if day > last_day:
        batch.later += 1
        return
    signed = SIDES[side] * amount
    batch.balances[account.code] += signed
    batch.balances[contra.code] -= signed
    batch.counted += 1
    if cell("tax_key").strip("0"):
        batch.tax_keys += 1


def _amount(text: str) -> Decimal | str:
    if not text:
        return "the amount (Umsatz) is missing"
    if text.startswith("-"):
        return (
            f"the amount {text!r} is negative: DATEV amounts are positive, the Soll/Haben "
            "indicator gives the side"
        )
    if not _AMOUNT.fullmatch(text):
        return f"the amount {text!r} is not a number like 1.234,56 (decimal comma, two decimals)"
    return Decimal(text.replace(".", "").replace(",", "."))


@dataclass(frozen=True, slots=True)
class _Account:
    code: str
    problem: str | None = None


def _account(text: str, length: int, what: str) -> _Account:
    """A DATEV account number as the chart spells it: general-ledger accounts have `length`
    digits (400 is 0400, 0001200 is 1200 with length 4); one digit more is a personal account
    (customers 10000-69999, suppliers 70000-99999 with length 4), kept as it is."""
    if not text:
        return _Account("", f"the {what} is missing")
    if not (text.isascii() and text.isdigit()):
        return _Account("", f"the {what} {text!r} is not an account number (digits only)")
    number = int(text)
    if number == 0:
        return _Account("", f"the {what} is 0, which is no account")
    if number < 10**length:
        return _Account(str(number).zfill(length))
    if number < 10 ** (length + 1):
        return _Account(str(number))
    return _Account(
        "",
        f"the {what} {text} has {len(str(number))} digits: with the header's account length "
        f"(Sachkontenlänge) {length}, accounts have {length} digits, customers and suppliers "
        f"{length + 1}",
    )


def _day(text: str, first: dt.date, last: dt.date) -> dt.date | str:
    """The document date (DDMM; a leading zero may be dropped) in the batch's year: the year
    in which it falls between the batch's first and last day."""
    if not text:
        return "the document date (Belegdatum) is missing (DDMM)"
    if not (text.isascii() and _DDMM.fullmatch(text)):
        return (
            f"the document date (Belegdatum) {text!r} is not a day and month (DDMM, e.g. 0103 "
            "for 1 March)"
        )
    day, month = int(text.zfill(4)[:2]), int(text.zfill(4)[2:])
    exists = False
    for year in range(first.year, last.year + 1):
        try:
            found = dt.date(year, month, day)
        except ValueError:
            continue
        if first <= found <= last:
            return found
        exists = True
    if not exists:
        return f"the document date (Belegdatum) {text!r} is not a date: day {day} of month {month}"
    return (
        f"the document date (Belegdatum) {text} ({day:02}.{month:02}.) is not within the batch's "
        f"dates ({first} to {last})"
    )


def _account_names(
    header: Header,
    columns: dict[str, int],
    rows: Iterator[tuple[int, list[str]]],
    problems: _Problems,
) -> _Names | None:
    """The accounts' names, by account number (padding needs the bookings' length)."""
    result = _Names(header=header, prefix=problems.prefix)
    before = len(problems.items)
    for line, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        account = row[columns["account"]].strip() if columns["account"] < len(row) else ""
        if not (account.isascii() and account.isdigit()):
            problems.add(
                line,
                columns["account"] + 1,
                f"the account (Konto) {account!r} is not an account number (digits only)",
            )
            continue
        name = row[columns["name"]].strip() if columns["name"] < len(row) else ""
        if name:
            result.names.setdefault(str(int(account)), name)
        if problems.full:
            break
    return result if len(problems.items) == before else None


def _check_together(
    batches: list[_Batch],
    names: list[_Names],
    first_day: dt.date,
    last_day: dt.date,
    problems: _Problems,
) -> None:
    """What the files say together: one fiscal year holding the period's last day, one account
    length, one currency, and bookings that reach into the period."""
    if not batches:
        problems.add(
            None,
            None,
            "the account names (Kontenbeschriftungen) hold no bookings: send the booking batch "
            "(Buchungsstapel, category 21) with them"
            if names
            else "no file to read",
        )
        return
    first = batches[0]
    for batch in batches:
        header = batch.header
        assert header.fiscal_year is not None
        start, end = header.fiscal_year
        if header.fiscal_year_start != first.header.fiscal_year_start:
            problems.add(
                1,
                13 + header.shift,
                f"{batch.prefix}the batch's fiscal year starts on {start}, the first batch's on "
                f"{first.header.fiscal_year_start}: send the batches of one fiscal year",
            )
        elif not start <= last_day <= end:
            problems.add(
                1,
                13 + header.shift,
                f"{batch.prefix}the file's fiscal year ({start} to {end}) does not hold the "
                f"period's last day ({last_day})",
            )
        elif batch.first_day > last_day:
            problems.add(
                1,
                15 + header.shift,
                f"{batch.prefix}the batch starts on {batch.first_day}, after the period's last "
                f"day ({last_day}): none of its bookings belong to the period",
            )
        if header.account_length != first.header.account_length:
            problems.add(
                1,
                14 + header.shift,
                f"{batch.prefix}the account length (Sachkontenlänge) is "
                f"{header.account_length}, the first batch's {first.header.account_length}",
            )
        if batch.currency is not None and first.currency not in (None, batch.currency):
            problems.add(
                None,
                None,
                f"{batch.prefix}the batch is in {batch.currency}, the first batch in "
                f"{first.currency}",
            )
    for named in names:
        length = named.header.account_length
        if length is not None and length != first.header.account_length:
            problems.add(
                1,
                14 + named.header.shift,
                f"{named.prefix}the account names have length {length}, the bookings "
                f"{first.header.account_length}: are they from another client's books?",
            )
    if problems.items:
        return
    ends = max(b.last_day for b in batches)
    if ends < first_day:
        problems.add(
            None,
            None,
            f"the bookings end on {ends}, before the period ({first_day} to {last_day}) starts: "
            "send the batch that holds the period's bookings",
        )


def _ledger(batches: list[_Batch], names: list[_Names], last_day: dt.date) -> Ledger:
    header = batches[0].header
    assert header.fiscal_year is not None
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for batch in batches:
        for account, amount in batch.balances.items():
            totals[account] += amount
    named: dict[str, str] = {}
    for found in names:
        for number, name in found.names.items():
            named.setdefault(number, name)
    balances = tuple(
        LedgerBalance(account=account, amount=amount, name=named.get(str(int(account))))
        for account, amount in sorted(totals.items(), key=lambda item: int(item[0]))
        if amount
    )
    counted = sum(b.counted for b in batches)
    begins = min(b.first_day for b in batches)
    ends = min(last_day, max(b.last_day for b in batches))
    return Ledger(
        format=f"DATEV {header.marker} {header.version}",
        program=header.application or header.origin,
        program_version=None,
        organisation_number=None,
        company=header.label,
        currency=next((b.currency for b in batches if b.currency is not None), None),
        fiscal_year=header.fiscal_year,
        balances=balances,
        derived_from=f"bookings {begins} to {ends} ({counted} booking{'s' * (counted != 1)})",
        notes=_notes(batches, names, balances, begins, last_day),
    )


def _notes(
    batches: list[_Batch],
    names: list[_Names],
    balances: tuple[LedgerBalance, ...],
    begins: dt.date,
    last_day: dt.date,
) -> tuple[str, ...]:
    """What the user should know about how the balances were read."""
    header = batches[0].header
    assert header.fiscal_year_start is not None
    notes = []
    later = sum(b.later for b in batches)
    if later:
        notes.append(
            f"{later} booking{'s' * (later != 1)} dated after the period's last day ({last_day}) "
            f"{'are' if later != 1 else 'is'} left out"
        )
    if begins > header.fiscal_year_start:
        notes.append(
            f"the bookings start on {begins}, after the fiscal year's first day "
            f"({header.fiscal_year_start}): the balances hold only the bookings sent (opening "
            "balances and earlier months come in their own batches)"
        )
    taxed = sum(b.tax_keys for b in batches)
    if taxed:
        notes.append(
            f"{taxed} booking{'s' * (taxed != 1)} carr{'ies' if taxed == 1 else 'y'} a tax key "
            "(BU-Schlüssel): DATEV splits the VAT of such bookings onto the tax accounts; this "
            "import keeps their gross amounts on the accounts booked"
        )
    unnamed = [b.account for b in balances if b.name is None]
    if not names:
        notes.append(
            "no account names (Kontenbeschriftungen, category 20) came with the bookings: the "
            "accounts have no names"
        )
    elif unnamed:
        notes.append(
            f"{len(unnamed)} account{'s' * (len(unnamed) != 1)} without a name in the "
            f"Kontenbeschriftungen: {', '.join(unnamed[:20])}" + (" …" if len(unnamed) > 20 else "")
        )
    for batch in batches:
        if batch.header.shift:
            notes.append(
                f"{batch.prefix}the header's fields stand {abs(batch.header.shift)} place"
                f"{'s' * (abs(batch.header.shift) != 1)} off DATEV's layout (the fiscal year's "
                f"first day is field {13 + batch.header.shift}, not 13): read from there"
            )
    if header.adviser or header.client:
        notes.append(
            f"DATEV adviser (Berater) {header.adviser or '-'}, client (Mandant) "
            f"{header.client or '-'}"
        )
    return tuple(notes)
