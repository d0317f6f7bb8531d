"""One linear pass over a worksheet's raw XML for what openpyxl's read-only mode cannot see or
should not be trusted with: the sheet's real last row (read-only mode believes `<dimension>`),
merged cells, and formulas saved without their computed value.

The XML is read in chunks; each chunk is matched together with the last `OVERLAP` bytes of the
one before, so that an element cut by a chunk boundary is still seen whole, and a match is
counted only when it ends in the new bytes. Memory is bounded by one chunk and the overlap,
whatever the XML holds (megabytes of blanks between two rows cost nothing more). An element
longer than the overlap is not seen: no spreadsheet program writes one (a cell holds at most
32,767 characters). Elements are matched with the namespace prefix of the sheet's root element
(none, as spreadsheet programs write it); an element under another prefix is not seen either.
What the scan misses, the hub's reader still bounds: it stops at the row limit (parse.py).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

CHUNK = 1 << 20
OVERLAP = 1 << 18
# The root element, and its namespace prefix if it has one (`<x:worksheet>` is valid XML).
_ROOT = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?worksheet[\s>/]")


@dataclass(frozen=True, slots=True)
class _Patterns:
    """The scan's patterns for one namespace prefix, literal where they can be: a literal
    pattern is found by a fast search instead of being tried at every `<`."""

    row_tag: bytes
    numbered_row: re.Pattern[bytes]
    any_row: re.Pattern[bytes]
    merge_tag: bytes
    merge: re.Pattern[bytes]
    formula_tag: bytes
    formula_without_value: re.Pattern[bytes]


@functools.cache
def _patterns(prefix: bytes) -> _Patterns:
    p = re.escape(prefix)
    return _Patterns(
        row_tag=b"<" + prefix + b"row",
        # What Excel, LibreOffice and openpyxl write.
        numbered_row=re.compile(rb"<" + p + rb'row r="(\d+)"'),
        # Any order of attributes, or no row number (the row follows the one before).
        any_row=re.compile(rb"<" + p + rb"row(?=[\s/>])(?:[^>]*?\sr\s*=\s*[\"'](\d+)[\"'])?[^>]*>"),
        merge_tag=b"<" + prefix + b"mergeCell",
        merge=re.compile(
            rb"<" + p + rb"mergeCell\s+ref\s*=\s*[\"']([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)"
        ),
        formula_tag=b"<" + prefix + b"f",
        # A cell holding a formula and no (or an empty) cached value.
        formula_without_value=re.compile(
            rb"<" + p + rb"c\s+r=[\"']([A-Z]+[0-9]+)[\"'][^>]*>"
            rb"(?:<" + p + rb"f[^>]*/>|<" + p + rb"f[^>]*>[^<]*</" + p + rb"f>)"
            rb"(?:<" + p + rb"v\s*/>|<" + p + rb"v></" + p + rb"v>)?</" + p + rb"c>"
        ),
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
        patterns: _Patterns | None = None
        for chunk in _chunks(source):
            if patterns is None:
                root = _ROOT.search(chunk)
                patterns = _patterns(root[1] + b":" if root and root[1] else b"")
            buffer = overlap + chunk
            self._rows(patterns, buffer, len(overlap))
            if self.over_limit:
                break
            if self.cells:
                self._cells(patterns, buffer, len(overlap))
            overlap = buffer[-OVERLAP:]
        return self

    def _rows(self, patterns: _Patterns, buffer: bytes, seen: int) -> None:
        start = _new_tags_from(buffer, seen)
        numbers = patterns.numbered_row.findall(buffer, start)
        if len(numbers) != buffer.count(patterns.row_tag, start):
            numbers = patterns.any_row.findall(buffer, start)
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

    def _cells(self, patterns: _Patterns, buffer: bytes, seen: int) -> None:
        if patterns.merge_tag in buffer:
            self.merged.extend(
                m[1].decode() for m in patterns.merge.finditer(buffer) if m.end() > seen
            )
        if patterns.formula_tag in buffer:
            self.formulas_without_value.update(
                m[1].decode()
                for m in patterns.formula_without_value.finditer(buffer)
                if m.end() > seen
            )


def _new_tags_from(buffer: bytes, seen: int) -> int:
    """Where to search for tags not matched in the previous chunk: the tag cut by the chunk
    boundary, if any, else the boundary itself (a tag holds no `<` inside)."""
    start = buffer.rfind(b"<", 0, seen)
    return start if start > buffer.rfind(b">", 0, seen) else seen


def _chunks(source: Source) -> Iterator[bytes]:
    while chunk := source.read(CHUNK):
        yield chunk
