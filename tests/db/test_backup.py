"""`hub backup` and `hub restore` as real processes with PostgreSQL's real tools: the demo network
backed up, restored into a fresh database and compared table by table and through GraphQL;
--replace; a failed restore that changes nothing; an older hub's backup migrated at start; a
backup taken while a writer saves."""

from __future__ import annotations

import asyncio
import re
import stat
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from hub.assembly.app import create_app
from hub.auth.policy import Role
from hub.auth.users import principal_for_token, upsert_user
from hub.db.migrate import available_migrations
from hub.reporting import service
from hub.reporting.model import KpiSubmissionIn, KpiValueIn
from hub.reporting.service import Saved
from hub.services import Hub, open_hub
from hub.settings import Settings
from tests.api.graphql_client import data, gql
from tests.conftest import database_name
from tests.db.backups import empty_database, files_in, fingerprint, hub_command
from tests.db.conftest import DemoBackup

LATEST = available_migrations()[-1].version
FIGURES = """{
  consolidation(period: "2024") { lines { line total } }
  entity(code: "DE") { kpiValues(period: ["2024"], kpi: ["turnover"]) { amount currency } }
}"""


async def figures(settings: Settings, url: str, token: str) -> dict[str, Any]:
    """The network's consolidated total assets 2024 and Germany's 2024 turnover, over GraphQL."""
    async with AsyncTestClient(app=create_app(settings, url)) as client:
        answer = data(await gql(client, token, FIGURES))
    totals = {line["line"]: Decimal(line["total"]) for line in answer["consolidation"]["lines"]}
    [turnover] = answer["entity"]["kpiValues"]
    return {"total assets": totals["BS.A"], "DE turnover": turnover}


async def test_the_demo_backed_up_and_restored_into_a_fresh_database_is_the_same(
    demo_backup: DemoBackup, server_url: str, settings: Settings, tmp_path: Path
) -> None:
    source = demo_backup.fingerprint
    tables = len(source.tables)
    assert tables > 40
    assert source.tables["public.kpi_value"][0] > 0
    assert source.tables["public.tb_line"][0] > 0
    file = demo_backup.file
    assert demo_backup.ran.stderr.splitlines() == [
        f'Backing up the database "{database_name(demo_backup.url)}" of the server in '
        f"HUB_DATABASE_URL to {file} …"
    ]
    assert re.fullmatch(
        rf"Backed up to {re.escape(str(file))}: [\d.,]+ KiB, {tables} tables, migrations up to "
        rf"{LATEST:04d}, in [\d.]+ s \(pg_dump \d+\.\d+ \(/\S+/pg_dump\), PostgreSQL \d+\.\d+.*\)",
        demo_backup.ran.stdout.strip(),
    ), demo_backup.ran.stdout
    # The backup holds password hashes and tokens: for its owner's eyes; no file but it.
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    assert files_in(file.parent) == [file.name]

    async with empty_database(server_url) as target:
        ran = await hub_command("restore", str(file), database_url=target, cwd=tmp_path)
        assert ran.status == 0, ran.stderr
        assert len(ran.output) == 1
        assert re.fullmatch(
            rf"Restored {re.escape(str(file))} \([\d.,]+ KiB, taken from PostgreSQL \d+\.\d+.*\) "
            rf'into the database "{database_name(target)}" of the server in HUB_DATABASE_URL: '
            rf"{tables} tables, migrations up to {LATEST:04d}, {source.rows:,} rows, in [\d.]+ s "
            rf"\(pg_restore \d+\.\d+ \(/\S+/pg_restore\)\)",
            ran.output[0],
        ), ran.output
        restored = await fingerprint(target)
        assert restored.tables == source.tables
        assert restored.definitions == source.definitions
        # The demo users' tokens were stored (hashed) in the backup: finance's still works.
        token = demo_backup.tokens["finance"]
        expected = {
            "total assets": Decimal("71480779.94"),
            "DE turnover": {"amount": "5985000", "currency": "EUR"},
        }
        assert await figures(settings, demo_backup.url, token) == expected
        assert await figures(settings, target, token) == expected


async def test_replace_drops_the_hub_data_first_and_says_what_it_replaced(
    demo_backup: DemoBackup, database_url: str, tmp_path: Path
) -> None:
    before = await fingerprint(database_url)  # a migrated hub with its registry, no reports
    ran = await hub_command(
        "restore", "--replace", str(demo_backup.file), database_url=database_url, cwd=tmp_path
    )
    assert ran.status == 0, ran.stderr
    assert ran.output[0] == (
        f'Replaced the hub data of the database "{database_name(database_url)}" of the server in '
        f"HUB_DATABASE_URL: {len(before.tables)} tables, migrations up to {LATEST:04d}, "
        f"{before.rows:,} rows"
    )
    assert ran.output[1].startswith(f"Restored {demo_backup.file} ")
    after = await fingerprint(database_url)
    assert after.tables == demo_backup.fingerprint.tables
    assert after.definitions == demo_backup.fingerprint.definitions


