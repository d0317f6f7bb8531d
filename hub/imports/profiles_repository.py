"""The SQL of column profiles: an entity's saved profiles, newest first; a save adds a row."""

from __future__ import annotations

import datetime as dt

import msgspec

from hub.db.pool import Connection
from hub.imports.profile import ColumnProfile


class SavedProfile(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    entity: str
    profile: ColumnProfile
    saved_by: str
    saved_at: dt.datetime


async def history(connection: Connection, entity: str, limit: int = 50) -> list[SavedProfile]:
    """The entity's profiles, the one in force first."""
    rows = await connection.fetch(
        """
        select p.id, p.entity, p.profile::text as profile, u.name, p.saved_at
        from import_profile p join app_user u on u.id = p.saved_by
        where p.entity = $1 order by p.id desc limit $2
        """,
        entity,
        limit,
    )
    return [
        SavedProfile(
            id=row["id"],
            entity=row["entity"],
            profile=msgspec.json.decode(row["profile"], type=ColumnProfile),
            saved_by=row["name"],
            saved_at=row["saved_at"],
        )
        for row in rows
    ]


async def current(connection: Connection, entity: str) -> ColumnProfile | None:
    saved = await history(connection, entity, limit=1)
    return saved[0].profile if saved else None


async def save(connection: Connection, entity: str, profile: ColumnProfile, user_id: int) -> int:
    saved: int = await connection.fetchval(
        "insert into import_profile (entity, profile, saved_by) values ($1, $2::jsonb, $3) "
        "returning id",
        entity,
        msgspec.json.encode(profile).decode(),
        user_id,
    )
    return saved
