"""Several instances starting at once on one fresh database never fail (issue 14, item 3):
migrations, the registry, the reporting modes, the mappings and the web secret are made once,
under the migrations' lock, whoever comes first."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import time
import uuid
from pathlib import Path

import asyncpg
import httpx

from hub.db.migrate import _LOCK_KEY, available_migrations
from tests.conftest import with_database
from tests.test_cli import RunningHub, env, free_port

INSTANCES = 4


async def counts(url: str) -> dict[str, int]:
    connection = await asyncpg.connect(url)
    try:
        return {
            table: await connection.fetchval(f"select count(*) from {table}")
            for table in ("schema_migration", "entity", "kpi", "entity_reporting",
                          "account_mapping", "web_secret")
        }  # fmt: skip
    finally:
        await connection.close()


async def waiting_for_the_lock(holder: asyncpg.Connection[asyncpg.Record], expected: int) -> None:
    deadline = time.monotonic() + 120
    waiting = 0
    while waiting < expected:
        assert time.monotonic() < deadline, f"{waiting} of {expected} starters reached the lock"
        await asyncio.sleep(0.1)
        waiting = await holder.fetchval(
            "select count(*) from pg_locks where locktype = 'advisory' and not granted "
            "and database = (select oid from pg_database where datname = current_database())"
        )


def stop(hubs: list[RunningHub]) -> None:
    for hub in hubs:
        if hub.process.poll() is None:
            hub.process.send_signal(signal.SIGINT)
    for hub in hubs:
        try:
            hub.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            hub.process.kill()
            hub.process.wait()


async def test_four_instances_starting_at_once_on_a_fresh_database(
    server_url: str, database_url: str, tmp_path: Path
) -> None:
    name = f"hub_test_{uuid.uuid4().hex[:12]}_fresh"
    admin = await asyncpg.connect(server_url)
    await admin.execute(f'create database "{name}"')
    url = with_database(server_url, name)
    ports = [free_port() for _ in range(INSTANCES)]
    hubs: list[RunningHub] = []
    try:
        # The starters are let go together: they queue behind the lock this connection holds.
        holder = await asyncpg.connect(url)
        await holder.execute("select pg_advisory_lock($1)", _LOCK_KEY)
        hubs = [
            RunningHub(
                ["serve", "--port", str(port)], env(HUB_DATABASE_URL=url), tmp_path / f"{i}.log"
            )
            for i, port in enumerate(ports)
        ]
        await waiting_for_the_lock(holder, INSTANCES)
        await holder.close()
        for hub in hubs:
            output = await asyncio.to_thread(hub.wait_for, "Press Ctrl-C to stop.", 180)
            assert "Traceback" not in output
        async with httpx.AsyncClient(timeout=30) as client:
            for port in ports:
                health = await client.get(f"http://127.0.0.1:{port}/health")
                assert health.json() == {"status": "ok", "database": "reachable", "entities": 5}
        fresh = await counts(url)
        alone = await counts(database_url)  # the database one process started
        assert fresh["schema_migration"] == len(available_migrations())
        assert (fresh["entity"], fresh["entity_reporting"]) == (5, 5)
        assert fresh["account_mapping"] > 0
        assert fresh == alone | {"web_secret": 1}
    finally:
        await asyncio.to_thread(stop, hubs)
        await admin.execute(f'drop database if exists "{name}" with (force)')
        await admin.close()
    assert [hub.process.returncode for hub in hubs] == [0] * INSTANCES
