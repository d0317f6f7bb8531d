"""Who sends a request: the caller behind its bearer token, else its browser session."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.exceptions import NotAuthorizedException

from hub.auth.passwords import EXPIRED, SessionRefused, session_user
from hub.auth.policy import Principal
from hub.auth.tokens import TokenRefused, authenticate_token
from hub.services import Hub
from hub.web.sessions import session_cookie, session_moment


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
