"""Time limits: a /graphql request past `request.max_seconds` is cancelled and answered 503; a
statement past `database.statement_timeout_seconds` is cancelled by PostgreSQL. A statement
is made to hang for real: another connection holds a lock on the table it reads."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from hub.assembly.app import create_app
from hub.services import open_hub
from tests.limits.config_dir import config_with

QUERY = '{ kpiValues(period: ["2024"]) { amount } }'


async def waiting_on_locks(database_url: str) -> int:
    """Statements of other sessions of this database that wait for a lock."""
    connection = await asyncpg.connect(database_url)
    try:
        count: int = await connection.fetchval(
            "select count(*) from pg_stat_activity where datname = current_database() "
            "and wait_event_type = 'Lock' and pid <> pg_backend_pid()"
        )
        return count
    finally:
        await connection.close()


@asynccontextmanager
async def locked_values(database_url: str) -> AsyncIterator[None]:
    """kpi_value locked by another session while the block runs."""
    holder = await asyncpg.connect(database_url)
    transaction = holder.transaction()
    await transaction.start()
    await holder.execute("lock table kpi_value in access exclusive mode")
    try:
        yield
    finally:
        await transaction.rollback()
        await holder.close()


async def gql_post(client: AsyncTestClient[Any], token: str) -> tuple[int, dict[str, Any], float]:
    started = time.perf_counter()
    response = await client.post(
        "/graphql", json={"query": QUERY}, headers={"Authorization": f"Bearer {token}"}
    )
    body: dict[str, Any] = response.json()
    return response.status_code, body, time.perf_counter() - started


async def test_a_request_over_its_time_is_cancelled_and_answered_503(
    database_url: str, tokens: dict[str, str], tmp_path: Path
) -> None:
    settings = config_with(tmp_path, max_seconds="1")

    async def watch() -> list[int]:
        counts = []
        for _ in range(8):
            await asyncio.sleep(0.1)
            counts.append(await waiting_on_locks(database_url))
        return counts

    async with AsyncTestClient(app=create_app(settings, database_url)) as client:
        assert (await gql_post(client, tokens["board"]))[0] == 200  # warm: types, statements
        async with locked_values(database_url):
            # The test client blocks this loop while the app answers: watch from a thread.
            seen: list[int] = []
            watcher = threading.Thread(target=lambda: seen.extend(asyncio.run(watch())))
            watcher.start()
            status, body, elapsed = await gql_post(client, tokens["board"])
            watcher.join()
            assert max(seen) == 1  # the request's statement hung on the lock ...
            # ... until the time limit: cancelled in Python and in PostgreSQL, not left waiting.
            for _ in range(40):
                if not await waiting_on_locks(database_url):
                    break
                await asyncio.sleep(0.05)
            assert await waiting_on_locks(database_url) == 0
    assert status == 503
    message = "the request took longer than the limit of 1 s and was cancelled"
    assert body["detail"].startswith(message)
    assert body["errors"][0]["extensions"] == {"code": "TIMEOUT", "limit": "request.max_seconds"}
    assert 1 <= elapsed < 2.5


async def test_a_statement_over_the_statement_timeout_is_cancelled_by_postgresql(
    database_url: str, tokens: dict[str, str], tmp_path: Path
) -> None:
    settings = config_with(tmp_path, statement_timeout_seconds="0.3")
    async with AsyncTestClient(app=create_app(settings, database_url)) as client:
        assert (await gql_post(client, tokens["board"]))[0] == 200
        async with locked_values(database_url):
            status, body, elapsed = await gql_post(client, tokens["board"])
    assert status == 200
    [error] = body["errors"]
    assert error["message"] == (
        "a database statement ran longer than the limit of 0.3 s and was cancelled"
    )
    assert error["extensions"]["code"] == "TIMEOUT"
    assert elapsed < 2


async def test_every_pooled_connection_keeps_the_statement_timeout(
    database_url: str, tmp_path: Path
) -> None:
    settings = config_with(tmp_path, statement_timeout_seconds="1.5")
    async with open_hub(settings, database_url, pool_size=1) as hub:
        for _ in range(3):  # the same connection, reset each time it goes back to the pool
            async with hub.db.pool.acquire() as connection:
                assert await connection.fetchval("show statement_timeout") == "1500ms"
                await connection.execute("set statement_timeout = 0")
