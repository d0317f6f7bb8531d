"""Numbered SQL migrations, applied once each and recorded with a checksum.

A migration that was applied and then edited on disk stops start-up: fix forward with a new file.
Concurrent starters (several workers) serialise on an advisory lock.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from importlib import resources

from hub.db.errors import MigrationError
from hub.db.pool import Connection

_FILE = re.compile(r"^(?P<version>\d{4})_(?P<name>[a-z0-9_]+)\.sql$")
_LOCK_KEY = 7_402_115_001


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def available_migrations() -> list[Migration]:
    folder = resources.files("hub.db") / "migrations"
    found: list[Migration] = []
    for entry in folder.iterdir():
        match = _FILE.match(entry.name)
        if match is not None:
            found.append(Migration(int(match["version"]), match["name"], entry.read_text("utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise MigrationError(f"two migration files share a number: {versions}")
    return found


async def apply_migrations(connection: Connection) -> list[Migration]:
    """Apply what is missing; return the migrations applied now."""
    await connection.execute("select pg_advisory_lock($1)", _LOCK_KEY)
    try:
        await connection.execute(
            """
            create table if not exists schema_migration (
                version integer primary key,
                name text not null,
                checksum text not null,
                applied_at timestamptz not null default now()
            )
            """
        )
        rows = await connection.fetch("select version, name, checksum from schema_migration")
        applied = {row["version"]: row for row in rows}
        done: list[Migration] = []
        for migration in available_migrations():
            recorded = applied.get(migration.version)
            if recorded is not None:
                if recorded["checksum"] != migration.checksum:
                    raise MigrationError(
                        f"migration {migration.version:04d}_{migration.name}.sql was changed after "
                        "it was applied; add a new migration instead of editing an applied one"
                    )
                continue
            async with connection.transaction():
                await connection.execute(migration.sql)
                await connection.execute(
                    "insert into schema_migration (version, name, checksum) values ($1, $2, $3)",
                    migration.version,
                    migration.name,
                    migration.checksum,
                )
            done.append(migration)
        return done
    finally:
        await connection.execute("select pg_advisory_unlock($1)", _LOCK_KEY)
