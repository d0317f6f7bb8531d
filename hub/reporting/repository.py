"""The only code of reporting that talks to PostgreSQL.

Which versions a caller sees is decided by `hub.reporting.visibility`, whose SQL every read here
uses: `drafts` are the entities whose unpublished versions the caller may read.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import AsyncIterable, Sequence

import asyncpg

from hub.db.pool import Connection, plain
from hub.reporting.model import (
    Dataset,
    KpiValue,
    KpiValueIn,
    Provenance,
    Report,
    ReportEvent,
    Severity,
    StatementLine,
    StatementLineIn,
    Status,
    StoredFinding,
    Submission,
    TrialBalanceLine,
)
from hub.reporting.visibility import (
    DEFAULT_VERSION,
    EVENT_VISIBLE,
    READABLE,
    REPORT_VISIBLE,
    SHOWN_STATUS,
    numbered,
)

# Enum look-ups by value are slow in bulk (thousands of values a query): a plain dict.
PROVENANCES = {p.value: p for p in Provenance}


# --- reports and their workflow ----------------------------------------------------------------


def _report(row: asyncpg.Record) -> Report:
    published = row["published_status"]
    return Report(
        entity=row["entity_code"],
        period=row["period"],
        dataset=Dataset(row["dataset"]),
        status=Status(row["status"]),
        latest_version=row["latest_version"],
        approved_version=row["approved_version"],
        published_status=None if published is None else Status(published),
    )


async def lock_report(
    connection: Connection,
    entity: str,
    period: str,
    dataset: Dataset,
    bounds: tuple[dt.date, dt.date],
    *,
    create: bool,
) -> Report | None:
    """The report's head row, locked until the transaction ends (created empty if asked)."""
    if create:
        await connection.execute(
            """
            insert into report (entity_code, period, dataset, period_start, period_end,
                                latest_version)
            values ($1, $2, $3, $4, $5, 0)
            on conflict do nothing
            """,
            entity,
            period,
            dataset.value,
            bounds[0],
            bounds[1],
        )
    row = await connection.fetchrow(
        "select * from report where entity_code = $1 and period = $2 and dataset = $3 for update",
        entity,
        period,
        dataset.value,
    )
    return None if row is None else _report(row)


async def set_head(
    connection: Connection,
    report: Report,
    *,
    latest_version: int,
    status: Status,
    approved_version: int | None,
    published_status: Status | None,
) -> None:
    await connection.execute(
        """
        update report set latest_version = $4, status = $5, approved_version = $6,
                          published_status = $7
        where entity_code = $1 and period = $2 and dataset = $3
        """,
        report.entity,
        report.period,
        report.dataset.value,
        latest_version,
        status.value,
        approved_version,
        None if published_status is None else published_status.value,
    )


async def publish(connection: Connection, report: Report, version: int) -> None:
    """Record that `version` of the report was approved: from now on everyone may read it."""
    await connection.execute(
        """
        insert into publication (submission_id, entity_code, period, dataset, version)
        select id, entity_code, period, dataset, version from submission
        where (entity_code, period, dataset, version) = ($1, $2, $3, $4)
        on conflict do nothing
        """,
        report.entity,
        report.period,
        report.dataset.value,
        version,
    )


async def record_event(
    connection: Connection,
    report: Report,
    *,
    action: str,
    from_status: Status | None,
    to_status: Status,
    version: int,
    actor_id: int,
    reason: str | None,
) -> None:
    await connection.execute(
        """
        insert into report_event (entity_code, period, dataset, action, from_status, to_status,
                                  version, actor_id, reason)
        values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
        """,
        report.entity,
        report.period,
        report.dataset.value,
        action,
        None if from_status is None else from_status.value,
        to_status.value,
        version,
        actor_id,
        reason,
    )


