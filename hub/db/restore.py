"""`hub restore FILE`: a backup of `hub backup` loaded into the installation's database.

pg_restore turns the file into SQL that psql runs in ONE transaction, together with the drop of
the hub's old objects under --replace: the transaction is committed only once pg_restore has
read the whole file and psql has run every statement, so a failed restore changes nothing.
The hub's objects are everything in the `public` schema (tables, views, sequences, routines,
types), except what belongs to an extension. Migrations the backup predates are applied by the
hub at its next start, as after any upgrade.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass

from hub.db.archive import MIGRATION_TABLE, Archive, NotABackup
from hub.db.backup import size_text
from hub.db.migrate import available_migrations
from hub.db.pgtools import Tools, Version, for_archive, last_error, libpq_target
from hub.db.pool import Connection, Database

_CHUNK = 1 << 16

_OUTSIDE_EXTENSIONS = """
    not exists (
        select from pg_depend d
        where d.classid = {catalog}::regclass and d.objid = {oid} and d.deptype = 'e'
    )
"""

# Tables first: dropping one takes its indexes, triggers, owned sequences and (cascade) the
# views on it; `if exists` then passes over what went with it. A sequence of a column is left
# to its table (PostgreSQL refuses to drop it alone).
_DROPS = f"""
select statement from (
    select 1 as step, format('drop %s if exists %I.%I cascade;',
                  case c.relkind when 'v' then 'view' when 'm' then 'materialized view'
                                 when 'S' then 'sequence' when 'f' then 'foreign table'
                                 else 'table' end,
                  n.nspname, c.relname) as statement,
           case c.relkind when 'S' then 2 when 'v' then 1 when 'm' then 1 else 0 end as kind
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p', 'f', 'v', 'm', 'S')
      and not exists (
          select from pg_depend d
          where d.classid = 'pg_class'::regclass and d.objid = c.oid
            and d.refclassid = 'pg_class'::regclass and d.deptype in ('a', 'i')
            and c.relkind = 'S'
      )
      and {_OUTSIDE_EXTENSIONS.format(catalog="'pg_class'", oid="c.oid")}
    union all
    select 2, format('drop routine if exists %I.%I(%s) cascade;',
                     n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)), 0
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'public'
      and {_OUTSIDE_EXTENSIONS.format(catalog="'pg_proc'", oid="p.oid")}
    union all
    select 3, format('drop %s if exists %I.%I cascade;',
                     case t.typtype when 'd' then 'domain' else 'type' end,
                     n.nspname, t.typname), 0
    from pg_type t join pg_namespace n on n.oid = t.typnamespace
    where n.nspname = 'public' and t.typtype in ('e', 'd', 'r', 'c')
      and (t.typtype <> 'c' or (select relkind from pg_class where oid = t.typrelid) = 'c')
      and {_OUTSIDE_EXTENSIONS.format(catalog="'pg_type'", oid="t.oid")}
) drops
order by step, kind, statement
"""

_USER_OBJECTS = """
select (select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('r', 'p', 'f', 'v', 'm', 'S') and {user_schema})
     + (select count(*) from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where {user_schema})
