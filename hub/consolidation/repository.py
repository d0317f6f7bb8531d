"""The only code of consolidation that talks to PostgreSQL. The heavy part, every approved
trial-balance line summed per entity, chart account and partner, is hub/mappings/repository's
`account_sums`: the mapping rules in force for the period then place the sums on group lines."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import asyncpg
import msgspec

from hub.db.pool import Connection, plain
from hub.reporting.model import Status


class ReportState(msgspec.Struct, frozen=True, kw_only=True):
    entity: str
    status: Status | None  # of the approved version (approved or locked); None: none approved
    approved_version: int | None
    submission_id: int | None  # of the approved version


async def statement_reports(
    connection: Connection, entities: Sequence[str], period: str
) -> list[ReportState]:
    rows = await connection.fetch(
        """
        select r.entity_code, r.published_status, r.approved_version, s.id as submission_id
        from report r
        left join submission s
          on (s.entity_code, s.period, s.dataset, s.version)
           = (r.entity_code, r.period, r.dataset, r.approved_version)
        where r.dataset = 'statements' and r.period = $2 and r.entity_code = any($1::text[])
          and r.latest_version > 0
        """,
        list(entities),
        period,
    )
    return [
        ReportState(
            entity=row["entity_code"],
            status=None if row["published_status"] is None else Status(row["published_status"]),
            approved_version=row["approved_version"],
            submission_id=row["submission_id"],
        )
        for row in rows
    ]


Mapped = tuple[str, str, str]  # entity, chart account, group line


class JournalRow(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    period: str
    reason: str
    author: str
    created_at: Any
    reverses: int | None
    reversed_by: int | None
    entries: list[tuple[str, str | None, Decimal]]


async def journals(connection: Connection, period: str) -> list[JournalRow]:
    rows = await connection.fetch(
        """
        select j.id, j.period, j.reason, u.name as author, j.created_at, j.reverses,
               (select r.id from journal r where r.reverses = j.id) as reversed_by,
               coalesce(array_agg(l.line_code order by l.position), '{}') as lines,
               coalesce(array_agg(l.entity_code order by l.position), '{}') as entities,
               coalesce(array_agg(l.amount order by l.position), '{}') as amounts
        from journal j join app_user u on u.id = j.author_id
        join journal_line l on l.journal_id = j.id
        where j.period = $1
        group by j.id, u.name
        order by j.id
        """,
        period,
    )
    return [_journal(row) for row in rows]


def _journal(row: asyncpg.Record) -> JournalRow:
    return JournalRow(
        id=row["id"],
        period=row["period"],
        reason=row["reason"],
        author=row["author"],
        created_at=row["created_at"],
        reverses=row["reverses"],
        reversed_by=row["reversed_by"],
        entries=[
            (line, entity, plain(amount))
            for line, entity, amount in zip(
                row["lines"], row["entities"], row["amounts"], strict=True
            )
        ],
    )


async def journal(connection: Connection, journal_id: int) -> JournalRow | None:
    rows = await connection.fetch(
        """
        select j.id, j.period, j.reason, u.name as author, j.created_at, j.reverses,
               (select r.id from journal r where r.reverses = j.id) as reversed_by,
               array_agg(l.line_code order by l.position) as lines,
               array_agg(l.entity_code order by l.position) as entities,
               array_agg(l.amount order by l.position) as amounts
        from journal j join app_user u on u.id = j.author_id
        join journal_line l on l.journal_id = j.id
        where j.id = $1
        group by j.id, u.name
        """,
        journal_id,
    )
    return _journal(rows[0]) if rows else None


async def insert_journal(
    connection: Connection,
    *,
    period: str,
    reason: str,
    author_id: int,
    reverses: int | None,
    entries: Sequence[tuple[str, str | None, Decimal]],
) -> int:
    journal_id: int = await connection.fetchval(
        "insert into journal (period, reason, author_id, reverses) values ($1, $2, $3, $4) "
        "returning id",
        period,
        reason,
        author_id,
        reverses,
    )
    await connection.copy_records_to_table(
        "journal_line",
        columns=["journal_id", "position", "line_code", "entity_code", "amount"],
        records=[
            (journal_id, position, line, entity, amount)
            for position, (line, entity, amount) in enumerate(entries)
        ],
    )
    return journal_id


async def record_lock(
    connection: Connection,
    period: str,
    locked: bool,
    actor_id: int,
    reason: str | None,
    *,
    run_id: int | None,
    prior_run_id: int | None = None,
    prior_problems: Sequence[str] = (),
) -> int:
    event_id: int = await connection.fetchval(
        "insert into consolidation_lock_event "
        "(period, locked, actor_id, reason, run_id, prior_run_id, prior_problems) "
        "values ($1, $2, $3, $4, $5, $6, $7) returning id",
        period,
        locked,
        actor_id,
        reason,
        run_id,
        prior_run_id,
        list(prior_problems),
    )
    return event_id


class LockEventRow(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    period: str
    locked: bool
    run_id: int | None
    digest: bytes | None
    scope: list[str]
    actor: str
    at: Any
    reason: str | None


async def lock_events(connection: Connection, period: str) -> list[LockEventRow]:
    """The period's locks and unlocks, oldest first: the audit trail of its sign-off."""
    rows = await connection.fetch(
        "select e.id, e.period, e.locked, e.run_id, r.digest, coalesce(r.scope, '{}') as scope, "
        "u.name as actor, e.at, e.reason "
        "from consolidation_lock_event e join app_user u on u.id = e.actor_id "
        "left join consolidation_run r on r.id = e.run_id "
        "where e.period = $1 order by e.id",
        period,
    )
    return [
        LockEventRow(
            id=row["id"],
            period=row["period"],
            locked=row["locked"],
            run_id=row["run_id"],
            digest=row["digest"],
            scope=list(row["scope"]),
            actor=row["actor"],
            at=row["at"],
            reason=row["reason"],
        )
        for row in rows
    ]


