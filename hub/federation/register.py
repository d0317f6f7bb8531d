"""The hub's register of node keys: the public keys national nodes sign their envelopes with.

Append-only: registering a key adds a `node_key` row, ending one adds a `node_key_end` row (the
newest closing row of a key is its end). Each row names the admin, the time and the reason, so
the register is its own audit. A rotation registers the new key and ends the old one at a later
moment: both are accepted in between.

Registering a node's first key creates the entity's node user, `node-<entity>` (role national,
bound to the entity; no token nor password, so nobody signs in as it): the author of the report
versions the entity's accepted envelopes become.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hub.auth import audit
from hub.auth.model import Actor, AuditAction
from hub.auth.policy import Principal, Role
from hub.auth.policy import node_user_name as node_user_name
from hub.db.pool import Connection
from hub.federation import keys
from hub.federation.acceptance import RegisteredKey


class NodeKeyError(Exception):
    """A refused change of the register; `field` names the input."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True, slots=True)
class NodeKey:
    entity: str
    public_key: str
    fingerprint: str
    valid_from: dt.datetime
    valid_to: dt.datetime | None
    registered_by: str
    registered_at: dt.datetime
    reason: str
    ended_by: str | None
    ended_at: dt.datetime | None
    end_reason: str | None

    def registered(self) -> RegisteredKey:
        return RegisteredKey(self.entity, self.public_key, self.valid_from, self.valid_to)


_KEYS = """
    select k.entity_code, k.public_key, k.fingerprint, k.valid_from, r.name as registered_by,
           k.registered_at, k.reason, e.valid_to, ender.name as ended_by, e.ended_at,
           e.reason as end_reason
    from node_key k
    join app_user r on r.id = k.registered_by
    left join lateral (
        select * from node_key_end x where x.fingerprint = k.fingerprint order by x.id desc limit 1
    ) e on true
    left join app_user ender on ender.id = e.ended_by
    where $1::text is null or k.entity_code = $1
    order by k.entity_code, k.valid_from, k.fingerprint
"""


async def node_keys(connection: Connection, entity: str | None = None) -> list[NodeKey]:
    """The keys of one entity, or of the whole network, each with its end in force."""
    rows = await connection.fetch(_KEYS, entity)
    return [
        NodeKey(
            entity=row["entity_code"],
            public_key=row["public_key"],
            fingerprint=row["fingerprint"],
            valid_from=row["valid_from"],
            valid_to=row["valid_to"],
            registered_by=row["registered_by"],
            registered_at=row["registered_at"],
            reason=row["reason"],
            ended_by=row["ended_by"],
            ended_at=row["ended_at"],
            end_reason=row["end_reason"],
        )
        for row in rows
    ]


def _reason(reason: str) -> str:
    if not reason.strip():
        raise NodeKeyError("reason", "say why: the register keeps the reason of every change")
    return reason.strip()


def _moment(field: str, moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        raise NodeKeyError(field, "give the time with its time zone, e.g. 2026-12-01T00:00:00Z")
    return moment


async def ensure_node_user(connection: Connection, actor: Actor, entity: str) -> None:
    """The entity's node user, created (and audited) unless it exists."""
    name = node_user_name(entity)
    if await connection.fetchval("select 1 from app_user where name = $1", name):
        return
    user_id: int = await connection.fetchval(
        "insert into app_user (name, role, entity_code) values ($1, $2, $3) returning id",
        name,
        Role.NATIONAL.value,
        entity,
    )
    await audit.record(
        connection,
        actor,
        AuditAction.CREATE_USER,
        user_id,
        f"node user of {entity}, for the report versions of its signed envelopes",
    )


async def register_key(
    connection: Connection,
    actor: Principal,
    entity: str,
    public_key: str,
    valid_from: dt.datetime,
    reason: str,
) -> NodeKey:
    """Run in the caller's transaction."""
    why = _reason(reason)
    start = _moment("validFrom", valid_from)
    try:
        parsed = keys.parse_public(public_key.strip())
    except keys.KeyProblem as problem:
        raise NodeKeyError("publicKey", str(problem)) from None
    if not await connection.fetchval("select 1 from entity where code = $1", entity):
        raise NodeKeyError("entity", f"{entity!r} is not an entity of the network")
    fingerprint = keys.fingerprint(parsed)
    owner = await connection.fetchval(
        "select entity_code from node_key where fingerprint = $1", fingerprint
    )
    if owner is not None:
        raise NodeKeyError(
            "publicKey",
            f"key {fingerprint} is already registered for {owner}: a node makes a new key "
            "for a rotation",
        )
    await ensure_node_user(connection, Actor.of(actor), entity)
    await connection.execute(
        "insert into node_key (fingerprint, entity_code, public_key, valid_from, "
        "registered_by, reason) values ($1, $2, $3, $4, $5, $6)",
        fingerprint,
        entity,
        keys.public_text(parsed),
        start,
        actor.user_id,
        why,
    )
    return next(k for k in await node_keys(connection, entity) if k.fingerprint == fingerprint)


async def end_key(
    connection: Connection,
    actor: Principal,
    fingerprint: str,
    valid_to: dt.datetime,
    reason: str,
) -> NodeKey:
    """The key is refused from `valid_to` on. Run in the caller's transaction."""
    why = _reason(reason)
    end = _moment("validTo", valid_to)
    found = [k for k in await node_keys(connection) if k.fingerprint == fingerprint.strip()]
    if not found:
        raise NodeKeyError("fingerprint", f"no key {fingerprint} is registered")
    key = found[0]
    if end <= key.valid_from:
        raise NodeKeyError(
            "validTo",
            f"{end.isoformat()} is not after the key's start {key.valid_from.isoformat()}",
        )
    await connection.execute(
        "insert into node_key_end (fingerprint, valid_to, ended_by, reason) "
        "values ($1, $2, $3, $4)",
        key.fingerprint,
        end,
        actor.user_id,
        why,
    )
    return next(k for k in await node_keys(connection) if k.fingerprint == key.fingerprint)
