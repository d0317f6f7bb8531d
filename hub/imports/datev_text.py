"""A DATEV-Format file as text: its encoding, what it is when it is not text at all, and its
records (CSV over the decoded lines) with the physical line each starts on.

Encoding: a UTF-8 byte-order mark means UTF-8; otherwise a file that decodes as UTF-8 is UTF-8
(Windows-1252 text with umlauts is practically never valid UTF-8, while UTF-8 read as
Windows-1252 turns "ü" into "Ã¼"), and any other file is Windows-1252, DATEV's own encoding.
The file is streamed twice (once to decide, once to read): it may be large."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # formats.py imports the readers
    from hub.imports.formats import Progress, Source

BOM = b"\xef\xbb\xbf"
TELL_EVERY = 1 << 20  # bytes between two calls of `progress`

# What a file that is not text is, by its first bytes.
MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "an Excel workbook (xlsx) or another zip archive"),
    (b"\xd0\xcf\x11\xe0", "an old Excel workbook (xls)"),
    (b"%PDF", "a PDF document"),
    (b"\xff\xfe", "UTF-16 text"),
    (b"\xfe\xff", "UTF-16 text"),
)


class Meter:
    """Bytes read over all the files of an import, told to `progress` every ~1 MiB."""

    def __init__(self, progress: Progress | None) -> None:
        self._progress = progress
        self.done = 0
        self._told = 0

    def add(self, count: int) -> None:
        self.done += count
        if self._progress is not None and self.done - self._told >= TELL_EVERY:
            self._told = self.done
            self._progress(self.done)

    def finish(self) -> None:
        if self._progress is not None and self._told != self.done:
            self._told = self.done
            self._progress(self.done)


def sniff(source: Source) -> tuple[str, str | None]:
    """The file's encoding ("utf-8" or "cp1252"), and what it is when it is not text."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    head = b""
    utf8 = True
    for chunk in source.chunks():
        if len(head) < 8:
            head += chunk[: 8 - len(head)]
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError:
            utf8 = False
            break
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    binary = next((what for magic, what in MAGIC if head.startswith(magic)), None)
    if binary is None and b"\x00" in head:
        binary = "a binary file"
    return ("utf-8" if utf8 or head.startswith(BOM) else "cp1252"), binary


@dataclass
class Lines:
    """A file's decoded lines for the `csv` module, counting them; a line that does not decode
    is told to `bad` (its number, the byte) and read with a replacement character."""

    source: Source
    encoding: str
    meter: Meter
    bad: Callable[[int, str], None]
    number: int = 0  # lines handed out so far
    record_start: str | None = None  # the first line of the record being read
    _raw: Iterator[bytes] | None = None
    _peeked: str | None = None
    _watch: bool = field(default=False)

    def __iter__(self) -> Lines:
        return self

    def peek(self) -> str | None:
        """The first line, without handing it out (BOM removed)."""
        if self._peeked is None:
            self._peeked = self._decoded()
        return self._peeked

    def __next__(self) -> str:
        text = self._peeked if self._peeked is not None else self._decoded()
        self._peeked = None
        if text is None:
            raise StopIteration
        self.number += 1
        if self._watch:
            self.record_start = text
            self._watch = False
        return text

    def watch(self) -> None:
        """Remember the next line handed out: a record starts there."""
        self._watch = True
        self.record_start = None

    def _decoded(self) -> str | None:
        if self._raw is None:
            self._raw = self.source.lines()
        raw = next(self._raw, None)
        if raw is None:
            return None
        self.meter.add(len(raw))
        first = self.number == 0 and self._peeked is None
        if first and raw.startswith(BOM):
            raw = raw[len(BOM) :]
        try:
            return raw.decode(self.encoding)
        except UnicodeDecodeError as error:
            byte = raw[error.start : error.start + 1].hex()
            self.bad(self.number + 1, f"0x{byte}")
            return raw.decode(self.encoding, errors="replace")


class BrokenQuotes(Exception):
    """A record whose quoting is broken: where it starts, its field, what went wrong."""

    def __init__(self, line: int, column: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.column = column
        self.message = message


def records(lines: Lines, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """The file's records, each with the line it starts on (a quoted text may hold line
    breaks); raises BrokenQuotes at the first record the CSV rules cannot read."""
    reader = csv.reader(lines, delimiter=delimiter, quotechar='"', strict=True)
    while True:
        start = lines.number + 1
        lines.watch()
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise _broken(lines, start, delimiter, str(error)) from error
        yield start, fields


def _broken(lines: Lines, start: int, delimiter: str, error: str) -> BrokenQuotes:
    if "NUL" in error:
        return BrokenQuotes(start, None, "the line holds a NUL byte: this is not a text file")
    column = None if lines.record_start is None else broken_field(lines.record_start, delimiter)
    where = "a field" if column is None else f"field {column}"
    if "end of data" in error:
        return BrokenQuotes(
            start,
            column,
            f'the quote (") that opens {where} is never closed: the rest of the file would be '
            "one text",
        )
    if "new-line" in error:
        return BrokenQuotes(
            start,
            None,
            "the line ends with a lone carriage return (CR): save the file with Windows (CRLF) "
            "or Unix (LF) line ends",
        )
    if "field larger" in error and column is None:
        return BrokenQuotes(
            start,
            None,
            f"a field is longer than {csv.field_size_limit():,} characters: this is not a "
            "DATEV booking line",
        )
    if "field larger" in error:
        return BrokenQuotes(
            start,
            column,
            f'the quote (") that opens {where} is not closed where it should be: the text runs '
            f"on past line {lines.number}",
        )
    return BrokenQuotes(
        start,
        column,
        f'the quotes (") of {where} are broken: text follows the closing quote '
        f"(at line {lines.number})",
    )


def broken_field(text: str, delimiter: str) -> int | None:
    """The 1-based field of `text` (a record's first line) whose quoting breaks: a quote that
    does not close on the line, or text after a closing quote; None if the line is sound."""
    text = text.rstrip("\r\n")
    end = len(text)
    position = 0
    column = 1
    while position <= end:
        if position < end and text[position] == '"':
            position += 1
            while True:
                close = text.find('"', position)
                if close < 0:
                    return column
                if text.startswith('""', close):
                    position = close + 2
                    continue
                position = close + 1
                break
            if position < end and text[position] != delimiter:
                return column
        else:
            found = text.find(delimiter, position)
            position = end if found < 0 else found
        if position >= end:
            return None
        position += 1
        column += 1
    return None
