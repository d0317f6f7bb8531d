"""FORMATS["csv"]: a trial balance exported as CSV or as an Excel sheet, read with the entity's
column profile (options["profile"], a ColumnProfile).

The file is taken as the balance at the period's last day, as given. Rows are summed per
(account, partner). Skipped: blank rows; rows whose amount cells are all empty (headings such as
"Klasse 4", an account without figures); total rows, said in the notes: a row whose account
cell begins with a word of totals, or has no account and whose first text does (Total, Totaal,
Totale, Totaux, Summe, Gesamt, Somme, Som, Somma, Sum, also after Sub-, Sous- or Zwischen-). Any
other row without an account, and any amount that is not one, is refused with its line and
field (CSV) or its cell (Excel)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import msgspec

from hub.imports.formats import Progress, Source
from hub.imports.model import ImportProblem, Ledger, LedgerBalance
from hub.imports.profile import (
    AmountError,
    ColumnProfile,
    amount_pattern,
    letter,
    normalise,
    parse_amount,
    profile_problems,
    resolve,
)
from hub.imports.rows import (
    DEFAULT_LIMITS,
    Row,
    RowsError,
    Sheet,
    csv_rows,
    head_of,
    is_xlsx,
    whole_file,
)
from hub.reporting.rules import Upload

MAX_PROBLEMS = 50
_TOTAL = re.compile(
    r"^(?:sub|sous|zwischen)?[\s-]*(?:total\w*|totaal|summe|gesamt\w*|somme|som|somma|sum)\b"
)


def is_total(text: str) -> bool:
    return bool(_TOTAL.match(normalise(text)))


class ReadRow(msgspec.Struct, frozen=True, kw_only=True):
    """One data row as the profile reads it: its balance debit positive."""

    line: int
    account: str
    name: str | None
    partner: str | None
    currency: str | None
    amount: Decimal


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


@dataclass
class Table:
    """Reads the rows of one file with a profile; `problems` collects what is wrong."""

    profile: ColumnProfile
    sheet: str | None = None  # the Excel sheet's title; None: a CSV file
    columns: dict[str, int] | None = None
    problems: list[ImportProblem] = field(default_factory=list)
    skipped_totals: list[int] = field(default_factory=list)
    formulas_without_value: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._pattern = amount_pattern(
            self.profile.decimal_separator, self.profile.thousands_separator
        )
        if self.profile.header_rows == 0:
            self.header(0, ())

    def fail(self, line: int, column: int | None, message: str) -> None:
        if self.sheet is not None:
            cell = f"{self.sheet}!{'' if column is None else letter(column + 1)}{line}"
            message = f"{cell}: {message}"
        self.problems.append(
            ImportProblem(line=line, column=None if column is None else column + 1, message=message)
        )

    def header(self, line: int, cells: tuple[Any, ...]) -> bool:
        columns, problems = resolve(self.profile, tuple(_text(c) or "" for c in cells))
        for problem in problems:
            if line:
                self.fail(line, None, problem)
            else:
                self.problems.append(_whole(problem))
        self.columns = None if problems else columns
        return not problems

    def row(self, line: int, cells: tuple[Any, ...]) -> ReadRow | None:
        """The row read, or None (skipped, or refused: `problems` says why)."""
        assert self.columns is not None
        columns = self.columns

        def cell(role: str) -> Any:
            index = columns.get(role)
            return cells[index] if index is not None and index < len(cells) else None

        if all(_text(c) is None for c in cells):
            return None
        account = _text(cell("account"))
        amount_roles = [r for r in ("debit", "credit", "balance") if r in columns]
        if account is None or is_total(account):
            first_text = next((t for c in cells if (t := _text(c)) is not None), "")
            if account is not None or is_total(first_text):
                self.skipped_totals.append(line)
            elif not all(self.blank(line, r, cell(r)) for r in amount_roles):
                self.fail(line, columns["account"], "no account on a row with amounts")
                for role in amount_roles:
                    self.amount(line, role, cell(role))
            return None
        if all(self.blank(line, r, cell(r)) for r in amount_roles):
            return None
        amounts = {role: self.amount(line, role, cell(role)) for role in amount_roles}
        if any(a is None for a in amounts.values()):
            return None
        if "balance" in amounts:
            balance = amounts["balance"]
            assert balance is not None
            amount = balance if self.profile.balance_sign == "debit-positive" else -balance
        else:
            debit, credit = amounts["debit"], amounts["credit"]
            assert debit is not None
            assert credit is not None
            amount = debit - credit
        currency = _text(cell("currency"))
        return ReadRow(
            line=line,
            account=account,
            name=_text(cell("name")),
            partner=_text(cell("partner")),
            currency=None if currency is None else currency.upper(),
            amount=amount,
        )

    def blank(self, line: int, role: str, value: object) -> bool:
        """Empty, and not a formula whose value Excel never computed."""
        assert self.columns is not None
        reference = f"{letter(self.columns[role] + 1)}{line}"
        return _text(value) is None and reference not in self.formulas_without_value

    def amount(self, line: int, role: str, value: object) -> Decimal | None:
        assert self.columns is not None
        column = self.columns[role]
        if self.sheet is not None and f"{letter(column + 1)}{line}" in self.formulas_without_value:
            self.fail(
                line,
                column,
                "a formula whose value was never computed: open the workbook in Excel or "
                "LibreOffice and save it",
            )
            return None
        problem = None
        if value is None:
            return Decimal(0)
        if isinstance(value, (bool, dt.date, dt.time)):
            problem = f"{value} where an amount ({self.profile.columns()[role]}) is expected"
        elif isinstance(value, int):
            return Decimal(value)
        elif isinstance(value, float):
            result = Decimal(repr(value))
            if result.is_finite():
                return result
            problem = f"{value} is not an amount"
        else:
            try:
                return parse_amount(
                    str(value),
                    self.profile.decimal_separator,
                    self.profile.thousands_separator,
                    self._pattern,
                )
            except AmountError as error:
                problem = f"{self.profile.columns()[role]}: {error}"
        self.fail(line, column, problem)
        return None


@dataclass
class _Sums:
    amounts: dict[tuple[str, str | None], Decimal] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    currency: str | None = None
    first: int | None = None
    last: int | None = None
    rows: int = 0

    def add(self, row: ReadRow) -> None:
        key = (row.account, row.partner)
        self.amounts[key] = self.amounts.get(key, Decimal(0)) + row.amount
        if row.name is not None:
            self.names.setdefault(row.account, row.name)
        self.first = row.line if self.first is None else self.first
        self.last = row.line
        self.rows += 1


def data_rows(table: Table, rows: Iterator[Row]) -> Iterator[ReadRow]:
    """The rows below the header, read; stops when the problems reach MAX_PROBLEMS. The titles
    are the last record that starts within the header rows."""
    header_rows = table.profile.header_rows
    header: tuple[Any, ...] | None = None
    header_line = 0
    for line, cells in rows:
        if line <= header_rows:
            header_line, header = line, cells
            continue
        if table.columns is None and (header is None or not table.header(header_line, header)):
            return
        read = table.row(line, cells)
        if read is not None:
            yield read
        if len(table.problems) >= MAX_PROBLEMS:
            return


def read(
    sources: Sequence[Source],
    first_day: dt.date,
    last_day: dt.date,
    progress: Progress | None,
    options: Mapping[str, object],
) -> tuple[Ledger | None, list[ImportProblem]]:
    """The trial balance the file states; see the module."""
    profile = options.get("profile")
    if not isinstance(profile, ColumnProfile):
        return None, [_whole("no column profile was given to read the file with")]
    limits = options.get("limits")
    limits = limits if isinstance(limits, Upload) else DEFAULT_LIMITS
    if len(sources) != 1:
        return None, [_whole(f"give one file (the trial balance), not {len(sources)}")]
    problems = profile_problems(profile)
    if problems:
        return None, [_whole(f"the column profile: {p}") for p in problems]
    source = sources[0]
    excel = is_xlsx(head_of(source))
    if excel != (profile.kind == "xlsx"):
        return None, [
            _whole(
                f"the file is {'an Excel workbook' if excel else 'not an Excel workbook'} but "
                f"the column profile reads {profile.kind.upper()} files: detect a profile for "
                "this file and save it"
            )
        ]
    max_rows = limits.max_trial_balance_rows + profile.header_rows
    sums = _Sums()
    try:
        if excel:
            sheet = Sheet(whole_file(source), profile.sheet, limits, max_rows)
            table = Table(
                profile, sheet=sheet.title, formulas_without_value=sheet.formulas_without_value
            )
            rows = sheet.rows()
        else:
            table = Table(profile)
            rows = csv_rows(source, profile.encoding, profile.delimiter, profile.quote, progress)
    except RowsError as error:
        return None, [error.problem]
    try:
        for row in data_rows(table, rows):
            if row.line > max_rows:
                table.fail(row.line, None, f"more than {max_rows:,} rows: the limit")
                break
            if profile.currency is not None:
                _currency(table, sums, row)
            sums.add(row)
    except RowsError as error:
        table.problems.append(error.problem)
    if not table.problems and sums.rows == 0:
        table.problems.append(_whole("the file has no trial balance rows below its header"))
    if table.problems:
        return None, table.problems[:MAX_PROBLEMS]
    return _ledger(profile, table, sums), []


def _currency(table: Table, sums: _Sums, row: ReadRow) -> None:
    assert table.columns is not None
    column = table.columns["currency"]
    if row.currency is None:
        table.fail(row.line, column, "no currency on the row")
    elif sums.currency is None:
        sums.currency = row.currency
    elif row.currency != sums.currency:
        table.fail(
            row.line,
            column,
            f"the row is in {row.currency}, the rows above in {sums.currency}: one currency "
            "per trial balance",
        )


def _ledger(profile: ColumnProfile, table: Table, sums: _Sums) -> Ledger:
    balances = tuple(
        LedgerBalance(account=account, amount=amount, name=sums.names.get(account), partner=partner)
        for (account, partner), amount in sorted(
            sums.amounts.items(), key=lambda item: (item[0][0], item[0][1] or "")
        )
        if amount
    )
    notes = []
    zero = sum(1 for amount in sums.amounts.values() if not amount)
    if zero:
        notes.append(f"{zero} accounts with a zero balance are left out")
    if table.skipped_totals:
        shown = ", ".join(map(str, table.skipped_totals[:10]))
        more = "…" if len(table.skipped_totals) > 10 else ""
        unit = "row" if table.sheet else "line"
        plural = "s" if len(table.skipped_totals) > 1 else ""
        notes.append(f"total rows skipped: {unit}{plural} {shown}{more}")
    if profile.name is not None:
        nameless = sorted({b.account for b in balances if b.name is None})
        if nameless:
            notes.append(f"accounts without a name in the file: {', '.join(nameless[:20])}")
    where = f" of sheet {table.sheet}" if table.sheet else ""
    return Ledger(
        format="XLSX" if table.sheet else "CSV",
        program=None,
        program_version=None,
        organisation_number=None,
        company=None,
        currency=sums.currency,
        fiscal_year=None,
        balances=balances,
        derived_from=f"trial balance rows {sums.first}..{sums.last}{where}",
        notes=tuple(notes),
    )


def _whole(message: str) -> ImportProblem:
    return ImportProblem(line=None, column=None, message=message)
