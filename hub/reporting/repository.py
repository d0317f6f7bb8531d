"""The only code of reporting that talks to PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import asyncpg

from hub.db.pool import Connection
from hub.reporting.model import Dataset, KpiValue, KpiValueIn, Provenance, Submission

_NEXT_VERSION = """
insert into report (entity_code, period, dataset, period_start, period_end, latest_version)
values ($1, $2, $3, $4, $5, 1)
on conflict (entity_code, period, dataset)
    do update set latest_version = report.latest_version + 1
returning latest_version
"""

_INSERT_SUBMISSION = """
insert into submission (entity_code, period, dataset, version, author_id, source, comment)
values ($1, $2, $3, $4, $5, $6, $7)
returning id
"""

_SUBMISSION_COLUMNS = """
s.id, s.entity_code, s.period, s.dataset, s.version, u.name as author, s.submitted_at,
s.source, s.comment
"""

_KPI_VALUES = """
select s.entity_code, s.period, s.version, s.id as submission_id,
       v.kpi_code, v.amount, v.currency, v.provenance, v.note
from report r
join submission s
  on s.entity_code = r.entity_code and s.period = r.period and s.dataset = r.dataset
 and s.version = coalesce($4::int, r.latest_version)
join kpi_value v on v.submission_id = s.id
where r.dataset = 'kpi'
  and r.entity_code = any($1::text[])
  and ($2::text[] is null or r.period = any($2::text[]))
  and ($3::text[] is null or v.kpi_code = any($3::text[]))
order by s.entity_code, r.period_start, s.period, v.kpi_code
"""


async def append_kpi_submission(
    connection: Connection,
    *,
    entity: str,
    period: str,
    bounds: tuple[dt.date, dt.date],
    author_id: int,
    source: str,
    comment: str | None,
    values: Sequence[KpiValueIn],
) -> int:
    """Append version n+1 of the entity's KPI report for the period; return the submission id.

    The `report` row is the lock: two writers of the same report queue on it, and each gets its
    own version number. Values go in with COPY.
    """
    version: int = await connection.fetchval(
        _NEXT_VERSION, entity, period, Dataset.KPI.value, bounds[0], bounds[1]
    )
    submission_id: int = await connection.fetchval(
        _INSERT_SUBMISSION, entity, period, Dataset.KPI.value, version, author_id, source, comment
    )
    await connection.copy_records_to_table(
        "kpi_value",
        columns=["submission_id", "kpi_code", "amount", "currency", "provenance", "note"],
        records=[
            (submission_id, v.kpi, v.amount, v.currency, v.provenance.value, v.note) for v in values
        ],
    )
    return submission_id


async def kpi_values(
    connection: Connection,
    entities: Sequence[str],
    periods: Sequence[str] | None,
    kpis: Sequence[str] | None,
    version: int | None,
) -> list[KpiValue]:
    rows = await connection.fetch(
        _KPI_VALUES,
        list(entities),
        None if periods is None else list(periods),
        None if kpis is None else list(kpis),
        version,
    )
    return [
        KpiValue(
            entity=row["entity_code"],
            period=row["period"],
            kpi=row["kpi_code"],
            amount=row["amount"],
            currency=row["currency"],
            provenance=Provenance(row["provenance"]),
            note=row["note"],
            version=row["version"],
            submission_id=row["submission_id"],
        )
        for row in rows
    ]


def _submission(row: asyncpg.Record) -> Submission:
    return Submission(
        id=row["id"],
        entity=row["entity_code"],
        period=row["period"],
        dataset=row["dataset"],
        version=row["version"],
        author=row["author"],
        submitted_at=row["submitted_at"],
        source=row["source"],
        comment=row["comment"],
    )


async def submissions_by_id(connection: Connection, ids: Sequence[int]) -> list[Submission]:
    rows = await connection.fetch(
        f"select {_SUBMISSION_COLUMNS} from submission s join app_user u on u.id = s.author_id "
        "where s.id = any($1::bigint[])",
        list(ids),
    )
    return [_submission(row) for row in rows]


async def submission_history(
    connection: Connection, entities: Sequence[str], period: str | None, dataset: str
) -> list[Submission]:
    rows = await connection.fetch(
        f"select {_SUBMISSION_COLUMNS} from submission s join app_user u on u.id = s.author_id "
        "where s.entity_code = any($1::text[]) and ($2::text is null or s.period = $2) "
        "and s.dataset = $3 order by s.entity_code, s.period, s.version",
        list(entities),
        period,
        dataset,
    )
    return [_submission(row) for row in rows]


async def latest_version(
    connection: Connection, entity: str, period: str, dataset: str
) -> int | None:
    version: int | None = await connection.fetchval(
        "select latest_version from report where entity_code = $1 and period = $2 and dataset = $3",
        entity,
        period,
        dataset,
    )
    return version
