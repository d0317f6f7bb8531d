"""Migration 0008 on a database holding a lock made before it (a lock without a stored run)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from decimal import Decimal

import asyncpg
import pytest

from hub.auth.policy import Role
from hub.auth.users import principal_for_token, upsert_user
from hub.consolidation import locking
from hub.consolidation import service as consolidation
from hub.consolidation.model import ConsolidationError
from hub.db.migrate import available_migrations
from hub.services import open_hub
from hub.settings import Settings
from hub.signoff import current
from tests.conftest import with_database

SIGNOFF = 8


@pytest.fixture
async def locked_before_0008(server_url: str) -> AsyncIterator[str]:
    """A database migrated up to 0007 in which finance locked 2024: the URL."""
    name = f"hub_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(server_url)
    await admin.execute(f'create database "{name}"')
    url = with_database(server_url, name)
    connection = await asyncpg.connect(url)
    try:
        # Recorded as hub/db/migrate.py records them, so that opening the hub applies 0008 on.
        await connection.execute(
            "create table schema_migration (version integer primary key, name text not null, "
            "checksum text not null, applied_at timestamptz not null default now())"
        )
        for migration in available_migrations():
            if migration.version < SIGNOFF:
                await connection.execute(migration.sql)
                await connection.execute(
                    "insert into schema_migration (version, name, checksum) values ($1, $2, $3)",
                    migration.version,
                    migration.name,
                    migration.checksum,
                )
        user = await connection.fetchval(
            "insert into app_user (name, role) values ('finance', 'finance') returning id"
        )
        await connection.execute(
            "insert into consolidation_lock_event (period, locked, actor_id, reason) "
            "values ('2024', true, $1, 'signed')",
            user,
        )
        await connection.close()
        yield url
    finally:
        await admin.execute(f'drop database if exists "{name}" with (force)')
        await admin.close()


async def test_a_lock_without_a_run_still_locks_its_journals_and_can_be_lifted(
    locked_before_0008: str, settings: Settings
) -> None:
    async with open_hub(settings, locked_before_0008, pool_size=2) as hub:
        async with hub.db.transaction() as connection:
            token = await upsert_user(connection, "finance", Role.FINANCE)
            finance = await principal_for_token(connection, token)
            lock = await current(connection, "2024")
        assert finance is not None
        assert lock is not None
        assert (lock.run_id, lock.digest, lock.locked_by) == (None, None, "finance")
        day = lock.locked_at.date().isoformat()
        with pytest.raises(ConsolidationError) as refused:
            await consolidation.post_journal(
                hub,
                finance,
                "2024",
                "accrual",
                [("IS.PEC", "BE", Decimal(1)), ("BS.L.DE.IX.C", "BE", Decimal(-1))],
            )
        assert refused.value.problems == [
            f"the 2024 consolidation is locked (no stored run, locked by finance on {day}): "
            "unlock it before posting a journal in 2024"
        ]
        # From 0008 on, a lock names its run.
        async with hub.db.pool.acquire() as connection:
            with pytest.raises(asyncpg.CheckViolationError):
                await connection.execute(
                    "insert into consolidation_lock_event (period, locked, actor_id) "
                    "values ('2023', true, $1)",
                    finance.user_id,
                )
        unlocked = await locking.unlock(hub, finance, "2024", "lock again with its run")
        assert (unlocked.locked, unlocked.run_id) == (False, None)
        async with hub.db.pool.acquire() as connection:
            assert await current(connection, "2024") is None
