"""GraphQL errors with a machine-readable code, and the schema that attaches codes."""

from __future__ import annotations

import logging
from typing import Any

import strawberry

from graphql import GraphQLError
from hub.auth.policy import AccessDenied
from hub.consolidation.model import ConsolidationError
from hub.contributions.service import ContributionError
from hub.investments.model import InvestmentError
from hub.reporting.workflow import WorkflowRefusal

log = logging.getLogger("hub.api")

# Exceptions a caller caused, and the code their GraphQL error carries. Anything else is a bug:
# it is logged with its traceback.
EXPECTED: dict[type[Exception], str] = {
    AccessDenied: "FORBIDDEN",
    WorkflowRefusal: "WORKFLOW",
    ConsolidationError: "CONSOLIDATION",
    ContributionError: "BAD_USER_INPUT",
    InvestmentError: "INVESTMENT",
}


def bad_input(field: str, message: str) -> GraphQLError:
    return GraphQLError(
        f"{field}: {message}", extensions={"code": "BAD_USER_INPUT", "field": field}
    )


class HubSchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        for error in errors:
            original = error.original_error
            code = next((c for t, c in EXPECTED.items() if isinstance(original, t)), None)
            if code is not None:
                error.extensions = {**(error.extensions or {}), "code": code}
                if isinstance(original, ConsolidationError):
                    error.extensions["problems"] = original.problems
            elif original is not None and not isinstance(original, GraphQLError):
                log.error("unexpected error in %s", error.path, exc_info=original)
