"""The plans of the consolidation's account sums on the benchmark network, analysed: the query
before (grouped after the join) and now (grouped per submission, then joined), each with and
without the extended statistics of migration 0019, EXPLAIN (ANALYZE, BUFFERS) cut to the lines
that matter (estimated against actual groups, sort or hash, disk, time).

    python -m bench.consolidation_plan [--entities 30] [--accounts 5000]
"""

from __future__ import annotations

import argparse
import asyncio
import re

from bench.consolidation import PERIOD, network
from hub.db.pool import Connection
from hub.mappings.repository import ACCOUNT_SUMS

BEFORE = """
select s.entity_code, coalesce(t.chart_account, t.account_code) as key,
       t.partner_entity, sum(t.amount) as amount
from tb_line t
join submission s on s.id = t.submission_id
where t.submission_id = any($1::bigint[])
group by 1, 2, 3
"""

# What hub/mappings/repository.py's account_sums runs.
NOW = ACCOUNT_SUMS

_KEY = re.compile(
    r"Aggregate|Sort Method|Sort  |Batches|Disk|temp read|Workers Launched|Execution Time"
)


async def plan(connection: Connection, sql: str, ids: list[int], statistics: bool) -> list[str]:
    """The key lines of the plan; without the statistics, dropped in a transaction rolled
    back (nothing changes for anyone else)."""
    transaction = connection.transaction()
    await transaction.start()
    try:
        if not statistics:
            await connection.execute("drop statistics tb_line_account_groups")
        rows = await connection.fetch(f"explain (analyze, buffers) {sql}", ids)
    finally:
        await transaction.rollback()
    return [row[0] for row in rows if _KEY.search(row[0]) and "Buckets" not in row[0]]


async def main(entity_count: int, accounts: int) -> None:
    async with (
        network(entity_count, accounts) as built,
        built.hub.db.pool.acquire() as connection,
    ):
        ids = [
            row["id"]
            for row in await connection.fetch(
                "select s.id from report r join submission s on (s.entity_code, s.period,"
                " s.dataset, s.version) = (r.entity_code, r.period, r.dataset,"
                " r.approved_version) where r.period = $1 and r.dataset = 'statements'",
                PERIOD,
            )
        ]
        for name, sql in (("before: grouped after the join", BEFORE), ("now", NOW)):
            for statistics in (False, True):
                with_or_not = "with" if statistics else "without"
                print(f"--- {name}, {with_or_not} the statistics of migration 0019")
                for line in await plan(connection, sql, ids, statistics):
                    print(line)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=30)
    parser.add_argument("--accounts", type=int, default=5000)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.entities, arguments.accounts))
