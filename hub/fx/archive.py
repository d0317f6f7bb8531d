"""The ECB publishes its history as `eurofxref-hist.zip`, one CSV inside. The archive is measured
before anything is inflated, with the upload limits that guard a workbook (hub/excel/package.py):
the directory from the archive's end record, the CSV's declared size and compression ratio, then
the CSV inflated in bounded chunks, counting what comes out. Pure: bytes in, bytes out.
"""

from __future__ import annotations

import io
import zipfile

from hub.excel.package import (
    _ZIP_ERRORS,
    CHUNK,
    Refused,
    _declared,
    _directory,
    _member_too_large,
)
from hub.reporting.rules import Upload

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


class ArchiveError(ValueError):
    """The zip archive cannot be read as the ECB's; the message says why, in the user's words."""


def is_zip(data: bytes) -> bool:
    return data.startswith(ZIP_MAGIC)


def ecb_csv(data: bytes, limits: Upload) -> bytes:
    """The CSV inside the ECB's zip archive; any other file is returned as it is (the CSV)."""
    if not is_zip(data):
        return data
    try:
        _directory(data, limits)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            files = [m for m in archive.infolist() if not m.is_dir()]
            csvs = [m for m in files if m.filename.lower().endswith(".csv")]
            if len(csvs) != 1:
                found = ", ".join(m.filename for m in files) or "nothing"
                raise ArchiveError(
                    f"the zip archive holds {len(csvs)} CSV files ({found}); the ECB's "
                    "eurofxref-hist.zip holds one, eurofxref-hist.csv"
                )
            [member] = csvs
            _declared([member], limits)
            return _inflate(archive, member, limits)
    except ArchiveError:
        raise
    except Refused as refusal:
        raise ArchiveError(f"the zip archive is refused: {refusal.error.message}") from refusal
    except _ZIP_ERRORS as error:
        raise ArchiveError(
            f"the zip archive is damaged or incomplete ({error}): download it again"
        ) from error


def _inflate(archive: zipfile.ZipFile, member: zipfile.ZipInfo, limits: Upload) -> bytes:
    out = io.BytesIO()
    with archive.open(member) as source:
        while chunk := source.read(CHUNK):
            out.write(chunk)
            if out.tell() > limits.max_inflated_member_bytes:
                raise _member_too_large(member.filename, out.tell(), limits, more=True)
    return out.getvalue()