async def reports(
    connection: Connection,
    entities: Sequence[str],
    drafts: Sequence[str],
    periods: Sequence[str] | None,
    datasets: Sequence[str] | None,
) -> list[Report]:
    """The reports as the caller sees them: others' reports only once published, with the
    published version as their latest and the published status as their status."""
    query = f"""
        select r.entity_code, r.period, r.dataset, {SHOWN_STATUS} as status,
               {DEFAULT_VERSION} as latest_version, r.approved_version, r.published_status
        from report r
        where r.entity_code = any($entities::text[]) and r.latest_version > 0
          and {REPORT_VISIBLE}
          and ($periods::text[] is null or r.period = any($periods::text[]))
          and ($datasets::text[] is null or r.dataset = any($datasets::text[]))
        order by r.entity_code, r.period_start, r.period, r.dataset
    """
    rows = await connection.fetch(
        numbered(query, "entities", "drafts", "periods", "datasets"),
        list(entities),
        list(drafts),
        None if periods is None else list(periods),
        None if datasets is None else list(datasets),
    )
    return [_report(row) for row in rows]


async def events(
    connection: Connection, keys: Sequence[tuple[str, str, str]], drafts: Sequence[str]
) -> list[ReportEvent]:
    query = f"""
        select e.*, u.name as actor
        from report_event e join app_user u on u.id = e.actor_id
        join unnest($entities::text[], $periods::text[], $datasets::text[])
          as k(entity_code, period, dataset)
          on (k.entity_code, k.period, k.dataset) = (e.entity_code, e.period, e.dataset)
        where {EVENT_VISIBLE}
        order by e.id
    """
    rows = await connection.fetch(
        numbered(query, "entities", "periods", "datasets", "drafts"),
        [k[0] for k in keys],
        [k[1] for k in keys],
        [k[2] for k in keys],
        list(drafts),
    )
    return [
        ReportEvent(
            entity=row["entity_code"],
            period=row["period"],
            dataset=Dataset(row["dataset"]),
            action=row["action"],
            from_status=None if row["from_status"] is None else Status(row["from_status"]),
            to_status=Status(row["to_status"]),
            version=row["version"],
            actor=row["actor"],
            at=row["at"],
            reason=row["reason"],
        )
        for row in rows
    ]


# --- submissions -------------------------------------------------------------------------------

_SUBMISSION_COLUMNS = """
s.id, s.entity_code, s.period, s.dataset, s.version, u.name as author, s.submitted_at,
s.source, s.comment
"""


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


async def insert_submission(
    connection: Connection,
    report: Report,
    *,
    version: int,
    author_id: int,
    source: str,
    comment: str | None,
    idempotency_key: str | None,
) -> int:
    submission_id: int = await connection.fetchval(
        """
        insert into submission (entity_code, period, dataset, version, author_id, source, comment,
                                idempotency_key)
        values ($1, $2, $3, $4, $5, $6, $7, $8)
        returning id
        """,
        report.entity,
        report.period,
        report.dataset.value,
        version,
        author_id,
        source,
        comment,
        idempotency_key,
    )
    return submission_id


async def set_content_hash(connection: Connection, submission_id: int, digest: bytes) -> None:
    await connection.execute(
        "insert into submission_digest (submission_id, content_sha256) values ($1, $2)",
        submission_id,
        digest,
    )


async def submission_by_key(
    connection: Connection, report: Report, key: str
) -> tuple[Submission, bytes | None] | None:
    """The version an idempotency key saved in this report (keys belong to one report)."""
    row = await connection.fetchrow(
        f"select {_SUBMISSION_COLUMNS}, d.content_sha256 from submission s "
        "join app_user u on u.id = s.author_id "
        "left join submission_digest d on d.submission_id = s.id "
        "where s.entity_code = $1 and s.period = $2 and s.dataset = $3 "
        "and s.idempotency_key = $4",
        report.entity,
        report.period,
        report.dataset.value,
        key,
    )
    return None if row is None else (_submission(row), row["content_sha256"])


async def submission_of_version(
    connection: Connection, report: Report, version: int
) -> tuple[Submission, bytes | None] | None:
    row = await connection.fetchrow(
        f"select {_SUBMISSION_COLUMNS}, d.content_sha256 from submission s "
        "join app_user u on u.id = s.author_id "
        "left join submission_digest d on d.submission_id = s.id "
        "where s.entity_code = $1 and s.period = $2 and s.dataset = $3 and s.version = $4",
        report.entity,
        report.period,
        report.dataset.value,
        version,
    )
    return None if row is None else (_submission(row), row["content_sha256"])


