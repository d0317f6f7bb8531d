"""Signing in from a browser: `POST /auth/sign-in`, `POST /auth/sign-out`, `GET /auth/me`, and the
pages `/sign-in`, `/admin` and `/finance` (static shells; their scripts call these routes and
/graphql).

Sign-in and sign-out take JSON from the pages' scripts, or a plain form: a form's answer is a
redirect (to `next`, a local path, or back to /sign-in with the error), JSON's is JSON.
"""

from __future__ import annotations

import urllib.parse
from typing import Any

import msgspec
from litestar import MediaType, Request, Response, get, post
from litestar.exceptions import NotAuthorizedException
from litestar.response import File, Redirect
from litestar.status_codes import (
    HTTP_200_OK,
    HTTP_204_NO_CONTENT,
    HTTP_303_SEE_OTHER,
    HTTP_400_BAD_REQUEST,
    HTTP_401_UNAUTHORIZED,
)
from litestar.types import ControllerRouterHandler

from hub.auth.passwords import SignInRefused, sign_in
from hub.auth.policy import Principal
from hub.auth.request import authenticate
from hub.services import Hub
from hub.web.http import SECURITY_HEADERS, STATIC
from hub.web.sessions import session_cookie, start_new_session

NOT_SIGNED_IN = "you are not signed in"
MISSING_FIELDS = "enter your user name and your password"


class Me(msgspec.Struct, frozen=True):
    name: str
    role: str
    entity: str | None

    @classmethod
    def of(cls, principal: Principal) -> Me:
        return cls(principal.name, principal.role.value, principal.entity)


class Problem(msgspec.Struct, frozen=True):
    detail: str


class Credentials(msgspec.Struct, frozen=True):
    username: str = ""
    password: str = ""
    next: str = ""


def local_path(target: str | None, default: str = "/") -> str:
    """`target` when it is a path on this hub (`/team?x=1`), else `default`: never another site
    (`//evil.example`, `https://...`, `/\\evil`)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    parts = urllib.parse.urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(c) < 0x20 for c in target):
        return default
    return target


def _is_form(request: Request[Any, Any, Any]) -> bool:
    return request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    )


async def _credentials(request: Request[Any, Any, Any]) -> Credentials | None:
    if _is_form(request):
        form = await request.form()
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
        return Credentials(
            fields.get("username", ""), fields.get("password", ""), fields.get("next", "")
        )
    try:
        return msgspec.json.decode(await request.body(), type=Credentials)
    except msgspec.DecodeError:
        return None


@post("/auth/sign-in", status_code=HTTP_200_OK, name="auth-sign-in")
async def sign_in_route(request: Request[Any, Any, Any]) -> Response[Any]:
    """Checks the user name and password and starts a session: {name, role, entity}."""
    hub: Hub = request.app.state.hub
    form = _is_form(request)
    credentials = await _credentials(request)
    if credentials is None or not credentials.username.strip() or not credentials.password:
        return _refused(form, MISSING_FIELDS, HTTP_400_BAD_REQUEST, credentials)
    async with hub.db.transaction() as connection:
        outcome = await sign_in(
            connection, credentials.username.strip(), credentials.password, hub.auth.sign_in
        )
    if isinstance(outcome, SignInRefused):
        return _refused(form, str(outcome), HTTP_401_UNAUTHORIZED, credentials)
    start_new_session(
        request.scope,
        {"user_id": outcome.principal.user_id, "signed_in_at": outcome.at.isoformat()},
    )
    await request.app.state.web.store.delete_expired()
    if form:
        return Redirect(local_path(credentials.next), status_code=HTTP_303_SEE_OTHER)
    return Response(Me.of(outcome.principal))


def _refused(
    form: bool, detail: str, status: int, credentials: Credentials | None
) -> Response[Any]:
    if not form:
        return Response(Problem(detail), status_code=status)
    query = {"error": detail}
    if credentials is not None and credentials.next:
        query["next"] = local_path(credentials.next)
    return Redirect("/sign-in?" + urllib.parse.urlencode(query), status_code=HTTP_303_SEE_OTHER)


@post("/auth/sign-out", status_code=HTTP_200_OK, name="auth-sign-out")
async def sign_out_route(request: Request[Any, Any, Any]) -> Response[Any]:
    """Ends the browser's session (its row is deleted, its cookie cleared)."""
    request.clear_session()
    if _is_form(request):
        return Redirect("/sign-in", status_code=HTTP_303_SEE_OTHER)
    return Response(None, status_code=HTTP_204_NO_CONTENT)


@get("/auth/me", name="auth-me")
async def me_route(request: Request[Any, Any, Any]) -> Me:
    """Who the session (or the bearer token) is: {name, role, entity}; 401 when nobody."""
    hub: Hub = request.app.state.hub
    if session_cookie(request.scope) is None and "authorization" not in request.headers:
        raise NotAuthorizedException(NOT_SIGNED_IN)
    return Me.of(await authenticate(request, hub, ide_page_allowed=False))


def page(path: str, file: str, name: str) -> ControllerRouterHandler:
    """A page of the hub: its static HTML shell, with the pages' security headers."""

    @get(path, include_in_schema=False, name=name)
    async def shell() -> File:
        return File(
            STATIC / file,
            filename=file,
            media_type=MediaType.HTML,
            content_disposition_type="inline",
            headers=SECURITY_HEADERS,
        )

    return shell


AUTH_ROUTES: list[ControllerRouterHandler] = [
    sign_in_route,
    sign_out_route,
    me_route,
    page("/sign-in", "sign-in.html", "web-sign-in"),
    page("/admin", "admin.html", "web-admin"),
    page("/finance", "finance.html", "web-finance"),
]
