"""The SQL of the mapping rules (`account_mapping`, migration 0013)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

import asyncpg
import msgspec

from countries import NationalEntity
from hub.db.pool import Connection, plain
from hub.mappings.model import Rule, RuleKind
from hub.mappings.seed import seed_rules

_COLUMNS = """
    m.id, m.kind, m.first_account, m.last_account, m.line_code, m.intra_network, m.investment,
    m.effective_from, m.starts_on, m.reason, u.name as recorded_by, m.recorded_at
"""


def _rule(row: asyncpg.Record) -> Rule:
    return Rule(
        kind=RuleKind(row["kind"]),
        first=row["first_account"],
        last=row["last_account"],
        line=row["line_code"],
        intra_network=row["intra_network"],
        investment=row["investment"],
        effective_from=row["effective_from"],
        starts_on=row["starts_on"],
        reason=row["reason"],
        id=row["id"],
        recorded_by=row["recorded_by"],
        recorded_at=row["recorded_at"],
    )


async def rules(connection: Connection, entity: str) -> list[Rule]:
    """Every row of the entity's rules, oldest first."""
    rows = await connection.fetch(
        f"select {_COLUMNS} from account_mapping m left join app_user u on u.id = m.recorded_by "
        "where m.entity_code = $1 order by m.id",
        entity,
    )
    return [_rule(row) for row in rows]


async def rules_of(connection: Connection, entities: Sequence[str]) -> dict[str, list[Rule]]:
    """Every row of each entity's rules, oldest first (an entity without rules: no key)."""
    rows = await connection.fetch(
        f"select m.entity_code, {_COLUMNS} from account_mapping m "
        "left join app_user u on u.id = m.recorded_by "
        "where m.entity_code = any($1::text[]) order by m.id",
        list(entities),
    )
    found: dict[str, list[Rule]] = {}
    for row in rows:
        found.setdefault(row["entity_code"], []).append(_rule(row))
    return found


async def rule_versions(
    connection: Connection, entities: Sequence[str]
) -> dict[str, tuple[int, int]]:
    """(number of rows, newest id) of each entity's rules: `account_mapping` is append-only,
    so a change is a new row and changes both, whatever order concurrent writers commit in."""
    rows = await connection.fetch(
        "select entity_code, count(*) as rows, max(id) as newest from account_mapping "
        "where entity_code = any($1::text[]) group by entity_code",
        list(entities),
    )
    return {row["entity_code"]: (row["rows"], row["newest"]) for row in rows}


async def lock_rules(connection: Connection, entity: str) -> None:
    """Serialise writers of one entity's rules (a check and its write go together)."""
    await connection.execute(
        "select pg_advisory_xact_lock(hashtext('account mapping'), hashtext($1))", entity
    )


async def insert(
    connection: Connection,
    entity: str,
    new: Sequence[Rule],
    actor_id: int | None,
) -> None:
    await connection.executemany(
        """
        insert into account_mapping (entity_code, kind, first_account, last_account, line_code,
            intra_network, investment, effective_from, starts_on, reason, recorded_by)
        values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
        """,
        [
            (
                entity,
                r.kind.value,
                r.first,
                r.last,
                r.line,
                r.intra_network,
                r.investment,
                r.effective_from,
                r.starts_on,
                r.reason,
                actor_id,
            )
            for r in new
        ],
    )


async def seed(connection: Connection, countries: Mapping[str, NationalEntity]) -> list[str]:
    """Seed, from its chart file, each entity that has no rule yet; return those seeded. An
    entity with rules is never touched: an installation's edits outlive restarts."""
    async with connection.transaction():
        await connection.execute("select pg_advisory_xact_lock(hashtext('account mapping'))")
        rows = await connection.fetch("select distinct entity_code from account_mapping")
        have = {row["entity_code"] for row in rows}
        seeded = [code for code in countries if code not in have]
        for code in seeded:
            chart = countries[code].profile.chart_of_accounts
            await insert(connection, code, seed_rules(chart), None)
        return seeded


class AccountSum(msgspec.Struct, frozen=True, kw_only=True):
    entity: str
    key: str  # the chart account the lines are booked under
    partner: str | None
    amount: Decimal


ACCOUNT_SUMS = """
select s.entity_code, t.key, t.partner_entity, t.amount
from (
    select submission_id, coalesce(chart_account, account_code) as key,
           partner_entity, sum(amount) as amount
    from tb_line
    where submission_id = any($1::bigint[])
    group by submission_id, coalesce(chart_account, account_code), partner_entity
) t
join submission s on s.id = t.submission_id
"""


async def account_sums(connection: Connection, submission_ids: Sequence[int]) -> list[AccountSum]:
    """The trial-balance lines of the submissions summed per entity, chart account, partner.

    Summed per submission first, the entity joined to the sums after: grouped on tb_line's
    own columns, the planner finds the number of groups in the extended statistics of
    migration 0019 (a few thousand) and hashes them in memory, where a grouping after the join
    was estimated at one group per line, sorted and spilled to disk
    (bench/consolidation_plan.py prints both plans)."""
    rows = await connection.fetch(
        ACCOUNT_SUMS,
        list(submission_ids),
    )
    return [
        AccountSum(
            entity=row["entity_code"],
            key=row["key"],
            partner=row["partner_entity"],
            amount=plain(row["amount"]),
        )
        for row in rows
    ]


class AccountName(msgspec.Struct, frozen=True, kw_only=True):
    key: str
    name: str | None
    balance: Decimal


async def accounts_of(connection: Connection, submission_id: int) -> list[AccountName]:
    """The chart accounts of one submission's trial balance with a name (the line's own, the
    first one given) and their balance."""
    rows = await connection.fetch(
        """
        select coalesce(t.chart_account, t.account_code) as key,
               (array_agg(t.label order by t.account_code = coalesce(t.chart_account,
                    t.account_code) desc, t.position) filter (where t.label is not null))[1]
                   as name,
               sum(t.amount) as balance
        from tb_line t
        where t.submission_id = $1
        group by 1 order by 1
        """,
        submission_id,
    )
    return [
        AccountName(key=row["key"], name=row["name"], balance=plain(row["balance"])) for row in rows
    ]