async def submissions_by_id(connection: Connection, ids: Sequence[int]) -> list[Submission]:
    rows = await connection.fetch(
        f"select {_SUBMISSION_COLUMNS} from submission s join app_user u on u.id = s.author_id "
        "where s.id = any($1::bigint[])",
        list(ids),
    )
    return [_submission(row) for row in rows]


async def submission_history(
    connection: Connection,
    entities: Sequence[str],
    drafts: Sequence[str],
    period: str | None,
    dataset: Dataset | None,
) -> list[Submission]:
    query = f"""
        select {_SUBMISSION_COLUMNS} from submission s
        join app_user u on u.id = s.author_id
        where s.entity_code = any($entities::text[])
          and ($period::text is null or s.period = $period)
          and ($dataset::text is null or s.dataset = $dataset)
          and {READABLE}
        order by s.entity_code, s.period, s.dataset, s.version
    """
    rows = await connection.fetch(
        numbered(query, "entities", "period", "dataset", "drafts"),
        list(entities),
        period,
        None if dataset is None else dataset.value,
        list(drafts),
    )
    return [_submission(row) for row in rows]


# --- content -----------------------------------------------------------------------------------


async def copy_kpi_values(
    connection: Connection, submission_id: int, values: Sequence[KpiValueIn]
) -> None:
    await connection.copy_records_to_table(
        "kpi_value",
        columns=["submission_id", "kpi_code", "amount", "currency", "provenance", "note"],
        records=[
            (submission_id, v.kpi, v.amount, v.currency, v.provenance.value, v.note) for v in values
        ],
    )


async def copy_statement_lines(
    connection: Connection, submission_id: int, lines: Sequence[StatementLineIn]
) -> None:
    await connection.copy_records_to_table(
        "statement_line",
        columns=["submission_id", "line_code", "amount", "currency"],
        records=[(submission_id, line.line, line.amount, line.currency) for line in lines],
    )


TbRecord = tuple[int, int, str, str | None, object, str | None, str | None, str | None]


async def copy_trial_balance(connection: Connection, records: AsyncIterable[TbRecord]) -> None:
    await connection.copy_records_to_table(
        "tb_line",
        columns=[
            "submission_id",
            "position",
            "account_code",
            "label",
            "amount",
            "currency",
            "partner_entity",
            "chart_account",
        ],
        records=records,
    )


async def repeated_accounts(
    connection: Connection, submission_id: int
) -> list[tuple[str, str | None, list[int]]]:
    rows = await connection.fetch(
        """
        select account_code, partner_entity, array_agg(position order by position) as positions
        from tb_line where submission_id = $1
        group by account_code, partner_entity having count(*) > 1
        order by min(position)
        """,
        submission_id,
    )
    return [(r["account_code"], r["partner_entity"], list(r["positions"])) for r in rows]


FindingRecord = tuple[Severity, str, str, str, str | None, str | None]


async def store_findings(
    connection: Connection, submission_id: int, findings: Sequence[FindingRecord]
) -> None:
    """Each finding: severity, rule, location, message, place, comment."""
    await connection.copy_records_to_table(
        "validation_finding",
        columns=[
            "submission_id",
            "position",
            "severity",
            "rule",
            "location",
            "message",
            "place",
            "comment",
        ],
        records=[
            (submission_id, position, severity.value, *rest)
            for position, (severity, *rest) in enumerate(findings)
        ],
    )


async def findings_of(connection: Connection, submission_ids: Sequence[int]) -> list[StoredFinding]:
    rows = await connection.fetch(
        "select * from validation_finding where submission_id = any($1::bigint[]) "
        "order by submission_id, position",
        list(submission_ids),
    )
    return [
        StoredFinding(
            submission_id=row["submission_id"],
            severity=Severity(row["severity"]),
            rule=row["rule"],
            location=row["location"],
            message=row["message"],
            place=row["place"],
            comment=row["comment"],
        )
        for row in rows
    ]


