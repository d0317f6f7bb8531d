"""The board pack: the network table as the annual report prints it, the turnover over the
years with a chart of every country, and a sheet per country with its series. Each sheet prints
on one A4 landscape page (hub.excel.print_setup); every figure is a stored value."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.axis import ChartLines
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.layout import Layout, ManualLayout
from openpyxl.chart.legend import Legend
from openpyxl.chart.marker import Marker
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from hub.board.calc import Block, Comparison
from hub.excel.print_setup import CHANGE, NUMBER, WHOLE, header, ready_to_print, width_cm
from hub.excel.writing import workbook_bytes
from hub.registry.model import EntityConfig, KpiDefinition, KpiUnit

MARKS = {"derived": "†", "illustrative": "‡"}
# One colour per country, far apart for every kind of colour vision (Okabe and Ito), in the
# order the registry lists the entities; more entities reuse them.
LINE_COLOURS = ("0072B2", "D55E00", "009E73", "CC79A7", "E69F00", "56B4E9", "000000")
LINE_WIDTH = 31750  # EMU: 2.5 pt


def _number(value: Decimal | None) -> float | int | None:
    """Excel stores numbers as doubles: whole amounts go in as integers, others as floats of
    their exact decimal (rounded to the cent before)."""
    if value is None:
        return None
    rounded = value.quantize(Decimal("0.01"))
    return int(rounded) if rounded == rounded.to_integral_value() else float(rounded)


def colour_of(index: int) -> str:
    """The trend chart's line colour of the index-th entity (RRGGBB)."""
    return LINE_COLOURS[index % len(LINE_COLOURS)]


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
    _trend(
        workbook.create_sheet("Turnover trend"),
        [entities[code] for code in codes],
        blocks,
        comparison.periods,
        currency,
    )
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
    title = f"The network's entities, {period}"
    sheet["A1"] = title
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
    header(sheet, 3, headers)
    row = 4
    # Network totals are stored values computed here with Decimal, not formulas: openpyxl
    # cannot store a formula's result, and previews and printed copies show stored values.
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
        sheet.cell(row=row, column=3).number_format = "0"
        sheet.cell(row=row, column=8).number_format = WHOLE
        sheet.cell(row=row, column=9).number_format = CHANGE
        for column in (5, 6, 7):
            sheet.cell(row=row, column=column).number_format = NUMBER
        row += 1
    sheet.cell(row=row, column=1, value="Network").font = Font(bold=True)
    for column, total in totals.items():
        cell = sheet.cell(row=row, column=column, value=_number(total))
        cell.font = Font(bold=True)
        cell.number_format = WHOLE if column == 8 else NUMBER
    table_end = row
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
    sheet.freeze_panes = "B4"
    ready_to_print(sheet, title, 3, last_table_row=table_end, one_page=True)
    chart = BarChart()
    chart.type = "bar"
    chart.title = f"Turnover by country, {period} ({currency})"
    chart.legend = None
    chart.add_data(Reference(sheet, min_col=8, min_row=3, max_row=row - 1), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=4, max_row=row - 1))
    chart.x_axis.scaling.orientation = "maxMin"  # the table's order, top to bottom
    chart.y_axis.number_format = "#,##0"
    chart.y_axis.majorGridlines = ChartLines()
    chart.x_axis.delete = chart.y_axis.delete = False
    series = chart.series[0]
    series.graphicalProperties.solidFill = colour_of(0)
    series.dLbls = DataLabelList(showVal=True, numFmt=WHOLE)
    series.dLbls.showSerName = series.dLbls.showCatName = series.dLbls.showLegendKey = False
    chart.height, chart.width = 8, width_cm(sheet, len(headers))
    sheet.add_chart(chart, f"A{row + 4}")


def _log_bounds(values: Sequence[Decimal]) -> tuple[float, float]:
    """The powers of ten around the values: the logarithmic axis starts and ends on them."""
    low = min(values)
    high = max(values)
    return 10.0 ** math.floor(math.log10(low)), 10.0 ** math.ceil(math.log10(high))


