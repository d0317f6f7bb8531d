"""Every string a GraphQL request brings, in its variables or written in the query, is checked
before anything runs (`hub.text`): a NUL byte in a note is a located input error, not a database
error after half the work."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from strawberry.extensions import SchemaExtension

from graphql import (
    ArgumentNode,
    ExecutionResult,
    GraphQLError,
    ListValueNode,
    Node,
    ObjectFieldNode,
    StringValueNode,
    Visitor,
    visit,
)
from hub.text import text_problem


def _in_value(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        problem = text_problem(value)
        if problem is not None:
            yield path, problem
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _in_value(str(key), f"{path} (a key)")
            yield from _in_value(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _in_value(item, f"{path}[{index}]")


class _Literals(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []

    def enter_string_value(
        self, node: StringValueNode, _key: Any, parent: Any, _path: Any, ancestors: Any
    ) -> None:
        problem = text_problem(node.value)
        if problem is None:
            return
        names: list[str] = []
        for ancestor in [*ancestors, parent]:
            if isinstance(ancestor, (ArgumentNode, ObjectFieldNode)):
                names.append(ancestor.name.value)
            elif isinstance(ancestor, ListValueNode):
                names.append("[]")
        where = ".".join(names).replace(".[]", "[]") or "the query"
        self.found.append((where, problem))


def text_problems(document: Node | None, variables: dict[str, Any] | None) -> list[GraphQLError]:
    found = list(_in_value(variables or {}, "$"))
    found = [(path.replace("$.", "$", 1), problem) for path, problem in found]
    if document is not None:
        literals = _Literals()
        visit(document, literals)
        found += literals.found
    return [
        GraphQLError(f"{where}: {problem}", extensions={"code": "BAD_USER_INPUT", "field": where})
        for where, problem in found
    ]


class InputText(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        errors = text_problems(context.graphql_document, context.variables)
        if errors:
            context.result = ExecutionResult(data=None, errors=errors)
        yield
