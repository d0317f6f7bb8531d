"""openpyxl's read-only workbook, without the hidden pass over every sheet lacking `<dimension>`.

When openpyxl opens a workbook in read-only mode it looks for each sheet's `<dimension>` with
ElementTree's `iterparse` on "end" events: for a sheet without one (write-only openpyxl and many
exporters omit it) it only gives up once `</sheetData>` ends, so the whole sheet is parsed once
when the workbook opens and again when its rows are read. For a 100,000-line trial balance
that first pass was a third of openpyxl's reading time.

`<dimension>` comes before `<sheetData>` in a worksheet (ECMA-376 Part 1, 18.3.1.99), so the
sheets here read it from the prolog only and stop at `<sheetData>`'s start tag: the same result
for every valid sheet (a sheet without it is read to its last row, as before; the hub ignores
the data sheets' dimension anyway, `reset_dimensions`). Everything else is openpyxl's own
`load_workbook(read_only=True)`.
"""

from __future__ import annotations

import io
from typing import Any

from openpyxl.reader.excel import ExcelReader
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet.dimensions import SheetDimension
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

_DIMENSION = f"{{{SHEET_MAIN_NS}}}dimension"
_SHEET_DATA = f"{{{SHEET_MAIN_NS}}}sheetData"


def prolog_dimensions(source: Any) -> tuple[int, int, int, int] | None:
    """The sheet's `<dimension>` as openpyxl's boundaries, read no further than `<sheetData>`."""
    for _event, element in iterparse(source, events=("start",)):
        if element.tag == _DIMENSION:
            boundaries: tuple[int, int, int, int] = SheetDimension.from_tree(element).boundaries
            return boundaries
        if element.tag == _SHEET_DATA:
            return None
    return None


class _Sheet(ReadOnlyWorksheet):  # type: ignore[misc]
    def _get_size(self) -> None:
        source = self._get_source()
        try:
            dimensions = prolog_dimensions(source)
        finally:
            source.close()
        if dimensions is not None:
            self._min_column, self._min_row, self._max_column, self._max_row = dimensions


class _Reader(ExcelReader):  # type: ignore[misc]
    def read_worksheets(self) -> None:
        """openpyxl's read-only branch of `ExcelReader.read_worksheets` with `_Sheet`."""
        for sheet, rel in self.parser.find_sheets():
            if rel.target not in self.valid_files:
                continue
            if "chartsheet" in rel.Type:
                self.read_chartsheet(sheet, rel)
                continue
            worksheet = _Sheet(self.wb, sheet.name, rel.target, self.shared_strings)
            worksheet.sheet_state = sheet.state
            self.wb._sheets.append(worksheet)


def open_read_only(data: bytes) -> Any:
    """`load_workbook(BytesIO(data), read_only=True, data_only=True, keep_links=False)`."""
    reader = _Reader(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    reader.read()
    return reader.wb
