"""How every workbook the hub writes for reading prints: the one place for number formats,
header rows, column widths and the page set-up.

A page is A4 landscape, one page wide (as many tall as it takes, or exactly one), with the
table's header rows repeated on every page, the sheet's title in the page header and "Page n of
m" in the footer. Column widths are computed from what each cell shows once formatted, so a
figure never prints as `###`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from copy import copy
from decimal import Decimal
from typing import TypeVar

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

_Style = TypeVar("_Style", Font, Alignment)

# Number formats: thousands separators everywhere, negatives in parentheses, zero as a dash.
WHOLE = "#,##0;(#,##0);-"
CENTS = "#,##0.00;(#,##0.00);-"
NUMBER = "#,##0.##"
CHANGE = '+0.00" %";-0.00" %";0.00" %"'
PERCENT = '0.00" %";(0.00" %");-'
RATE = '0.0000" %";(0.0000" %");-'
DATE = "yyyy-mm-dd"
DATE_TIME = "yyyy-mm-dd hh:mm"

HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
A4 = 9
# The widest a text column grows to; longer text wraps within it.
TEXT_WIDTH = 40
# Excel measures widths in digits of the default font; bold, parentheses and a fallback font
# when Calibri is missing (LibreOffice on Linux) take some more.
SPARE = 1.15
BOLD = 1.2
FONT = "Calibri"
PADDING = 2
LINE_HEIGHT = 15  # points, for 11 pt text


def header(sheet: Worksheet, row: int, headers: Sequence[str]) -> None:
    """A table's header row: bold, shaded, centred, wrapped."""
    for column, text in enumerate(headers, start=1):
        cell = sheet.cell(row=row, column=column, value=text)
        cell.font = Font(name=FONT, bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


_QUOTED = re.compile(r'"([^"]*)"')


def shown(value: object, number_format: str) -> str:
    """About what a spreadsheet shows for `value` under `number_format` (for widths only)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return "2000-01-01 00:00" if "h" in number_format else "2000-01-01"
    if isinstance(value, dt.date):
        return "2000-01-01"
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return str(value)
    if number_format == "General":
        return str(value)
    negative = value < 0
    sections = number_format.split(";")
    section = sections[1] if negative and len(sections) > 1 else sections[0]
    literal = "".join(_QUOTED.findall(section))
    pattern = _QUOTED.sub("", section)
    decimals = len(pattern.split(".", 1)[1].rstrip(" %")) if "." in pattern else 0
    grouping = "," if "," in pattern else ""
    digits = f"{abs(Decimal(str(value))):{grouping}.{decimals}f}"
    sign = "()" if "(" in section else ("-" if negative or "+" in section else "")
    return f"{sign}{digits}{literal}"


def _needed(cell: Cell, header_rows: range, text_rows: range) -> float:
    value = cell.value
    if value is None:
        return 0
    text = shown(value, cell.number_format)
    if isinstance(value, str):
        if cell.row in header_rows:
            return max((len(word) for word in text.split()), default=0) * BOLD + PADDING
        if cell.row not in text_rows:
            return 0
        return min(len(text), TEXT_WIDTH) + PADDING
    bold = BOLD if cell.font.bold else 1.0
    return len(text) * SPARE * bold + PADDING


def fit_columns(
    sheet: Worksheet, header_rows: range, text_rows: range, *, least: float = 6
) -> None:
    """Each column as wide as its widest figure (figures anywhere on the sheet), its widest
    header word, and its text in `text_rows` up to TEXT_WIDTH (longer text wraps). Titles,
    notes and a row's lone label spill over the empty cells beside them instead. A width the
    writer set (an input column of a template) is the least its column gets."""
    widths: dict[int, float] = {}
    for letter, dimension in sheet.column_dimensions.items():
        if dimension.customWidth and dimension.width:
            widths[column_index_from_string(letter)] = dimension.width
    for row in sheet.iter_rows():
        filled = [cell for cell in row if isinstance(cell, Cell) and cell.value is not None]
        lone = len(filled) == 1 and isinstance(filled[0].value, str)
        for cell in filled:
            if cell.font.name is None:
                cell.font = _changed(cell.font, name=FONT)
            if lone and cell.row not in header_rows:
                continue
            needed = _needed(cell, header_rows, text_rows)
            widths[cell.column] = max(widths.get(cell.column, least), needed)
            if (
                isinstance(cell.value, str)
                and cell.row in text_rows
                and cell.row not in header_rows
                and len(cell.value) > TEXT_WIDTH
            ):
                cell.alignment = _changed(cell.alignment, wrap_text=True)
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = round(width, 1)
    _fit_rows(sheet, widths)


def _changed(style: _Style, **changes: object) -> _Style:
    """A copy of a cell's font or alignment with `changes` (openpyxl's own `.copy(**kw)` is
    deprecated)."""
    changed = copy(style)
    for name, value in changes.items():
        setattr(changed, name, value)
    return changed


def lines_of(text: str, width: float, *, bold: bool = False) -> int:
    """How many lines `text` wraps to in a column `width` characters wide (greedy, by word)."""
    room = max(int((width - PADDING) / (BOLD if bold else 1)), 1)
    lines, used = 1, 0
    for word in text.split():
        if used and used + 1 + len(word) > room:
            lines, used = lines + 1, len(word)
        else:
            used += len(word) + (1 if used else 0)
    return lines


def _fit_rows(sheet: Worksheet, widths: dict[int, float]) -> None:
    """Rows with wrapped text as tall as their longest cell: LibreOffice keeps the default
    height of a row in a file, so wrapped text would spill over the next row."""
    for row in sheet.iter_rows():
        lines = max(
            (
                lines_of(cell.value, widths.get(cell.column, 8.43), bold=bool(cell.font.bold))
                for cell in row
                if isinstance(cell.value, str) and cell.alignment.wrap_text
            ),
            default=1,
        )
        if lines > 1:
            sheet.row_dimensions[row[0].row].height = LINE_HEIGHT * lines
            for cell in row:
                if cell.alignment.vertical is None:
                    cell.alignment = _changed(cell.alignment, vertical="top")


def width_cm(sheet: Worksheet, columns: int) -> float:
    """How wide the first `columns` columns are on paper at 100 %: a chart that wide lines up
    with the table above it."""
    total = 0.0
    for column in range(1, columns + 1):
        width = sheet.column_dimensions[get_column_letter(column)].width or 8.43
        total += (width * 7 + 5) / 96 * 2.54
    return round(total, 1)


def _escaped(text: str) -> str:
    """Header and footer text treats "&" as a code: a literal one is doubled."""
    return text.replace("&", "&&")


def page_setup(
    sheet: Worksheet, title: str, header_rows: range | None, *, one_page: bool = False
) -> None:
    """A4 landscape, one page wide (and one tall with `one_page`), `header_rows` repeated on
    every page, `title` in the page header, the page number in the footer."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 1 if one_page else 0
    properties = sheet.sheet_properties
    assert properties.pageSetUpPr is not None
    properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.75
    sheet.page_margins.header = sheet.page_margins.footer = 0.3
    if header_rows is not None:
        sheet.print_title_rows = f"{header_rows.start}:{header_rows.stop - 1}"
    for page in (sheet.oddHeader, sheet.evenHeader, sheet.firstHeader):
        page.center.text = f"&B{_escaped(title)}"
    for page in (sheet.oddFooter, sheet.evenFooter, sheet.firstFooter):
        page.left.text = _escaped(sheet.title)
        page.right.text = "Page &P of &N"


def ready_to_print(
    sheet: Worksheet,
    title: str,
    header_row: int | None,
    *,
    last_table_row: int | None = None,
    one_page: bool = False,
) -> None:
    """Widths and page set-up of a sheet whose table's header is `header_row` (None: a sheet of
    label and value rows) and whose text rows run to `last_table_row` (default: the last)."""
    last = sheet.max_row if last_table_row is None else last_table_row
    headers = range(0) if header_row is None else range(header_row, header_row + 1)
    fit_columns(sheet, headers, range(headers.start or 1, last + 1))
    page_setup(sheet, title, headers or None, one_page=one_page)
