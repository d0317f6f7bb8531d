"""A problem found in an uploaded workbook, located by sheet and cell (or by archive part)."""

from __future__ import annotations

import msgspec

from hub.reporting.model import Severity


class CellError(msgspec.Struct, frozen=True):
    """A problem in the workbook; `cell` is None when it concerns a whole sheet or the file."""

    sheet: str | None
    cell: str | None
    rule: str
    message: str
    severity: Severity = Severity.ERROR

    def where(self) -> str:
        if self.sheet is None:
            return "workbook"
        return f"{self.sheet}!{self.cell}" if self.cell else self.sheet


# Refusals of the file as a whole: nothing in it is opened to annotate it, since opening it is
# what these refusals avoid.
FILE_RULES = frozenset(
    {
        "not-xlsx",
        "encrypted",
        "corrupt",
        "size-limit",
        "archive-members",
        "inflated-size",
        "compression-ratio",
        "xml-dtd",
        "row-limit",
    }
)
