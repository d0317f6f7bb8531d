"""Fixtures of the node tests: a node folder, the node's own database (another clone of the
template: the hub's is `database_url`), and a real hub served over loopback."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import asyncpg
import pytest
import uvicorn
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hub.assembly.app import create_app
from hub.auth.policy import Principal, Role
from hub.db.pool import Connection
from hub.federation import keys
from hub.federation.register import register_key
from hub.node.create import create_node
from hub.node.folder import Node
from hub.registry.model import EntityConfig
from hub.reporting.model import StatementsIn, TrialBalanceLineIn
from hub.reporting.service import Saved, save_statements
from hub.services import Hub, open_hub
from hub.settings import Settings
from tests.conftest import with_database
from tests.test_cli import free_port

NOW = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)
PERIOD = "2025"


def federated_config(source: Path, folder: Path) -> Path:
    """A copy of the config folder with SE reported by its node, where the hub has that setting
    (`reporting` of an entity in network.toml; the repository reports every entity centrally)."""
    folder.mkdir()
    for file in source.iterdir():
        text = file.read_text()
        if file.name == "network.toml" and "reporting" in EntityConfig.__struct_fields__:
            text = text.replace('code = "SE"\n', 'code = "SE"\nreporting = "node"\n', 1)
        (folder / file.name).write_text(text)
    return folder


@pytest.fixture(scope="session")
def hub_settings(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return replace(
        settings,
        config_dir=federated_config(settings.config_dir, tmp_path_factory.mktemp("hub") / "config"),
    )


@pytest.fixture
async def hub(hub_settings: Settings, database_url: str) -> AsyncIterator[Hub]:
    """The hub whose config has SE reported by its node."""
    async with open_hub(hub_settings, database_url, pool_size=4) as opened:
        yield opened


@pytest.fixture
async def node_database_url(server_url: str, template_db: str) -> AsyncIterator[str]:
    name = f"hub_test_{uuid.uuid4().hex[:12]}_node"
    admin = await asyncpg.connect(server_url)
    try:
        await admin.execute(f'create database "{name}" template "{template_db}"')
        yield with_database(server_url, name)
        await admin.execute(f'drop database if exists "{name}" with (force)')
    finally:
        await admin.close()


@pytest.fixture
def node_folder(tmp_path: Path) -> Node:
    """A node of SE (its hub URL is replaced where a test serves a hub)."""
    return create_node(tmp_path / "node", "SE", "http://127.0.0.1:9", NOW).node


@pytest.fixture
async def served_hub(hub_settings: Settings, database_url: str) -> AsyncIterator[str]:
    """The hub's app served by uvicorn on a free loopback port, on the test's database."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(hub_settings, database_url), port=port, log_level="warning")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        assert not task.done(), "the hub did not start"
        await asyncio.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await task


async def admin_user(connection: Connection, name: str = "ada") -> Principal:
    found = await connection.fetchval("select id from app_user where name = $1", name)
    if found is None:
        found = await connection.fetchval(
            "insert into app_user (name, role) values ($1, 'admin') returning id", name
        )
    return Principal(found, name, Role.ADMIN)


async def register(hub: Hub, key: Ed25519PrivateKey, entity: str = "SE") -> str:
    """Registers the key on the hub; its fingerprint."""
    async with hub.db.transaction() as connection:
        registered = await register_key(
            connection,
            await admin_user(connection),
            entity,
            keys.public_text(key.public_key()),
            dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
            f"{entity} node set up",
        )
    return registered.fingerprint


def trial_balance(bank: str = "412345.67") -> tuple[TrialBalanceLineIn, ...]:
    """A Swedish trial balance the hub's rules accept (1930 bank, 3041 sales)."""
    return (
        TrialBalanceLineIn(account="1930", amount=Decimal(bank), currency="SEK", label="Bank"),
        TrialBalanceLineIn(account="3041", amount=-Decimal(bank), currency="SEK", label="Sales"),
    )


async def national(hub: Hub, entity: str = "SE") -> Principal:
    name = f"team-{entity.lower()}"
    async with hub.db.transaction() as connection:
        found = await connection.fetchval("select id from app_user where name = $1", name)
        if found is None:
            found = await connection.fetchval(
                "insert into app_user (name, role, entity_code) values ($1, 'national', $2) "
                "returning id",
                name,
                entity,
            )
    return Principal(found, name, Role.NATIONAL, entity)


async def save_on_node(
    hub: Hub,
    bank: str = "412345.67",
    period: str = PERIOD,
    entity: str = "SE",
    base: int | None = None,
) -> int:
    """The national team saves statements on the node; the version."""
    saved = await save_statements(
        hub,
        await national(hub, entity),
        StatementsIn(
            entity=entity,
            period=period,
            trial_balance=trial_balance(bank),
            comment="year-end",
            base_version=base,
        ),
    )
    assert isinstance(saved, Saved), saved
    return saved.submission.version


async def finance_user(hub: Hub) -> Principal:
    async with hub.db.transaction() as connection:
        user = await connection.fetchval(
            "insert into app_user (name, role) values ('fiona', 'finance') returning id"
        )
    return Principal(user, "fiona", Role.FINANCE)
