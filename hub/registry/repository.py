"""Keeps the registry tables in step with the config, so that foreign keys can rely on them."""

from __future__ import annotations

from collections.abc import Mapping

from countries import NationalEntity
from countries.charts import ChartOfAccounts
from hub.db.pool import Connection
from hub.registry.registry import Registry


async def sync_registry(connection: Connection, registry: Registry) -> None:
    """Insert or update every configured entity and KPI. Nothing is deleted: reported figures
    may refer to an entity or KPI that a later config no longer lists."""
    await connection.executemany(
        """
        insert into entity (code, name, currency) values ($1, $2, $3)
        on conflict (code) do update set name = excluded.name, currency = excluded.currency
        """,
        [(e.code, e.name, e.currency) for e in registry.entities.values()],
    )
    await connection.executemany(
        """
        insert into kpi (code, unit) values ($1, $2)
        on conflict (code) do update set unit = excluded.unit
        """,
        [(k.code, k.unit) for k in registry.kpis.values()],
    )


MAPPING_COLUMNS = ["entity_code", "account_code", "line_code", "intra_network", "investment"]
MappingRow = tuple[str, str, str | None, bool, bool]


def mapping_row(entity: str, chart: ChartOfAccounts, account: str) -> MappingRow:
    """An account of the chart with the group line it maps to (None: unmapped) and its flags."""
    placed = chart.place(account)
    if placed is None:
        return (entity, account, None, False, False)
    return (entity, account, placed.line, placed.intra_network, placed.investment)


async def sync_charts(connection: Connection, countries: Mapping[str, NationalEntity]) -> None:
    """Each entity's national accounts with the group line they map to, as the country modules
    say now: the listed accounts, and every account a trial balance has used (an unlisted one
    maps by its chart's ranges). A mapping corrected in a chart file applies to the next
    consolidation."""
    async with connection.transaction():
        used = await connection.fetch("select entity_code, account_code from chart_mapping")
        keys = {
            (code, account.code)
            for code, entity in countries.items()
            for account in entity.profile.chart_of_accounts.accounts
        }
        keys.update(
            (row["entity_code"], row["account_code"])
            for row in used
            if row["entity_code"] in countries
        )
        await connection.execute("delete from chart_mapping")
        await connection.copy_records_to_table(
            "chart_mapping",
            columns=MAPPING_COLUMNS,
            records=[
                mapping_row(code, countries[code].profile.chart_of_accounts, account)
                for code, account in sorted(keys)
            ],
        )


async def map_new_accounts(
    connection: Connection, entity: str, chart: ChartOfAccounts, submission_id: int
) -> None:
    """Add to `chart_mapping` the accounts of a stored trial balance it does not hold yet (an
    account the chart does not list, mapped by a range), so that consolidation's join on the
    table finds every account. Runs in the save's transaction: a refused save adds nothing."""
    rows = await connection.fetch(
        """
        select distinct t.chart_account from tb_line t
        where t.submission_id = $1 and t.chart_account is not null
          and not exists (
              select 1 from chart_mapping m
              where m.entity_code = $2 and m.account_code = t.chart_account)
        """,
        submission_id,
        entity,
    )
    if rows:
        await connection.executemany(
            f"insert into chart_mapping ({', '.join(MAPPING_COLUMNS)}) "
            "values ($1, $2, $3, $4, $5) on conflict do nothing",
            [mapping_row(entity, chart, row["chart_account"]) for row in rows],
        )
