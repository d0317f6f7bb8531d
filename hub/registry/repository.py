"""Keeps the registry tables in step with the config, so that foreign keys can rely on them."""

from __future__ import annotations

from hub.db.pool import Connection
from hub.registry.modes import record_modes
from hub.registry.registry import Registry


async def sync_registry(connection: Connection, registry: Registry) -> None:
    """Insert or update every configured entity and KPI, and record each entity's reporting mode
    when it changed (hub/registry/modes.py). Nothing is deleted: reported figures may refer to
    an entity or KPI that a later config no longer lists."""
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
    await record_modes(connection, registry)
