"""The transport's limits of /graphql: the size of a request body and the time a request may
take. Both answer in the hub's REST shape (`detail`) and as GraphQL `errors`, with a code."""

from __future__ import annotations

import asyncio
from typing import Any

import msgspec
from litestar import Controller, Request, Response, Router
from litestar.datastructures import Headers
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
    """The GraphQL controller with its own body limit (the app's is the uploads') and the time
    limit of its requests."""
    return Router(
        path="/",
        route_handlers=[controller],
        # Bodies sent without a length are counted as they stream in, by Litestar.
        request_max_body_size=limits.request.max_body_bytes,
        exception_handlers={RequestEntityTooLarge: _streamed_too_large(limits)},
        middleware=[_guard(limits)],
    )


def _answer(message: str, code: str, limit: str) -> dict[str, Any]:
    return {
        "detail": message,
        "errors": [{"message": message, "extensions": {"code": code, "limit": limit}}],
    }


def _too_large_message(limits: Limits, declared: int | None) -> str:
    most = limits.request.max_body_bytes
    if declared is None:
        return f"the request body is over the limit for /graphql of {most:,} bytes"
    return f"the request body is {declared:,} bytes; the limit for /graphql is {most:,} bytes"


def _streamed_too_large(limits: Limits) -> Any:
    def answer(_request: Request[Any, Any, Any], _error: RequestEntityTooLarge) -> Response[Any]:
        message = _too_large_message(limits, None)
        return Response(_answer(message, "LIMIT", "request.max_body_bytes"), status_code=413)

    return answer


async def _send_json(send: Send, status: int, body: bytes) -> None:
    start: HTTPResponseStartEvent = {
        "type": "http.response.start",
        "status": status,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
    }
    end: HTTPResponseBodyEvent = {"type": "http.response.body", "body": body, "more_body": False}
    await send(start)
    await send(end)


def _guard(limits: Limits) -> Any:
    seconds = limits.request.max_seconds
    timed_out = msgspec.json.encode(
        _answer(
            f"the request took longer than the limit of {seconds:g} s and was cancelled; "
            "narrow it (fewer entities, periods or fields) or try again later",
            "TIMEOUT",
            "request.max_seconds",
        )
    )

    def middleware(app: ASGIApp) -> ASGIApp:
        async def guarded(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != ScopeType.HTTP:
                await app(scope, receive, send)
                return
            declared = Headers.from_scope(scope).get("content-length", "")
            if declared.isdigit() and int(declared) > limits.request.max_body_bytes:
                # Refused from its announced length: before authentication, before reading.
                message = _too_large_message(limits, int(declared))
                body = msgspec.json.encode(_answer(message, "LIMIT", "request.max_body_bytes"))
                await _send_json(send, 413, body)
                return
            started = False

            async def watched(message: Message) -> None:
                nonlocal started
                started = started or message["type"] == "http.response.start"
                await send(message)

            # The work is cancelled at the deadline, database statements included (asyncpg
            # cancels the running query on the server).
            try:
                async with asyncio.timeout(seconds) as deadline:
                    await app(scope, receive, watched)
            except TimeoutError:
                if not deadline.expired() or started:
                    raise
                await _send_json(send, 503, timed_out)

        return guarded

    return middleware
