"""Security headers on every answer of the hub, whatever produced it (a route, a static file, an
error, a 404 of no route): added just before the answer is sent."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

from hub.api.request_id import HEADER as REQUEST_ID_HEADER
from hub.api.request_id import request_id

# JSON, files and errors load nothing and may not be framed. Pages (the dashboard, GraphiQL) set
# their own policy, which is kept.
API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

# Set on every answer unless the route set the header itself.
DEFAULTS: dict[str, str] = {
    "content-security-policy": API_POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    # Answers carry reported figures and tokens' results: no cache keeps them. Static assets set
    # their own (revalidated) policy.
    "cache-control": "no-store",
}

# Only behind TLS: a browser remembers it for a year, and would refuse a plain-HTTP hub.
HSTS = ("strict-transport-security", "max-age=31536000")

BeforeSend = Callable[[Message, Scope], Awaitable[None]]


def security_headers(*, behind_tls: bool) -> BeforeSend:
    defaults = dict(DEFAULTS)
    if behind_tls:
        defaults[HSTS[0]] = HSTS[1]

    async def add_headers(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        headers = MutableScopeHeaders.from_message(message)
        for name, value in defaults.items():
            if name not in headers:
                headers[name] = value
        headers[REQUEST_ID_HEADER] = request_id(scope)

    return add_headers
