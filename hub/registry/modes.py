"""Each entity's reporting mode (central or node) as an audited history: a row in
`entity_reporting` for every change network.toml makes, recorded when the hub starts.

Starting is concurrency-safe: the comparison with the newest row and the insert run under one
transaction-level advisory lock, so two processes starting at once on one database record a
change once (the second finds the first's row and adds nothing)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from hub.db.pool import Connection
from hub.registry.model import ReportingMode
from hub.registry.registry import Registry

log = logging.getLogger("hub.registry")

_LOCK = "entity_reporting"

# Every configured entity whose mode differs from its newest row (or that has none) gets a row;
# what was added comes back with the mode it had before (the subquery of `returning` reads the
# statement's snapshot, which does not hold the rows the statement inserts).
_RECORD = """
insert into entity_reporting (entity_code, mode, config_sha256, config_text)
select c.code, c.mode, $3, $4
from unnest($1::text[], $2::text[]) with ordinality as c(code, mode, position)
where c.mode is distinct from (
    select r.mode from entity_reporting r where r.entity_code = c.code order by r.id desc limit 1
)
order by c.position
returning entity_code, mode, recorded_at, (
    select r.mode from entity_reporting r
    where r.entity_code = entity_reporting.entity_code order by r.id desc limit 1
) as previous
"""


@dataclass(frozen=True, slots=True)
class ModeChange:
    entity: str
    mode: ReportingMode
    previous: ReportingMode | None  # None: the entity's first record
    recorded_at: dt.datetime


@dataclass(frozen=True, slots=True)
class ModeRecord:
    """One row of the history: an entity's mode from `recorded_at` on, and the network.toml
    that said so."""

    entity: str
    mode: ReportingMode
    recorded_at: dt.datetime
    config_sha256: str
    config_text: str


def _words(change: ModeChange, sha256: str) -> str:
    who = "its node" if change.mode is ReportingMode.NODE else "its team on the hub (central)"
    if change.previous is None:
        return f"{change.entity} is reported by {who}: first record (network.toml {sha256[:12]})"
    return (
        f"{change.entity} is now reported by {who}, was {change.previous.value} "
        f"(network.toml {sha256[:12]})"
    )


async def record_modes(connection: Connection, registry: Registry) -> list[ModeChange]:
    """Record each entity whose configured mode differs from its newest row; log one line per
    change. Runs its own transaction (or a savepoint of the caller's)."""
    entities = list(registry.entities.values())
    async with connection.transaction():
        await connection.execute("select pg_advisory_xact_lock(hashtext($1))", _LOCK)
        rows = await connection.fetch(
            _RECORD,
            [e.code for e in entities],
            [e.reporting.value for e in entities],
            registry.source_sha256,
            registry.source,
        )
    changes = []
    for row in rows:
        previous = row["previous"]
        change = ModeChange(
            entity=row["entity_code"],
            mode=ReportingMode(row["mode"]),
            previous=None if previous is None else ReportingMode(previous),
            recorded_at=row["recorded_at"],
        )
        changes.append(change)
        log.info("reporting mode: %s", _words(change, registry.source_sha256))
    return changes


async def mode_history(connection: Connection, entity: str | None = None) -> list[ModeRecord]:
    """The changes of one entity's mode (every entity's: None), oldest first."""
    rows = await connection.fetch(
        "select entity_code, mode, recorded_at, config_sha256, config_text "
        "from entity_reporting where $1::text is null or entity_code = $1 order by id",
        entity,
    )
    return [
        ModeRecord(
            entity=row["entity_code"],
            mode=ReportingMode(row["mode"]),
            recorded_at=row["recorded_at"],
            config_sha256=row["config_sha256"],
            config_text=row["config_text"],
        )
        for row in rows
    ]
