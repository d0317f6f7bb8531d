"""The consolidated statements as a workbook finance can sign: numbers as numbers, thousands
separators, negatives in parentheses, frozen headers, one sheet per statement, the sources
(submission versions and rates) the figures come from, and which figures they are: the run a
locked period was signed off with (id, digest, who locked it, when), or a recomputation of an
open period with its digest."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from hub.api.presentation import present
from hub.consolidation.model import ADJUSTMENTS, ELIMINATIONS, TOTAL
from hub.consolidation.repository import JournalRow
from hub.consolidation.service import View
from hub.excel.print_setup import CENTS, DATE_TIME, PERCENT, header, ready_to_print
from hub.excel.writing import workbook_bytes
from hub.registry.group_chart import GroupChart, Statement

TITLES = {
    Statement.BALANCE_SHEET: "Balance sheet",
    Statement.INCOME_STATEMENT: "Income statement",
}
# The header row of each sheet's (first) table, in the order the sheets are written; the
# sign-off sheet is label and value rows.
HEADER_ROWS = (4, 4, 3, 1, 1, 1, None)


def statements_workbook(
    view: View, chart: GroupChart, journals: Sequence[JournalRow], currency: str
) -> bytes:
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    workbook.remove(first)
    for statement, title in TITLES.items():
        _statement(workbook.create_sheet(title), view, chart, statement, currency)
    _eliminations(workbook.create_sheet("Eliminations"), view)
    _adjustments(workbook.create_sheet("Adjustments"), journals)
    _translation(workbook.create_sheet("Translation"), view)
    _sources(workbook.create_sheet("Sources"), view)
    _sign_off(workbook.create_sheet("Sign-off"), view)
    for sheet, header_row in zip(workbook.worksheets, HEADER_ROWS, strict=True):
        ready_to_print(sheet, f"Consolidation {view.period}: {sheet.title}", header_row)
    return workbook_bytes(workbook)


def _when(at: dt.datetime) -> str:
    return f"{at.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC"


def sign_off_line(view: View) -> str:
    """One line saying which figures these are, printed above every statement."""
    lock = view.sign_off
    if lock is None:
        return f"Not signed off: recomputed from the approved data; digest {view.digest}"
    if lock.run_id is None:
        return (
            f"Locked by {lock.locked_by} on {_when(lock.locked_at)} without a stored run: "
            f"recomputed from the approved data; digest {view.digest}"
        )
    return (
        f"Signed off: run {lock.run_id}, digest {lock.digest}, locked by {lock.locked_by} "
        f"on {_when(lock.locked_at)}"
    )


def _sign_off(sheet: Worksheet, view: View) -> None:
    lock = view.sign_off
    signed = lock is not None and lock.run_id is not None
    rows: list[tuple[str, object]] = [
        ("Period", view.period),
        ("Figures", "signed off (the stored run)" if signed else "recomputed (not signed off)"),
        ("Run", None if lock is None else lock.run_id),
        ("Digest (SHA-256 of inputs and result)", view.digest),
        ("Locked by", None if lock is None else lock.locked_by),
        ("Locked at", None if lock is None else _when(lock.locked_at)),
        ("Reason", None if lock is None else lock.reason),
        ("Entities", ", ".join(view.scope)),
        ("Comparatives from run", None if lock is None else lock.prior_run_id),
    ]
    sheet["A1"] = f"Sign-off, consolidation {view.period}"
    sheet["A1"].font = Font(bold=True, size=13)
    for row, (label, value) in enumerate(rows, start=3):
        sheet.cell(row=row, column=1, value=label).font = Font(bold=True)
        sheet.cell(row=row, column=2, value=value)


def _money(sheet: Worksheet, row: int, column: int, amount: Decimal | None) -> None:
    cell = sheet.cell(row=row, column=column, value=None if amount is None else present(amount))
    cell.number_format = CENTS


def _statement(
    sheet: Worksheet, view: View, chart: GroupChart, statement: Statement, currency: str
) -> None:
    result = view.result
    entities = [e.entity for e in view.inputs.entities]
    columns = [*entities, ELIMINATIONS, ADJUSTMENTS, TOTAL]
    sheet["A1"] = f"{TITLES[statement]}, consolidated, {view.period} ({currency})"
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A2"] = f"Entities {', '.join(entities)}; prior period {view.prior_period}" + (
        "" if view.prior is not None else " not available: " + "; ".join(view.prior_problems)
    )
    sheet["A3"] = sign_off_line(view)
    headers = [
        "Line",
        "Label",
        *(c.capitalize() if c in (ELIMINATIONS, ADJUSTMENTS, TOTAL) else c for c in columns),
        f"Prior ({view.prior_period})",
        "Change",
        "Change %",
    ]
    header(sheet, 4, headers)
    row = 5
    for line in chart.statement_lines(statement):
        sheet.cell(row=row, column=1, value=line.code)
        label = sheet.cell(row=row, column=2, value=line.label)
        label.alignment = Alignment(indent=line.depth)
        for index, column in enumerate(columns, start=3):
            _money(sheet, row, index, result.columns[column][line.code])
        total = result.columns[TOTAL][line.code]
        prior = None if view.prior is None else view.prior.columns[TOTAL][line.code]
        _money(sheet, row, len(columns) + 3, prior)
        _money(sheet, row, len(columns) + 4, None if prior is None else total - prior)
        if prior:
            cell = sheet.cell(
                row=row, column=len(columns) + 5, value=present((total - prior) / abs(prior) * 100)
            )
            cell.number_format = PERCENT
        if line.is_total:
            for position in range(1, len(headers) + 1):
                sheet.cell(row=row, column=position).font = Font(bold=True)
        row += 1
    if statement is Statement.INCOME_STATEMENT:
        net = result.columns[TOTAL][chart.roles.net_result]
        for text, amount in (
            ("of which attributable to non-controlling interests", result.nci_result),
            ("of which attributable to the group", net - result.nci_result),
        ):
            sheet.cell(row=row, column=2, value=text).font = Font(italic=True)
            _money(sheet, row, len(columns) + 2, amount)
            row += 1
    row += 1
    for check in result.checks:
        sheet.cell(row=row, column=2, value=f"Check: {check.name}")
        sheet.cell(row=row, column=3, value="ok" if check.ok else "FAILED")
        _money(sheet, row, 4, check.difference)
        row += 1
    sheet.freeze_panes = "C5"


def _eliminations(sheet: Worksheet, view: View) -> None:
    sheet["A1"] = f"Eliminations {view.period} (debit positive, credit negative)"
    sheet["A1"].font = Font(bold=True, size=13)
    header(sheet, 3, ["Kind", "Entity", "Partner", "Line", "Amount", "Note"])
    row = 4
    for entry in view.result.eliminations:
        for column, value in enumerate(
            (entry.kind.value, entry.entity, entry.partner, entry.line), start=1
        ):
            sheet.cell(row=row, column=column, value=value)
        _money(sheet, row, 5, entry.amount)
        sheet.cell(row=row, column=6, value=entry.note)
        row += 1
    row += 1
    sheet.cell(row=row, column=1, value="Intra-network differences").font = Font(bold=True)
    header(
        sheet, row + 1, ["Entity", "Partner", "Statement", "Amount", "Cause", "Beyond tolerance"]
    )
    for offset, difference in enumerate(view.result.differences, start=row + 2):
        for column, value in enumerate(
            (difference.entity, difference.partner, difference.statement), start=1
        ):
            sheet.cell(row=offset, column=column, value=value)
        _money(sheet, offset, 4, difference.amount)
        sheet.cell(row=offset, column=5, value=difference.cause.value)
        sheet.cell(row=offset, column=6, value="yes" if difference.beyond_tolerance else "no")
    sheet.freeze_panes = "A4"


def _adjustments(sheet: Worksheet, journals: Sequence[JournalRow]) -> None:
    header(
        sheet, 1, ["Journal", "Reason", "Author", "Posted", "Reverses", "Line", "Entity", "Amount"]
    )
    row = 2
    for journal in journals:
        for line, entity, amount in journal.entries:
            values = (
                journal.id,
                journal.reason,
                journal.author,
                journal.created_at.replace(tzinfo=None),
                journal.reverses,
                line,
                entity,
            )
            for column, value in enumerate(values, start=1):
                sheet.cell(row=row, column=column, value=value)
            sheet.cell(row=row, column=4).number_format = DATE_TIME
            _money(sheet, row, 8, amount)
            row += 1
    sheet.freeze_panes = "A2"


def _translation(sheet: Worksheet, view: View) -> None:
    header(
        sheet,
        1,
        [
            "Entity",
            "Currency",
            "Closing rate",
            "Average rate",
            "Reserve (CTA) opening",
            "Movement",
            "Reserve (CTA) closing",
            "Equity carried from",
        ],
    )
    for row, translation in enumerate(view.result.translations, start=2):
        values = (
            translation.entity,
            translation.currency,
            translation.closing,
            translation.average,
        )
        for column, value in enumerate(values, start=1):
            sheet.cell(row=row, column=column, value=value)
        closing = present(translation.cta)
        opening = None if translation.cta_opening is None else present(translation.cta_opening)
        _money(sheet, row, 5, opening)
        _money(sheet, row, 6, None if opening is None else closing - opening)
        _money(sheet, row, 7, closing)
        sheet.cell(row=row, column=8, value=translation.opening_source)
    start = len(view.result.translations) + 3
    header(
        sheet,
        start,
        [
            "Goodwill of",
            "Currency",
            "In its currency",
            "At acquisition",
            "Impairment",
            "Translation",
            "At closing",
            "Bargain purchase",
        ],
    )
    for row, goodwill in enumerate(view.result.goodwill, start=start + 1):
        sheet.cell(row=row, column=1, value=goodwill.subsidiary)
        sheet.cell(row=row, column=2, value=goodwill.currency)
        sheet.cell(row=row, column=3, value=goodwill.local)
        for column, amount in enumerate(
            (
                goodwill.at_acquisition,
                goodwill.impairment,
                goodwill.translation,
                goodwill.closing,
                goodwill.bargain_purchase,
            ),
            start=4,
        ):
            _money(sheet, row, column, amount)
    sheet.freeze_panes = "A2"


def _sources(sheet: Worksheet, view: View) -> None:
    header(sheet, 1, ["Entity", "Submission", "Version", "Status"])
    row = 2
    for source in view.inputs.sources:
        for column, value in enumerate(
            (source.entity, source.submission_id, source.version, source.status.value), start=1
        ):
            sheet.cell(row=row, column=column, value=value)
        row += 1
    row += 1
    header(sheet, row, ["Entity", "Currency", "Rate type", "Rate", "Line", "Period", "Day"])
    for offset, rate in enumerate(view.inputs.rates_used, start=row + 1):
        for position, item in enumerate(
            (rate.entity, rate.currency, rate.type, rate.rate, rate.line, rate.period, rate.day),
            start=1,
        ):
            sheet.cell(row=offset, column=position, value=item)
    sheet.freeze_panes = "A2"
