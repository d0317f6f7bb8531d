"""What the hub accepts as text: anything printable, tabs and line breaks included; never a
control character (a NUL byte cannot even be stored in PostgreSQL, and openpyxl cannot write most
others into a workbook) nor half of a UTF-16 surrogate pair (it cannot be encoded)."""

from __future__ import annotations

import re

_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def text_problem(text: str) -> str | None:
    """Why `text` cannot be stored, or None."""
    found = _REFUSED.search(text)
    if found is None:
        return None
    char = found.group()
    if char == "\x00":
        what = "a NUL byte"
    elif "\ud800" <= char <= "\udfff":
        what = f"half of a surrogate pair (U+{ord(char):04X})"
    else:
        what = f"the control character U+{ord(char):04X}"
    return (
        f"contains {what} at character {found.start() + 1}: text may hold tabs and line "
        "breaks but no other control characters"
    )
