"""The Litestar application: GraphQL at /graphql, health at /health."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import msgspec
from litestar import Litestar, get
from litestar.datastructures import State
from strawberry.litestar import make_graphql_controller

from hub.api.context import get_context
from hub.api.schema import build_schema
from hub.services import Hub, open_hub
from hub.settings import Settings


class Health(msgspec.Struct, frozen=True):
    status: str
    database: str
    entities: int


@get("/health")
async def health(state: State) -> Health:
    hub: Hub = state.hub
    async with hub.db.pool.acquire() as connection:
        await connection.fetchval("select 1")
    return Health(status="ok", database="reachable", entities=len(hub.registry.entities))


def create_app(settings: Settings, database_url: str) -> Litestar:
    """The app opens the hub (pool, migrations, registry sync) on start and closes it on stop."""

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        async with open_hub(settings, database_url) as hub:
            app.state.hub = hub
            yield

    graphql = make_graphql_controller(
        build_schema(), path="/graphql", context_getter=get_context, graphql_ide="graphiql"
    )
    return Litestar(route_handlers=[graphql, health], lifespan=[lifespan])