async def kpi_values(
    connection: Connection,
    entities: Sequence[str],
    drafts: Sequence[str],
    periods: Sequence[str] | None,
    kpis: Sequence[str] | None,
    version: int | None,
) -> list[KpiValue]:
    rows = await kpi_value_rows(connection, entities, drafts, periods, kpis, version)
    return [
        KpiValue(
            entity=entity,
            period=period,
            kpi=kpi,
            amount=plain(amount),
            currency=currency,
            provenance=PROVENANCES[provenance],
            note=note,
            version=number,
            submission_id=submission_id,
        )
        for (
            entity,
            period,
            number,
            submission_id,
            kpi,
            amount,
            currency,
            provenance,
            note,
            _,
        ) in rows
    ]


async def kpi_value_rows(
    connection: Connection,
    entities: Sequence[str],
    drafts: Sequence[str],
    periods: Sequence[str] | None,
    kpis: Sequence[str] | None,
    version: int | None,
) -> list[asyncpg.Record]:
    """The rows behind `kpi_values`: (entity, period, version, submission id, KPI, amount,
    currency, provenance, note, period's first day), for a caller that makes its own objects of
    thousands of them (the GraphQL answer) without a `KpiValue` in between.

    Ordered by entity, period (by its first day), KPI. The order is made here rather than by
    PostgreSQL: its sort on four keys deforms each wide row at every comparison and cost twice
    the rest of the statement for 6,000 values (docs/performance.md)."""
    query = f"""
        select s.entity_code, s.period, s.version, s.id,
               v.kpi_code, v.amount, v.currency, v.provenance, v.note, r.period_start
        from report r
        join submission s
          on (s.entity_code, s.period, s.dataset) = (r.entity_code, r.period, r.dataset)
         and s.version = coalesce($version::int, {DEFAULT_VERSION})
         and {READABLE}
        join kpi_value v on v.submission_id = s.id
        where r.dataset = 'kpi'
          and r.entity_code = any($entities::text[])
          and ($periods::text[] is null or r.period = any($periods::text[]))
          and ($kpis::text[] is null or v.kpi_code = any($kpis::text[]))
    """
    rows = await connection.fetch(
        numbered(query, "entities", "drafts", "periods", "kpis", "version"),
        list(entities),
        list(drafts),
        None if periods is None else list(periods),
        None if kpis is None else list(kpis),
        version,
    )
    rows.sort(key=_KPI_VALUE_ORDER)
    return rows


# entity, period's first day, period, KPI: positions in kpi_values' rows
_KPI_VALUE_ORDER = operator.itemgetter(0, 9, 1, 4)


async def statement_lines(
    connection: Connection,
    entities: Sequence[str],
    drafts: Sequence[str],
    periods: Sequence[str] | None,
    version: int | None,
) -> list[StatementLine]:
    query = f"""
        select s.entity_code, s.period, s.version, s.id as submission_id,
               l.line_code, l.amount, l.currency
        from report r
        join submission s
          on (s.entity_code, s.period, s.dataset) = (r.entity_code, r.period, r.dataset)
         and s.version = coalesce($version::int, {DEFAULT_VERSION})
         and {READABLE}
        join statement_line l on l.submission_id = s.id
        where r.dataset = 'statements'
          and r.entity_code = any($entities::text[])
          and ($periods::text[] is null or r.period = any($periods::text[]))
        order by s.entity_code, r.period_start, s.period
    """
    rows = await connection.fetch(
        numbered(query, "entities", "drafts", "periods", "version"),
        list(entities),
        list(drafts),
        None if periods is None else list(periods),
        version,
    )
    return [
        StatementLine(
            entity=row["entity_code"],
            period=row["period"],
            line=row["line_code"],
            amount=plain(row["amount"]),
            currency=row["currency"],
            version=row["version"],
            submission_id=row["submission_id"],
        )
        for row in rows
    ]


async def trial_balance(
    connection: Connection, submission_id: int, entity: str, period: str, version: int
) -> list[TrialBalanceLine]:
    rows = await connection.fetch(
        "select * from tb_line where submission_id = $1 order by position", submission_id
    )
    return [
        TrialBalanceLine(
            entity=entity,
            period=period,
            position=row["position"],
            account=row["account_code"],
            label=row["label"],
            amount=plain(row["amount"]),
            currency=row["currency"],
            partner=row["partner_entity"],
            version=version,
            submission_id=submission_id,
        )
        for row in rows
    ]


