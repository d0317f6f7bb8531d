"""GraphQL errors with a machine-readable code, and the schema that attaches codes."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import strawberry

from graphql import GraphQLError
from hub.api.failures import internal_message, log_unexpected, note_reason, unavailable_message
from hub.db.outage import outage_reason
from hub.errors import Refusal


def bad_input(field: str, message: str) -> GraphQLError:
    return GraphQLError(
        f"{field}: {message}", extensions={"code": "BAD_USER_INPUT", "field": field}
    )


class HubSchema(strawberry.Schema):
    """A refusal the caller caused (hub/errors.py) carries its own code; the database being
    unavailable is DATABASE_UNAVAILABLE (and HTTP 503); anything else is a bug: INTERNAL_ERROR,
    a generic message with the request id, its traceback logged."""

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        context = getattr(execution_context, "context", None)
        request = getattr(context, "request", None)
        scope: dict[str, Any] = request.scope if request is not None else {}
        for error in errors:
            original = error.original_error
            if isinstance(original, Refusal):
                error.extensions = {**(error.extensions or {}), **original.extensions()}
            elif original is None or isinstance(original, GraphQLError):
                continue  # syntax, validation, or an error the code built with its own code
            elif error.path is None and isinstance(original, ValueError):
                # A scalar refused a value while the request was read (the Decimal scalar's
                # "not a number"): the caller's input, not a bug.
                error.extensions = {**(error.extensions or {}), "code": "BAD_USER_INPUT"}
            elif (reason := outage_reason(original)) is not None:
                error.message = unavailable_message(reason)
                error.extensions = {"code": "DATABASE_UNAVAILABLE"}
                note_reason(scope, f"{reason} ({type(original).__name__}: {original})")
                response = getattr(context, "response", None)
                if response is not None:
                    response.status_code = HTTPStatus.SERVICE_UNAVAILABLE
            else:
                where = "GraphQL " + ".".join(map(str, error.path or ["(no field)"]))
                rid = log_unexpected(scope, where, original)
                error.message = internal_message(rid)
                error.extensions = {"code": "INTERNAL_ERROR", "requestId": rid}
