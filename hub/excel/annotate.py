"""The upload report as a workbook: the uploaded file with its bad cells highlighted and
commented, and a first sheet listing every finding."""

from __future__ import annotations

import io

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from hub.excel.findings import FILE_RULES, CellError
from hub.excel.service import UploadReport
from hub.excel.writing import workbook_bytes
from hub.reporting.model import Severity

REPORT_SHEET = "Upload report"
FILLS = {
    Severity.ERROR: PatternFill("solid", fgColor="F4B6B6"),
    Severity.WARNING: PatternFill("solid", fgColor="FFE08A"),
    Severity.NOTICE: PatternFill("solid", fgColor="CFE2F3"),
}


def annotate(data: bytes, report: UploadReport) -> bytes:
    """The uploaded workbook marked up; the report sheet alone when the file itself was refused
    (too large, a zip bomb, a DTD...): such a file is never opened."""
    refused = any(error.rule in FILE_RULES for error in report.errors)
    workbook = None if refused else _opened(data)
    if workbook is None:
        workbook = Workbook()
        assert workbook.active is not None
        workbook.remove(workbook.active)
    if workbook.security is not None:
        workbook.security.lockStructure = False
    findings = [*report.errors, *report.warnings]
    for finding in findings:
        _mark(workbook, finding)
    return workbook_bytes(workbook, written=[_report_sheet(workbook, report)])


def _opened(data: bytes) -> Workbook | None:
    try:
        return load_workbook(io.BytesIO(data))
    except Exception:  # openpyxl raises many types for a damaged file
        return None


def _mark(workbook: Workbook, finding: CellError) -> None:
    if finding.sheet is None or finding.cell is None or finding.sheet not in workbook.sheetnames:
        return
    sheet = workbook[finding.sheet]
    cell = sheet[finding.cell.split(":")[0]]
    cell.fill = FILLS[finding.severity]
    text = f"{finding.severity.value}: {finding.message}"
    if finding.explain is not None:
        text += f"\nNeeds a comment: {finding.explain}"
    elif finding.comment is not None:
        text += f"\nCommented: {finding.comment}"
    cell.comment = Comment(
        text if cell.comment is None else f"{cell.comment.text}\n{text}", "hub", width=300
    )


def _report_sheet(workbook: Workbook, report: UploadReport) -> Worksheet:
    sheet = workbook.create_sheet(REPORT_SHEET, 0)
    verdict = "accepted" if report.accepted else f"refused: {report.error_count} error(s)"
    sheet["A1"] = f"Upload of {report.entity} {report.period}: {verdict}"
    sheet["A1"].font = Font(bold=True, size=13)
    for row, outcome in enumerate(report.datasets, start=2):
        sheet.cell(row=row, column=1, value=outcome.dataset.value)
        sheet.cell(row=row, column=2, value=outcome.outcome)
        sheet.cell(row=row, column=3, value=outcome.version)
        sheet.cell(row=row, column=4, value=outcome.message)
    start = len(report.datasets) + 3
    headers = ("Severity", "Sheet", "Cell", "Rule", "Message", "Comment")
    for column, header in enumerate(headers, start=1):
        sheet.cell(row=start, column=column, value=header).font = Font(bold=True)
    for row, finding in enumerate([*report.errors, *report.warnings], start=start + 1):
        values = (
            finding.severity.value,
            finding.sheet,
            finding.cell,
            finding.rule,
            finding.message,
            finding.comment
            if finding.comment is not None
            else None
            if finding.explain is None
            else f"needed: {finding.explain}",
        )
        for column, value in enumerate(values, start=1):
            sheet.cell(row=row, column=column, value=value)
        sheet.cell(row=row, column=1).fill = FILLS[finding.severity]
    for letter, width in zip("ABCDEF", (10, 16, 10, 24, 100, 60), strict=True):
        sheet.column_dimensions[letter].width = width
    workbook.active = 0
    return sheet
