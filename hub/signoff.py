"""What a signed-off consolidation used, and the refusal of any change to it.

Locking a consolidated period stores its run and records what the run used as (kind, key)
pairs in `consolidation_dependency`: the approved version of each report, each exchange rate,
the period's journals, the prior period's signed-off run. A service that is about to change
such a thing asks `refuse_if_used` (one SQL statement) and gets `Locked`, whose message names
the lock, the run and what to do:

    the 2024 consolidation is locked (run 12, locked by finance on 2025-03-02): unlock it
    before changing the closing rate for SEK in 2024

A new kind of input (the acquisition register) records its keys at lock time (see
`hub.consolidation.signoff.dependencies_of`) and asks here before it changes. This module
imports nothing of the services, so that reporting, rates and consolidation can all use it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from enum import StrEnum

import asyncpg
import msgspec

from hub.db.pool import Connection
from hub.errors import Refusal
from hub.fx.model import RateKey

Key = tuple[str | None, ...]


class Kind(StrEnum):
    REPORT = "report"  # (entity, period, dataset); used: the approved version
    RATE = "rate"  # (currency, type, period, entity, line); used: the rate
    JOURNALS = "journals"  # (period,)
    SIGNOFF = "signoff"  # (prior period,); used: the prior run it opened from
    ACQUISITION = "acquisition"  # the acquisition register; its key is the register's to define


class Dependency(msgspec.Struct, frozen=True):
    kind: Kind
    key: Key
    used: str | None = None


def report_key(entity: str, period: str, dataset: str) -> Key:
    return (entity, period, dataset)


def rate_key(key: RateKey) -> Key:
    return (key.currency, key.type.value, key.period, key.entity, key.line)


def period_key(period: str) -> Key:
    return (period,)


class SignOff(msgspec.Struct, frozen=True, kw_only=True):
    """A period locked now: the run it signs off, who locked it, when and why."""

    event_id: int  # the lock event
    period: str
    run_id: int | None  # None: locked before runs were stored with their lock (migration 0008)
    digest: str | None
    scope: list[str]
    locked_by: str
    locked_at: dt.datetime
    reason: str | None
    prior_run_id: int | None  # the run its comparatives come from
    prior_problems: list[str]  # why there is none

    def describe(self) -> str:
        run = "no stored run" if self.run_id is None else f"run {self.run_id}"
        day = self.locked_at.astimezone(dt.UTC).date().isoformat()
        by = f"locked by {self.locked_by} on {day}"
        return f"the {self.period} consolidation is locked ({run}, {by})"


class Locked(Refusal):
    """A change refused because a locked consolidation used what it would change."""

    code = "LOCKED"

    def __init__(self, locks: Sequence[SignOff], change: str) -> None:
        self.locks = tuple(locks)
        self.change = change
        them = "them" if len(self.locks) > 1 else "it"
        super().__init__(
            f"{' and '.join(lock.describe() for lock in self.locks)}: unlock {them} before {change}"
        )


class Use(msgspec.Struct, frozen=True, kw_only=True):
    lock: SignOff
    key: Key
    used: str | None


_COLUMNS = """
    s.event_id, s.period, s.run_id, r.digest, coalesce(r.scope, '{}') as scope, u.name as locked_by,
    s.locked_at, s.reason, s.prior_run_id, s.prior_problems
"""
_LOCKS = """
    consolidation_signoff s
    join app_user u on u.id = s.locked_by
    left join consolidation_run r on r.id = s.run_id
"""


def _signoff(row: asyncpg.Record) -> SignOff:
    return SignOff(
        event_id=row["event_id"],
        period=row["period"],
        run_id=row["run_id"],
        digest=None if row["digest"] is None else bytes(row["digest"]).hex(),
        scope=list(row["scope"]),
        locked_by=row["locked_by"],
        locked_at=row["locked_at"],
        reason=row["reason"],
        prior_run_id=row["prior_run_id"],
        prior_problems=list(row["prior_problems"]),
    )


async def current(connection: Connection, period: str) -> SignOff | None:
    """The period's lock, if it is locked."""
    row = await connection.fetchrow(f"select {_COLUMNS} from {_LOCKS} where s.period = $1", period)
    return None if row is None else _signoff(row)


async def locked(connection: Connection) -> list[SignOff]:
    """Every period locked now, oldest first."""
    rows = await connection.fetch(f"select {_COLUMNS} from {_LOCKS} order by s.period")
    return [_signoff(row) for row in rows]


async def locks_using(connection: Connection, kind: Kind, keys: Iterable[Key]) -> list[Use]:
    """Each (locked consolidation, key) where the lock's run used one of the keys."""
    encoded = [msgspec.json.encode(list(key)).decode() for key in dict.fromkeys(keys)]
    if not encoded:
        return []
    rows = await connection.fetch(
        f"""
        select d.key, d.used, {_COLUMNS}
        from {_LOCKS}
        join consolidation_dependency d on d.run_id = s.run_id
        where d.kind = $1 and d.key = any($2::jsonb[])
        order by s.period, d.key
        """,
        kind.value,
        encoded,
    )
    return [
        Use(
            lock=_signoff(row),
            key=tuple(msgspec.json.decode(row["key"], type=list[str | None])),
            used=row["used"],
        )
        for row in rows
    ]


async def refuse_if_used(connection: Connection, kind: Kind, key: Key, change: str) -> None:
    """Raise `Locked` if a locked consolidation used `key`. Call it in the transaction that
    makes the change, after the lock that serialises such changes (the report row, the rates
    lock, the period lock), so that a lock being taken meanwhile is seen."""
    uses = await locks_using(connection, kind, [key])
    if uses:
        raise Locked(_distinct(use.lock for use in uses), change)


def _distinct(locks: Iterable[SignOff]) -> list[SignOff]:
    return list({lock.period: lock for lock in locks}.values())


async def record(connection: Connection, run_id: int, dependencies: Iterable[Dependency]) -> None:
    """What the run used; a run locked again keeps the rows it has."""
    rows = [
        (run_id, d.kind.value, msgspec.json.encode(list(d.key)).decode(), d.used)
        for d in dependencies
    ]
    await connection.executemany(
        "insert into consolidation_dependency (run_id, kind, key, used) "
        "values ($1, $2, $3::jsonb, $4) on conflict do nothing",
        rows,
    )


async def dependencies(connection: Connection, run_id: int) -> list[Dependency]:
    rows = await connection.fetch(
        "select kind, key, used from consolidation_dependency where run_id = $1 order by kind, key",
        run_id,
    )
    return [
        Dependency(
            Kind(row["kind"]),
            tuple(msgspec.json.decode(row["key"], type=list[str | None])),
            row["used"],
        )
        for row in rows
    ]
