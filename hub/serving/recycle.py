"""Keep-alive connections recycled after a number of requests, so that the workers of
`hub serve --workers N` share the load (a single process, with nobody to share with, keeps
its connections).

The workers accept connections from one socket: whichever is idle when connections arrive takes
them, often all at once (32 connections opened together all went to one of four workers; 8 all
to one of two, which then served alone while the other idled), and a keep-alive client (a load
balancer, a proxy, a busy browser) stays with that worker for as long as it keeps the
connection. Answering `Connection: close` every `REQUESTS` requests on a connection makes the
client open a new one, which an idle worker tends to accept first; the cost is one TCP connect
per `REQUESTS` requests. A worker that knows the others' loads (hub/serving/balance.py) also
closes a connection as soon as it carries more than its share. Measured in docs/performance.md
("Workers").
"""

from __future__ import annotations

from typing import cast

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from hub.serving.balance import Loads

REQUESTS = 10
# Connections that end before their last request leave their count behind: forgotten all at
# once past this many (a connection then serves up to REQUESTS more before it is recycled).
KEPT = 10_000


class ConnectionRecycler:
    """Counts the requests of each connection over every route of an app (Litestar builds its
    middleware once per route: `middleware` wraps each with the same counts)."""

    def __init__(self, requests: int = REQUESTS, loads: Loads | None = None) -> None:
        self.requests = requests
        self.loads = loads
        self.served: dict[tuple[object, ...], int] = {}

    @staticmethod
    def _connection(scope: Scope) -> tuple[object, ...] | None:
        client = scope.get("client")
        if scope["type"] != ScopeType.HTTP or client is None:
            return None
        return (*client, *(scope.get("server") or ()))

    def last_of(self, scope: Scope) -> bool:
        """Whether this request is the last its connection gets by its count."""
        key = self._connection(scope)
        if key is None:
            return False
        count = self.served.get(key, 0) + 1
        if count >= self.requests:
            self.served.pop(key, None)
            return True
        if len(self.served) >= KEPT:
            self.served.clear()
        self.served[key] = count
        return False

    def handed_on(self, scope: Scope) -> bool:
        """Whether this request's answer closes its connection because the worker is crowded
        (its count starts again on the next connection)."""
        key = self._connection(scope)
        if key is None or self.loads is None or not self.loads.crowded():
            return False
        self.served.pop(key, None)
        return True

    def middleware(self, app: ASGIApp) -> ASGIApp:
        async def recycled(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != ScopeType.HTTP:
                await app(scope, receive, send)
                return
            last = self.last_of(scope)

            async def closing(message: Message) -> None:
                if message["type"] == "http.response.start" and (last or self.handed_on(scope)):
                    kept = [h for h in message.get("headers", []) if h[0].lower() != b"connection"]
                    message = cast(
                        Message, {**message, "headers": [*kept, (b"connection", b"close")]}
                    )
                await send(message)

            loads = self.loads
            if loads is not None:
                loads.started()
            try:
                await app(scope, receive, closing)
            finally:
                if loads is not None:
                    loads.finished()

        return recycled
