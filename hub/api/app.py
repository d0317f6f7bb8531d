"""The Litestar application: GraphQL at /graphql, health at /health."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import msgspec
from litestar import Litestar, Request, Response, get
from litestar.datastructures import State
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.logging import LoggingConfig
from strawberry.litestar import make_graphql_controller

from hub.api.context import get_context
from hub.api.schema import build_schema
from hub.auth.policy import AccessDenied
from hub.board.http import BoardPackController
from hub.consolidation.http import ConsolidationController
from hub.excel.http import WorkbookController
from hub.fx.http import FxController
from hub.limits.config import check_coordinates, load_limits
from hub.limits.http import bounded
from hub.monitoring.http import MonitoringController
from hub.reporting.workflow import WorkflowRefusal
from hub.services import Hub, load_network, open_hub
from hub.settings import Settings
from hub.web.http import WEB_ROUTES


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
            # Everything loaded so far (schema, config, charts) lives as long as the process:
            # keep it out of the garbage collector's sweeps, which otherwise pause requests
            # that allocate thousands of values.
            gc.collect()
            gc.freeze()
            yield

    network = load_network(settings)
    limits = load_limits(settings.config_dir)
    schema = build_schema(limits)
    check_coordinates(settings.config_dir, limits, schema._schema)
    graphql = make_graphql_controller(
        schema, path="/graphql", context_getter=get_context, graphql_ide="graphiql"
    )
    return Litestar(
        route_handlers=[
            bounded(graphql, limits),
            health,
            WorkbookController,
            ConsolidationController,
            FxController,
            MonitoringController,
            BoardPackController,
            *WEB_ROUTES,
        ],
        lifespan=[lifespan],
        # A body over its limit is a refusal, not a failure: no traceback in the log for it.
        logging_config=LoggingConfig(
            log_exceptions="always", disable_stack_trace={RequestEntityTooLarge}
        ),
        exception_handlers={AccessDenied: _forbidden, WorkflowRefusal: _refused},
        # Uploads are checked against the configured limit with a clear message; this is the
        # transport's backstop for bodies sent without a length.
        request_max_body_size=network.rules.upload.max_bytes + 1_000_000,
    )


def _forbidden(_request: Request[Any, Any, Any], error: AccessDenied) -> Response[Any]:
    return Response({"detail": str(error)}, status_code=403)


def _refused(_request: Request[Any, Any, Any], error: WorkflowRefusal) -> Response[Any]:
    return Response({"detail": str(error)}, status_code=409)
