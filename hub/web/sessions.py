"""Browser sessions and CSRF protection, with Litestar's own middleware.

Sessions: Litestar's server-side sessions (`ServerSideSessionConfig`) in PostgreSQL
(`PostgresStore`), in cookie `hub_session` (HttpOnly, SameSite=Lax, Secure behind TLS). The
backend differs from Litestar's in three ways, each for a reason:
- a request without a session writes nothing and sets no cookie (Litestar's would store an
  empty session for every API call and every anonymous visitor);
- the cookie has no Max-Age: the browser keeps it until it closes, and the hub decides when the
  session has expired, so that it can say so rather than act as if nobody had signed in;
- signing in starts a new session id (`start_new_session`): an id planted before the sign-in
  (session fixation) is worth nothing after it.

CSRF: Litestar's double-submit check (cookie `csrftoken`, header `X-CSRFToken`, or the form field
`_csrf_token` of a URL-encoded form) on every unsafe request that carries the session cookie,
and on the sign-in itself. A request with a bearer token is an API client's (a page on another
site cannot set the Authorization header) and one with no session cookie cannot act as anyone
by cookie: neither is checked, so scripts and API clients work as before.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from litestar.config.csrf import CSRFConfig
from litestar.connection import ASGIConnection, Request
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.enums import RequestEncodingType, ScopeType
from litestar.exceptions import PermissionDeniedException
from litestar.middleware import DefineMiddleware
from litestar.middleware.csrf import CSRFMiddleware, generate_csrf_token
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)
from litestar.types import Empty, Message, Receive, Scope, ScopeSession, Send
from litestar.utils.scope.state import ScopeState

from hub.db.pool import Connection
from hub.web.session_store import PostgresStore

SESSION_COOKIE = "hub_session"
CSRF_COOKIE = "csrftoken"
CSRF_HEADER = "x-csrftoken"
CSRF_FIELD = "_csrf_token"
STORE_NAME = "hub_sessions"
SIGN_IN_PATH = "/auth/sign-in"

CSRF_REFUSED = (
    "this page's security token (CSRF) is missing or wrong: reload the page and try again"
)

# The scope key that asks the backend for a new session id (see `start_new_session`).
_NEW_ID = "hub_new_session_id"

# Requests the session middleware leaves alone: static files, the health check.
NO_SESSION_PATHS = ["^/static/", "^/health$", "^/favicon"]


class HubSessionBackend(ServerSideSessionBackend):
    async def store_in_message(
        self,
        scope_session: ScopeSession,
        message: Message,
        connection: ASGIConnection[Any, Any, Any, Any],
    ) -> None:
        store = self.config.get_store_from_app(connection.scope["app"])
        headers = MutableScopeHeaders.from_message(message)
        old_id = connection.cookies.get(self.config.key)
        if old_id == "null":
            old_id = None
        if scope_session is Empty or not scope_session:
            if old_id is not None:
                await self.delete(old_id, store=store)
                headers.add("Set-Cookie", self._cookie("null", expires=0))
            return
        session_id = old_id
        if session_id is None or connection.scope.get("state", {}).get(_NEW_ID):
            if session_id is not None:
                await self.delete(session_id, store=store)
            session_id = self.generate_session_id()
        await self.set(session_id, self.serialize_data(scope_session, connection.scope), store)
        if session_id != old_id:
            headers.add("Set-Cookie", self._cookie(session_id))

    def _cookie(self, value: str, expires: int | None = None) -> str:
        return Cookie(
            key=self.config.key,
            value=value,
            expires=expires,
            path=self.config.path,
            domain=self.config.domain,
            secure=self.config.secure,
            httponly=self.config.httponly,
            samesite=self.config.samesite,
        ).to_header(header="")


@dataclass
class HubSessionConfig(ServerSideSessionConfig):
    _backend_class = HubSessionBackend


def start_new_session(scope: Scope, data: dict[str, Any]) -> None:
    """The request's session becomes `data`, under a new id (sent as the cookie)."""
    scope["session"] = data
    scope.setdefault("state", {})[_NEW_ID] = True


