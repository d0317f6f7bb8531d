"""Per-request GraphQL context: the caller, the hub, and fresh DataLoaders."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import strawberry
from litestar import Request
from litestar.exceptions import NotAuthorizedException, NotFoundException
from strawberry.dataloader import DataLoader
from strawberry.litestar import BaseContext

from hub.auth.passwords import EXPIRED, SessionRefused, session_user
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
from hub.web.sessions import session_cookie, session_moment


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


MISSING = "missing bearer token: send 'Authorization: Bearer <token>'"


async def authenticate(
    request: Request[Any, Any, Any], hub: Hub, *, ide_page_allowed: bool
) -> Principal:
    """The caller behind the request's bearer token, or else its browser session; 401 when there
    is neither, or the token is unknown, expired, revoked or its user disabled, or the session
    has expired or its user was disabled (the message says which).
    With `ide_page_allowed`, the GraphiQL page itself is served to anyone (raises `IdePage`)."""
    token = _bearer(request)
    if token is None and session_cookie(request.scope) is not None:
        return await _session_principal(request, hub)
    if token is None:
        if ide_page_allowed and _is_ide_page(request):
            raise IdePage
        raise NotAuthorizedException(MISSING, headers={"WWW-Authenticate": "Bearer"})
    try:
        async with hub.db.pool.acquire() as connection:
            return await authenticate_token(connection, token, hub.auth.tokens.last_used_resolution)
    except TokenRefused as refused:
        raise NotAuthorizedException(str(refused), headers={"WWW-Authenticate": "Bearer"}) from None


async def _session_principal(request: Request[Any, Any, Any], hub: Hub) -> Principal:
    """The user of the session cookie's session. A session that cannot be used any more is
    ended (its cookie cleared with the answer)."""
    found = request.scope.get("session")
    session: dict[str, Any] = found if isinstance(found, dict) else {}
    user_id = session.get("user_id")
    signed_in_at = session_moment(session.get("signed_in_at"))
    try:
        if not isinstance(user_id, int) or signed_in_at is None:
            raise SessionRefused(EXPIRED)
        async with hub.db.pool.acquire() as connection:
            return await session_user(connection, user_id, signed_in_at)
    except SessionRefused as refused:
        request.clear_session()
        raise NotAuthorizedException(str(refused)) from None


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
