"""The hub's long-lived parts, opened once per process: config, country modules, database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from countries import NationalEntity, bind_countries
from hub.db.migrate import apply_migrations
from hub.db.pool import Database
from hub.registry.load import load_registry
from hub.registry.registry import Registry
from hub.registry.repository import sync_registry
from hub.settings import Settings


@dataclass(frozen=True, slots=True)
class Hub:
    registry: Registry
    countries: dict[str, NationalEntity]
    db: Database


def load_network(settings: Settings) -> tuple[Registry, dict[str, NationalEntity]]:
    registry = load_registry(settings.network_file)
    return registry, bind_countries(registry)


@asynccontextmanager
async def open_hub(
    settings: Settings, database_url: str, *, pool_size: int = 10
) -> AsyncIterator[Hub]:
    """Load the config, connect, migrate and sync the registry; close the pool on exit."""
    registry, countries = load_network(settings)
    db = await Database.connect(database_url, max_size=pool_size)
    try:
        async with db.pool.acquire() as connection:
            await apply_migrations(connection)
            await sync_registry(connection, registry)
        yield Hub(registry, countries, db)
    finally:
        await db.close()