def session_cookie(scope: Scope) -> str | None:
    """The request's session cookie (live or not), None when it has none."""
    for name, value in scope.get("headers", ()):
        if name != b"cookie":
            continue
        for pair in value.decode("latin-1").split(";"):
            key, _, found = pair.strip().partition("=")
            if key == SESSION_COOKIE and found and found != "null":
                return found
    return None


def has_bearer(scope: Scope) -> bool:
    return any(
        name == b"authorization" and value[:7].lower() == b"bearer "
        for name, value in scope.get("headers", ())
    )


class HubCSRFMiddleware(CSRFMiddleware):
    """Litestar's CSRF check, on the requests that a page on another site could forge with the
    person's cookie; refused in the person's words."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await super().__call__(scope, receive, send)
            return
        if scope["method"] in self.config.safe_methods:
            await self._safe(scope, receive, send)
            return
        exempt = has_bearer(scope) or (
            session_cookie(scope) is None and scope["path"] != SIGN_IN_PATH
        )
        if exempt:
            await self.app(scope, receive, send)
            return
        request = scope["litestar_app"].request_class(scope=scope, receive=receive)
        cookie = request.cookies.get(self.config.cookie_name)
        sent = request.headers.get(self.config.header_name)
        if not sent and request.content_type[0] == RequestEncodingType.URL_ENCODED:
            field = (await request.form()).get(CSRF_FIELD)
            sent = field if isinstance(field, str) else None
        if not (sent and cookie and self._csrf_tokens_match(sent, cookie)):
            raise PermissionDeniedException(CSRF_REFUSED)
        ScopeState.from_scope(scope).csrf_token = sent
        await self.app(scope, receive, send)

    async def _safe(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Litestar's handling of a safe request, except that a cookie the hub did not sign
        (forged, or from before the secret changed) is replaced by a new token, as if there were
        none: otherwise it stays for good, and reloading the page, as the refusal asks, would
        not help."""
        cookie = Request[Any, Any, Any](scope=scope).cookies.get(self.config.cookie_name)
        if cookie is None or self._decode_csrf_token(cookie) is not None:
            await super().__call__(scope, receive, send)
            return
        token = generate_csrf_token(secret=self.config.secret)
        ScopeState.from_scope(scope).csrf_token = token
        await self.app(scope, receive, self.create_send_wrapper(send, token, csrf_cookie=None))


@dataclass(frozen=True, slots=True)
class WebSecurity:
    """The middleware and store of browser sessions, made when the app is built; `start` hands
    them the database once the hub is open."""

    store: PostgresStore
    session: HubSessionConfig
    csrf: CSRFConfig

    @classmethod
    def make(cls, *, idle_seconds: int, behind_tls: bool) -> WebSecurity:
        return cls(
            store=PostgresStore(),
            session=HubSessionConfig(
                key=SESSION_COOKIE,
                max_age=idle_seconds,
                secure=behind_tls,
                httponly=True,
                samesite="lax",
                store=STORE_NAME,
                exclude=NO_SESSION_PATHS,
            ),
            # The secret is the database's (`start`), shared by every process of the hub.
            csrf=CSRFConfig(
                secret=secrets.token_hex(32),
                cookie_name=CSRF_COOKIE,
                header_name=CSRF_HEADER,
                cookie_secure=behind_tls,
                cookie_httponly=False,  # the pages' scripts read it to send it back
                cookie_samesite="lax",
            ),
        )

    @property
    def middleware(self) -> list[DefineMiddleware]:
        return [self.session.middleware, DefineMiddleware(HubCSRFMiddleware, config=self.csrf)]

    async def start(self, connection: Connection, pool: Any) -> None:
        self.store.bind(pool)
        self.csrf.secret = await shared_secret(connection, "csrf")
        await self.store.delete_expired()


async def shared_secret(connection: Connection, name: str) -> str:
    """The secret called `name`, made by the first process that asks."""
    await connection.execute(
        "insert into web_secret (name, value) values ($1, $2) on conflict (name) do nothing",
        name,
        secrets.token_hex(32),
    )
    value: str = await connection.fetchval("select value from web_secret where name = $1", name)
    return value


def session_moment(value: object) -> dt.datetime | None:
    """The sign-in moment stored in a session, or None when it is not one."""
    if not isinstance(value, str):
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        return None
