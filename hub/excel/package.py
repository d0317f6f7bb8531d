"""Measure an uploaded archive before anything parses it.

An .xlsx file is a zip archive of XML parts. Before openpyxl reads a byte of XML, the archive's
directory is bounded (a zip listing half a million parts costs 200 MB to list), each part's
declared size and compression ratio are checked, and every part is then inflated in bounded
chunks, counting what comes out: the declared sizes are only trusted as far as zipfile stops at
them and then checks the part's CRC, so a part that inflates beyond what its header says is
refused as damaged. While a part inflates, its prolog is read by a defused XML parser: a
document type declaration (the carrier of entity expansion and external entities) is refused,
wherever in the package it is.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from typing import IO, Any

from defusedxml import DefusedXmlException, DTDForbidden
from defusedxml.ElementTree import DefusedXMLParser, ParseError

from hub.excel.findings import CellError
from hub.reporting.rules import Upload

ENCRYPTED_OR_XLS = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CHUNK = 1 << 20
# A directory entry is 46 bytes and a name; a workbook's part names are far under 1 KiB.
DIRECTORY_BYTES_PER_MEMBER = 1024
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, ValueError, RuntimeError, OSError)


class Refused(Exception):
    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.error = CellError(None, None, rule, message)


def size_text(count: int) -> str:
    """A byte count as people read it: 1 GiB, 23.9 MiB, 512 KiB, 900 bytes."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= scale:
            tenths = (count * 10 + scale // 2) // scale
            whole, tenth = divmod(tenths, 10)
            return f"{whole:,} {unit}" if tenth == 0 else f"{whole:,}.{tenth} {unit}"
    return f"{count:,} bytes"


def check_package(data: bytes, limits: Upload) -> CellError | None:
    """The first reason the file cannot be read safely, or None."""
    try:
        _check(data, limits)
    except Refused as refusal:
        return refusal.error
    return None


def _check(data: bytes, limits: Upload) -> None:
    if not data:
        raise Refused("not-xlsx", "the file is empty")
    if data.startswith(ENCRYPTED_OR_XLS):
        raise Refused(
            "encrypted",
            "the file is password-protected (encrypted) or an old .xls workbook: save it as "
            ".xlsx without a password to open",
        )
    _directory(data, limits)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            names = {member.filename for member in members}
            _declared(members, limits)
            if "xl/workbook.xml" not in names:
                raise Refused("not-xlsx", "a zip archive, but not an Excel workbook")
            inflated = 0
            for member in members:
                inflated = _inflate(archive, member, inflated, limits)
    except _ZIP_ERRORS as error:
        raise _unreadable(data, error) from error


def _unreadable(data: bytes, error: Exception) -> Refused:
    if data.startswith(b"PK"):
        return Refused(
            "corrupt", f"the workbook is damaged or incomplete ({error}): upload it again"
        )
    return Refused("not-xlsx", "not an Excel .xlsx file (it is not a zip archive)")


def _directory(data: bytes, limits: Upload) -> None:
    """The member count and directory size from the archive's end record, before zipfile
    builds its list of members."""
    # zipfile's reader of the end record (with its ZIP64 form); private, and unchanged since
    # Python 2: the public ZipFile reads the whole directory before anything can be checked.
    end: Any = zipfile._EndRecData(io.BytesIO(data))  # type: ignore[attr-defined]
    if end is None:
        raise _unreadable(data, zipfile.BadZipFile("File is not a zip file"))
    count = int(end[zipfile._ECD_ENTRIES_TOTAL])  # type: ignore[attr-defined]
    size = int(end[zipfile._ECD_SIZE])  # type: ignore[attr-defined]
    if count > limits.max_members:
        raise Refused(
            "archive-members",
            f"the archive lists {count:,} parts; the limit is {limits.max_members:,}",
        )
    if size > limits.max_members * DIRECTORY_BYTES_PER_MEMBER:
        raise Refused(
            "archive-members",
            f"the archive's directory is {size_text(size)}, more than "
            f"{limits.max_members:,} parts need: the file is damaged or crafted",
        )


def _declared(members: list[zipfile.ZipInfo], limits: Upload) -> None:
    total = 0
    for member in members:
        size = member.file_size
        total += size
        if size > limits.max_inflated_member_bytes:
            raise _member_too_large(member.filename, size, limits)
        ratio = size // max(member.compress_size, 1)
        if size >= limits.compression_ratio_from_bytes and ratio > limits.max_compression_ratio:
            raise Refused(
                "compression-ratio",
                f"the part {member.filename} inflates {ratio:,} times its compressed size "
                f"(to {size_text(size)}); the limit is {limits.max_compression_ratio:,} times",
            )
    if total > limits.max_inflated_bytes:
        raise _file_too_large(total, limits)


def _member_too_large(name: str, size: int, limits: Upload, *, more: bool = False) -> Refused:
    return Refused(
        "inflated-size",
        f"the part {name} inflates to {'more than ' if more else ''}{size_text(size)}; "
        f"the limit is {size_text(limits.max_inflated_member_bytes)} per part",
    )


def _file_too_large(size: int, limits: Upload, *, more: bool = False) -> Refused:
    return Refused(
        "inflated-size",
        f"the file inflates to {'more than ' if more else ''}{size_text(size)}; "
        f"the limit is {size_text(limits.max_inflated_bytes)}",
    )


def _inflate(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, inflated: int, limits: Upload
) -> int:
    """Inflate one part in bounded chunks, counting; the running total of the file after it."""
    prolog = _Prolog(member.filename)
    size = 0
    try:
        with archive.open(member) as source:
            for chunk in _chunks(source):
                size += len(chunk)
                inflated += len(chunk)
                if size > limits.max_inflated_member_bytes:
                    raise _member_too_large(member.filename, size, limits, more=True)
                if inflated > limits.max_inflated_bytes:
                    raise _file_too_large(inflated, limits, more=True)
                prolog.feed(chunk)
    except _ZIP_ERRORS as error:
        raise Refused(
            "corrupt", f"the workbook is damaged: its part {member.filename} fails ({error})"
        ) from error
    return inflated


def _chunks(source: IO[bytes]) -> Iterator[bytes]:
    while chunk := source.read(CHUNK):
        yield chunk


class _RootReached(Exception):
    """The prolog is over: no document type declaration can follow."""


class _Target:
    def start(self, tag: str, attributes: dict[str, str]) -> None:
        raise _RootReached


class _Prolog:
    """Feeds a part to a parser that refuses DTDs until its root element opens. A part that is
    not XML (an image) stops being fed at its first byte."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.parser: DefusedXMLParser | None = DefusedXMLParser(target=_Target(), forbid_dtd=True)

    def feed(self, chunk: bytes) -> None:
        if self.parser is None:
            return
        try:
            self.parser.feed(chunk)
        except DTDForbidden as declared:
            raise Refused(
                "xml-dtd",
                f"the part {self.name} declares a document type (<!DOCTYPE {declared.name}>): "
                "the hub refuses DTDs and entities in a workbook; save it again in Excel or "
                "LibreOffice",
            ) from declared
        except DefusedXmlException as entity:  # defensive: entities come within a DTD
            raise Refused(
                "xml-dtd", f"the part {self.name} declares entities: the hub refuses them"
            ) from entity
        except (_RootReached, ParseError):
            self.parser = None
