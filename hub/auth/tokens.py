"""Bearer tokens: made, hashed, and checked on every request.

Only a SHA-256 of a token is stored. A token that is refused is refused with its reason (expired,
revoked, its user disabled) and the date, never with whose token it is. The last use is written
only when the stored one is older than the configured resolution, so a busy client costs one
write a minute, not one per request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import asyncpg

from hub.auth.model import day
from hub.auth.policy import Principal, Role
from hub.db.pool import Connection

PREFIX = "hub_"


def new_token() -> str:
    return PREFIX + secrets.token_urlsafe(24)


def digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


class TokenRefused(Exception):
    """The request's token cannot be used; the message says why and what to do."""


UNKNOWN = "unknown token: check that it was copied whole, or ask an admin for one"

# The first column set on or before now refuses the token, with its message.
REFUSALS: tuple[tuple[str, str], ...] = (
    ("disabled_at", "the user of this token was disabled on {}: ask an admin to enable it"),
    ("revoked_at", "token revoked on {}: ask an admin for a new one"),
    ("expires_at", "token expired on {}: ask an admin for a new one"),
)

_LOOKUP = """
    select t.id as token_id, t.expires_at, t.revoked_at, now() as now,
           t.last_used_at is null or t.last_used_at <= now() - $2::interval as stale,
           u.id as user_id, u.name, u.role, u.entity_code, u.disabled_at
    from api_token t join app_user u on u.id = t.user_id
    where t.token_sha256 = $1
"""


def _refusal(row: asyncpg.Record) -> str | None:
    now: dt.datetime = row["now"]
    for column, message in REFUSALS:
        moment: dt.datetime | None = row[column]
        if moment is not None and moment <= now:
            return message.format(day(moment))
    return None


async def authenticate_token(
    connection: Connection, token: str, last_used_resolution: dt.timedelta | None
) -> Principal:
    """The token's user, or `TokenRefused`. With a resolution, the last use is written when the
    stored one is older than that; without, nothing is written."""
    row = await connection.fetchrow(_LOOKUP, digest(token), last_used_resolution or dt.timedelta())
    if row is None:
        raise TokenRefused(UNKNOWN)
    refusal = _refusal(row)
    if refusal is not None:
        raise TokenRefused(refusal)
    if last_used_resolution is not None and row["stale"]:
        await connection.execute(
            "update api_token set last_used_at = now() where id = $1", row["token_id"]
        )
    return Principal(row["user_id"], row["name"], Role(row["role"]), row["entity_code"])


async def principal_for_token(connection: Connection, token: str) -> Principal | None:
    """The token's user when the token may be used now; a look-up that writes nothing."""
    try:
        return await authenticate_token(connection, token, None)
    except TokenRefused:
        return None
