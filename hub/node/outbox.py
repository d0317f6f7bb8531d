"""The SQL of the node's outbox and its sequence numbers (migration 0018).

Statuses: `queued` (made, no verdict from the hub yet), then the hub's verdict with its time of
receipt: `accepted` (with the hub's version) or `refused` (with the hub's reasons); then
finance's decision on the accepted version: `approved`, `returned` (with finance's reason) or
`locked`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal

import asyncpg
import msgspec

from hub.db.pool import Connection

Status = Literal["queued", "accepted", "refused", "approved", "returned", "locked"]
STATUSES: tuple[Status, ...] = ("queued", "accepted", "refused", "approved", "returned", "locked")


class OutboxEnvelope(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    sequence: int
    hash: str
    entity: str
    period: str
    dataset: str
    version: int  # the node's version it carries
    rule_set_version: str
    status: Status
    reasons: list[str]
    hub_version: int | None
    attempts: int
    last_error: str | None
    last_attempt_at: dt.datetime | None
    next_attempt_at: dt.datetime
    created_at: dt.datetime
    delivered_at: dt.datetime | None
    status_at: dt.datetime


_COLUMNS = """
    id, sequence, hash, entity_code, period, dataset, version, rule_set_version, status, reasons,
    hub_version, attempts, last_error, last_attempt_at, next_attempt_at, created_at,
    delivered_at, status_at
"""


def _envelope(row: asyncpg.Record) -> OutboxEnvelope:
    return OutboxEnvelope(
        id=row["id"],
        sequence=row["sequence"],
        hash=row["hash"],
        entity=row["entity_code"],
        period=row["period"],
        dataset=row["dataset"],
        version=row["version"],
        rule_set_version=row["rule_set_version"],
        status=row["status"],
        reasons=list(row["reasons"]),
        hub_version=row["hub_version"],
        attempts=row["attempts"],
        last_error=row["last_error"],
        last_attempt_at=row["last_attempt_at"],
        next_attempt_at=row["next_attempt_at"],
        created_at=row["created_at"],
        delivered_at=row["delivered_at"],
        status_at=row["status_at"],
    )


async def next_sequence(connection: Connection) -> int:
    """The next number, taken in the caller's transaction (the row stays locked until it ends,
    so two envelopes made at once get two numbers)."""
    sequence: int = await connection.fetchval(
        "insert into node_sequence (singleton, last_sequence) values (true, 1) "
        "on conflict (singleton) do update set last_sequence = node_sequence.last_sequence + 1 "
        "returning last_sequence"
    )
    return sequence


async def last_sequence(connection: Connection) -> int:
    found: int | None = await connection.fetchval("select last_sequence from node_sequence")
    return found or 0


async def highest_sequence(connection: Connection) -> int:
    """The highest number in the outbox (0: none)."""
    found: int | None = await connection.fetchval("select max(sequence) from node_outbox")
    return found or 0


async def raise_sequence(connection: Connection, at_least: int) -> bool:
    """Move the counter up to `at_least` (never down); whether it moved."""
    moved: int | None = await connection.fetchval(
        "insert into node_sequence (singleton, last_sequence) values (true, $1) "
        "on conflict (singleton) do update set last_sequence = excluded.last_sequence "
        "where node_sequence.last_sequence < excluded.last_sequence returning last_sequence",
        at_least,
    )
    return moved is not None


class NewEnvelope(msgspec.Struct, frozen=True, kw_only=True):
    sequence: int
    hash: str
    entity: str
    period: str
    dataset: str
    submission_id: int
    version: int
    rule_set_version: str
    signed: bytes


async def store(connection: Connection, new: NewEnvelope) -> OutboxEnvelope:
    row = await connection.fetchrow(
        "insert into node_outbox (sequence, hash, entity_code, period, dataset, submission_id, "
        "version, rule_set_version, signed) values ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
        f"returning {_COLUMNS}",
        new.sequence,
        new.hash,
        new.entity,
        new.period,
        new.dataset,
        new.submission_id,
        new.version,
        new.rule_set_version,
        new.signed,
    )
    assert row is not None
    return _envelope(row)


async def envelopes(connection: Connection) -> list[OutboxEnvelope]:
    rows = await connection.fetch(f"select {_COLUMNS} from node_outbox order by sequence, id")
    return [_envelope(row) for row in rows]


async def queued(connection: Connection) -> list[tuple[OutboxEnvelope, bytes]]:
    """The envelopes waiting for the hub's verdict, in sequence order, with their bytes."""
    rows = await connection.fetch(
        f"select {_COLUMNS}, signed from node_outbox where status = 'queued' order by sequence, id"
    )
    return [(_envelope(row), bytes(row["signed"])) for row in rows]


async def record_verdict(
    connection: Connection,
    envelope_id: int,
    *,
    status: Status,
    reasons: Sequence[str],
    hub_version: int | None,
    delivered_at: dt.datetime,
) -> None:
    """The hub's verdict on a queued envelope: accepted or refused."""
    await connection.execute(
        "update node_outbox set status = $2, reasons = $3, hub_version = $4, delivered_at = $5, "
        "attempts = attempts + 1, last_attempt_at = clock_timestamp(), last_error = null, "
        "status_at = clock_timestamp() where id = $1 and status = 'queued'",
        envelope_id,
        status,
        list(reasons),
        hub_version,
        delivered_at,
    )


async def record_failure(
    connection: Connection, envelope_id: int, error: str, next_attempt_at: dt.datetime
) -> None:
    """No verdict: the envelope stays queued for its next attempt."""
    await connection.execute(
        "update node_outbox set attempts = attempts + 1, last_attempt_at = clock_timestamp(), "
        "last_error = $2, next_attempt_at = $3 where id = $1 and status = 'queued'",
        envelope_id,
        error,
        next_attempt_at,
    )


async def record_state(
    connection: Connection,
    envelope_hash: str,
    *,
    status: Status,
    reasons: Sequence[str],
    hub_version: int | None,
    delivered_at: dt.datetime,
) -> bool:
    """What the hub's status says of an envelope; whether the row changed."""
    changed: int | None = await connection.fetchval(
        "update node_outbox set status = $2, reasons = $3, hub_version = $4, "
        "delivered_at = coalesce(delivered_at, $5), last_error = null, "
        "status_at = clock_timestamp() "
        "where hash = $1 and (status, reasons, hub_version) is distinct from ($2, $3, $4) "
        "returning id",
        envelope_hash,
        status,
        list(reasons),
        hub_version,
        delivered_at,
    )
    return changed is not None
