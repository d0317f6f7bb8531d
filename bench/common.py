"""Benchmark plumbing: a real PostgreSQL (HUB_DATABASE_URL's server or an embedded one) with a
fresh database, and a timer that repeats and keeps the best run (the machine is shared)."""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg

from hub.auth.policy import Principal, Role
from hub.auth.users import principal_for_token, upsert_user
from hub.db.embedded import EmbeddedPostgres
from hub.services import Hub, open_hub
from hub.settings import Settings

REPO = Path(__file__).resolve().parent.parent


def _with_database(url: str, name: str) -> str:
    head, sep, query = url.partition("?")
    return f"{head.rsplit('/', 1)[0]}/{name}{sep}{query}"


@asynccontextmanager
async def bench_database(folder: Path | None = None) -> AsyncIterator[str]:
    """A fresh database on HUB_DATABASE_URL's server, or on an embedded one started in
    `folder` (a temporary one by default); dropped, and the server stopped, on exit."""
    embedded = None
    server = os.environ.get("HUB_DATABASE_URL")
    if not server:
        embedded = EmbeddedPostgres(folder or Path(tempfile.mkdtemp(prefix="hub-bench-")))
        server = embedded.start()
    name = f"hub_bench_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(server)
    await admin.execute(f'create database "{name}"')
    try:
        yield _with_database(server, name)
    finally:
        await admin.execute(f'drop database if exists "{name}" with (force)')
        await admin.close()
        if embedded is not None:
            embedded.stop()


@asynccontextmanager
async def bench_hub(settings: Settings | None = None) -> AsyncIterator[Hub]:
    """The hub on a fresh benchmark database (the repository's config by default)."""
    settings = settings or Settings(
        database_url=None, data_dir=Path("."), config_dir=REPO / "config"
    )
    async with bench_database() as url, open_hub(settings, url, pool_size=4) as hub:
        yield hub


async def national(hub: Hub, entity: str) -> Principal:
    async with hub.db.transaction() as connection:
        token = await upsert_user(connection, f"bench-{entity}", Role.NATIONAL, entity)
        principal = await principal_for_token(connection, token)
    assert principal is not None
    return principal


async def best_of(runs: int, work: Callable[[], Awaitable[object]]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        await work()
        times.append(time.perf_counter() - start)
    return min(times)
