"""Per-request GraphQL context: the caller, the hub, and fresh DataLoaders."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import strawberry
from litestar import Request
from litestar.exceptions import NotAuthorizedException, NotFoundException
from strawberry.dataloader import DataLoader
from strawberry.litestar import BaseContext

from hub.auth.policy import Principal, draft_readers
from hub.auth.tokens import TokenRefused, authenticate_token
from hub.imports.repository import SourceFile
from hub.imports.repository import sources as import_sources
from hub.reporting.loaders import (
    KpiValueKey,
    load_findings,
    load_kpi_values,
    load_submissions,
)
from hub.reporting.model import KpiValue, StoredFinding, Submission
from hub.services import Hub
from hub.web.graphiql import GRAPHIQL_OFF


@dataclass(slots=True)
class Loaders:
    """Created for each request, so that no cache outlives it."""

    kpi_values: DataLoader[KpiValueKey, list[KpiValue]]
    submissions: DataLoader[int, Submission]
    findings: DataLoader[int, list[StoredFinding]]
    source_files: DataLoader[int, SourceFile | None]


def make_loaders(hub: Hub, principal: Principal | None) -> Loaders:
    drafts = [] if principal is None else draft_readers(principal, list(hub.registry.entities))

    async def kpi_values(keys: list[KpiValueKey]) -> list[list[KpiValue]]:
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


class HubContext(BaseContext, kw_only=True):
    hub: Hub
    principal: Principal | None
    loaders: Loaders

    @property
    def caller(self) -> Principal:
        if self.principal is None:  # only the GraphiQL page is served without a token
            raise NotAuthorizedException("a bearer token is required")
        return self.principal


Info = strawberry.Info[HubContext, None]


def _bearer(request: Request[Any, Any, Any]) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _is_ide_page(request: Request[Any, Any, Any]) -> bool:
    return (
        request.method == "GET"
        and "query" not in request.query_params
        and "text/html" in request.headers.get("accept", "")
    )


async def authenticate(
    request: Request[Any, Any, Any], hub: Hub, *, ide_page_allowed: bool
) -> Principal:
    """The caller behind the request's bearer token; 401 when there is none, or it is unknown,
    expired, revoked or its user disabled (the message says which).
    With `ide_page_allowed`, the GraphiQL page itself is served to anyone (raises `IdePage`)."""
    token = _bearer(request)
    if token is None:
        if ide_page_allowed and _is_ide_page(request):
            raise IdePage
        raise NotAuthorizedException(
            "missing bearer token: send 'Authorization: Bearer <token>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    try:
        async with hub.db.pool.acquire() as connection:
            return await authenticate_token(connection, token, hub.auth.tokens.last_used_resolution)
    except TokenRefused as refused:
        raise NotAuthorizedException(str(refused), headers={"WWW-Authenticate": "Bearer"}) from None


class IdePage(Exception):
    """The request only asks for the GraphiQL page."""


async def get_context(request: Request[Any, Any, Any]) -> HubContext:
    hub: Hub = request.app.state.hub
    principal: Principal | None
    try:
        principal = await authenticate(request, hub, ide_page_allowed=True)
    except IdePage:
        if not request.app.state.graphiql:
            raise NotFoundException(GRAPHIQL_OFF) from None
        principal = None
    return HubContext(hub=hub, principal=principal, loaders=make_loaders(hub, principal))
