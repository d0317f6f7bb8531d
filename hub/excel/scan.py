"""One linear pass over a worksheet's raw XML for what openpyxl's read-only mode cannot see or
should not be trusted with: the sheet's real last row (read-only mode believes `<dimension>`),
merged cells, and formulas saved without their computed value.

The XML is read in chunks; each chunk is matched together with the last `OVERLAP` bytes of the
one before, so that an element cut by a chunk boundary is still seen whole, and a match is
counted only when it ends in the new bytes. Memory is bounded by one chunk and the overlap,
whatever the XML holds (megabytes of blanks between two rows cost nothing more). An element
longer than the overlap is not seen: no spreadsheet program writes one (a cell holds at most
32,767 characters), and the hub's reader still bounds the rows it reads (parse.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

CHUNK = 1 << 20
OVERLAP = 1 << 18
# An optional namespace prefix (`<x:row>` is as valid as `<row>`).
_P = rb"(?:[A-Za-z_][\w.-]*:)?"
_ROW = re.compile(rb"<" + _P + rb"row(?=[\s/>])(?:[^>]*?\sr\s*=\s*[\"'](\d+)[\"'])?[^>]*>")
_MERGE = re.compile(rb"<" + _P + rb"mergeCell\s+ref\s*=\s*[\"']([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)")
# A cell holding a formula and no (or an empty) cached value.
_FORMULA_WITHOUT_VALUE = re.compile(
    rb"<(" + _P + rb")c\s+r=[\"']([A-Z]+[0-9]+)[\"'][^>]*>"
    rb"(?:<\1f[^>]*/>|<\1f[^>]*>[^<]*</\1f>)(?:<\1v\s*/>|<\1v></\1v>)?</\1c>"
)


class Source(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


@dataclass(slots=True)
class SheetScan:
    """What one pass found. `last_row` is the highest row number the sheet's rows reach (a row
    without its number follows the one before, as Excel and openpyxl read it)."""

    max_rows: int
    cells: bool
    last_row: int = 0
    over_limit: bool = False
    _row: int = 0
    merged: list[str] = field(default_factory=list)
    formulas_without_value: set[str] = field(default_factory=set)

    def read(self, source: Source) -> SheetScan:
        """Scan the sheet; stop as soon as its rows pass `max_rows`."""
        overlap = b""
        for chunk in _chunks(source):
            buffer = overlap + chunk
            self._rows(buffer, len(overlap))
            if self.over_limit:
                break
            if self.cells:
                self._cells(buffer, len(overlap))
            overlap = buffer[-OVERLAP:]
        return self

    def _rows(self, buffer: bytes, seen: int) -> None:
        numbers = _ROW.findall(buffer, _new_tags_from(buffer, seen))
        if not numbers:
            return
        if b"" in numbers:  # rows without their number: count them one by one
            for number in numbers:
                self._row = int(number) if number else self._row + 1
                self._reach(self._row)
                if self.over_limit:
                    return
            return
        rows = list(map(int, numbers))
        self._row = rows[-1]
        self._reach(max(rows), rows)

    def _reach(self, row: int, rows: list[int] | None = None) -> None:
        if row <= self.last_row:
            return
        if row > self.max_rows:
            self.over_limit = True
            # The first row past the limit, as the message names it.
            row = next(n for n in rows or [row] if n > self.max_rows)
        self.last_row = row

    def _cells(self, buffer: bytes, seen: int) -> None:
        if b"mergeCell" in buffer:
            self.merged.extend(m[1].decode() for m in _MERGE.finditer(buffer) if m.end() > seen)
        if b"<f" in buffer or b":f" in buffer:
            self.formulas_without_value.update(
                m[2].decode() for m in _FORMULA_WITHOUT_VALUE.finditer(buffer) if m.end() > seen
            )


def _new_tags_from(buffer: bytes, seen: int) -> int:
    """Where to search for tags not matched in the previous chunk: the tag cut by the chunk
    boundary, if any, else the boundary itself (a tag holds no `<` inside)."""
    start = buffer.rfind(b"<", 0, seen)
    return start if start > buffer.rfind(b">", 0, seen) else seen


def _chunks(source: Source) -> Iterator[bytes]:
    while chunk := source.read(CHUNK):
        yield chunk
