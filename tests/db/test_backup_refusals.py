"""What `hub backup` and `hub restore` refuse, each with one `error:` line and exit status 1,
leaving the file and the database as they were."""

from __future__ import annotations

import asyncio
import re
import urllib.parse
import uuid
from pathlib import Path

import asyncpg
import pytest

from hub.db.archive import Archive
from hub.db.migrate import available_migrations
from hub.db.pgtools import Version, for_server
from hub.db.restore import Contents, RestoreError, refuse
from tests.conftest import database_name
from tests.db.backups import empty_database, files_in, fingerprint, hub_command
from tests.db.conftest import DemoBackup

LATEST = available_migrations()[-1].version


def of(url: str) -> str:
    return f'the database "{database_name(url)}" of the server in HUB_DATABASE_URL'


def as_user(url: str, user: str) -> str:
    parts = urllib.parse.urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urllib.parse.urlunsplit(parts._replace(netloc=f"{user}@{host}"))


async def test_an_existing_file_is_replaced_only_with_force(
    database_url: str, tmp_path: Path
) -> None:
    file = tmp_path / "hub.backup"
    file.write_bytes(b"last week's backup")
    ran = await hub_command("backup", str(file), database_url=database_url, cwd=tmp_path)
    assert ran.status == 1
    assert ran.errors == [
        f"error: {file} already exists: choose another name, or add --force to replace it"
    ]
    assert ran.stdout == ""
    assert file.read_bytes() == b"last week's backup"

    ran = await hub_command("backup", "--force", str(file), database_url=database_url, cwd=tmp_path)
    assert ran.status == 0, ran.stderr
    assert ran.stdout.startswith(f"Backed up to {file}: ")
    assert file.read_bytes().startswith(b"PGDMP")  # pg_dump's custom format
    assert files_in(tmp_path) == [file.name]


async def test_a_backup_that_fails_leaves_no_file(
    database_url: str, server_url: str, tmp_path: Path
) -> None:
    """A role that may not read the tables: pg_dump has created its file, then fails."""
    role = f"hub_test_{uuid.uuid4().hex[:8]}_reader"
    admin = await asyncpg.connect(server_url)
    await admin.execute(f'create role "{role}" login')
    try:
        file = tmp_path / "hub.backup"
        ran = await hub_command(
            "backup", str(file), database_url=as_user(database_url, role), cwd=tmp_path
        )
        assert ran.status == 1
        assert len(ran.errors) == 1
        assert re.fullmatch(
            r"error: pg_dump \d+\.\d+ \(/\S+/pg_dump\) failed: "
            r"permission denied for table \w+",
            ran.errors[0],
        ), ran.stderr
        assert files_in(tmp_path) == []
    finally:
        await admin.execute(f'drop role "{role}"')
        await admin.close()


async def test_a_backup_of_nothing_or_into_no_folder_is_refused(
    database_url: str, server_url: str, tmp_path: Path
) -> None:
    file = tmp_path / "missing" / "hub.backup"
    ran = await hub_command("backup", str(file), database_url=database_url, cwd=tmp_path)
    assert (ran.status, ran.errors) == (
        1,
        [f"error: {file}: the folder {file.parent} does not exist"],
    )
    async with empty_database(server_url) as empty:
        file = tmp_path / "hub.backup"
        ran = await hub_command("backup", str(file), database_url=empty, cwd=tmp_path)
        assert (ran.status, ran.errors) == (
            1,
            [
                f"error: no hub data in the database at {empty}: start it once with `hub serve` "
                "or `hub demo`, or set HUB_DATA_DIR/HUB_DATABASE_URL"
            ],
        )
    assert files_in(tmp_path) == []


