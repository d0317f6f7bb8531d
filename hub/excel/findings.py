"""A problem found in an uploaded workbook, located by sheet and cell (or by archive part)."""

from __future__ import annotations

import msgspec

from hub.reporting.model import Severity


class CellError(msgspec.Struct, frozen=True, rename="camel"):
    """A problem in the workbook; `cell` is None when it concerns a whole sheet or the file.
    A warning needs a comment to submit unless its line has one (`comment`, a KPI's Note);
    `explain` says where to write it."""

    sheet: str | None
    cell: str | None
    rule: str
    message: str
    severity: Severity = Severity.ERROR
    comment: str | None = None
    needs_comment: bool = False
    explain: str | None = None

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
