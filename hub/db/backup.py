"""`hub backup FILE`: the hub's database written by pg_dump in its custom format.

pg_dump reads every table in one snapshot (a repeatable-read transaction), so a backup taken
while the hub runs holds each save whole or not at all. It writes to a temporary file beside
FILE, renamed into place only once pg_dump has succeeded: a failed backup leaves no half file.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from hub.db.archive import MIGRATION_TABLE, Archive, read_archive
from hub.db.pgtools import Tools, Version, for_server, last_error, libpq_target
from hub.db.pool import Database

# How long pg_dump waits for a table another session holds exclusively (a migration running).
LOCK_WAIT = "1min"


class BackupError(Exception):
    """The backup cannot be taken: one line saying why; no file is left behind."""


@dataclass(frozen=True, slots=True)
class BackupDone:
    archive: Archive
    tools: Tools
    seconds: float

    def describe(self) -> str:
        archive = self.archive
        return (
            f"Backed up to {archive.file}: {size_text(archive.size)}, "
            f"{len(archive.tables)} tables, migrations up to {max(archive.migrations):04d}, "
            f"in {self.seconds:.1f} s ({self.tools.describe('pg_dump')}, "
            f"PostgreSQL {archive.server})"
        )


def size_text(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size / 1024:,.1f} KiB"
    return f"{size / (1024 * 1024):,.1f} MiB"


def check_target(file: Path, force: bool) -> None:
    """Refuse before any database is opened: an existing FILE without `force`, a missing
    folder."""
    if file.is_dir():
        raise BackupError(f"{file} is a folder: name the backup file to write")
    if file.exists() and not force:
        raise BackupError(
            f"{file} already exists: choose another name, or add --force to replace it"
        )
    if not file.parent.is_dir():
        raise BackupError(f"{file}: the folder {file.parent} does not exist")


async def server_version(url: str) -> tuple[Version, bool]:
    """The server's version, and whether the database holds the hub's schema_migration."""
    db = await Database.connect(url, max_size=1)
    try:
        async with db.pool.acquire() as connection:
            version = Version.parse(str(await connection.fetchval("show server_version")))
            hub = await connection.fetchval("select to_regclass($1) is not null", MIGRATION_TABLE)
    finally:
        await db.close()
    return version, bool(hub)


async def backup(url: str, described: str, file: Path, *, force: bool) -> BackupDone:
    check_target(file, force)
    server, holds_hub = await server_version(url)
    tools = for_server(("pg_dump",), server, "a backup")
    if not holds_hub:
        raise BackupError(
            f"{described} holds no hub data (no {MIGRATION_TABLE} table): nothing to back up"
        )
    started = time.monotonic()
    with _beside(file) as partial:
        await _pg_dump(tools, url, partial)
        archive = _put_in_place(partial, file, force)
    return BackupDone(archive, tools, time.monotonic() - started)


@contextlib.contextmanager
def _beside(file: Path) -> Iterator[Path]:
    """A new temporary file in FILE's folder (so that the rename stays on one file system),
    removed on the way out unless it was renamed; readable by its owner only, as mkstemp
    makes it."""
    handle, name = tempfile.mkstemp(dir=file.parent, prefix=f".{file.name}.", suffix=".partial")
    os.close(handle)
    partial = Path(name)
    try:
        yield partial
    finally:
        partial.unlink(missing_ok=True)


def _put_in_place(partial: Path, file: Path, force: bool) -> Archive:
    """Check what pg_dump wrote reads back as a hub backup, then rename it to FILE."""
    archive = read_archive(partial)
    if file.exists() and not force:
        raise BackupError(f"{file} was created meanwhile: choose another name, or add --force")
    partial.replace(file)
    _sync_folder(file.parent)
    return dataclasses.replace(archive, file=file)


async def _pg_dump(tools: Tools, url: str, output: Path) -> None:
    target, environment = libpq_target(url)
    process = await asyncio.create_subprocess_exec(
        tools.path("pg_dump"),
        "--format=custom",
        "--no-password",
        f"--lock-wait-timeout={LOCK_WAIT}",
        f"--file={output}",
        f"--dbname={target}",
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
        env=environment,
    )
    _, stderr = await process.communicate()
    if process.returncode != 0:
        reason = last_error(stderr.decode(errors="replace"), "pg_dump")
        raise BackupError(f"{tools.describe('pg_dump')} failed: {reason}")


def _sync_folder(folder: Path) -> None:
    """Make the rename durable (the file itself pg_dump has already synced)."""
    with contextlib.suppress(OSError):
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)