""".format(
    user_schema="n.nspname not in ('pg_catalog', 'information_schema') "
    "and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp%'"
)


class RestoreError(Exception):
    """The restore was refused or failed: one line; the database is as it was."""


@dataclass(frozen=True, slots=True)
class Contents:
    """What the target database holds."""

    objects: int  # tables, views, sequences and routines in any user schema
    tables: int  # in `public`
    rows: int  # in `public`'s tables
    migration: int | None  # the latest hub migration recorded; None: no hub data

    def describe(self) -> str:
        if self.migration is None:
            return f"{self.objects} object{'' if self.objects == 1 else 's'}, no hub data"
        return f"{self.tables} tables, migrations up to {self.migration:04d}, {self.rows:,} rows"


@dataclass(frozen=True, slots=True)
class RestoreDone:
    archive: Archive
    tools: Tools
    seconds: float
    restored: Contents
    replaced: Contents | None

    def describe(self, described: str) -> list[str]:
        lines = []
        if self.replaced is not None:
            lines.append(f"Replaced the hub data of {described}: {self.replaced.describe()}")
        lines.append(
            f"Restored {self.archive.file} ({size_text(self.archive.size)}, taken from "
            f"PostgreSQL {self.archive.server}) into {described}: {self.restored.describe()}, "
            f"in {self.seconds:.1f} s ({self.tools.describe('pg_restore')})"
        )
        pending = pending_migrations(self.archive)
        if pending:
            lines.append(f"The hub applies at its next start the newer migrations: {pending}")
        return lines


def check_known(archive: Archive) -> None:
    """Refuse a backup of a newer hub: this hub does not know all of its migrations."""
    known = {m.version for m in available_migrations()}
    unknown = sorted(set(archive.migrations) - known)
    if unknown:
        raise NotABackup(
            f"{archive.file} was made by a newer hub: its migrations "
            f"{archive.migration_names(unknown)} are unknown to this one; update the hub, "
            "then restore"
        )


def pending_migrations(archive: Archive) -> str:
    missing = [m for m in available_migrations() if m.version not in archive.migrations]
    return ", ".join(f"{m.version:04d}_{m.name}" for m in missing)


async def contents(connection: Connection) -> Contents:
    objects = int(await connection.fetchval(_USER_OBJECTS))
    tables = [
        str(name)
        for name in await connection.fetchval(
            "select coalesce(array_agg(format('%I.%I', schemaname, tablename)), '{}') "
            "from pg_tables where schemaname = 'public'"
        )
    ]
    rows = 0
    for table in tables:
        rows += int(await connection.fetchval(f"select count(*) from {table}"))
    migration = None
    if await connection.fetchval("select to_regclass($1) is not null", MIGRATION_TABLE):
        migration = await connection.fetchval(f"select max(version) from {MIGRATION_TABLE}")
    return Contents(objects, len(tables), rows, migration)


async def restore(
    url: str, described: str, archive: Archive, *, replace: bool, into_empty_only: bool
) -> RestoreDone:
    started = time.monotonic()
    db = await Database.connect(url, max_size=1)
    try:
        async with db.pool.acquire() as connection:
            server = Version.parse(str(await connection.fetchval("show server_version")))
            others = await connection.fetchval(
                "select count(*) from pg_stat_activity where datname = current_database() "
                "and pid <> pg_backend_pid() and backend_type = 'client backend'"
            )
            before = await contents(connection)
            drops = [str(row[0]) for row in await connection.fetch(_DROPS)]
    finally:
        await db.close()
    refuse(archive, described, server, others, before, replace, into_empty_only)
    tools = for_archive(("pg_restore", "psql"), archive.dumper, server)
    holds_hub = before.migration is not None
    await _restore_in_one_transaction(tools, url, archive, drops if replace and holds_hub else [])
    db = await Database.connect(url, max_size=1)
    try:
        async with db.pool.acquire() as connection:
            after = await contents(connection)
    finally:
        await db.close()
    replaced = before if replace and holds_hub else None
    return RestoreDone(archive, tools, time.monotonic() - started, after, replaced)


def refuse(
    archive: Archive,
    described: str,
    server: Version,
    others: int,
    before: Contents,
    replace: bool,
    into_empty_only: bool,
) -> None:
    """Why this restore must not run, if it must not: one line."""
    if others:
        connections = f"{others} other connection{'' if others == 1 else 's'}"
        raise RestoreError(
            f"{described} is in use ({connections}): stop the hub, or whatever else uses it, "
            "then restore"
        )
    if into_empty_only and before.objects:
        raise RestoreError(
            f"{described} is not empty ({before.describe()}): "
            "--into-empty-only restores only into an empty database"
        )
    if before.migration is not None and not replace:
        raise RestoreError(
            f"{described} already holds hub data ({before.describe()}): add "
            f"--replace to drop it and restore {archive.file} in its place"
        )
    if archive.server.major > server.major:
        raise RestoreError(
            f"{archive.file} holds a PostgreSQL {archive.server} database and {described} is "
            f"PostgreSQL {server}: restore it into PostgreSQL {archive.server.major} or newer"
        )


async def _restore_in_one_transaction(
    tools: Tools, url: str, archive: Archive, drops: list[str]
) -> None:
    """pg_restore's script, preceded by the drops, through psql; COMMIT is sent only after
    pg_restore has succeeded. psql stops at the first error (ON_ERROR_STOP) and the server
    rolls back what a connection leaves open."""
    target, environment = libpq_target(url)
    reader = await asyncio.create_subprocess_exec(
        tools.path("pg_restore"),
        "--file=-",
        "--no-owner",
        "--no-privileges",
        str(archive.file),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    runner = await asyncio.create_subprocess_exec(
        tools.path("psql"),
        "--no-psqlrc",
        "--quiet",
        "--no-password",
        "--set=ON_ERROR_STOP=1",
        f"--dbname={target}",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
        env=environment,
    )
    assert reader.stdout is not None
    assert reader.stderr is not None
    assert runner.stdin is not None
    assert runner.stderr is not None
    reader_said = asyncio.create_task(reader.stderr.read())
    runner_said = asyncio.create_task(runner.stderr.read())
    preamble = "set client_min_messages = warning;\nbegin;\n" + "\n".join(drops) + "\n"
    fed = await _feed(runner.stdin, preamble.encode(), reader.stdout)
    read_ok = await reader.wait() == 0
    if fed and read_ok:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            runner.stdin.write(b"commit;\n")
            await runner.stdin.drain()
    runner.stdin.close()
    ran_ok = await runner.wait() == 0
    if not read_ok:
        reason = last_error((await reader_said).decode(errors="replace"), "pg_restore")
        raise RestoreError(
            f"{tools.describe('pg_restore')} cannot read {archive.file}: {reason}; "
            "nothing was changed"
        )
    if not (fed and ran_ok):
        reason = last_error((await runner_said).decode(errors="replace"), "psql")
        raise RestoreError(f"the restore of {archive.file} failed: {reason}; nothing was changed")


async def _feed(into: asyncio.StreamWriter, first: bytes, source: asyncio.StreamReader) -> bool:
    """`first`, then all of `source`, into `into`; False when the reader went away (psql
    stopped at an error). `source` is drained either way, so that pg_restore can end."""
    try:
        into.write(first)
        await into.drain()
        while chunk := await source.read(_CHUNK):
            into.write(chunk)
            await into.drain()
    except (BrokenPipeError, ConnectionResetError):
        while await source.read(_CHUNK):
            pass
        return False
    return True