def _trend(
    sheet: Worksheet,
    configs: list[EntityConfig],
    blocks: Mapping[str, Block],
    periods: list[str],
    currency: str,
) -> None:
    """Turnover over the years that have any, and a line per country. Belgium's turnover is
    about a hundred times a partner's: on a linear axis the partners lie flat on zero, so the
    value axis is logarithmic (each country's level and trend are readable on one chart)."""
    title = f"Turnover over the years ({currency})"
    sheet["A1"] = title
    sheet["A1"].font = Font(bold=True, size=14)
    header(sheet, 3, ["Year", *(config.country for config in configs)])
    rows = [
        (period, [_value(blocks, config.code, "turnover", index) for config in configs])
        for index, period in enumerate(periods)
    ]
    shown = [(period, values) for period, values in rows if any(v is not None for v in values)]
    for row, (period, values) in enumerate(shown, start=4):
        sheet.cell(row=row, column=1, value=period)
        for column, value in enumerate(values, start=2):
            sheet.cell(row=row, column=column, value=_number(value)).number_format = WHOLE
    last_row = 3 + len(shown)
    positive = [v for _, values in shown for v in values if v is not None and v > 0]
    if not positive:
        sheet.cell(row=4, column=1, value=f"No turnover is published up to {periods[-1]}.")
    sheet.freeze_panes = "B4"
    ready_to_print(sheet, title, 3, last_table_row=last_row, one_page=True)
    if positive:
        chart = _trend_chart(sheet, len(configs), last_row, positive, currency)
        chart.width = max(24, width_cm(sheet, 1 + len(configs)))
        sheet.add_chart(chart, f"A{last_row + 2}")


def _trend_chart(
    sheet: Worksheet, count: int, last_row: int, values: list[Decimal], currency: str
) -> LineChart:
    chart = LineChart()
    chart.title = f"Turnover by country ({currency}, logarithmic scale)"
    chart.y_axis.title = f"{currency} (logarithmic scale)"
    chart.x_axis.title = "Year"
    chart.add_data(
        Reference(sheet, min_col=2, max_col=1 + count, min_row=3, max_row=last_row),
        titles_from_data=True,
    )
    chart.set_categories(Reference(sheet, min_col=1, min_row=4, max_row=last_row))
    low, high = _log_bounds(values)
    chart.y_axis.scaling.logBase = 10
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = low, high
    chart.y_axis.number_format = "#,##0"
    chart.y_axis.majorGridlines = ChartLines()
    chart.x_axis.delete = chart.y_axis.delete = False
    for index, series in enumerate(chart.series):
        colour = colour_of(index)
        series.smooth = False
        series.graphicalProperties.line.solidFill = colour
        series.graphicalProperties.line.width = LINE_WIDTH
        series.marker = Marker(symbol="circle", size=7)
        series.marker.graphicalProperties = GraphicalProperties(solidFill=colour)
        series.marker.graphicalProperties.line.solidFill = colour
    chart.legend = Legend()
    chart.legend.position = "r"
    chart.layout = Layout(manualLayout=ManualLayout(x=0, y=0, w=1, h=1))
    chart.height = 12
    return chart


def _country(
    sheet: Worksheet,
    code: str,
    config: EntityConfig,
    kpis: Mapping[str, KpiDefinition],
    blocks: Mapping[str, Block],
    periods: list[str],
    currency: str,
) -> None:
    """The country's KPIs over the years it reported any."""
    title = f"{config.name} ({config.country}): {config.legal_form}, founded {config.founded}"
    sheet["A1"] = title
    sheet["A1"].font = Font(bold=True, size=13)
    rows: list[tuple[str, list[Decimal | None], str, str]] = []
    for kpi in kpis.values():
        index = _row(blocks, code, kpi.code)
        if index is None:
            continue
        own, eur = blocks[kpi.code].values[index], blocks[kpi.code].values_eur[index]
        if all(v is None for v in own):
            continue
        money = kpi.unit is KpiUnit.CURRENCY
        style = WHOLE if money else NUMBER
        rows.append((kpi.label, own, config.currency if money else kpi.unit.value, style))
        if money and config.currency != currency:
            rows.append((f"{kpi.label} ({currency})", eur, currency, style))
    years = [
        position
        for position in range(len(periods))
        if any(values[position] is not None for _, values, _, _ in rows)
    ]
    header(sheet, 3, ["KPI", "Unit", *(periods[position] for position in years)])
    for row, (label, values, unit, style) in enumerate(rows, start=4):
        sheet.cell(row=row, column=1, value=label)
        sheet.cell(row=row, column=2, value=unit)
        for column, position in enumerate(years, start=3):
            cell = sheet.cell(row=row, column=column, value=_number(values[position]))
            cell.number_format = style
    sheet.freeze_panes = "C4"
    ready_to_print(sheet, title, 3, one_page=True)
