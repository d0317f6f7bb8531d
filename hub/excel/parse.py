"""Read an uploaded reporting workbook: every problem located by sheet and cell.

The archive is measured before anything parses it (package.py); each sheet's raw XML is then
scanned once (scan.py) for its real last row, merged cells and formulas saved without their
value. The workbook is read with openpyxl in read-only mode, so the trial balance streams row by
row (memory does not grow with the file); every row is read, whatever the sheet's `<dimension>`
says.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from array import array
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import msgspec
from openpyxl.reader.excel import ExcelReader
from openpyxl.utils import get_column_letter

from hub.excel.findings import CellError
from hub.excel.layout import (
    COVER,
    DATA_SHEETS,
    FIRST_DATA_ROW,
    INSTRUCTIONS,
    KPIS,
    META_ROWS,
    META_SHEET,
    PART_SHEETS,
    STATEMENTS,
    TEMPLATE_VERSION,
    TRIAL_BALANCE,
    Sheet,
)
from hub.excel.package import check_package
from hub.excel.reader import open_read_only
from hub.excel.scan import SheetScan
from hub.registry.model import EntityConfig
from hub.reporting.model import (
    Finding,
    KpiValueIn,
    Severity,
    StatementLineIn,
    TrialBalanceLineIn,
)
from hub.reporting.period import Period
from hub.reporting.rules import Upload

__all__ = ["CellError", "UploadedWorkbook"]


def _number(value: object) -> tuple[Decimal | None, str | None]:
    """The cell's amount, or why it is not one. Excel stores numbers as binary floats: the
    shortest decimal that reads back as the same float is the number the user typed."""
    if value is None:
        return None, None
    if isinstance(value, bool):
        return None, f"{value} where a number is expected"
    if isinstance(value, int):
        return Decimal(value), None
    if isinstance(value, float):
        amount = Decimal(repr(value))
        return (amount, None) if amount.is_finite() else (None, f"{value} is not a number")
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return None, f"a date ({value}) where a number is expected"
    if isinstance(value, str):
        if not value.strip():
            return None, None
        return None, f"text {value.strip()!r} where a number is expected"
    return None, f"{value!r} where a number is expected"


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


class UploadedWorkbook:
    """One upload. Call `open`; when it leaves no error, read the parts in order."""

    def __init__(self, data: bytes, limits: Upload) -> None:
        self.data = data
        self.max_rows = limits.max_trial_balance_rows
        self.limits = limits
        self.errors: list[CellError] = []
        self.kpi_base_version = 0
        self.statements_base_version = 0
        self._workbook: Any = None
        self._scans: dict[str, SheetScan] = {}
        self._rows: dict[str, array[int]] = {part: array("I") for part in PART_SHEETS}
        self._line_rows: dict[str, int] = {}

    def fail(self, sheet: str | None, cell: str | None, rule: str, message: str) -> None:
        self.errors.append(CellError(sheet, cell, rule, message))

    # --- the file as a whole -------------------------------------------------------------------

    def open(self, entity: EntityConfig, period: Period) -> bool:
        """Check the file, its sheets, its cover and its columns. False when it cannot be read
        further (the errors say why)."""
        problem = check_package(self.data, self.limits)
        if problem is not None:
            self.errors.append(problem)
            return False
        if not self._scan_sheets():
            return False
        try:
            self._workbook = open_read_only(self.data)
        except Exception as error:  # openpyxl raises many types for a damaged file
            self._unreadable(error)
            return False
        missing = [s.title for s in DATA_SHEETS if s.title not in self._workbook.sheetnames]
        missing += [t for t in (INSTRUCTIONS, META_SHEET) if t not in self._workbook.sheetnames]
        if missing:
            for title in missing:
                self.fail(
                    title,
                    None,
                    "missing-sheet",
                    f"the workbook has no sheet {title!r} (it has: "
                    f"{', '.join(self._workbook.sheetnames)}); download the hub's template",
                )
            return False
        for layout in DATA_SHEETS:
            # Read every row: read-only mode would stop at a stale <dimension>.
            self._workbook[layout.title].reset_dimensions()
        if not self._meta(entity, period):
            return False
        self._cover(period.bounds(entity.fiscal_year_start_month)[1])
        for layout in DATA_SHEETS:
            self._headers(layout)
        self._report_scans()
        return not self.errors

    def close(self) -> None:
        if self._workbook is not None:
            self._workbook.close()

    def _unreadable(self, error: Exception) -> None:
        self.fail(
            None,
            None,
            "corrupt",
            f"the workbook cannot be read, it may be damaged ({type(error).__name__}: {error})",
        )

    def _sheet_parts(self) -> dict[str, str] | None:
        """Sheet title -> its part in the archive, from the workbook's own index (openpyxl's
        reader, stopped before it opens any sheet)."""
        try:
            reader = ExcelReader(
                io.BytesIO(self.data), read_only=True, data_only=True, keep_links=False
            )
            try:
                reader.read_manifest()
                reader.read_workbook()
                return {sheet.name: rel.target for sheet, rel in reader.parser.find_sheets()}
            finally:
                reader.archive.close()
        except Exception as error:  # openpyxl raises many types for a damaged file
            self._unreadable(error)
            return None

    def _scan_sheets(self) -> bool:
        """Every sheet's real last row (a sheet beyond the limit is refused before it is read);
        merged cells and formulas without value of the data sheets."""
        parts = self._sheet_parts()
        if parts is None:
            return False
        data_titles = {layout.title for layout in DATA_SHEETS}
        limit = self.max_rows + FIRST_DATA_ROW - 1
        with zipfile.ZipFile(io.BytesIO(self.data)) as archive:
            names = set(archive.namelist())
            for title, part in parts.items():
                if part not in names:
                    continue
                with archive.open(part) as source:
                    scan = SheetScan(max_rows=limit, cells=title in data_titles).read(source)
                self._scans[title] = scan
                if scan.over_limit:
                    self._row_limit(title, scan.last_row)
        return not self.errors

    def _row_limit(self, title: str, row: int) -> None:
        self.fail(
            title,
            None,
            "row-limit",
            f"the {title} sheet reaches row {row:,}; at most {self.max_rows:,} rows below the "
            "header are accepted",
        )

    def _report_scans(self) -> None:
        for layout in DATA_SHEETS:
            scan = self._scans.get(layout.title)
            if scan is None:
                continue
            for ref in scan.merged:
                self.fail(
                    layout.title, ref, "merged-cells", "merged cells over the data: unmerge them"
                )
            for cell in sorted(scan.formulas_without_value, key=_cell_order):
                self.fail(
                    layout.title,
                    cell,
                    "formula-without-value",
                    "a formula whose value was never computed: open the workbook in Excel "
                    "or LibreOffice and save it, or type the value",
                )

    def _meta(self, entity: EntityConfig, period: Period) -> bool:
        sheet = self._workbook[META_SHEET]
        values = {row[0]: row[1] for row in sheet.iter_rows(max_col=2, values_only=True) if row[0]}
        template, meta_entity, meta_period = (
            values.get(k) for k in ("template", "entity", "period")
        )
        if template != TEMPLATE_VERSION:
            self.fail(
                META_SHEET,
                f"B{META_ROWS['template']}",
                "template-version",
                f"this workbook is template {template!r}, the hub reads {TEMPLATE_VERSION}: "
                "download a new template",
            )
            return False
        if meta_entity != entity.code:
            self.fail(
                META_SHEET,
                f"B{META_ROWS['entity']}",
                "template-entity",
                f"this is {meta_entity}'s template, not {entity.code}'s: download the template "
                f"of {entity.code}",
            )
        if meta_period != str(period):
            self.fail(
                META_SHEET,
                f"B{META_ROWS['period']}",
                "template-period",
                f"this template is for period {meta_period}, not {period}",
            )
        for key in ("kpi_base_version", "statements_base_version"):
            value = values.get(key)
            if not isinstance(value, int) or value < 0:
                self.fail(META_SHEET, f"B{META_ROWS[key]}", "template-meta", f"{key} is damaged")
            else:
                setattr(self, key, value)
        return not self.errors

    def _cover(self, closing: dt.date) -> None:
        cell = COVER["closing_date"]
        value = self._workbook[INSTRUCTIONS][cell].value
        if isinstance(value, dt.datetime):
            value = value.date()
        if value is None:
            self.fail(INSTRUCTIONS, cell, "closing-date", "the closing date is required")
        elif isinstance(value, str):
            self.fail(
                INSTRUCTIONS,
                cell,
                "closing-date",
                f"{value!r} is text, not a date: enter the closing date as a date ({closing})",
            )
        elif not isinstance(value, dt.date):
            self.fail(INSTRUCTIONS, cell, "closing-date", f"{value!r} is not a date")
        elif value != closing:
            self.fail(
                INSTRUCTIONS,
                cell,
                "closing-date",
                f"the closing date {value} is not the last day of the period ({closing})",
            )

    def _headers(self, layout: Sheet) -> None:
        sheet = self._workbook[layout.title]
        found = next(
            sheet.iter_rows(min_row=1, max_row=1, max_col=len(layout.columns), values_only=True), ()
        )
        for index, expected in enumerate(layout.headers):
            actual = found[index] if index < len(found) else None
            if _text(actual) != expected:
                self.fail(
                    layout.title,
                    f"{get_column_letter(index + 1)}1",
                    "columns",
                    f"expected the column {expected!r} here, found {actual!r}: do not move, "
                    "insert or rename columns",
                )

    # --- the parts ---------------------------------------------------------------------------

    def _rows_of(self, layout: Sheet) -> Iterator[tuple[int, tuple[Any, ...]]]:
        """Every row below the header. The scan has bounded the rows already; the bound is
        kept here too, for XML the scan cannot read (e.g. not UTF-8)."""
        width = len(layout.columns)
        last = self.max_rows + FIRST_DATA_ROW - 1
        for row, values in enumerate(self._sheet_rows(layout), start=FIRST_DATA_ROW):
            if row > last:
                self._row_limit(layout.title, row)
                return
            yield row, tuple(values) + (None,) * (width - len(values))

    def _sheet_rows(self, layout: Sheet) -> Iterator[tuple[Any, ...]]:
        """openpyxl's rows below the header, as values. XML that breaks off inside the sheet
        (openpyxl only meets it here: it no longer parses a sheet when the workbook opens,
        reader.py) is the file's `corrupt` error, and the rows stop."""
        rows = self._workbook[layout.title].iter_rows(
            min_row=FIRST_DATA_ROW, max_col=len(layout.columns), values_only=True
        )
        while True:
            try:
                values = next(rows, None)
            except Exception as error:  # openpyxl raises many types for a damaged file
                self._unreadable(error)
                return
            if values is None:
                return
            yield values

    def _amount(self, layout: Sheet, row: int, value: object) -> Decimal | None:
        amount, problem = _number(value)
        if problem is not None:
            self.fail(layout.title, f"{layout.letter('amount')}{row}", "number", problem)
        return amount

    def kpi_values(self) -> tuple[KpiValueIn, ...]:
        values = []
        col = {name: KPIS.column(name) - 1 for name, _ in KPIS.columns}
        for row, cells in self._rows_of(KPIS):
            amount = self._amount(KPIS, row, cells[col["amount"]])
            code = _text(cells[col["kpi"]])
            if amount is None:
                continue
            if code is None:
                self.fail(
                    KPIS.title, f"{KPIS.letter('kpi')}{row}", "kpi", "an amount without a KPI code"
                )
                continue
            self._rows["values"].append(row)
            values.append(
                KpiValueIn(
                    kpi=code,
                    amount=amount,
                    currency=_text(cells[col["currency"]]),
                    note=_text(cells[col["note"]]),
                )
            )
        return tuple(values)

    def statement_lines(self) -> tuple[StatementLineIn, ...]:
        lines = []
        col = {name: STATEMENTS.column(name) - 1 for name, _ in STATEMENTS.columns}
        for row, cells in self._rows_of(STATEMENTS):
            amount = self._amount(STATEMENTS, row, cells[col["amount"]])
            code = _text(cells[col["line"]])
            if code is not None:
                self._line_rows.setdefault(code, row)
            if amount is None:
                continue
            if code is None:
                self.fail(STATEMENTS.title, f"A{row}", "line", "an amount without a line code")
                continue
            self._rows["lines"].append(row)
            lines.append(
                StatementLineIn(line=code, amount=amount, currency=_text(cells[col["currency"]]))
            )
        return tuple(lines)

    def trial_balance(self) -> Iterator[TrialBalanceLineIn]:
        """Rows with an amount, streamed; bad cells are recorded, not yielded.

        The hot loop of an upload (a trial balance has up to `max_rows` rows): `_rows_of`,
        `_amount` and `_text` inlined for the cells that are what they should be (a float
        amount, text or nothing elsewhere); anything else goes through them as before."""
        layout = TRIAL_BALANCE
        width = len(layout.columns)
        i_account, i_label, i_amount, i_currency, i_partner = (
            layout.column(name) - 1
            for name in ("account", "label", "amount", "currency", "partner")
        )
        last = self.max_rows + FIRST_DATA_ROW - 1
        rows = self._rows["trial_balance"]
        line = TrialBalanceLineIn
        for row, cells in enumerate(self._sheet_rows(layout), start=FIRST_DATA_ROW):
            if row > last:
                self._row_limit(layout.title, row)
                return
            if len(cells) < width:
                cells = tuple(cells) + (None,) * (width - len(cells))
            value = cells[i_amount]
            if value is None:
                continue
            amount: Decimal | None
            if type(value) is float and value - value == 0:  # finite
                amount = Decimal(repr(value))
            else:
                amount = self._amount(layout, row, value)
                if amount is None:
                    continue
            account = cells[i_account]
            account = (account.strip() or None) if type(account) is str else _text(account)
            if account is None:
                self.fail(layout.title, f"A{row}", "account", "an amount without an account")
                continue
            label = cells[i_label]
            currency = cells[i_currency]
            partner = cells[i_partner]
            rows.append(row)
            yield line(
                account=account,
                label=(label.strip() or None) if type(label) is str else _text(label),
                amount=amount,
                currency=(currency.strip() or None) if type(currency) is str else _text(currency),
                partner=(partner.strip() or None) if type(partner) is str else _text(partner),
            )

    # --- from the service's findings back to cells ------------------------------------------

    def locate(self, finding: Finding) -> CellError:
        where = finding.where
        layout = PART_SHEETS.get(where.part)
        cell: str | None = None
        sheet: str | None = None
        if where.part in ("entity", "period"):
            sheet, cell = INSTRUCTIONS, COVER[where.part]
        elif where.part == "statements":
            sheet = STATEMENTS.title
        elif layout is not None:
            sheet = layout.title
            row = None
            if where.index is not None and where.index < len(self._rows[where.part]):
                row = self._rows[where.part][where.index]
            elif layout is STATEMENTS and where.field is not None:
                row = self._line_rows.get(where.field)
            if row is not None:
                field = where.field if where.field in dict(layout.columns) else "amount"
                cell = f"{layout.letter(field)}{row}"
        located = CellError(sheet, cell, finding.rule, finding.message, finding.severity)
        if finding.severity is not Severity.WARNING:
            return located
        if finding.comment:
            return msgspec.structs.replace(located, comment=finding.comment)
        return msgspec.structs.replace(located, needs_comment=True, explain=self._explain(finding))

    def _explain(self, finding: Finding) -> str:
        """Where to write the comment a warning needs, in the workbook's terms."""
        where = finding.where
        rows = self._rows.get(where.part)
        if where.part == "values" and where.index is not None and where.index < len(rows or ()):
            assert rows is not None
            note = f"{KPIS.letter('note')}{rows[where.index]}"
            return (
                f"write why in the Note column (cell {note} of the {KPIS.title} sheet) and "
                "upload again, or comment it when you submit"
            )
        return "comment it when you submit: say why in the comment box of this warning"

    def place(self, finding: Finding) -> str | None:
        """`Sheet!Cell`, or the sheet, where a person finds the finding."""
        located = self.locate(finding)
        return None if located.sheet is None else located.where()


def _cell_order(cell: str) -> tuple[int, str]:
    match = re.match(r"([A-Z]+)([0-9]+)", cell)
    assert match is not None
    return int(match[2]), match[1]
