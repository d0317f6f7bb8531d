"""What the hub answers, and logs, when a request goes wrong.

- The caller's mistake (401, 403, 404, 409, 413, 422 ...): its answer, and one log line (status,
  method, path, request id, client, reason), never a traceback: a flood of bad tokens costs a
  line each.
- The database unavailable: 503 with the reason, to retry later; one log line.
- Anything else is a bug: the client gets a generic message with the request id (never the
  internal text, e.g. a PostgreSQL constraint name); the traceback is logged once, with that id.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException
from litestar.exceptions.responses import create_exception_response
from litestar.types import ExceptionHandlersMap, Message, Scope

from hub.api.request_id import request_id
from hub.db.outage import outage_reason
from hub.errors import Refusal

log = logging.getLogger("hub.http")

_REASON = "hub_failure_reason"  # why the answer is an error, for its log line
_LOGGED = "hub_failure_logged"  # the failure was logged with its traceback already
_STATUS = "hub_failure_status"  # an error answer has started; its line is logged at its end
_MAX_DETAIL_BODY = 4096

RETRY_AFTER_SECONDS = 5
_PHRASES = {status.value: status.phrase for status in HTTPStatus}
_MAX_REASON = 300


def internal_message(rid: str) -> str:
    return (
        f"internal error: the hub could not complete this request; its operators find the "
        f"cause under request id {rid}"
    )


def unavailable_message(reason: str) -> str:
    return f"the database is unavailable ({reason}): try again in a moment"


def note_reason(scope: Any, reason: str) -> None:
    """Tell the request's log line why it failed (the status alone does not)."""
    scope.setdefault("state", {})[_REASON] = reason


def log_unexpected(scope: Any, where: str, error: BaseException) -> str:
    """Log a bug's traceback once, with the request id; return the id for the client."""
    rid = request_id(scope)
    log.error(
        "%s %s request_id=%s: unexpected error in %s",
        scope.get("method", "-"),
        scope.get("path", "-"),
        rid,
        where,
        exc_info=error,
    )
    scope.setdefault("state", {})[_LOGGED] = True
    return rid


def _problem(status: int, detail: str, **extra: str) -> dict[str, Any]:
    return {"status_code": status, "detail": detail, **extra}


def http_error(request: Request[Any, Any, Any], error: HTTPException) -> Response[Any]:
    if error.status_code >= HTTPStatus.INTERNAL_SERVER_ERROR:
        return unexpected(request, error)
    note_reason(request.scope, error.detail)
    return create_exception_response(request, error)


def refused(request: Request[Any, Any, Any], error: Refusal) -> Response[Any]:
    """A refusal with an HTTP status of its own (403, 409); any other escaping a route is a bug."""
    if error.http_status is None:
        return unexpected(request, error)
    note_reason(request.scope, str(error))
    return Response({"detail": str(error)}, status_code=error.http_status)


def unexpected(request: Request[Any, Any, Any], error: Exception) -> Response[Any]:
    """Any exception no other handler took: the database being down, or a bug."""
    reason = outage_reason(error)
    if reason is not None:
        note_reason(request.scope, f"{reason} ({type(error).__name__}: {error})")
        return Response(
            _problem(
                HTTPStatus.SERVICE_UNAVAILABLE,
                unavailable_message(reason),
                request_id=request_id(request.scope),
            ),
            status_code=HTTPStatus.SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    rid = log_unexpected(request.scope, "the request", error)
    return Response(
        _problem(HTTPStatus.INTERNAL_SERVER_ERROR, internal_message(rid), request_id=rid),
        status_code=HTTPStatus.INTERNAL_SERVER_ERROR,
    )


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    HTTPException: http_error,
    Refusal: refused,
    Exception: unexpected,
}


async def log_failed_answer(message: Message, scope: Scope) -> None:
    """One line for each answer of status 400 or more (unless its traceback was logged), once
    its body is sent: a route that returns its error (rather than raise it) gives its reason as
    the body's `detail`."""
    state: dict[str, Any] = scope.setdefault("state", {})
    if message["type"] == "http.response.start":
        if message["status"] >= HTTPStatus.BAD_REQUEST and not state.get(_LOGGED):
            state[_STATUS] = message["status"]
        return
    if message["type"] != "http.response.body" or message.get("more_body", False):
        return
    status = state.pop(_STATUS, None)
    if status is None:
        return
    reason = state.get(_REASON) or _detail(message.get("body", b"")) or _PHRASES.get(status, "")
    client = scope.get("client")
    log.log(
        logging.INFO if status < HTTPStatus.INTERNAL_SERVER_ERROR else logging.WARNING,
        "%s %s %s request_id=%s client=%s: %s",
        status,
        scope.get("method", "-"),
        scope.get("path", "-"),
        request_id(scope),
        client[0] if client else "-",
        " ".join(str(reason).split())[:_MAX_REASON],
    )


def _detail(body: bytes) -> str | None:
    """The `detail` of a small JSON error body."""
    if not body.startswith(b"{") or len(body) > _MAX_DETAIL_BODY:
        return None
    try:
        detail = msgspec.json.decode(body).get("detail")
    except (msgspec.DecodeError, AttributeError):
        return None
    return detail if isinstance(detail, str) else None
