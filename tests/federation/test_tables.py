"""The federation's tables on a real PostgreSQL: keys and envelopes are append-only, a key is
ended by a closing row, an entity accepts each sequence once."""

from __future__ import annotations

import asyncpg
import pytest

from hub.db.pool import Connection
from hub.services import Hub

KEY = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
FINGERPRINT = "21fe31dfa154a261"


async def _admin_user(connection: Connection) -> int:
    user: int = await connection.fetchval(
        "insert into app_user (name, role) values ('keys-admin', 'admin') returning id"
    )
    return user


async def test_a_key_is_ended_by_a_closing_row_and_nothing_is_changed_in_place(hub: Hub) -> None:
    async with hub.db.transaction() as connection:
        admin = await _admin_user(connection)
        await connection.execute(
            "insert into node_key (fingerprint, entity_code, public_key, valid_from, "
            "registered_by, reason) values ($1, 'SE', $2, '2026-09-01T00:00Z', $3, 'first key')",
            FINGERPRINT,
            KEY,
            admin,
        )
        await connection.execute(
            "insert into node_key_end (fingerprint, valid_to, ended_by, reason) "
            "values ($1, '2026-10-01T00:00Z', $2, 'rotated')",
            FINGERPRINT,
            admin,
        )
    async with hub.db.pool.acquire() as connection:
        for statement in (
            "update node_key set valid_from = now()",
            "delete from node_key_end",
            "delete from node_key",
        ):
            with pytest.raises(asyncpg.RestrictViolationError) as raised:
                await connection.execute(statement)
            assert "reported figures are append-only" in str(raised.value)
        with pytest.raises(asyncpg.CheckViolationError):
            await connection.execute(
                "insert into node_key (fingerprint, entity_code, public_key, valid_from, "
                "registered_by, reason) values ('21FE', 'SE', 'short', now(), $1, 'bad')",
                admin,
            )
        assert await connection.fetchval("select count(*) from node_key_end") == 1


async def test_an_entity_accepts_each_sequence_once_and_envelopes_are_kept(hub: Hub) -> None:
    async with hub.db.transaction() as connection:
        await connection.execute(
            "insert into envelope (hash, entity_code, sequence, signed, outcome, reasons) "
            "values ($1, 'SE', 3, '{}', 'refused', $2)",
            "a" * 64,
            ["key 21fe31dfa154a261 is not registered for SE"],
        )
    async with hub.db.pool.acquire() as connection:
        with pytest.raises(asyncpg.CheckViolationError):
            # accepted without a submission
            await connection.execute(
                "insert into envelope (hash, entity_code, sequence, signed, outcome) "
                "values ($1, 'SE', 3, '{}', 'accepted')",
                "b" * 64,
            )
        with pytest.raises(asyncpg.CheckViolationError):
            # refused without a reason
            await connection.execute(
                "insert into envelope (hash, entity_code, sequence, signed, outcome) "
                "values ($1, 'SE', 4, '{}', 'refused')",
                "c" * 64,
            )
        with pytest.raises(asyncpg.RestrictViolationError):
            await connection.execute("update envelope set outcome = 'accepted'")
        assert await connection.fetchval("select reasons from envelope") == [
            "key 21fe31dfa154a261 is not registered for SE"
        ]
