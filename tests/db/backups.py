"""What the backup tests share: `hub` run as a real process, empty databases to restore into,
and a fingerprint of a database that two equal databases share: every table's rows (count and
an md5 of their text, ordered), every sequence's position, and the definitions of columns,
constraints, indexes, triggers, routines and views."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg

from tests.conftest import with_database

HUB = [sys.executable, "-m", "hub"]


@dataclass(frozen=True, slots=True)
class Ran:
    status: int
    stdout: str
    stderr: str

    @property
    def errors(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith("error:")]

    @property
    def output(self) -> list[str]:
        return self.stdout.splitlines()


async def hub_command(
    *args: str, database_url: str | None, cwd: Path, **variables: str | None
) -> Ran:
    """`hub ARGS` with HUB_DATABASE_URL set to `database_url` (None: unset, the embedded
    server) and `variables` set (None: unset)."""
    environment = dict(os.environ)
    for key, value in {"HUB_DATABASE_URL": database_url, **variables}.items():
        if value is None:
            environment.pop(key, None)
        else:
            environment[key] = value
    process = await asyncio.create_subprocess_exec(
        *HUB,
        *args,
        cwd=cwd,
        env=environment,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await process.communicate()
    assert process.returncode is not None
    return Ran(process.returncode, stdout.decode(), stderr.decode())


def files_in(folder: Path) -> list[str]:
    """The names in a folder, hidden ones (a temporary file left behind) included."""
    return sorted(path.name for path in folder.iterdir())


@asynccontextmanager
async def empty_database(server_url: str) -> AsyncIterator[str]:
    """A new database with nothing in it (not the migrated template), dropped afterwards."""
    name = f"hub_test_{uuid.uuid4().hex[:12]}_empty"
    admin = await asyncpg.connect(server_url)
    try:
        await admin.execute(f'create database "{name}"')
        yield with_database(server_url, name)
        await admin.execute(f'drop database if exists "{name}" with (force)')
    finally:
        await admin.close()


_DEFINITIONS = {
    "columns": """
        select table_name, column_name, data_type, is_nullable, column_default
        from information_schema.columns where table_schema = 'public' order by 1, 2""",
    "constraints": """
        select conrelid::regclass::text, conname, pg_get_constraintdef(oid)
        from pg_constraint where connamespace = 'public'::regnamespace order by 1, 2""",
    "indexes": "select indexname, indexdef from pg_indexes where schemaname = 'public' order by 1",
    "triggers": """
        select tgrelid::regclass::text, tgname, pg_get_triggerdef(oid)
        from pg_trigger where not tgisinternal order by 1, 2""",
    "routines": """
        select proname, pg_get_functiondef(oid)
        from pg_proc where pronamespace = 'public'::regnamespace order by 1""",
    "views": "select viewname, definition from pg_views where schemaname = 'public' order by 1",
    "sequences": """
        select sequencename, last_value from pg_sequences where schemaname = 'public' order by 1""",
}


@dataclass(frozen=True, slots=True)
class Fingerprint:
    tables: dict[str, tuple[int, str]]  # table -> (rows, md5 of its rows' text in order)
    definitions: dict[str, list[tuple[Any, ...]]]

    @property
    def rows(self) -> int:
        return sum(count for count, _ in self.tables.values())


async def fingerprint(url: str) -> Fingerprint:
    connection = await asyncpg.connect(url)
    try:
        names = await connection.fetch(
            "select format('%I.%I', schemaname, tablename) as name from pg_tables "
            "where schemaname not in ('pg_catalog', 'information_schema') order by 1"
        )
        tables: dict[str, tuple[int, str]] = {}
        for row in names:
            found = await connection.fetchrow(
                f"select count(*), md5(coalesce(string_agg(t::text, ',' order by t::text), '')) "
                f"from {row['name']} t"
            )
            assert found is not None
            tables[row["name"]] = (found[0], found[1])
        definitions = {
            kind: [tuple(r) for r in await connection.fetch(query)]
            for kind, query in _DEFINITIONS.items()
        }
    finally:
        await connection.close()
    return Fingerprint(tables, definitions)