async def test_a_file_that_is_not_a_hub_backup_is_refused(server_url: str, tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("minutes of the board meeting\n" * 40)
    missing = tmp_path / "nowhere.backup"
    foreign = tmp_path / "other.backup"
    async with empty_database(server_url) as other, empty_database(server_url) as target:
        # A real pg_dump archive, of a database that is not the hub's (which `hub backup`
        # refuses to write): pg_dump run as the hub runs it.
        connection = await asyncpg.connect(other)
        await connection.execute("create table notes (body text); insert into notes values ('x')")
        server = Version.parse(str(await connection.fetchval("show server_version")))
        await connection.close()
        pg_dump = for_server(("pg_dump",), server, "the test").path("pg_dump")
        dumped = await asyncio.create_subprocess_exec(
            pg_dump, "--format=custom", f"--file={foreign}", f"--dbname={other}"
        )
        assert await dumped.wait() == 0

        ran = await hub_command("restore", str(text), database_url=target, cwd=tmp_path)
        assert (ran.status, ran.errors) == (
            1,
            [
                f"error: {text} is not a hub backup: it is not in pg_dump's custom format, "
                "which `hub backup` writes"
            ],
        )
        # pg_dump's custom format, damaged: pg_restore's reason.
        damaged = tmp_path / "damaged.backup"
        damaged.write_bytes(b"PGDMP" + bytes(range(256)) * 4)
        ran = await hub_command("restore", str(damaged), database_url=target, cwd=tmp_path)
        assert ran.status == 1
        assert len(ran.errors) == 1
        assert re.fullmatch(
            rf"error: {re.escape(str(damaged))} is not a hub backup: pg_restore \d+\.\d+ "
            r"\(/\S+/pg_restore\) says .+",
            ran.errors[0],
        ), ran.stderr

        ran = await hub_command("restore", str(foreign), database_url=target, cwd=tmp_path)
        assert (ran.status, ran.errors) == (
            1,
            [
                f"error: {foreign} is not a hub backup: it is a PostgreSQL dump without the "
                "hub's schema_migration table"
            ],
        )
        ran = await hub_command("restore", str(missing), database_url=target, cwd=tmp_path)
        assert (ran.status, ran.errors) == (1, [f"error: {missing}: no such file"])
        assert (await fingerprint(target)).tables == {}


async def test_a_backup_of_a_newer_hub_is_refused(
    database_url: str, server_url: str, tmp_path: Path
) -> None:
    connection = await asyncpg.connect(database_url)
    await connection.execute(
        "insert into schema_migration (version, name, checksum) "
        "values (9999, 'from_a_later_hub', 'x')"
    )
    await connection.close()
    file = tmp_path / "later.backup"
    made = await hub_command("backup", str(file), database_url=database_url, cwd=tmp_path)
    assert made.status == 0, made.stderr
    async with empty_database(server_url) as target:
        ran = await hub_command("restore", str(file), database_url=target, cwd=tmp_path)
        assert ran.status == 1
        assert ran.errors == [
            f"error: {file} was made by a newer hub: its migrations 9999_from_a_later_hub are "
            "unknown to this one; update the hub, then restore"
        ]
        assert (await fingerprint(target)).tables == {}


async def test_a_database_holding_hub_data_is_refused_without_replace(
    demo_backup: DemoBackup, database_url: str, tmp_path: Path
) -> None:
    before = await fingerprint(database_url)
    file = demo_backup.file
    ran = await hub_command("restore", str(file), database_url=database_url, cwd=tmp_path)
    assert ran.status == 1
    assert ran.errors == [
        f"error: {of(database_url)} already holds hub data ({len(before.tables)} tables, "
        f"migrations up to {LATEST:04d}, {before.rows:,} rows): add --replace to drop it and "
        f"restore {file} in its place"
    ]
    assert await fingerprint(database_url) == before


async def test_into_empty_only_a_database_in_use_and_contradicting_options_are_refused(
    demo_backup: DemoBackup, server_url: str, tmp_path: Path
) -> None:
    file = str(demo_backup.file)
    async with empty_database(server_url) as target:
        connection = await asyncpg.connect(target)
        await connection.execute("create table notes (body text)")
        await connection.close()
        ran = await hub_command(
            "restore", "--into-empty-only", file, database_url=target, cwd=tmp_path
        )
        assert (ran.status, ran.errors) == (
            1,
            [
                f"error: {of(target)} is not empty (1 object, no hub data): --into-empty-only "
                "restores only into an empty database"
            ],
        )
        connection = await asyncpg.connect(target)
        try:
            ran = await hub_command("restore", file, database_url=target, cwd=tmp_path)
        finally:
            await connection.close()
        assert (ran.status, ran.errors) == (
            1,
            [
                f"error: {of(target)} is in use (1 other connection): stop the hub, or whatever "
                "else uses it, then restore"
            ],
        )
        ran = await hub_command(
            "restore", "--replace", "--into-empty-only", file, database_url=target, cwd=tmp_path
        )
        assert (ran.status, ran.errors) == (
            1,
            ["error: --replace and --into-empty-only contradict each other: give one"],
        )
        assert list((await fingerprint(target)).tables) == ["public.notes"]


def test_a_backup_of_a_newer_postgresql_is_refused_before_anything_is_run() -> None:
    """PostgreSQL does not load a dump into an older server (pg_restore 18 sets parameters
    PostgreSQL 15 does not know): one line instead of its error half-way."""
    archive = Archive(
        Path("hub.backup"),
        1,
        ["public.schema_migration"],
        Version(18, "18.6"),
        Version(18, "18.6"),
        {1: "first"},
    )
    empty = Contents(objects=0, tables=0, rows=0, migration=None)
    with pytest.raises(RestoreError) as refused:
        refuse(archive, "the database", Version(15, "15.20"), 0, empty, False, False)
    assert str(refused.value) == (
        "hub.backup holds a PostgreSQL 18.6 database and the database is PostgreSQL 15.20: "
        "restore it into PostgreSQL 18 or newer"
    )
