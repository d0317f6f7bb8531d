"""The reporting workbook's layout, shared by the template writer, the parser and the annotator.

Each data sheet has a header row (row 1) naming its columns; data starts on row 2. The parser
checks the headers, so a moved or renamed column is named in the error.
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.utils import get_column_letter

TEMPLATE_VERSION = "hub-reporting-1"
META_SHEET = "_hub"
INSTRUCTIONS = "Instructions"
FIRST_DATA_ROW = 2

# Cells of the instructions sheet that form the report's cover.
COVER = {
    "entity": "B3",
    "period": "B4",
    "currency": "B5",
    "closing_date": "B6",
    "prepared_by": "B7",
}
COVER_LABELS = {
    "entity": "Entity",
    "period": "Period",
    "currency": "Currency",
    "closing_date": "Closing date (a date)",
    "prepared_by": "Prepared by",
}
# Rows of the hidden meta sheet (column B holds the value).
META_ROWS = {
    "template": 1,
    "entity": 2,
    "period": 3,
    "kpi_base_version": 4,
    "statements_base_version": 5,
    "generated_at": 6,
}


@dataclass(frozen=True, slots=True)
class Sheet:
    """A data sheet: its title, its columns (field -> header) in order."""

    title: str
    columns: tuple[tuple[str, str], ...]

    def column(self, field: str) -> int:
        """1-based column index of a field."""
        for index, (name, _header) in enumerate(self.columns, start=1):
            if name == field:
                return index
        raise KeyError(field)

    def letter(self, field: str) -> str:
        return str(get_column_letter(self.column(field)))

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(header for _name, header in self.columns)


KPIS = Sheet(
    "KPIs",
    (
        ("kpi", "Code"),
        ("label", "KPI"),
        ("unit", "Unit"),
        ("previous", "Previous period"),
        ("amount", "Amount"),
        ("currency", "Currency"),
        ("note", "Note"),
    ),
)
STATEMENTS = Sheet(
    "Statements",
    (
        ("line", "Line"),
        ("label", "Label"),
        ("statement", "Statement"),
        ("previous", "Previous period"),
        ("amount", "Amount"),
        ("currency", "Currency"),
    ),
)
TRIAL_BALANCE = Sheet(
    "Trial balance",
    (
        ("account", "Account"),
        ("label", "Label"),
        ("previous", "Previous period"),
        ("amount", "Amount"),
        ("currency", "Currency"),
        ("partner", "Partner"),
    ),
)
DATA_SHEETS = (KPIS, STATEMENTS, TRIAL_BALANCE)

# How the service names the parts of a report, and the sheet each part lives on.
PART_SHEETS = {"values": KPIS, "lines": STATEMENTS, "trial_balance": TRIAL_BALANCE}
