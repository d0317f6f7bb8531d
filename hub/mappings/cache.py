"""Placers kept between requests, one set per database pool.

A consolidation places every account of every entity twice (the period and its comparatives),
and each placement of a new key scans the entity's ranges; a placer kept between runs answers
the keys it has seen from its own memo. A kept placer is used only while its entity's rules
are what it was built from: `account_mapping` is append-only, so (number of rows, newest id)
changes with any new rule, written by this process or another. One query reads that version
for every entity asked; the rules are read again only for the entities whose version moved.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Callable, Sequence

from countries.charts import ChartOfAccounts
from hub.db.pool import Connection, Database
from hub.mappings import repository
from hub.mappings.model import Placer, Rule, in_force

Version = tuple[int, int]


class _Kept:
    """One pool's placers by (entity, first day of the period), with the version they used."""

    def __init__(self) -> None:
        self.placers: dict[tuple[str, dt.date], tuple[Version | None, Placer]] = {}


_POOLS: weakref.WeakKeyDictionary[Database, _Kept] = weakref.WeakKeyDictionary()


async def placers(
    database: Database,
    connection: Connection,
    wanted: Sequence[tuple[str, dt.date]],
    chart: Callable[[str], ChartOfAccounts],
) -> dict[str, Placer]:
    """A placer per (entity, period start) asked, keyed by entity, built with the rules in
    force on that start as `connection` sees them now."""
    kept = _POOLS.setdefault(database, _Kept())
    entities = list(dict.fromkeys(entity for entity, _ in wanted))
    versions = await repository.rule_versions(connection, entities)
    stale = [
        entity
        for entity, starts in wanted
        if (found := kept.placers.get((entity, starts))) is None or found[0] != versions.get(entity)
    ]
    every: dict[str, list[Rule]] = (
        await repository.rules_of(connection, list(dict.fromkeys(stale))) if stale else {}
    )
    result: dict[str, Placer] = {}
    for entity, starts in wanted:
        found = kept.placers.get((entity, starts))
        version = versions.get(entity)
        if found is None or found[0] != version:
            placer = Placer(chart(entity), in_force(every.get(entity, []), starts))
            kept.placers[(entity, starts)] = (version, placer)
        else:
            placer = found[1]
        result[entity] = placer
    return result
