"""The transport's limits of /graphql: the size of a request body and the time a request may
take. Both answer in the hub's REST shape (`detail`) and as GraphQL `errors`, with a code."""

from __future__ import annotations

import asyncio
from typing import Any

import msgspec
from litestar import Controller, Request, Response, Router
from litestar.enums import ScopeType
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.types import (
    ASGIApp,
    HTTPResponseBodyEvent,
    HTTPResponseStartEvent,
    Message,
    Receive,
    Scope,
    Send,
)

from hub.limits.config import Limits


def bounded(controller: type[Controller], limits: Limits) -> Router:
    """The GraphQL controller with its own body limit (the app's is the uploads'), the answer
    to a body over it, and the time limit of its requests."""
    return Router(
        path="/",
        route_handlers=[controller],
        request_max_body_size=limits.request.max_body_bytes,
        exception_handlers={RequestEntityTooLarge: _too_large(limits)},
        middleware=[_time_limit(limits.request.max_seconds)],
    )


def _body(message: str, code: str, limit: str) -> dict[str, Any]:
    return {
        "detail": message,
        "errors": [{"message": message, "extensions": {"code": code, "limit": limit}}],
    }


def _too_large(limits: Limits) -> Any:
    most = limits.request.max_body_bytes

    def answer(request: Request[Any, Any, Any], _error: RequestEntityTooLarge) -> Response[Any]:
        declared = request.headers.get("content-length", "")
        message = (
            f"the request body is {int(declared):,} bytes; the limit for /graphql is {most:,} bytes"
            if declared.isdigit()
            else f"the request body is over the limit for /graphql of {most:,} bytes"
        )
        return Response(_body(message, "LIMIT", "request.max_body_bytes"), status_code=413)

    return answer


def _time_limit(seconds: float) -> Any:
    message = (
        f"the request took longer than the limit of {seconds:g} s and was cancelled; "
        "narrow it (fewer entities, periods or fields) or try again later"
    )
    timed_out = msgspec.json.encode(_body(message, "TIMEOUT", "request.max_seconds"))

    def middleware(app: ASGIApp) -> ASGIApp:
        async def limited(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != ScopeType.HTTP:
                await app(scope, receive, send)
                return
            started = False

            async def watched(message: Message) -> None:
                nonlocal started
                started = started or message["type"] == "http.response.start"
                await send(message)

            # The work is cancelled at the deadline: database statements included (asyncpg
            # cancels the running query on the server).
            try:
                async with asyncio.timeout(seconds) as deadline:
                    await app(scope, receive, watched)
            except TimeoutError:
                if not deadline.expired() or started:
                    raise
                start: HTTPResponseStartEvent = {
                    "type": "http.response.start",
                    "status": 503,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(timed_out)).encode()),
                    ],
                }
                body: HTTPResponseBodyEvent = {
                    "type": "http.response.body",
                    "body": timed_out,
                    "more_body": False,
                }
                await send(start)
                await send(body)

        return limited

    return middleware