async def test_a_restore_that_fails_half_way_changes_nothing(
    demo_backup: DemoBackup, database_url: str, server_url: str, tmp_path: Path
) -> None:
    """The file cut short loses its last table's data: pg_restore fails after psql has run all
    the rest, dropped the old data included, in the transaction that is then rolled back."""
    cut = tmp_path / "cut.backup"
    cut.write_bytes(demo_backup.file.read_bytes()[:-10])
    before = await fingerprint(database_url)
    ran = await hub_command(
        "restore", "--replace", str(cut), database_url=database_url, cwd=tmp_path
    )
    assert ran.status == 1
    assert len(ran.errors) == 1
    assert re.fullmatch(
        rf"error: pg_restore \d+\.\d+ \(/\S+/pg_restore\) cannot read {re.escape(str(cut))}: "
        "could not read from input file: end of file; nothing was changed",
        ran.errors[0],
    ), ran.stderr
    assert await fingerprint(database_url) == before

    # psql failing half-way: a table of the backup's name is there already.
    async with empty_database(server_url) as target:
        connection = await asyncpg.connect(target)
        await connection.execute("create table entity (code text); insert into entity values ('x')")
        await connection.close()
        before = await fingerprint(target)
        ran = await hub_command("restore", str(demo_backup.file), database_url=target, cwd=tmp_path)
        assert ran.status == 1
        assert ran.errors == [
            f'error: the restore of {demo_backup.file} failed: relation "entity" already exists; '
            "nothing was changed"
        ]
        assert await fingerprint(target) == before


async def test_a_backup_of_an_older_hub_is_restored_then_migrated_at_start(
    server_url: str, settings: Settings, tmp_path: Path
) -> None:
    *older, newest = available_migrations()
    async with empty_database(server_url) as source, empty_database(server_url) as target:
        connection = await asyncpg.connect(source)
        await connection.execute(
            "create table schema_migration (version integer primary key, name text not null, "
            "checksum text not null, applied_at timestamptz not null default now())"
        )
        for migration in older:
            await connection.execute(migration.sql)
            await connection.execute(
                "insert into schema_migration (version, name, checksum) values ($1, $2, $3)",
                migration.version,
                migration.name,
                migration.checksum,
            )
        await connection.close()
        file = tmp_path / "older.backup"
        backed = await hub_command("backup", str(file), database_url=source, cwd=tmp_path)
        assert backed.status == 0, backed.stderr

        ran = await hub_command("restore", str(file), database_url=target, cwd=tmp_path)
        assert ran.status == 0, ran.stderr
        assert f"migrations up to {older[-1].version:04d}" in ran.output[0]
        assert ran.output[1] == (
            "The hub applies at its next start the newer migrations: "
            f"{newest.version:04d}_{newest.name}"
        )
        async with open_hub(settings, target, pool_size=1) as hub:
            applied = await hub.db.pool.fetch("select version from schema_migration order by 1")
        assert [row["version"] for row in applied] == [m.version for m in available_migrations()]


async def test_a_backup_taken_while_a_writer_saves_holds_each_save_whole(
    hub: Hub, server_url: str, tmp_path: Path
) -> None:
    """Germany's team saves its 2025 KPIs again and again (a new version each time, one
    transaction each) while `hub backup` runs: the restored copy has every version's values
    and each report's head at its last version."""
    async with hub.db.transaction() as connection:
        token = await upsert_user(connection, "writer", Role.NATIONAL, "DE")
        germany = await principal_for_token(connection, token)
    assert germany is not None
    kpis = ("users", "staff_fte", "offices")
    saves = 0
    backing_up = True
    started = asyncio.Event()

    async def write() -> None:
        nonlocal saves
        while backing_up:
            values = tuple(KpiValueIn(kpi=k, amount=Decimal(saves + 1)) for k in kpis)
            submission = KpiSubmissionIn(
                entity="DE", period="2025", values=values, base_version=saves or None
            )
            outcome = await service.save_kpi_values(hub, germany, submission)
            assert isinstance(outcome, Saved), outcome
            saves += 1
            if saves == 3:
                started.set()

    writer = asyncio.create_task(write())
    waiting = asyncio.create_task(started.wait())
    await asyncio.wait({writer, waiting}, return_when=asyncio.FIRST_COMPLETED)
    if writer.done():
        waiting.cancel()
        writer.result()  # the writer's failure
    file = tmp_path / "busy.backup"
    ran = await hub_command("backup", str(file), database_url=hub.db.url, cwd=tmp_path)
    during = saves
    backing_up = False
    await writer
    assert ran.status == 0, ran.stderr
    assert saves > 3  # the writer went on while pg_dump ran

    async with empty_database(server_url) as target:
        restored = await hub_command("restore", str(file), database_url=target, cwd=tmp_path)
        assert restored.status == 0, restored.stderr
        connection = await asyncpg.connect(target)
        try:
            versions = await connection.fetch(
                "select s.version, count(v.*) as values from submission s "
                "left join kpi_value v on v.submission_id = s.id "
                "where s.entity_code = 'DE' and s.period = '2025' group by 1 order by 1"
            )
            head = await connection.fetchval(
                "select latest_version from report "
                "where entity_code = 'DE' and period = '2025' and dataset = 'kpi'"
            )
        finally:
            await connection.close()
    assert 3 <= len(versions) <= during + 1
    assert [row["version"] for row in versions] == list(range(1, len(versions) + 1))
    assert {row["values"] for row in versions} == {len(kpis)}
    assert head == len(versions)
