"""The board pack: the network table as the annual report prints it, a sheet per country with
its series, and native Excel charts (turnover by country; turnover over the years)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from hub.board.calc import Block, Comparison
from hub.excel.writing import workbook_bytes
from hub.registry.model import EntityConfig, KpiDefinition, KpiUnit

HEADER = PatternFill("solid", fgColor="DDE4EE")
MONEY = "#,##0;(#,##0);-"
NUMBER = "#,##0.##"
PERCENT = '+0.00" %";-0.00" %";0.00" %"'
MARKS = {"derived": "†", "illustrative": "‡"}


def _header(sheet: Worksheet, row: int, headers: list[str]) -> None:
    for column, text in enumerate(headers, start=1):
        cell = sheet.cell(row=row, column=column, value=text)
        cell.font = Font(bold=True)
        cell.fill = HEADER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _number(value: Decimal | None) -> float | int | None:
    """Excel stores numbers as doubles: whole amounts go in as integers, others as floats of
    their exact decimal (rounded to the cent before)."""
    if value is None:
        return None
    rounded = value.quantize(Decimal("0.01"))
    return int(rounded) if rounded == rounded.to_integral_value() else float(rounded)


def board_pack(
    comparison: Comparison,
    entities: Mapping[str, EntityConfig],
    kpis: Mapping[str, KpiDefinition],
    currency: str,
) -> bytes:
    blocks = {b.kpi: b for b in comparison.blocks}
    period = comparison.periods[-1]
    last = len(comparison.periods) - 1
    workbook = Workbook()
    network = workbook.active
    assert network is not None
    network.title = "Network"
    codes = comparison.blocks[0].entities if comparison.blocks else []
    _network(network, codes, entities, blocks, period, last, currency)
    _trend(workbook.create_sheet("Turnover trend"), codes, blocks, comparison.periods, currency)
    for code in codes:
        _country(
            workbook.create_sheet(code),
            code,
            entities[code],
            kpis,
            blocks,
            comparison.periods,
            currency,
        )
    return workbook_bytes(workbook)


def _row(blocks: Mapping[str, Block], code: str, kpi: str) -> int | None:
    block = blocks.get(kpi)
    return None if block is None or code not in block.entities else block.entities.index(code)


def _value(blocks: Mapping[str, Block], code: str, kpi: str, index: int) -> Decimal | None:
    row = _row(blocks, code, kpi)
    return None if row is None else blocks[kpi].values_eur[row][index]


def _left_out(blocks: Mapping[str, Block], kpi: str, index: int) -> list[str]:
    block = blocks.get(kpi)
    if block is None or block.total_left_out is None:
        return []
    return block.total_left_out[index]


def _network(
    sheet: Worksheet,
    codes: list[str],
    entities: Mapping[str, EntityConfig],
    blocks: Mapping[str, Block],
    period: str,
    last: int,
    currency: str,
) -> None:
    sheet["A1"] = f"The network's entities, {period}"
    sheet["A1"].font = Font(bold=True, size=14)
    headers = [
        "Entity",
        "Legal form",
        "Founded",
        "Offices",
        "Staff (FTE)",
        "Users",
        "Contribution rate (%)",
        f"Turnover ({currency})",
        "Change vs previous year",
    ]
    _header(sheet, 3, headers)
    row = 4
    # Network totals are stored values, not formulas: previews and printed copies show them.
    totals: dict[int, Decimal] = {5: Decimal(0), 6: Decimal(0), 8: Decimal(0)}
    for code in codes:
        config = entities[code]
        row_index = _row(blocks, code, "turnover")
        turnover = None if row_index is None else blocks["turnover"]
        marks = (
            ""
            if turnover is None or row_index is None
            else MARKS.get(turnover.provenances[row_index][last] or "", "")
        )
        change = (
            None
            if turnover is None or row_index is None
            else turnover.change_percents[row_index][last]
        )
        values: list[object] = [
            f"{config.name}",
            f"{config.legal_form_local}",
            config.founded,
            f"{len(config.offices)}: {', '.join(config.offices)}",
            _number(_value(blocks, code, "staff_fte", last)),
            _number(_value(blocks, code, "users", last)),
            _number(_value(blocks, code, "contribution_rate", last)),
            _number(_value(blocks, code, "turnover", last)),
            None if change is None else float(change.quantize(Decimal("0.01"))),
        ]
        for column, value in enumerate(values, start=1):
            sheet.cell(row=row, column=column, value=value)
        for column, kpi in ((5, "staff_fte"), (6, "users"), (8, "turnover")):
            totals[column] += _value(blocks, code, kpi, last) or 0
        if marks:
            sheet.cell(row=row, column=10, value=marks)
        sheet.cell(row=row, column=8).number_format = MONEY
        sheet.cell(row=row, column=9).number_format = PERCENT
        for column in (5, 6, 7):
            sheet.cell(row=row, column=column).number_format = NUMBER
        row += 1
    sheet.cell(row=row, column=1, value="Network").font = Font(bold=True)
    for column, total in totals.items():
        cell = sheet.cell(row=row, column=column, value=_number(total))
        cell.font = Font(bold=True)
        cell.number_format = MONEY if column == 8 else NUMBER
    left_out = [
        f"{headers[column - 1]}: {', '.join(reasons)}"
        for column, kpi in ((5, "staff_fte"), (6, "users"), (8, "turnover"))
        if (reasons := _left_out(blocks, kpi, last))
    ]
    if left_out:
        sheet.cell(row=row + 1, column=1, value=f"Network totals leave out {'; '.join(left_out)}")
    sheet.cell(
        row=row + 2,
        column=1,
        value="† derived from the published change; "
        f"‡ illustrative (not published). Amounts in {currency} at the year's average ECB rate.",
    )
    for letter, width in zip("ABCDEFGHIJ", (28, 34, 9, 40, 11, 11, 13, 17, 13, 4), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "B4"
    chart = BarChart()
    chart.type = "col"
    chart.title = f"Turnover by country, {period} ({currency})"
    chart.y_axis.title = currency
    chart.x_axis.title = "Entity"
    chart.add_data(Reference(sheet, min_col=8, min_row=3, max_row=row - 1), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=4, max_row=row - 1))
    chart.height, chart.width = 9, 18
    sheet.add_chart(chart, f"A{row + 4}")


def _trend(
    sheet: Worksheet,
    codes: list[str],
    blocks: Mapping[str, Block],
    periods: list[str],
    currency: str,
) -> None:
    sheet["A1"] = f"Turnover over the years ({currency})"
    sheet["A1"].font = Font(bold=True, size=14)
    _header(sheet, 3, ["Year", *codes])
    for offset, period in enumerate(periods):
        row = 4 + offset
        sheet.cell(row=row, column=1, value=period)
        for column, code in enumerate(codes, start=2):
            cell = sheet.cell(
                row=row, column=column, value=_number(_value(blocks, code, "turnover", offset))
            )
            cell.number_format = MONEY
    chart = LineChart()
    chart.title = f"Turnover by country ({currency})"
    chart.y_axis.title = currency
    chart.x_axis.title = "Year"
    last_row = 3 + len(periods)
    chart.add_data(
        Reference(sheet, min_col=2, max_col=1 + len(codes), min_row=3, max_row=last_row),
        titles_from_data=True,
    )
    chart.set_categories(Reference(sheet, min_col=1, min_row=4, max_row=last_row))
    chart.height, chart.width = 9, 18
    sheet.add_chart(chart, f"A{last_row + 3}")
    sheet.freeze_panes = "B4"


def _country(
    sheet: Worksheet,
    code: str,
    config: EntityConfig,
    kpis: Mapping[str, KpiDefinition],
    blocks: Mapping[str, Block],
    periods: list[str],
    currency: str,
) -> None:
    sheet["A1"] = f"{config.name} ({config.country}): {config.legal_form}, founded {config.founded}"
    sheet["A1"].font = Font(bold=True, size=13)
    _header(sheet, 3, ["KPI", "Unit", *periods])
    row = 4
    for kpi in kpis.values():
        index = _row(blocks, code, kpi.code)
        if index is None:
            continue
        own, eur = blocks[kpi.code].values[index], blocks[kpi.code].values_eur[index]
        if all(v is None for v in own):
            continue
        money = kpi.unit is KpiUnit.CURRENCY
        rows: list[tuple[str, list[Decimal | None], str]] = [
            (kpi.label, own, config.currency if money else kpi.unit.value)
        ]
        if money and config.currency != currency:
            rows.append((f"{kpi.label} ({currency})", eur, currency))
        for label, values, unit in rows:
            sheet.cell(row=row, column=1, value=label)
            sheet.cell(row=row, column=2, value=unit)
            for column, value in enumerate(values, start=3):
                cell = sheet.cell(row=row, column=column, value=_number(value))
                cell.number_format = MONEY if kpi.unit is KpiUnit.CURRENCY else NUMBER
            row += 1
    sheet.column_dimensions["A"].width = 40
    sheet.freeze_panes = "C4"
