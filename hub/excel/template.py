"""Write the reporting workbook for an entity and a period.

The amounts of the period's latest version (when there is one) fill the Amount columns; the
previous period's sit beside them for reference. Input cells are unlocked and validated; the
rest of each sheet, and the workbook structure, are protected (without a password: the
protection guides, the upload checks).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from countries.charts import ChartOfAccounts
from hub.excel.layout import (
    COVER,
    COVER_LABELS,
    FIRST_DATA_ROW,
    INSTRUCTIONS,
    KPIS,
    META_ROWS,
    META_SHEET,
    STATEMENTS,
    TEMPLATE_VERSION,
    TRIAL_BALANCE,
    Sheet,
)
from hub.excel.print_setup import ready_to_print
from hub.excel.writing import workbook_bytes
from hub.registry.group_chart import GroupChart
from hub.registry.model import EntityConfig, KpiDefinition
from hub.reporting.period import Period

AMOUNT_FORMAT = "#,##0.00;(#,##0.00)"
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
INPUT_FILL = PatternFill("solid", fgColor="FFF8DC")
UNLOCKED = Protection(locked=False)
LIMIT = 10**15


@dataclass(frozen=True, slots=True)
class KpiCell:
    amount: Decimal
    currency: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class TbCell:
    account: str
    label: str | None
    amount: Decimal
    partner: str | None


@dataclass(frozen=True, slots=True)
class TemplateData:
    entity: EntityConfig
    period: Period
    chart: ChartOfAccounts
    group: GroupChart
    kpis: tuple[KpiDefinition, ...]
    partners: tuple[str, ...]
    kpi_base_version: int = 0
    statements_base_version: int = 0
    current_kpis: Mapping[str, KpiCell] = field(default_factory=dict)
    previous_kpis: Mapping[str, Decimal] = field(default_factory=dict)
    current_lines: Mapping[str, Decimal] = field(default_factory=dict)
    previous_lines: Mapping[str, Decimal] = field(default_factory=dict)
    current_tb: tuple[TbCell, ...] = ()
    previous_tb: Mapping[tuple[str, str | None], Decimal] = field(default_factory=dict)


def build_template(data: TemplateData, now: dt.datetime) -> bytes:
    workbook = Workbook()
    instructions = workbook.active
    assert instructions is not None
    instructions.title = INSTRUCTIONS
    _instructions(instructions, data)
    _kpis(workbook.create_sheet(KPIS.title), data)
    _statements(workbook.create_sheet(STATEMENTS.title), data)
    _trial_balance(workbook.create_sheet(TRIAL_BALANCE.title), data)
    for sheet in workbook.worksheets:
        title = f"{data.entity.name}, {data.period}: {sheet.title}"
        ready_to_print(sheet, title, None if sheet.title == INSTRUCTIONS else 1)
    _meta(workbook.create_sheet(META_SHEET), data, now)
    workbook.security = WorkbookProtection(lockStructure=True)
    return workbook_bytes(workbook)


def _instructions(sheet: Worksheet, data: TemplateData) -> None:
    entity = data.entity
    start, end = data.period.bounds(entity.fiscal_year_start_month)
    sheet["A1"] = f"{entity.name}: report for {data.period} ({start:%d %b %Y} to {end:%d %b %Y})"
    sheet["A1"].font = Font(bold=True, size=14)
    values = {
        "entity": entity.code,
        "period": str(data.period),
        "currency": entity.currency,
        "closing_date": end,
        "prepared_by": None,
    }
    for key, cell in COVER.items():
        row = sheet[cell].row
        sheet.cell(row=row, column=1, value=COVER_LABELS[key]).font = Font(bold=True)
        sheet[cell] = values[key]
    sheet[COVER["closing_date"]].number_format = "yyyy-mm-dd"
    for key in ("closing_date", "prepared_by"):
        sheet[COVER[key]].protection = UNLOCKED
        sheet[COVER[key]].fill = INPUT_FILL
    dates = DataValidation(
        type="date",
        operator="between",
        formula1="DATE(1900,1,1)",
        formula2="DATE(2200,12,31)",
        showErrorMessage=True,
        error="Enter a date, e.g. 2024-12-31",
    )
    sheet.add_data_validation(dates)
    dates.add(COVER["closing_date"])
    lines = [
        "How to fill this workbook",
        "1. Amounts go in the yellow Amount column of each sheet, in "
        f"{entity.currency}, as numbers (no text, no formulas without a value).",
        "2. KPIs: one row per KPI; leave a row empty when you do not report it.",
        "3. Statements: the lines of the group chart as in your published statements; "
        "totals as published (differences of a rounding unit are accepted and listed).",
        "4. Trial balance: one row per account (debit positive, credit negative); it must "
        "balance. Add rows below for more accounts; name the Partner entity on intra-network "
        "accounts. The previous period is shown for reference.",
        "5. Upload the workbook to the hub; it answers with every problem located by sheet and "
        "cell, and stores nothing until the whole workbook is right.",
        f"Do not rename sheets or move columns. Template {TEMPLATE_VERSION}.",
    ]
    for offset, text in enumerate(lines):
        sheet.cell(row=10 + offset, column=1, value=text)
    sheet["A10"].font = Font(bold=True)
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 20
    sheet.protection.sheet = True


def _header(sheet: Worksheet, layout: Sheet, widths: Mapping[str, int]) -> None:
    for index, header in enumerate(layout.headers, start=1):
        cell = sheet.cell(row=1, column=index, value=header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center")
    for name, width in widths.items():
        sheet.column_dimensions[layout.letter(name)].width = width
    sheet.freeze_panes = "A2"


def _amount_validation(sheet: Worksheet, layout: Sheet, last_row: int) -> None:
    numbers = DataValidation(
        type="decimal",
        operator="between",
        formula1=str(-LIMIT),
        formula2=str(LIMIT),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Amount",
        error="Enter a number (no text).",
    )
    sheet.add_data_validation(numbers)
    letter = layout.letter("amount")
    numbers.add(f"{letter}{FIRST_DATA_ROW}:{letter}{last_row}")


def _list_validation(sheet: Worksheet, cells: str, choices: tuple[str, ...], what: str) -> None:
    if not choices:
        return
    validation = DataValidation(
        type="list",
        formula1='"' + ",".join(choices) + '"',
        allow_blank=True,
        showErrorMessage=True,
        error=f"Choose a {what} from the list.",
    )
    sheet.add_data_validation(validation)
    validation.add(cells)


def _input(sheet: Worksheet, row: int, column: int, value: object) -> None:
    cell = sheet.cell(row=row, column=column, value=value)
    cell.protection = UNLOCKED
    cell.fill = INPUT_FILL


def _kpis(sheet: Worksheet, data: TemplateData) -> None:
    _header(
        sheet, KPIS, {"kpi": 20, "label": 38, "unit": 10, "previous": 18, "amount": 18, "note": 40}
    )
    for row, kpi in enumerate(data.kpis, start=FIRST_DATA_ROW):
        current = data.current_kpis.get(kpi.code)
        sheet.cell(row=row, column=KPIS.column("kpi"), value=kpi.code)
        sheet.cell(row=row, column=KPIS.column("label"), value=kpi.label)
        sheet.cell(row=row, column=KPIS.column("unit"), value=kpi.unit.value)
        previous = data.previous_kpis.get(kpi.code)
        sheet.cell(row=row, column=KPIS.column("previous"), value=previous)
        _input(sheet, row, KPIS.column("amount"), None if current is None else current.amount)
        _input(
            sheet,
            row,
            KPIS.column("currency"),
            data.entity.currency if kpi.is_money else None,
        )
        _input(sheet, row, KPIS.column("note"), None if current is None else current.note)
        for name in ("previous", "amount"):
            sheet.cell(row=row, column=KPIS.column(name)).number_format = AMOUNT_FORMAT
    last = FIRST_DATA_ROW + len(data.kpis) - 1
    _amount_validation(sheet, KPIS, last)
    _list_validation(
        sheet,
        f"{KPIS.letter('currency')}{FIRST_DATA_ROW}:{KPIS.letter('currency')}{last}",
        (data.entity.currency,),
        "currency",
    )
    sheet.protection.sheet = True


def _statements(sheet: Worksheet, data: TemplateData) -> None:
    _header(
        sheet, STATEMENTS, {"line": 16, "label": 52, "statement": 18, "previous": 18, "amount": 18}
    )
    lines = [line for line in data.group.lines.values() if not line.consolidation_only]
    for row, line in enumerate(lines, start=FIRST_DATA_ROW):
        sheet.cell(row=row, column=STATEMENTS.column("line"), value=line.code)
        label = sheet.cell(row=row, column=STATEMENTS.column("label"), value=line.label)
        label.alignment = Alignment(indent=line.depth)
        if line.is_total:
            label.font = Font(bold=True)
        sheet.cell(row=row, column=STATEMENTS.column("statement"), value=line.statement.value)
        sheet.cell(
            row=row, column=STATEMENTS.column("previous"), value=data.previous_lines.get(line.code)
        )
        _input(sheet, row, STATEMENTS.column("amount"), data.current_lines.get(line.code))
        _input(sheet, row, STATEMENTS.column("currency"), data.entity.currency)
        for name in ("previous", "amount"):
            sheet.cell(row=row, column=STATEMENTS.column(name)).number_format = AMOUNT_FORMAT
    last = FIRST_DATA_ROW + len(lines) - 1
    _amount_validation(sheet, STATEMENTS, last)
    sheet.protection.sheet = True


def _trial_balance(sheet: Worksheet, data: TemplateData) -> None:
    _header(
        sheet,
        TRIAL_BALANCE,
        {"account": 14, "label": 52, "previous": 18, "amount": 18, "partner": 10},
    )
    rows = tb_rows(data)
    for row, (code, label, amount, partner) in enumerate(rows, start=FIRST_DATA_ROW):
        _input(sheet, row, TRIAL_BALANCE.column("account"), code)
        _input(sheet, row, TRIAL_BALANCE.column("label"), label)
        sheet.cell(
            row=row,
            column=TRIAL_BALANCE.column("previous"),
            value=data.previous_tb.get((code, partner)),
        ).number_format = AMOUNT_FORMAT
        _input(sheet, row, TRIAL_BALANCE.column("amount"), amount)
        sheet.cell(row=row, column=TRIAL_BALANCE.column("amount")).number_format = AMOUNT_FORMAT
        _input(sheet, row, TRIAL_BALANCE.column("currency"), data.entity.currency)
        _input(sheet, row, TRIAL_BALANCE.column("partner"), partner)
    last = FIRST_DATA_ROW + len(rows) + 500
    for row in range(FIRST_DATA_ROW + len(rows), last + 1):
        for name in ("account", "label", "amount", "currency", "partner"):
            sheet.cell(row=row, column=TRIAL_BALANCE.column(name)).protection = UNLOCKED
    _amount_validation(sheet, TRIAL_BALANCE, last)
    partner = TRIAL_BALANCE.letter("partner")
    _list_validation(sheet, f"{partner}{FIRST_DATA_ROW}:{partner}{last}", data.partners, "partner")
    sheet.protection.sheet = True
    sheet.protection.insertRows = False
    sheet.protection.deleteRows = False


TbRow = tuple[str, str | None, Decimal | None, str | None]


def tb_rows(data: TemplateData) -> list[TbRow]:
    """(account, label, amount, partner) of each row. The team's lines come exactly as saved,
    in their order, with their partners and labels (an empty label stays empty: the upload
    then reads back what was saved). The chart's other accounts fill in around them, each
    before the first line of a later chart account; the previous period's others follow."""
    chart_order = {account.code: index for index, account in enumerate(data.chart.accounts)}
    taken = {c.account for c in data.current_tb}
    spare = [a for a in data.chart.accounts if a.code not in taken]
    rows: list[TbRow] = []
    for cell in data.current_tb:
        place = chart_order.get(cell.account)
        while spare and place is not None and chart_order[spare[0].code] < place:
            account = spare.pop(0)
            rows.append((account.code, account.label, None, None))
        rows.append((cell.account, cell.label, cell.amount, cell.partner))
    rows += [(account.code, account.label, None, None) for account in spare]
    keys = {(row[0], row[3]) for row in rows}
    for code, partner in data.previous_tb:
        if (code, partner) not in keys:
            listed = data.chart.account(code)
            rows.append((code, listed.label if listed else None, None, partner))
    return rows


def _meta(sheet: Worksheet, data: TemplateData, now: dt.datetime) -> None:
    values = {
        "template": TEMPLATE_VERSION,
        "entity": data.entity.code,
        "period": str(data.period),
        "kpi_base_version": data.kpi_base_version,
        "statements_base_version": data.statements_base_version,
        "generated_at": now.isoformat(timespec="seconds"),
    }
    for key, row in META_ROWS.items():
        sheet.cell(row=row, column=1, value=key)
        sheet.cell(row=row, column=2, value=values[key])
    sheet.sheet_state = "veryHidden"
    sheet.protection.sheet = True