async def hold_statement_reports(
    connection: Connection, entities: Sequence[str], period: str
) -> None:
    """Hold the statements reports of a period until the transaction ends: a workflow
    transition of one of them waits, then sees what this transaction recorded."""
    await connection.execute(
        "select 1 from report where dataset = 'statements' and period = $1 "
        "and entity_code = any($2::text[]) order by entity_code for share",
        period,
        list(entities),
    )


async def lock_period(connection: Connection, period: str) -> None:
    """Serialise writers of one consolidated period (journals, runs, locks)."""
    await connection.execute(
        "select pg_advisory_xact_lock(hashtext('consolidation:' || $1))", period
    )


async def store_run(
    connection: Connection,
    *,
    period: str,
    scope: Sequence[str],
    run_by: int,
    digest: bytes,
    inputs: bytes,
    result: bytes,
) -> tuple[int, Any]:
    row = await connection.fetchrow(
        "insert into consolidation_run (period, scope, run_by, digest, inputs, result) "
        "values ($1, $2, $3, $4, $5::jsonb, $6::jsonb) returning id, run_at",
        period,
        list(scope),
        run_by,
        digest,
        inputs.decode(),
        result.decode(),
    )
    assert row is not None
    return row["id"], row["run_at"]


async def latest_run(
    connection: Connection, period: str, scope: Sequence[str]
) -> tuple[int, bytes] | None:
    """The newest stored run of the period and scope: (id, digest)."""
    row = await connection.fetchrow(
        "select id, digest from consolidation_run where period = $1 and scope = $2::text[] "
        "order by id desc limit 1",
        period,
        list(scope),
    )
    return None if row is None else (row["id"], row["digest"])


async def run_content(connection: Connection, run_id: int) -> tuple[str, str]:
    """A stored run's inputs and result, as the JSON they were stored as."""
    row = await connection.fetchrow(
        "select inputs::text as inputs, result::text as result from consolidation_run "
        "where id = $1",
        run_id,
    )
    assert row is not None, run_id
    return row["inputs"], row["result"]


class RunRow(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    period: str
    scope: list[str]
    run_by: str
    run_at: Any
    digest: bytes


async def runs(connection: Connection, period: str) -> list[RunRow]:
    rows = await connection.fetch(
        "select r.id, r.period, r.scope, u.name as run_by, r.run_at, r.digest "
        "from consolidation_run r join app_user u on u.id = r.run_by where r.period = $1 "
        "order by r.id",
        period,
    )
    return [
        RunRow(
            id=row["id"],
            period=row["period"],
            scope=list(row["scope"]),
            run_by=row["run_by"],
            run_at=row["run_at"],
            digest=row["digest"],
        )
        for row in rows
    ]


async def keep_run_accounts(
    connection: Connection, run_id: int, submission_ids: Sequence[int], mapped: Sequence[Mapped]
) -> None:
    """Keep the national accounts behind a run with the lines they map to for its period
    (`mapped`: entity, chart account, line), once per run."""
    await connection.execute(
        """
        insert into consolidation_run_account
            (run_id, entity_code, line_code, account_code, label, partner_entity, amount)
        select $1, s.entity_code, m.line_code, t.account_code, t.label, t.partner_entity,
               sum(t.amount)
        from tb_line t
        join submission s on s.id = t.submission_id
        join unnest($3::text[], $4::text[], $5::text[]) as m(entity_code, account_code, line_code)
          on m.entity_code = s.entity_code
         and m.account_code = coalesce(t.chart_account, t.account_code)
        where t.submission_id = any($2::bigint[])
          and not exists (select 1 from consolidation_run_account k where k.run_id = $1)
        group by 2, 3, 4, 5, 6
        """,
        run_id,
        list(submission_ids),
        [m[0] for m in mapped],
        [m[1] for m in mapped],
        [m[2] for m in mapped],
    )


class DetailRow(msgspec.Struct, frozen=True, kw_only=True):
    account: str
    label: str | None
    partner: str | None
    amount: Decimal


async def account_details(
    connection: Connection, submission_id: int, accounts: Sequence[str]
) -> list[DetailRow]:
    """The trial-balance lines of the submission booked under the chart `accounts`."""
    rows = await connection.fetch(
        """
        select t.account_code, t.label, t.partner_entity, sum(t.amount) as amount
        from tb_line t
        where t.submission_id = $1
          and coalesce(t.chart_account, t.account_code) = any($2::text[])
        group by 1, 2, 3 order by 1, 3
        """,
        submission_id,
        list(accounts),
    )
    return [
        DetailRow(
            account=row["account_code"],
            label=row["label"],
            partner=row["partner_entity"],
            amount=plain(row["amount"]),
        )
        for row in rows
    ]


async def run_account_details(
    connection: Connection, run_id: int, entity: str, line: str
) -> list[DetailRow]:
    """`account_details` of a signed-off run: the accounts kept when it was locked."""
    rows = await connection.fetch(
        """
        select account_code, label, partner_entity, amount
        from consolidation_run_account
        where run_id = $1 and entity_code = $2 and line_code = $3
        order by account_code, partner_entity
        """,
        run_id,
        entity,
        line,
    )
    return [
        DetailRow(
            account=row["account_code"],
            label=row["label"],
            partner=row["partner_entity"],
            amount=plain(row["amount"]),
        )
        for row in rows
    ]
