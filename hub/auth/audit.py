"""The append-only audit of users and tokens: who did what to whom, and when."""

from __future__ import annotations

from hub.auth.model import Actor, AuditAction, AuditEntry
from hub.db.pool import Connection


async def record(
    connection: Connection,
    actor: Actor,
    action: AuditAction,
    user_id: int,
    detail: str,
    token_id: int | None = None,
) -> None:
    """Written in the caller's transaction: the change and its audit stand or fall together."""
    await connection.execute(
        "insert into user_audit (actor_id, actor_name, action, user_id, token_id, detail) "
        "values ($1, $2, $3, $4, $5, $6)",
        actor.user_id,
        actor.name,
        action.value,
        user_id,
        token_id,
        detail,
    )


async def entries(connection: Connection, user: str | None, limit: int) -> list[AuditEntry]:
    """The newest first; of one user when `user` is given."""
    rows = await connection.fetch(
        """
        select a.id, a.at, a.actor_name, a.action, u.name, a.token_id, a.detail
        from user_audit a join app_user u on u.id = a.user_id
        where $1::text is null or u.name = $1
        order by a.id desc
        limit $2
        """,
        user,
        limit,
    )
    return [
        AuditEntry(
            id=row["id"],
            at=row["at"],
            actor=row["actor_name"],
            action=AuditAction(row["action"]),
            user=row["name"],
            token_id=row["token_id"],
            detail=row["detail"],
        )
        for row in rows
    ]
