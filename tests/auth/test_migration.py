"""Migration 0007 on a real PostgreSQL holding users of the single-token model (0001)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest

from hub.auth.tokens import authenticate_token, digest, new_token
from hub.db.migrate import available_migrations
from tests.conftest import migrated_before

USERS = 7


@pytest.fixture
async def before_0007(server_url: str) -> AsyncIterator[asyncpg.Connection[Any]]:
    """A database with every migration before 0007 applied, and nothing else."""
    async with migrated_before(server_url, USERS) as connection:
        yield connection


async def test_each_users_token_moves_to_the_token_table_and_expires_in_90_days(
    before_0007: asyncpg.Connection[Any],
) -> None:
    [users] = [m for m in available_migrations() if m.version == USERS]
    tokens = {name: new_token() for name in ("board", "finance")}
    for name, token in tokens.items():
        await before_0007.execute(
            "insert into app_user (name, role, token_sha256) values ($1, $1, $2)",
            name,
            digest(token),
        )
    await before_0007.execute(users.sql)

    for name, token in tokens.items():
        principal = await authenticate_token(before_0007, token, dt.timedelta(minutes=1))
        assert (principal.name, principal.role.value) == (name, name)
    rows = await before_0007.fetch(
        "select u.name, t.label, t.expires_at, t.last_used_at is not null as used "
        "from api_token t join app_user u on u.id = t.user_id order by u.name"
    )
    assert [(r["name"], r["label"], r["used"]) for r in rows] == [
        ("board", "issued before 0007", True),
        ("finance", "issued before 0007", True),
    ]
    for row in rows:
        left = row["expires_at"] - dt.datetime.now(dt.UTC)
        assert dt.timedelta(days=90) - dt.timedelta(minutes=1) < left <= dt.timedelta(days=90)
    audit = await before_0007.fetch("select actor_name, action, detail from user_audit order by id")
    expires = rows[0]["expires_at"].astimezone(dt.UTC).date().isoformat()
    assert [tuple(r) for r in audit] == [
        (
            "system",
            "issue token",
            f"moved from the user row by migration 0007; expires on {expires}",
        )
    ] * 2
    columns = await before_0007.fetch(
        "select column_name from information_schema.columns where table_name = 'app_user'"
    )
    assert "token_sha256" not in {c["column_name"] for c in columns}
