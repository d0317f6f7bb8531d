"""The monitoring workbook finance and the board read: contributions expected against booked,
the investment programmes' status per partner, the member-project loans, the path to
break-even. Figures that are not published are marked illustrative on every row."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from hub.breakeven.service import BreakEven
from hub.contributions.service import Report
from hub.excel.print_setup import CENTS, DATE, RATE, header, ready_to_print
from hub.excel.writing import workbook_bytes
from hub.investments.model import LoanStatus, ProgrammeStatus

ILLUSTRATIVE = "illustrative"


def _sheet(workbook: Workbook, title: str, headers: Sequence[str]) -> Worksheet:
    sheet = workbook.create_sheet(title)
    header(sheet, 1, headers)
    sheet.freeze_panes = "A2"
    return sheet


def _row(sheet: Worksheet, row: int, values: Sequence[object], money: Sequence[int] = ()) -> None:
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column, value=value)
        if column in money:
            cell.number_format = CENTS


def _cents(amount: Decimal | None) -> Decimal | None:
    return None if amount is None else amount.quantize(Decimal("0.01"))


def monitoring_workbook(
    period: str,
    contributions: Report,
    programmes: Sequence[ProgrammeStatus],
    loans: Sequence[LoanStatus],
    break_even: BreakEven,
) -> bytes:
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    workbook.remove(first)

    sheet = _sheet(
        workbook,
        f"Contributions {period}",
        [
            "Entity",
            "Component",
            "Currency",
            "Base",
            "Rate %",
            "Expected",
            "Booked",
            "Gap",
            "Gap %",
            "Flagged",
            "Method",
            "Note",
        ],
    )
    for row, line in enumerate(contributions.lines, start=2):
        _row(
            sheet,
            row,
            [
                line.entity,
                line.component,
                line.currency,
                line.base_amount,
                line.rate_percent,
                _cents(line.expected),
                line.gap.booked,
                _cents(line.gap.amount),
                None if line.gap.percent is None else line.gap.percent.quantize(Decimal("0.0001")),
                "yes" if line.gap.flagged else "",
                line.method,
                ILLUSTRATIVE if line.illustrative else None,
            ],
            money=(4, 6, 7, 8),
        )
        sheet.cell(row=row, column=9).number_format = RATE
    start = len(contributions.lines) + 3
    sheet.cell(row=start, column=1, value="Network (EUR, at the average rates)").font = Font(
        bold=True
    )
    for offset, total in enumerate(contributions.network, start=start + 1):
        _row(
            sheet,
            offset,
            [
                total.period,
                "expected / booked / gap",
                total.currency,
                None,
                None,
                _cents(total.expected),
                _cents(total.booked),
                _cents(total.gap),
            ],
            money=(6, 7, 8),
        )
        sheet.cell(row=offset, column=11, value=f"left out: {', '.join(total.left_out) or 'none'}")

    sheet = _sheet(
        workbook,
        "Programmes",
        [
            "Programme",
            "Funder",
            "Currency",
            "Partner",
            "Budget",
            "Allocated",
            "Committed",
            "Disbursed",
            "Remaining",
            "Note",
        ],
    )
    row = 2
    for status in programmes:
        programme = status.programme
        for partner in status.partners:
            _row(
                sheet,
                row,
                [
                    programme.name,
                    programme.funding_entity,
                    programme.currency,
                    partner.partner,
                    None,
                    partner.allocated,
                    partner.committed,
                    partner.disbursed,
                    partner.remaining,
                    ILLUSTRATIVE if partner.illustrative else None,
                ],
                money=(5, 6, 7, 8, 9),
            )
            row += 1
        _row(
            sheet,
            row,
            [
                programme.name,
                programme.funding_entity,
                programme.currency,
                "total",
                status.budget,
                status.allocated,
                status.committed,
                status.disbursed,
                status.remaining,
                ILLUSTRATIVE if status.illustrative else None,
            ],
            money=(5, 6, 7, 8, 9),
        )
        for column in range(1, 11):
            sheet.cell(row=row, column=column).font = Font(bold=True)
        row += 2

    sheet = _sheet(
        workbook,
        "Loans",
        [
            "Loan",
            "Lender",
            "Borrower",
            "Projects",
            "Granted",
            "Currency",
            "Principal",
            "Repaid",
            "Outstanding",
            "Overdue",
            "Note",
        ],
    )
    for row, position in enumerate(loans, start=2):
        loan = position.loan
        _row(
            sheet,
            row,
            [
                loan.id,
                loan.lender,
                loan.borrower,
                loan.projects,
                loan.granted_on,
                loan.currency,
                loan.principal,
                position.repaid,
                position.outstanding,
                position.overdue,
                ILLUSTRATIVE if loan.illustrative else None,
            ],
            money=(7, 8, 9, 10),
        )
        sheet.cell(row=row, column=5).number_format = DATE

    sheet = _sheet(
        workbook,
        "Break-even",
        ["Partner", "Target", "Status", "Projected", "Invested (EUR)", "Losses (EUR)", "Reason"],
    )
    for row, path in enumerate(break_even.partners, start=2):
        _row(
            sheet,
            row,
            [
                path.entity,
                path.target_year or path.plan,
                path.projection.status.value,
                path.projection.projected_year,
                _cents(path.invested),
                _cents(path.losses),
                path.projection.reason,
            ],
            money=(5, 6),
        )
    row = len(break_even.partners) + 3
    sheet.cell(row=row, column=1, value="Operating results are illustrative (not published).")
    for offset, alert in enumerate(break_even.alerts, start=row + 2):
        sheet.cell(row=offset, column=1, value="Alert")
        sheet.cell(row=offset, column=3, value=alert)
    for sheet in workbook.worksheets:
        ready_to_print(sheet, f"Monitoring {period}: {sheet.title}", 1)
    return workbook_bytes(workbook)
