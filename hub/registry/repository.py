"""Keeps the registry tables in step with the config, so that foreign keys can rely on them."""

from __future__ import annotations

from collections.abc import Mapping

from countries import NationalEntity
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


async def sync_charts(connection: Connection, countries: Mapping[str, NationalEntity]) -> None:
    """Each entity's national accounts with the group line they map to (None: unmapped), as
    the country modules say now: a mapping corrected in a chart file applies to the next
    consolidation."""
    async with connection.transaction():
        await connection.execute("delete from chart_mapping")
        await connection.copy_records_to_table(
            "chart_mapping",
            columns=["entity_code", "account_code", "line_code", "intra_network", "investment"],
            records=[
                (
                    code,
                    account.code,
                    entity.profile.chart_of_accounts.group_line(account.code),
                    account.intra_network,
                    account.investment,
                )
                for code, entity in countries.items()
                for account in entity.profile.chart_of_accounts.accounts
            ],
        )
