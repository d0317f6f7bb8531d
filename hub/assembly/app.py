"""The Litestar application: GraphQL at /graphql, health at /health, the pages, and the browser's
sign-in (sessions and CSRF: hub/web/sessions.py)."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from http import HTTPStatus
from typing import Any

import msgspec
from litestar import Controller, Litestar, Request, Response, get
from litestar.datastructures import State
from litestar.logging import LoggingConfig
from litestar.types import Middleware
from strawberry.litestar import make_graphql_controller

from hub.api.answer_json import encode_answer
from hub.api.errors import HubSchema
from hub.api.failures import EXCEPTION_HANDLERS, log_failed_answer, note_reason
from hub.api.headers import security_headers
from hub.assembly.context import get_context
from hub.assembly.schema import build_schema
from hub.board.http import BoardPackController
from hub.consolidation.http import ConsolidationController
from hub.db.outage import outage_reason
from hub.excel.http import WorkbookController
from hub.federation.http import envelope_controller
from hub.federation.node_http import node_controller
from hub.fx.http import FxController
from hub.imports.http import import_controller
from hub.limits.config import check_coordinates, load_limits
from hub.limits.http import bounded
from hub.monitoring.http import MonitoringController
from hub.services import Hub, load_network, open_hub
from hub.settings import Settings
from hub.web.auth_http import AUTH_ROUTES
from hub.web.graphiql import graphiql_page
from hub.web.http import WEB_ROUTES
from hub.web.sessions import STORE_NAME, WebSecurity

GC_THRESHOLD = 20_000


class Health(msgspec.Struct, frozen=True):
    status: str
    database: str
    entities: int


@get("/health")
async def health(request: Request[Any, Any, State]) -> Response[Health]:
    """200 when the database answers; 503 with the reason when it does not."""
    hub: Hub = request.app.state.hub
    entities = len(hub.registry.entities)
    try:
        async with hub.db.pool.acquire() as connection:
            await connection.fetchval("select 1")
    except Exception as error:
        reason = outage_reason(error)
        if reason is None:
            raise
        note_reason(request.scope, f"{reason} ({type(error).__name__}: {error})")
        return Response(
            Health(status="unavailable", database=reason, entities=entities),
            status_code=HTTPStatus.SERVICE_UNAVAILABLE,
        )
    return Response(Health(status="ok", database="reachable", entities=entities))


def _graphql_controller(schema: HubSchema, graphiql: bool) -> type[Controller]:
    """Strawberry's controller, whose GraphiQL page (when enabled) is the hub's own."""
    base: Any = make_graphql_controller(
        schema,
        path="/graphql",
        context_getter=get_context,
        graphql_ide="graphiql" if graphiql else None,
    )

    class GraphQLController(base):  # type: ignore[misc]
        async def render_graphql_ide(self, request: Request[Any, Any, Any]) -> Response[str]:
            return graphiql_page()

        def encode_json(self, data: object) -> bytes:
            return encode_answer(data)

    return GraphQLController


def create_app(
    settings: Settings, database_url: str, *, outer: Sequence[Middleware] = ()
) -> Litestar:
    """The app opens the hub (pool, migrations, registry sync) on start and closes it on stop.
    `outer`: middleware of the serving layer, around everything else (a worker of `hub serve
    --workers N` recycles its connections: hub/serving/recycle.py)."""

    network = load_network(settings)
    web = WebSecurity.make(
        idle_seconds=network.auth.sessions.idle_seconds, behind_tls=settings.behind_tls
    )

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        async with open_hub(settings, database_url, read_replica=True) as hub:
            async with hub.db.pool.acquire() as connection:
                await web.start(connection, hub.db.pool)
            app.state.hub = hub
            # Everything loaded so far (schema, config, charts) lives as long as the process:
            # keep it out of the garbage collector's sweeps, which otherwise pause requests
            # that allocate thousands of values.
            gc.collect()
            gc.freeze()
            # A comparison allocates some 30,000 lists, records and dicts, almost none in a
            # cycle: at the default threshold (700) the collector ran some 40 times a request,
            # a fifth of the arithmetic's time (docs/performance.md). Cycles still go, a
            # request's worth of objects later.
            gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])
            yield

    limits = load_limits(settings.config_dir)
    schema = build_schema(limits)
    check_coordinates(settings.config_dir, limits, schema._schema)
    return Litestar(
        route_handlers=[
            bounded(_graphql_controller(schema, settings.graphiql), limits),
            health,
            WorkbookController,
            import_controller(network.rules.upload.max_import_bytes),
            envelope_controller(network.rules.upload.max_import_bytes),
            node_controller(settings.config_dir),
            ConsolidationController,
            FxController,
            MonitoringController,
            BoardPackController,
            *WEB_ROUTES,
            *AUTH_ROUTES,
        ],
        lifespan=[lifespan],
        state=State({"graphiql": settings.graphiql, "web": web}),
        middleware=[*outer, *web.middleware],
        stores={STORE_NAME: web.store},
        # Failures are logged by hub.api.failures: one line for a client's mistake, one
        # traceback for a bug; Litestar's own traceback for every exception would repeat them.
        logging_config=LoggingConfig(log_exceptions="never"),
        exception_handlers=EXCEPTION_HANDLERS,
        before_send=[security_headers(behind_tls=settings.behind_tls), log_failed_answer],
        # No /schema (OpenAPI) pages: they load their scripts from a CDN; the REST routes are few
        # and documented in docs/api.md.
        openapi_config=None,
        # Uploads are checked against the configured limit with a clear message; this is the
        # transport's backstop for bodies sent without a length.
        request_max_body_size=network.rules.upload.max_bytes + 1_000_000,
    )
