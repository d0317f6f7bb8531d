"""Migrations on a real PostgreSQL: applied once, recorded, never edited; figures append-only."""

from __future__ import annotations

import asyncpg
import pytest

from hub.db.errors import MigrationError
from hub.db.migrate import apply_migrations, available_migrations
from hub.services import Hub


async def test_every_migration_is_recorded_once_and_a_second_run_applies_nothing(hub: Hub) -> None:
    async with hub.db.pool.acquire() as connection:
        recorded = await connection.fetch("select version, name from schema_migration order by 1")
        assert [(r["version"], r["name"]) for r in recorded] == [
            (m.version, m.name) for m in available_migrations()
        ]
        assert await apply_migrations(connection) == []


async def test_an_applied_migration_edited_on_disk_stops_start_up(hub: Hub) -> None:
    async with hub.db.pool.acquire() as connection:
        await connection.execute("update schema_migration set checksum = 'x' where version = 1")
        with pytest.raises(MigrationError) as raised:
            await apply_migrations(connection)
    assert str(raised.value) == (
        "migration 0001_registry_users_submissions.sql was changed after it was applied; "
        "add a new migration instead of editing an applied one"
    )


async def test_reported_figures_cannot_be_updated_or_deleted(hub: Hub) -> None:
    async with hub.db.transaction() as connection:
        user = await connection.fetchval(
            "insert into app_user (name, role) values ('x', 'board') returning id"
        )
        await connection.execute(
            "insert into report values ('DE', '2024', 'kpi', '2024-01-01', '2024-12-31', 1)"
        )
        submission = await connection.fetchval(
            "insert into submission (entity_code, period, dataset, version, author_id, source) "
            "values ('DE', '2024', 'kpi', 1, $1, 'test') returning id",
            user,
        )
        await connection.execute(
            "insert into kpi_value (submission_id, kpi_code, amount) values ($1, 'users', 302)",
            submission,
        )
    async with hub.db.pool.acquire() as connection:
        for statement in (
            "update kpi_value set amount = 303",
            "delete from kpi_value",
            "update submission set version = 2",
            "delete from submission",
        ):
            with pytest.raises(asyncpg.RestrictViolationError) as raised:
                await connection.execute(statement)
            assert "reported figures are append-only" in str(raised.value)
        assert await connection.fetchval("select amount from kpi_value") == 302
