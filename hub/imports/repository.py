"""The SQL of imports: the provenance of an imported version."""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from hub.db.pool import Connection


class SourceFile(msgspec.Struct, frozen=True, kw_only=True):
    """The national export a version was read from."""

    format: str
    program: str | None
    program_version: str | None
    organisation_number: str | None
    company: str | None
    file_names: tuple[str, ...]
    sha256: str  # hex
    size_bytes: int
    derived_from: str
    notes: tuple[str, ...] = ()


async def record(connection: Connection, submission_id: int, source: SourceFile) -> None:
    await connection.execute(
        """
        insert into submission_source_file (submission_id, format, program, program_version,
            organisation_number, company, file_names, sha256, size_bytes, derived_from, notes)
        values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
        """,
        submission_id,
        source.format,
        source.program,
        source.program_version,
        source.organisation_number,
        source.company,
        list(source.file_names),
        bytes.fromhex(source.sha256),
        source.size_bytes,
        source.derived_from,
        list(source.notes),
    )


async def sources(connection: Connection, submission_ids: Sequence[int]) -> dict[int, SourceFile]:
    rows = await connection.fetch(
        "select * from submission_source_file where submission_id = any($1::bigint[])",
        list(submission_ids),
    )
    return {
        row["submission_id"]: SourceFile(
            format=row["format"],
            program=row["program"],
            program_version=row["program_version"],
            organisation_number=row["organisation_number"],
            company=row["company"],
            file_names=tuple(row["file_names"]),
            sha256=bytes(row["sha256"]).hex(),
            size_bytes=row["size_bytes"],
            derived_from=row["derived_from"],
            notes=tuple(row["notes"]),
        )
        for row in rows
    }
