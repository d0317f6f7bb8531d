"""Test fixtures: a real PostgreSQL (HUB_DATABASE_URL's server, or an embedded one), a fresh
database per test cloned from a migrated template, and the real Litestar app over HTTP."""

from __future__ import annotations

import os
import shutil
import tempfile
import urllib.parse
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from hub.assembly.app import create_app
from hub.auth.policy import Role
from hub.auth.users import upsert_user
from hub.db.embedded import EmbeddedPostgres
from hub.db.migrate import available_migrations
from hub.services import Hub, open_hub
from hub.settings import Settings

REPO = Path(__file__).resolve().parent.parent


def with_database(url: str, name: str) -> str:
    """The same server as `url`, database `name` (works for TCP and socket URLs)."""
    head, sep, query = url.partition("?")
    base = head.rsplit("/", 1)[0]
    return f"{base}/{name}{sep}{query}"


@asynccontextmanager
async def migrated_before(server_url: str, version: int) -> AsyncIterator[asyncpg.Connection[Any]]:
    """A connection to a new database with every migration before `version` applied, and
    nothing else (not even their record): a migration's test applies `version` itself. The
    database is dropped on exit."""
    name = f"hub_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(server_url)
    await admin.execute(f'create database "{name}"')
    connection = await asyncpg.connect(with_database(server_url, name))
    try:
        for migration in available_migrations():
            if migration.version < version:
                await connection.execute(migration.sql)
        yield connection
    finally:
        await connection.close()
        await admin.execute(f'drop database if exists "{name}" with (force)')
        await admin.close()


def database_name(url: str) -> str:
    """The database of a URL (TCP or socket: `…/name?host=/run/pg` keeps a path in its query)."""
    return urllib.parse.urlsplit(url).path.lstrip("/")


@pytest.fixture(scope="session", autouse=True)
def _data_dir_of_the_tests() -> Iterator[Path]:
    """The installation's data folder for every `hub` command a test runs without naming one: a
    temporary folder, never the user's own (HUB_DATA_DIR's default) nor one set in the shell."""
    folder = Path(tempfile.mkdtemp(prefix="hub-tests-data-"))
    before = os.environ.get("HUB_DATA_DIR")
    os.environ["HUB_DATA_DIR"] = str(folder)
    yield folder
    if before is None:
        os.environ.pop("HUB_DATA_DIR", None)
    else:
        os.environ["HUB_DATA_DIR"] = before
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """An admin URL of the server the suite runs against. The embedded server's folder is not
    under pytest's temporary root: pytest prunes old roots when another session starts, which
    would pull the data from under a server still running."""
    url = os.environ.get("HUB_DATABASE_URL")
    if url:
        yield url
        return
    folder = Path(tempfile.mkdtemp(prefix="hub-tests-"))
    embedded = EmbeddedPostgres(folder)
    yield embedded.start()
    embedded.stop()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings(database_url=None, data_dir=Path(".unused"), config_dir=REPO / "config")


async def _admin(server_url: str) -> asyncpg.Connection[Any]:
    return await asyncpg.connect(server_url)


@pytest.fixture(scope="session")
async def template_db(server_url: str, settings: Settings) -> AsyncIterator[str]:
    """A database with every migration applied and the registry synced, cloned for each test."""
    name = f"hub_test_{uuid.uuid4().hex[:10]}_template"
    admin = await _admin(server_url)
    await admin.execute(f'create database "{name}"')
    async with open_hub(settings, with_database(server_url, name), pool_size=1):
        pass
    yield name
    await admin.execute(f'drop database if exists "{name}" with (force)')
    await admin.close()


@pytest.fixture
async def database_url(server_url: str, template_db: str) -> AsyncIterator[str]:
    name = f"hub_test_{uuid.uuid4().hex[:12]}"
    admin = await _admin(server_url)
    try:
        await admin.execute(f'create database "{name}" template "{template_db}"')
        yield with_database(server_url, name)
        await admin.execute(f'drop database if exists "{name}" with (force)')
    finally:
        await admin.close()


@pytest.fixture
async def hub(settings: Settings, database_url: str) -> AsyncIterator[Hub]:
    async with open_hub(settings, database_url, pool_size=4) as opened:
        yield opened


@pytest.fixture
async def tokens(hub: Hub) -> dict[str, str]:
    """Bearer tokens of one user per role, and of each entity's national team."""
    users: list[tuple[str, Role, str | None]] = [
        ("board", Role.BOARD, None),
        ("finance", Role.FINANCE, None),
        ("admin", Role.ADMIN, None),
        *((f"national-{code.lower()}", Role.NATIONAL, code) for code in hub.registry.entities),
    ]
    async with hub.db.transaction() as connection:
        return {
            name: await upsert_user(connection, name, role, entity) for name, role, entity in users
        }


@pytest.fixture
async def client(
    settings: Settings, database_url: str, tokens: dict[str, str]
) -> AsyncIterator[AsyncTestClient[Any]]:
    async with AsyncTestClient(app=create_app(settings, database_url)) as test_client:
        yield test_client
