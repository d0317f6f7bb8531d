"""One id per HTTP request: in the `X-Request-ID` answer header, in every log line about the
request, and in the message of an unexpected error, so that a user's report finds its traceback."""

from __future__ import annotations

import re
import uuid
from typing import Any

HEADER = "x-request-id"
_STATE_KEY = "hub_request_id"

# An id set by the reverse proxy (nginx's $request_id) is kept, so that both logs agree;
# anything else a client sends is replaced, so that log lines stay plain.
_ACCEPTED = re.compile(r"[A-Za-z0-9._-]{8,64}")


def request_id(scope: Any) -> str:
    """The request's id, made on first use from the proxy's header or at random."""
    state: dict[str, Any] = scope.setdefault("state", {})
    known = state.get(_STATE_KEY)
    if isinstance(known, str):
        return known
    headers = scope.get("headers", ())
    sent = next((v.decode("latin-1") for k, v in headers if k == b"x-request-id"), "")
    made = sent if _ACCEPTED.fullmatch(sent) else uuid.uuid4().hex[:16]
    state[_STATE_KEY] = made
    return made
