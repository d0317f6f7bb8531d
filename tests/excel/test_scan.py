"""The raw worksheet scan is linear and bounded: what it finds does not depend on where the
chunks are cut, and blanks between two tags cost time in proportion and no memory."""

from __future__ import annotations

import io
import time
import tracemalloc

from hub.excel.scan import CHUNK, SheetScan


def sheet(rows: int) -> bytes:
    body = b"".join(
        b'<row r="%d" spans="1:6"><c r="A%d"><v>1</v></c></row>' % (r, r)
        for r in range(1, rows + 1)
    )
    return b"<worksheet><sheetData>" + body + b"</sheetData></worksheet>"


def test_rows_are_counted_across_chunks_with_or_without_their_number() -> None:
    xml = sheet(50_000)
    assert len(xml) > 2 * CHUNK
    assert SheetScan(max_rows=10**6, cells=False).read(io.BytesIO(xml)).last_row == 50_000
    unnumbered = xml.replace(b'<row r="49999" ', b"<row ").replace(b'<row r="50000" ', b"<row ")
    assert SheetScan(max_rows=10**6, cells=False).read(io.BytesIO(unnumbered)).last_row == 50_000
    prefixed = xml.replace(b"<", b"<x:").replace(b"<x:/", b"</x:")
    assert prefixed.startswith(b"<x:worksheet><x:sheetData><x:row ")
    assert SheetScan(max_rows=10**6, cells=False).read(io.BytesIO(prefixed)).last_row == 50_000


def test_the_scan_stops_at_the_first_row_past_the_limit() -> None:
    scan = SheetScan(max_rows=30_000, cells=False).read(io.BytesIO(sheet(50_000)))
    assert (scan.over_limit, scan.last_row) == (True, 30_001)


class Padded(io.RawIOBase):
    """A sheet with `mib` MiB of blanks between its first row and the rest, made as it is read."""

    def __init__(self, mib: int) -> None:
        self.pieces = [
            b'<worksheet><sheetData><row r="1"/>',
            *([b" " * CHUNK] * mib),
            b'<row r="7"><c r="A7"><f>1+1</f></c></row></sheetData>'
            b'<mergeCells><mergeCell ref="A1:B2"/></mergeCells></worksheet>',
        ]

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        return self.pieces.pop(0) if self.pieces else b""


def test_hundreds_of_megabytes_of_blanks_cost_time_in_proportion_and_no_memory() -> None:
    tracemalloc.start()
    started = time.perf_counter()
    scan = SheetScan(max_rows=10**6, cells=True).read(Padded(300))
    took = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert (scan.last_row, scan.merged, scan.formulas_without_value) == (7, ["A1:B2"], {"A7"})
    assert took < 5, took
    assert peak < 8 * CHUNK, peak
