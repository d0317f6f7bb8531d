"""Users and their bearer tokens. Only a SHA-256 of each token is stored."""

from __future__ import annotations

import hashlib
import secrets

from hub.auth.policy import Principal, Role
from hub.db.pool import Connection


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def new_token() -> str:
    return "hub_" + secrets.token_urlsafe(24)


async def upsert_user(
    connection: Connection, name: str, role: Role, entity: str | None = None
) -> str:
    """Create the user, or give an existing one a fresh token; return the token (shown once)."""
    token = new_token()
    await connection.execute(
        """
        insert into app_user (name, role, entity_code, token_sha256) values ($1, $2, $3, $4)
        on conflict (name) do update
            set role = excluded.role,
                entity_code = excluded.entity_code,
                token_sha256 = excluded.token_sha256
        """,
        name,
        role.value,
        entity,
        _digest(token),
    )
    return token


async def principal_for_token(connection: Connection, token: str) -> Principal | None:
    row = await connection.fetchrow(
        "select id, name, role, entity_code from app_user where token_sha256 = $1",
        _digest(token),
    )
    if row is None:
        return None
    return Principal(row["id"], row["name"], Role(row["role"]), row["entity_code"])
