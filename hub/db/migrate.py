"""Numbered SQL migrations, applied once each and recorded with a checksum.

A migration that was applied and then edited on disk stops start-up: fix forward with a new file.
So does a database migrated by a newer hub (a migration this hub does not have). Concurrent
starters (several workers or instances) serialise on an advisory lock, under which the rest of
start-up runs too (hub/services.py).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import metadata, resources

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


@asynccontextmanager
async def migration_lock(connection: Connection) -> AsyncIterator[None]:
    """The lock every start-up holds while it changes the database (a session lock: it may be
    taken again by the same connection)."""
    await connection.execute("select pg_advisory_lock($1)", _LOCK_KEY)
    try:
        yield
    finally:
        await connection.execute("select pg_advisory_unlock($1)", _LOCK_KEY)


def _hub_version() -> str:
    try:
        return metadata.version("network-hub")
    except metadata.PackageNotFoundError:
        return "unknown"


async def apply_migrations(connection: Connection) -> list[Migration]:
    """Apply what is missing; return the migrations applied now."""
    async with migration_lock(connection):
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
        available = available_migrations()
        known = {m.version for m in available}
        unknown = sorted(version for version in applied if version not in known)
        if unknown:
            newest = applied[unknown[-1]]
            raise MigrationError(
                f"the database was migrated by a newer hub: migration "
                f"{newest['version']:04d}_{newest['name']} is unknown to this hub "
                f"(network-hub {_hub_version()}); upgrade the hub, or use another database"
            )
        done: list[Migration] = []
        for migration in available:
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
