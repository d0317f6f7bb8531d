"""Batch loaders for reported figures: one statement per distinct filter, whatever the fan-out."""

from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

import asyncpg

from hub.db.pool import Database
from hub.reporting import repository
from hub.reporting.model import StoredFinding, Submission


class KpiFilter(NamedTuple):
    periods: tuple[str, ...] | None = None
    kpis: tuple[str, ...] | None = None
    version: int | None = None


class KpiValueKey(NamedTuple):
    entity: str
    filter: KpiFilter


async def load_kpi_values(
    db: Database, drafts: list[str], keys: list[KpiValueKey]
) -> list[list[asyncpg.Record]]:
    """`drafts`: the entities whose unpublished versions the caller may read. The rows are
    `repository.kpi_value_rows`'; the GraphQL types are made from them directly."""
    entities_by_filter: dict[KpiFilter, list[str]] = defaultdict(list)
    for key in keys:
        entities_by_filter[key.filter].append(key.entity)
    found: dict[KpiFilter, dict[str, list[asyncpg.Record]]] = {}
    async with db.pool.acquire() as connection:
        for kpi_filter, entities in entities_by_filter.items():
            rows = await repository.kpi_value_rows(
                connection,
                entities,
                drafts,
                kpi_filter.periods,
                kpi_filter.kpis,
                kpi_filter.version,
            )
            by_entity: dict[str, list[asyncpg.Record]] = defaultdict(list)
            for row in rows:
                by_entity[row[0]].append(row)
            found[kpi_filter] = by_entity
    return [found[key.filter].get(key.entity, []) for key in keys]


async def load_submissions(db: Database, ids: list[int]) -> list[Submission]:
    async with db.pool.acquire() as connection:
        rows = await repository.submissions_by_id(connection, ids)
    by_id = {row.id: row for row in rows}
    return [by_id[i] for i in ids]


async def load_findings(db: Database, ids: list[int]) -> list[list[StoredFinding]]:
    async with db.pool.acquire() as connection:
        rows = await repository.findings_of(connection, ids)
    by_id: dict[int, list[StoredFinding]] = defaultdict(list)
    for row in rows:
        by_id[row.submission_id].append(row)
    return [by_id.get(i, []) for i in ids]
