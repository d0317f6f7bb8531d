"""The rows of a trial balance export, streamed: a CSV file's records with the physical line each
starts on, or an Excel sheet's rows with their row numbers. An Excel file is measured (the
workbook upload's hostile-file checks) and its sheet scanned before openpyxl reads it."""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from typing import Any

from openpyxl import load_workbook
from openpyxl.reader.excel import ExcelReader

from hub.excel.package import check_package
from hub.excel.scan import SheetScan
from hub.imports.formats import CHUNK, Progress, Source
from hub.imports.model import ImportProblem
from hub.reporting.rules import Upload

Row = tuple[int, tuple[Any, ...]]  # (line or row number, the cells)

# The [upload] limits of config/reporting.toml as shipped: used when a caller gives none.
DEFAULT_LIMITS = Upload(
    max_bytes=25_000_000,
    max_trial_balance_rows=200_000,
    max_listed_errors=200,
    max_members=1_000,
    max_inflated_member_bytes=134_217_728,
    max_inflated_bytes=268_435_456,
    max_compression_ratio=100,
    compression_ratio_from_bytes=1_048_576,
    max_concurrent_uploads=2,
    upload_wait_seconds=30,
    max_import_bytes=268_435_456,
)


class RowsError(Exception):
    """The file cannot be read further: the problem says where and why."""

    def __init__(self, problem: ImportProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def is_xlsx(head: bytes) -> bool:
    """A zip archive (an .xlsx workbook) or an old binary or encrypted workbook."""
    return head.startswith((b"PK", b"\xd0\xcf\x11\xe0"))


def head_of(source: Source, size: int = 8) -> bytes:
    for chunk in source.chunks():
        return chunk[:size]
    return b""


def csv_rows(
    source: Source,
    encoding: str,
    delimiter: str,
    quote: str,
    progress: Progress | None = None,
) -> Iterator[Row]:
    """Each record with the physical line it starts on; the file is split into lines before it
    is decoded, so that a byte that is not text in `encoding` is reported with its line."""
    state = {"line": 0, "done": 0, "told": 0}

    def texts() -> Iterator[str]:
        decoder = codecs.getincrementaldecoder(encoding)("strict")
        for raw in source.lines():
            state["line"] += 1
            state["done"] += len(raw)
            if progress is not None and state["done"] - state["told"] >= CHUNK:
                state["told"] = state["done"]
                progress(state["done"])
            try:
                text = decoder.decode(raw)
            except UnicodeDecodeError as error:
                bad = raw[error.start : error.start + 1].hex()
                raise RowsError(
                    ImportProblem(
                        line=state["line"],
                        column=None,
                        message=f"the line is not {encoding} text (byte 0x{bad} at byte "
                        f"{error.start + 1}): is the file saved in another encoding? Detect "
                        "the profile again or correct its encoding",
                    )
                ) from error
            yield text.lstrip("\ufeff") if state["line"] == 1 else text
        if progress is not None:
            progress(state["done"])

    reader = csv.reader(texts(), delimiter=delimiter, quotechar=quote, strict=True)
    start = 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise RowsError(
                ImportProblem(line=reader.line_num, column=None, message=f"not CSV: {error}")
            ) from error
        yield start, tuple(record)
        start = reader.line_num + 1


def _sheet_parts(data: bytes) -> dict[str, str]:
    """Sheet title -> its part in the archive, in the workbook's order."""
    reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    try:
        reader.read_manifest()
        reader.read_workbook()
        return {sheet.name: rel.target for sheet, rel in reader.parser.find_sheets()}
    finally:
        reader.archive.close()


def _whole(message: str) -> RowsError:
    return RowsError(ImportProblem(line=None, column=None, message=message))


class Sheet:
    """One sheet of a workbook, checked: `open` refuses a hostile or damaged file, a missing
    sheet or one longer than the row limit; `rows` then streams the rows."""

    def __init__(self, data: bytes, title: str | None, limits: Upload, max_rows: int) -> None:
        self.data = data
        self.limits = limits
        self.max_rows = max_rows
        self.title = title or ""
        self.formulas_without_value: set[str] = set()
        problem = check_package(data, limits)
        if problem is not None:
            raise _whole(problem.message)
        try:
            parts = _sheet_parts(data)
        except Exception as error:  # openpyxl raises many types for a damaged file
            raise _whole(f"the workbook cannot be read, it may be damaged ({error})") from error
        if not parts:
            raise _whole("the workbook has no sheet")
        if title is None:
            self.title = next(iter(parts))
        elif title not in parts:
            raise _whole(
                f"the workbook has no sheet {title!r} (it has: {', '.join(parts)}): correct the "
                "profile's sheet"
            )
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            part = parts[self.title]
            if part in archive.namelist():
                with archive.open(part) as stream:
                    scan = SheetScan(max_rows=max_rows, cells=True).read(stream)
                if scan.over_limit:
                    raise _whole(
                        f"the sheet {self.title} reaches row {scan.last_row:,}; at most "
                        f"{max_rows:,} rows are read"
                    )
                self.formulas_without_value = scan.formulas_without_value

    def rows(self) -> Iterator[Row]:
        try:
            workbook = load_workbook(
                io.BytesIO(self.data), read_only=True, data_only=True, keep_links=False
            )
        except Exception as error:  # openpyxl raises many types for a damaged file
            raise _whole(f"the workbook cannot be read, it may be damaged ({error})") from error
        try:
            sheet = workbook[self.title]
            sheet.reset_dimensions()
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                if number > self.max_rows:
                    raise _whole(f"the sheet {self.title} has more than {self.max_rows:,} rows")
                yield number, tuple(values)
        except RowsError:
            raise
        except Exception as error:  # a part damaged past what the checks and the scan see
            raise _whole(f"the workbook cannot be read, it may be damaged ({error})") from error
        finally:
            workbook.close()


def whole_file(source: Source) -> bytes:
    return source.data if source.data is not None else b"".join(source.chunks())
