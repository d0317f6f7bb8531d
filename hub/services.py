"""The hub's long-lived parts, opened once per process: config, country modules, database."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace

from countries import NationalEntity, bind_countries
from hub.auth.config import AuthConfig, load_auth_config
from hub.auth.policy import Principal, Role
from hub.db.errors import DatabaseUnavailable
from hub.db.migrate import apply_migrations, migration_lock
from hub.db.pool import Database
from hub.limits.config import load_limits
from hub.mappings.repository import seed as seed_mappings
from hub.registry.group_chart import GroupChart, load_group_chart
from hub.registry.load import ConfigError, load_registry
from hub.registry.registry import Registry
from hub.registry.repository import sync_registry
from hub.reporting.rules import ReportingRules, load_reporting_rules
from hub.settings import Settings


@dataclass(frozen=True, slots=True)
class Network:
    """Everything the config says: the registry, the country modules, the charts, the rules."""

    registry: Registry
    countries: dict[str, NationalEntity]
    group_chart: GroupChart
    rules: ReportingRules
    auth: AuthConfig


@dataclass(frozen=True, slots=True)
class Hub:
    registry: Registry
    countries: dict[str, NationalEntity]
    group_chart: GroupChart
    rules: ReportingRules
    db: Database
    auth: AuthConfig
    # The read replica's pool (HUB_READ_DATABASE_URL), when the hub serves reads from one.
    read_db: Database | None = None


def reads_for(hub: Hub, principal: Principal | None) -> Hub:
    """The hub whose database serves this caller's request: the one rule of the read replica.

    The board's requests go to the replica: the board only reads (its grants are to read the
    network and published figures, so any write it asks for is refused before it is tried),
    and a published figure a few hundred milliseconds late is still the published figure.
    Everyone else stays on the primary: a national team reads back what it has just saved,
    finance and admins write, and authentication (a token's last use, a session) writes
    before this rule is asked. Without a replica: the hub itself."""
    if hub.read_db is None or principal is None or principal.role is not Role.BOARD:
        return hub
    return replace(hub, db=hub.read_db)


def load_network(settings: Settings) -> Network:
    registry = load_registry(settings.network_file)
    group_chart = load_group_chart(settings.config_dir / "group_chart.toml")
    problems = list(_lines_known(registry, group_chart))
    if problems:
        raise ConfigError(settings.network_file, problems)
    return Network(
        registry=registry,
        countries=bind_countries(registry),
        group_chart=group_chart,
        rules=load_reporting_rules(settings.config_dir / "reporting.toml"),
        auth=load_auth_config(settings.config_dir / "auth.toml"),
    )


def _lines_known(registry: Registry, chart: GroupChart) -> Iterator[str]:
    """network.toml names group lines (contribution bases, booked contributions): they must be
    lines of group_chart.toml."""
    for index, base in enumerate(registry.config.contribution_bases):
        for line in base.lines:
            if line not in chart.lines:
                yield f"contribution_bases[{index}].lines: unknown group line {line!r}"
    for index, rule in enumerate(registry.config.contribution_rules):
        for position, component in enumerate(rule.components):
            if component.booked_line is not None and component.booked_line not in chart.lines:
                yield (
                    f"contribution_rules[{index}].components[{position}].booked_line: "
                    f"unknown group line {component.booked_line!r}"
                )


@asynccontextmanager
async def open_hub(
    settings: Settings, database_url: str, *, pool_size: int = 10, read_replica: bool = False
) -> AsyncIterator[Hub]:
    """Load the config, connect, migrate, sync the registry and seed the mappings of entities
    that have none; close the pool on exit. All of it runs under the migrations' lock, so that
    any number of processes (workers, instances) may start at once on one database.

    With `read_replica` (the serving app and its start-up check) and a
    `settings.read_database_url`, a second, read-only pool on the replica is opened too: a
    replica that cannot be reached stops start-up (DatabaseUnavailable naming the setting)."""
    network = load_network(settings)
    limits = load_limits(settings.config_dir)
    timeout = limits.database.statement_timeout_seconds
    db = await Database.connect(database_url, max_size=pool_size, statement_timeout=timeout)
    read_db: Database | None = None
    try:
        async with db.pool.acquire() as connection, migration_lock(connection):
            await apply_migrations(connection)
            await sync_registry(connection, network.registry)
            await seed_mappings(connection, network.countries)
        if read_replica and settings.read_database_url:
            read_db = await _replica(settings.read_database_url, pool_size, timeout)
        yield Hub(
            network.registry,
            network.countries,
            network.group_chart,
            network.rules,
            db,
            network.auth,
            read_db,
        )
    finally:
        if read_db is not None:
            await read_db.close()
        await db.close()


async def _replica(url: str, pool_size: int, statement_timeout: float) -> Database:
    try:
        return await Database.connect(
            url, max_size=pool_size, statement_timeout=statement_timeout, read_only=True
        )
    except DatabaseUnavailable as error:
        raise DatabaseUnavailable(
            f"the read replica (HUB_READ_DATABASE_URL): {error}", error.reason
        ) from error
