"""Each GraphQL request's context: its caller authenticated, and DataLoaders built fresh for it
from the capabilities' repositories (the type resolvers see is hub/context.py)."""

from __future__ import annotations

from typing import Any

import asyncpg
from litestar import Request
from litestar.exceptions import NotFoundException
from strawberry.dataloader import DataLoader

from hub.auth.policy import Principal, draft_readers
from hub.auth.request import IdePage, authenticate
from hub.context import HubContext, Loaders
from hub.imports.repository import SourceFile
from hub.imports.repository import sources as import_sources
from hub.reporting.loaders import (
    KpiValueKey,
    load_findings,
    load_kpi_values,
    load_submissions,
)
from hub.reporting.model import StoredFinding, Submission
from hub.services import Hub, reads_for
from hub.web.graphiql import GRAPHIQL_OFF


def make_loaders(hub: Hub, principal: Principal | None) -> Loaders:
    drafts = [] if principal is None else draft_readers(principal, list(hub.registry.entities))

    async def kpi_values(keys: list[KpiValueKey]) -> list[list[asyncpg.Record]]:
        return await load_kpi_values(hub.db, drafts, keys)

    async def submissions(ids: list[int]) -> list[Submission]:
        return await load_submissions(hub.db, ids)

    async def findings(ids: list[int]) -> list[list[StoredFinding]]:
        return await load_findings(hub.db, ids)

    async def source_files(ids: list[int]) -> list[SourceFile | None]:
        async with hub.db.pool.acquire() as connection:
            found = await import_sources(connection, ids)
        return [found.get(i) for i in ids]

    return Loaders(
        DataLoader(load_fn=kpi_values),
        DataLoader(load_fn=submissions),
        DataLoader(load_fn=findings),
        DataLoader(load_fn=source_files),
    )


async def get_context(request: Request[Any, Any, Any]) -> HubContext:
    hub: Hub = request.app.state.hub
    principal: Principal | None
    try:
        principal = await authenticate(request, hub, ide_page_allowed=True)
    except IdePage:
        if not request.app.state.graphiql:
            raise NotFoundException(GRAPHIQL_OFF) from None
        principal = None
    hub = reads_for(hub, principal)  # the board's reads: from the replica, when there is one
    return HubContext(hub=hub, principal=principal, loaders=make_loaders(hub, principal))
