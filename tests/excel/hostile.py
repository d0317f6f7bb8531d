"""A corpus of hostile workbooks, made from the hub's own template in milliseconds.

The zip archives are written here byte by byte (zipfile cannot store data compressed
elsewhere, nor lie about a size): a part that inflates to 1 GiB is one deflate block of 1 MiB
of blanks, repeated (after a full flush a deflate stream restarts from scratch, so the same
input gives the same bytes).
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass

from openpyxl.reader.excel import ExcelReader

MiB = 1 << 20
GiB = 1 << 30
_LOCAL = struct.Struct("<4s5H3L2H")
_CENTRAL = struct.Struct("<4s6H3L5H2L")
_END = struct.Struct("<4s4H2LH")
DEFLATED = 8


@dataclass(frozen=True, slots=True)
class Part:
    """One archive member: its raw deflate stream, and what its headers say."""

    name: str
    deflated: bytes
    crc: int
    size: int

    @classmethod
    def of(cls, name: str, content: bytes) -> Part:
        compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
        deflated = compressor.compress(content) + compressor.flush()
        return cls(name, deflated, zlib.crc32(content), len(content))


def archive(parts: list[Part], *, directory_copies: int = 1) -> bytes:
    """A zip of `parts`; `directory_copies` > 1 lists every part that many times (a "huge
    list": directory entries cost 46 bytes, the data is not repeated)."""
    body = bytearray()
    offsets = []
    for part in parts:
        name = part.name.encode()
        offsets.append(len(body))
        body += _LOCAL.pack(
            b"PK\x03\x04", 20, 0, DEFLATED, 0, 0x21, part.crc, len(part.deflated), part.size,
            len(name), 0,
        )  # fmt: skip
        body += name + part.deflated
    directory = bytearray()
    for copy in range(directory_copies):
        for part, offset in zip(parts, offsets, strict=True):
            name = part.name.encode() if copy == 0 else f"{part.name}.{copy}".encode()
            directory += _CENTRAL.pack(
                b"PK\x01\x02", 20, 20, 0, DEFLATED, 0, 0x21, part.crc, len(part.deflated),
                part.size, len(name), 0, 0, 0, 0, 0, offset,
            )  # fmt: skip
            directory += name
    count = min(len(parts) * directory_copies, 0xFFFF)
    end = _END.pack(b"PK\x05\x06", 0, 0, count, count, len(directory), len(body), 0)
    return bytes(body + directory + end)


def parts_of(workbook: bytes) -> list[Part]:
    with zipfile.ZipFile(io.BytesIO(workbook)) as source:
        return [Part.of(info.filename, source.read(info)) for info in source.infolist()]


def content(workbook: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(workbook)) as source:
        return source.read(name)


def replaced(workbook: bytes, changes: dict[str, Part]) -> bytes:
    return archive([changes.get(part.name, part) for part in parts_of(workbook)])


def sheet_part(workbook: bytes, title: str) -> str:
    reader = ExcelReader(io.BytesIO(workbook), read_only=True)
    reader.read_manifest()
    reader.read_workbook()
    parts: dict[str, str] = {sheet.name: rel.target for sheet, rel in reader.parser.find_sheets()}
    reader.archive.close()
    return parts[title]


def padded(
    name: str, xml: bytes, at: bytes, blanks_mib: int, *, declared: int | None = None
) -> Part:
    """`xml` with `blanks_mib` MiB of blanks inserted before `at`, deflated by repeating one
    block; `declared` replaces the true inflated size in the headers (a lying header)."""
    cut = xml.index(at)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = compressor.compress(xml[:cut]) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = b" " * MiB
    first = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    assert first == again, "zlib no longer restarts after a full flush"
    tail = compressor.compress(xml[cut:]) + compressor.flush()
    crc = zlib.crc32(xml[:cut])
    for _ in range(blanks_mib):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(xml[cut:], crc)
    size = len(xml) + blanks_mib * MiB
    return Part(name, head + first * blanks_mib + tail, crc, size if declared is None else declared)


def with_dtd(xml: bytes, dtd: bytes) -> bytes:
    """`xml` with a document type declaration after its XML declaration."""
    declaration = re.match(rb"<\?xml[^>]*\?>\s*", xml)
    end = declaration.end() if declaration else 0
    return xml[:end] + dtd + xml[end:]


BILLION_LAUGHS = (
    b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">'
        % (level, (b"&lol%d;" % (level - 1) if level > 1 else b"&lol;") * 10)
        for level in range(1, 10)
    )
    + b"]>"
)


def xxe(path: str) -> bytes:
    return b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file://' + path.encode() + b'">]>'


def million_rows(rows: int = 1_048_576) -> bytes:
    """A trial balance sheet with `rows` rows whose <dimension> says it has two."""
    head = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<dimension ref="A1:F2"/><sheetData>'
    )
    body = b"".join(
        b'<row r="%d"><c r="D%d"><v>1</v></c></row>' % (r, r) for r in range(2, rows + 1)
    )
    return head + body + b"</sheetData></worksheet>"
