"""How the hub serialises every workbook it writes: text is text.

openpyxl turns any string that starts with "=" into a formula, so a note typed by a national
team ("=HYPERLINK(...)") would become a live formula in the next template, or in finance's
workbooks. The hub writes no formulas of its own, so before saving, every cell openpyxl took for
a formula is made a string cell again: what was written as text is read as text.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet


def keep_text(sheet: Worksheet) -> None:
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"


def workbook_bytes(workbook: Workbook, *, written: Iterable[Worksheet] | None = None) -> bytes:
    """The workbook as xlsx bytes. `written`: the sheets the hub filled, when the others are the
    user's own (an uploaded workbook returned with its findings keeps the user's formulas)."""
    for sheet in workbook.worksheets if written is None else written:
        keep_text(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
