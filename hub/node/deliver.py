"""Delivering the outbox to the hub: at least once, in sequence order, the stored bytes unchanged.

A pass sends the queued envelopes one after the other, lowest sequence first, and stops at the
first one the hub gave no verdict on (unreachable, no answer in time, 5xx): a later envelope
must not overtake it, or the hub would take the earlier one for a replay. The row changes only
after the hub's answer: a node killed while it waits sends the same bytes again, and the hub,
which keys each envelope by their hash, answers with the receipt it stored — nothing is stored
twice. Without a verdict the envelope stays queued with its attempts counted, the failure in
words and its next attempt after a backoff (hub/node/backoff.py).

Only one deliverer works at a time (a session advisory lock): `hub node deliver` and the loop
inside `hub node serve` may run together.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from hub.db.pool import Database
from hub.node import backoff
from hub.node.hub_client import HubClient, HubUnreachable
from hub.node.outbox import OutboxEnvelope, Status, queued, record_failure, record_verdict

log = logging.getLogger("hub.node")

_LOCK_KEY = 7_402_118_001

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True, slots=True)
class Attempt:
    """One envelope sent and what came of it."""

    envelope: OutboxEnvelope
    status: Status  # queued: no verdict
    reasons: tuple[str, ...] = ()
    hub_version: int | None = None
    error: str | None = None
    next_attempt_at: dt.datetime | None = None


@dataclass(slots=True)
class Pass:
    attempts: list[Attempt] = field(default_factory=list)
    busy: bool = False  # another deliverer holds the outbox
    waiting: int = 0  # still queued after the pass
    next_attempt_at: dt.datetime | None = None  # of the first one still queued


async def _attempt(
    database: Database, client: HubClient, envelope: OutboxEnvelope, data: bytes, clock: Clock
) -> Attempt:
    try:
        answer = await client.deliver(data)
    except HubUnreachable as failure:
        failed_at = clock()
        later = backoff.next_attempt(failed_at, envelope.attempts + 1)
        async with database.pool.acquire() as connection:
            await record_failure(connection, envelope.id, str(failure), later)
        return Attempt(envelope, "queued", error=str(failure), next_attempt_at=later)
    if isinstance(answer, str):
        status: Status = "refused"
        reasons: tuple[str, ...] = (answer,)
        version, delivered_at = None, clock()
    else:
        status = answer.outcome
        reasons = tuple(answer.reasons)
        version, delivered_at = answer.version, answer.received_at
    async with database.pool.acquire() as connection:
        await record_verdict(
            connection,
            envelope.id,
            status=status,
            reasons=reasons,
            hub_version=version,
            delivered_at=delivered_at,
        )
    return Attempt(envelope, status, reasons, version)


async def deliver_pass(
    database: Database, client: HubClient, *, now_only: bool = True, clock: Clock = utc_now
) -> Pass:
    """Send the queued envelopes in order. `now_only`: skip the backoff and try the first one
    now (a person asked); otherwise an envelope waits for its next attempt."""
    done = Pass()
    async with database.pool.acquire() as lock:
        if not await lock.fetchval("select pg_try_advisory_lock($1)", _LOCK_KEY):
            done.busy = True
            left = await queued(lock)
        else:
            try:
                for envelope, data in await queued(lock):
                    if not now_only and envelope.next_attempt_at > clock():
                        break
                    attempt = await _attempt(database, client, envelope, data, clock)
                    done.attempts.append(attempt)
                    if attempt.status == "queued":
                        break
                left = await queued(lock)
            finally:
                await lock.execute("select pg_advisory_unlock($1)", _LOCK_KEY)
    done.waiting = len(left)
    done.next_attempt_at = left[0][0].next_attempt_at if left else None
    return done


async def deliver_until(
    database: Database,
    client: HubClient,
    seconds: float,
    report: Callable[[Pass], None],
    clock: Clock = utc_now,
) -> Pass:
    """Passes until nothing is queued or `seconds` are up; the first pass tries at once."""
    deadline = clock() + dt.timedelta(seconds=seconds)
    first = True
    while True:
        done = await deliver_pass(database, client, now_only=first, clock=clock)
        first = False
        report(done)
        if done.waiting == 0 or clock() >= deadline:
            return done
        wake = min(done.next_attempt_at or clock(), deadline)
        pause = (wake - clock()).total_seconds()
        await asyncio.sleep(max(0.05, pause) if not done.busy else 1.0)


async def delivery_loop(
    database: Database,
    client: HubClient,
    wake: asyncio.Event,
    on_attempt: Callable[[Attempt], None],
    idle_seconds: float = 5.0,
    clock: Clock = utc_now,
) -> None:
    """`hub node serve`'s deliverer: forever, honouring each envelope's backoff; `wake` (set by
    a send) starts a pass at once."""
    while True:
        pause = idle_seconds
        wake.clear()
        try:
            done = await deliver_pass(database, client, now_only=False, clock=clock)
            for attempt in done.attempts:
                on_attempt(attempt)
            if done.next_attempt_at is not None:
                due = (done.next_attempt_at - clock()).total_seconds()
                pause = min(idle_seconds, max(0.05, due))
        except Exception:  # the loop outlives a database hiccup; the next pass retries
            log.exception("delivery pass failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), timeout=pause)
