"""The Strawberry extension that refuses a GraphQL request over its limits before it runs.

Parsing stops at `max_tokens`; the parsed document is measured (depth, aliases, estimated cost,
list lengths, variables included) before graphql-core's own validation, whose rules are not
all linear in the document's size; a refused request never reaches validation or execution.

A query text seen before comes parsed and validated from the schema's `DocumentCache`
(hub/limits/documents.py): only its measure is taken again, on every request.
"""

from __future__ import annotations

from collections.abc import Iterator

import asyncpg
from strawberry.extensions import SchemaExtension

from graphql import DocumentNode, GraphQLError, GraphQLSyntaxError, parse
from hub.limits.config import Limits
from hub.limits.documents import DocumentCache
from hub.limits.measure import COST_CEILING, Measure, measure

CODE = "LIMIT"


def limit_error(message: str, limit: str, value: int, maximum: int) -> GraphQLError:
    return GraphQLError(
        message, extensions={"code": CODE, "limit": limit, "value": value, "max": maximum}
    )


def refusals(found: Measure, limits: Limits) -> list[GraphQLError]:
    query = limits.query
    errors = []
    if found.depth > query.max_depth:
        errors.append(
            limit_error(
                f"the query is {found.depth} levels deep; the limit is {query.max_depth}",
                "query.max_depth",
                found.depth,
                query.max_depth,
            )
        )
    if found.aliases > query.max_aliases:
        errors.append(
            limit_error(
                f"the query has {found.aliases:,} aliases; the limit is {query.max_aliases:,}",
                "query.max_aliases",
                found.aliases,
                query.max_aliases,
            )
        )
    if found.repeats > query.max_field_repeats:
        errors.append(
            limit_error(
                f"{found.repeated} is selected {found.repeats:,} times at the same place; "
                f"the limit is {query.max_field_repeats:,}",
                "query.max_field_repeats",
                found.repeats,
                query.max_field_repeats,
            )
        )
    if found.cost > query.max_cost:
        cost = f"over {COST_CEILING:,}" if found.cost >= COST_CEILING else f"{found.cost:,}"
        errors.append(
            limit_error(
                f"the query's estimated cost is {cost}; the limit is {query.max_cost:,} "
                "(each field counts 1, or its own cost, times the expected size of the lists "
                "around it)",
                "query.max_cost",
                found.cost,
                query.max_cost,
            )
        )
    for long in found.long_lists:
        error = limit_error(
            f"{long.where} has {long.items:,} items; the limit for {long.coordinate} "
            f"is {long.limit:,}",
            "lists.max_items",
            long.items,
            long.limit,
        )
        error.extensions["coordinate"] = long.coordinate  # type: ignore[index]
        errors.append(error)
    return errors


class RequestLimitsExtension(SchemaExtension):
    """Created for each request (Strawberry is given a factory, not a shared instance)."""

    def __init__(self, *, limits: Limits, documents: DocumentCache | None = None) -> None:
        self.limits = limits
        self.documents = documents
        self.cached = False  # this request's document came from the cache

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is None and context.query:
            known = None if self.documents is None else self.documents.get(context.query)
            self.cached = known is not None
            context.graphql_document = known or self._parse(context.query)
        yield

    def _parse(self, query: str) -> DocumentNode:
        most = self.limits.query.max_tokens
        try:
            return parse(query, max_lexical_tokens=most, max_comments=most)
        except GraphQLSyntaxError as error:
            if "Parsing aborted" not in error.message or "nested too deeply" in error.message:
                raise
            what = "comments" if "comments" in error.message else "tokens"
            raise limit_error(
                f"the query has more than {most:,} {what}; the limit is {most:,}",
                "query.max_tokens",
                most + 1,
                most,
            ) from None

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is not None and context.pre_execution_errors is None:
            found = measure(
                context.schema._schema, context.graphql_document, context.variables, self.limits
            )
            errors = refusals(found, self.limits)
            if errors:
                # Set before validation runs: Strawberry then skips validation and execution.
                context.pre_execution_errors = errors
            elif self.cached:
                # Validated when it entered the cache: an empty list skips validation.
                context.pre_execution_errors = []
        yield
        if (
            not self.cached
            and self.documents is not None
            and context.query
            and context.graphql_document is not None
            and context.pre_execution_errors == []
        ):
            self.documents.validated(context.query, context.graphql_document)

    def on_execute(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        seconds = self.limits.database.statement_timeout_seconds
        for error in getattr(result, "errors", None) or ():
            if isinstance(error.original_error, asyncpg.QueryCanceledError):
                error.message = (
                    f"a database statement ran longer than the limit of {seconds:g} s "
                    "and was cancelled"
                )
                error.extensions = {
                    **(error.extensions or {}),
                    "code": "TIMEOUT",
                    "limit": "database.statement_timeout_seconds",
                }