async def content_of(
    connection: Connection, submission_id: int, dataset: Dataset
) -> dict[str, object]:
    """Item -> amount of one version, for the difference between two versions."""
    if dataset is Dataset.KPI:
        rows = await connection.fetch(
            "select kpi_code as item, amount from kpi_value where submission_id = $1", submission_id
        )
    else:
        rows = await connection.fetch(
            """
            select 'line ' || line_code as item, amount from statement_line where submission_id = $1
            union all
            select 'account ' || account_code || coalesce(' partner ' || partner_entity, ''),
                   amount
            from tb_line where submission_id = $1
            """,
            submission_id,
        )
    return {row["item"]: plain(row["amount"]) for row in rows}


async def published_values_of_period(
    connection: Connection, entity: str, period: str, dataset: Dataset
) -> dict[str, object]:
    """The items of another period's published version (for the change warnings: they are
    stored with the version and published with it, so they never quote a draft)."""
    submission_id = await connection.fetchval(
        """
        select s.id from report r join submission s
          on (s.entity_code, s.period, s.dataset, s.version)
           = (r.entity_code, r.period, r.dataset, r.approved_version)
        where r.entity_code = $1 and r.period = $2 and r.dataset = $3
        """,
        entity,
        period,
        dataset.value,
    )
    if submission_id is None:
        return {}
    return await content_of(connection, submission_id, dataset)


async def latest_submission_id(
    connection: Connection, entity: str, period: str, dataset: Dataset
) -> tuple[int, int] | None:
    """(submission id, version) of the report's latest version, if any."""
    row = await connection.fetchrow(
        """
        select s.id, s.version from report r join submission s
          on (s.entity_code, s.period, s.dataset, s.version)
           = (r.entity_code, r.period, r.dataset, r.latest_version)
        where r.entity_code = $1 and r.period = $2 and r.dataset = $3
        """,
        entity,
        period,
        dataset.value,
    )
    return None if row is None else (row["id"], row["version"])


async def figures_for_comparison(
    connection: Connection,
    entities: Sequence[str],
    drafts: Sequence[str],
    periods: Sequence[str],
) -> list[asyncpg.Record]:
    """(entity, period, lines) of each version the caller sees among `entities` x `periods`:
    the lean read behind the board's comparison, thousands of figures at a time, one row per
    submission. `lines` holds each figure of the version as "kpi<TAB>amount<TAB>provenance", one
    a line (kpi_block, migration 0020), the amount as PostgreSQL's text of the numeric (exact,
    no exponent): what the answer shows."""
    query = f"""
        select r.entity_code, r.period, b.lines
        from report r
        join submission s
          on (s.entity_code, s.period, s.dataset) = (r.entity_code, r.period, r.dataset)
         and s.version = {DEFAULT_VERSION}
        join kpi_block b on b.submission_id = s.id
        where r.dataset = 'kpi'
          and r.entity_code = any($entities::text[]) and r.period = any($periods::text[])
    """
    rows: list[asyncpg.Record] = await connection.fetch(
        numbered(query, "entities", "drafts", "periods"),
        list(entities),
        list(drafts),
        list(periods),
    )
    return rows


async def published_periods(
    connection: Connection, dataset: Dataset, entity: str | None = None
) -> list[str]:
    """The periods that have a published version of `dataset` (of `entity`, or of any),
    oldest first: what an export may be asked for."""
    rows = await connection.fetch(
        """
        select period from report
        where dataset = $1 and approved_version is not null
          and ($2::text is null or entity_code = $2)
        group by period, period_start
        order by period_start, period
        """,
        dataset.value,
        entity,
    )
    return [row["period"] for row in rows]


async def reported_periods(connection: Connection, entity: str) -> list[str]:
    """The periods `entity` has reported anything for (drafts included), oldest first."""
    rows = await connection.fetch(
        """
        select period from report where entity_code = $1 and latest_version > 0
        group by period, period_start
        order by period_start, period
        """,
        entity,
    )
    return [row["period"] for row in rows]
