"""What a backup file holds, read with `pg_restore` without touching a database: whether it is
a hub backup, its tables, the PostgreSQL versions it came from and the hub migrations it
records."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from hub.db.pgtools import (
    FOLDER_VARIABLE,
    ToolError,
    Tools,
    Version,
    found,
    last_error,
    nothing_found,
)

MIGRATION_TABLE = "schema_migration"

_TABLE = re.compile(r"^\d+; \d+ \d+ TABLE (?!DATA )(?P<schema>\S+) (?P<name>\S+) \S*$")
_CUSTOM_FORMAT = b"PGDMP"  # how a file of `pg_dump --format=custom` begins
_HEADER = re.compile(r"^;\s+(?P<key>[^:]+):\s*(?P<value>.*)$")


class NotABackup(Exception):
    """The file is not a hub backup, or not one this hub can restore: the message says why."""


@dataclass(frozen=True, slots=True)
class Archive:
    file: Path
    size: int
    tables: list[str]  # schema-qualified
    server: Version  # the PostgreSQL it was taken from
    dumper: Version  # the pg_dump that wrote it
    migrations: dict[int, str]  # version -> name, from its schema_migration rows

    def migration_names(self, versions: list[int]) -> str:
        return ", ".join(f"{v:04d}_{self.migrations[v]}" for v in sorted(versions))


def read_archive(file: Path) -> Archive:
    """Refuse, in one line, a file that is missing, unreadable by pg_restore, or holds no
    `schema_migration` table."""
    if not file.is_file():
        raise NotABackup(f"{file}: no such file")
    with file.open("rb") as opened:
        start = opened.read(len(_CUSTOM_FORMAT) + 1)
    if not start.startswith(_CUSTOM_FORMAT):
        raise NotABackup(
            f"{file} is not a hub backup: it is not in pg_dump's custom format, which "
            "`hub backup` writes"
        )
    # The archive format's major version follows the magic: 1 since PostgreSQL 7.
    intact = start[len(_CUSTOM_FORMAT) :] == b"\x01"
    tools = found(("pg_restore",))
    if not tools:
        raise nothing_found(("pg_restore",))
    # The newest pg_restore reads every older archive format.
    reader = max(tools, key=lambda t: t.version.major)
    listing = _pg_restore(reader, file, ["--list"], intact)
    header = {
        match["key"].strip(): match["value"].strip()
        for match in map(_HEADER.match, listing.splitlines())
        if match is not None
    }
    tables = [
        f"{match['schema']}.{match['name']}"
        for match in map(_TABLE.match, listing.splitlines())
        if match is not None
    ]
    if f"public.{MIGRATION_TABLE}" not in tables:
        raise NotABackup(
            f"{file} is not a hub backup: it is a PostgreSQL dump without the hub's "
            f"{MIGRATION_TABLE} table"
        )
    try:
        server = Version.parse(header["Dumped from database version"])
        dumper = Version.parse(header["Dumped by pg_dump version"])
    except (KeyError, ToolError) as error:
        raise NotABackup(f"{file}: pg_restore does not say which PostgreSQL wrote it") from error
    script = _pg_restore(
        reader, file, ["--data-only", f"--table={MIGRATION_TABLE}", "--file=-"], intact
    )
    return Archive(file, file.stat().st_size, tables, server, dumper, _migration_rows(script, file))


def _pg_restore(tools: Tools, file: Path, arguments: list[str], intact: bool) -> str:
    """pg_restore's output; a failure is a damaged file, or (`intact` header) one of a newer
    pg_dump."""
    try:
        done = subprocess.run(
            [tools.path("pg_restore"), "--format=custom", *arguments, str(file)],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as error:
        raise ToolError(f"{tools.describe('pg_restore')} cannot be run: {error}") from error
    if done.returncode != 0:
        reason = last_error(done.stderr, "pg_restore")
        if intact and "unsupported version" in reason:
            raise ToolError(
                f"{file} was written by a newer pg_dump than {tools.describe('pg_restore')} "
                f"reads ({reason}): set {FOLDER_VARIABLE} to the folder of a newer pg_restore"
            )
        raise NotABackup(
            f"{file} is not a hub backup: {tools.describe('pg_restore')} says {reason}"
        )
    return done.stdout


def _migration_rows(script: str, file: Path) -> dict[int, str]:
    """The (version, name) of each row of schema_migration's COPY block."""
    lines = iter(script.splitlines())
    for line in lines:
        if line.startswith(f"COPY public.{MIGRATION_TABLE} "):
            break
    else:
        raise NotABackup(f"{file} is not a hub backup: its {MIGRATION_TABLE} table has no rows")
    columns = line.split("(", 1)[1].split(")", 1)[0].split(", ")
    if not {"version", "name"} <= set(columns):
        raise NotABackup(
            f"{file} is not a hub backup: its {MIGRATION_TABLE} table is not the hub's"
        )
    rows: dict[int, str] = {}
    for row in lines:
        if row == "\\.":
            break
        values = dict(zip(columns, row.split("\t"), strict=False))
        rows[int(values["version"])] = values["name"]
    if not rows:
        raise NotABackup(f"{file} is not a hub backup: its {MIGRATION_TABLE} table has no rows")
    return rows
