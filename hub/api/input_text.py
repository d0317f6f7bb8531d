"""Every string a GraphQL request brings, in its variables or written in the query, is checked
before anything runs (`hub.text`): a NUL byte in a note is a located input error, not a database
error after half the work.

The strings written in the query are the same for the same query text, and clients send the
same few texts again and again: their verdict is kept by text (a bounded LRU, like the parsed
documents of hub/limits/documents.py), so the document is walked once per text, not once per
request. The variables are checked on every request.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
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


Found = tuple[tuple[str, str], ...]  # (where, problem) for each bad string


def _in_document(document: Node) -> Found:
    literals = _Literals()
    visit(document, literals)
    return tuple(literals.found)


class LiteralVerdicts:
    """Query text -> the bad strings written in it (usually none), the last `size` texts."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self._found: OrderedDict[str, Found] = OrderedDict()
        self._lock = threading.Lock()  # workers are processes, but a test may use threads

    def of(self, query: str, document: Node) -> Found:
        with self._lock:
            found = self._found.get(query)
            if found is not None:
                self._found.move_to_end(query)
                return found
        found = _in_document(document)
        with self._lock:
            self._found[query] = found
            while len(self._found) > self.size:
                self._found.popitem(last=False)
        return found

    def __len__(self) -> int:
        return len(self._found)


VERDICTS = LiteralVerdicts()


def text_problems(
    document: Node | None,
    variables: dict[str, Any] | None,
    query: str | None = None,
    verdicts: LiteralVerdicts | None = VERDICTS,
) -> list[GraphQLError]:
    """The request's bad strings as located input errors. With the query text (and
    `verdicts`), the document's own strings are judged once per text."""
    found = list(_in_value(variables or {}, "$"))
    found = [(path.replace("$.", "$", 1), problem) for path, problem in found]
    if document is not None:
        if query is None or verdicts is None:
            found += _in_document(document)
        else:
            found += verdicts.of(query, document)
    return [
        GraphQLError(f"{where}: {problem}", extensions={"code": "BAD_USER_INPUT", "field": where})
        for where, problem in found
    ]


class InputText(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        errors = text_problems(context.graphql_document, context.variables, context.query)
        if errors:
            context.result = ExecutionResult(data=None, errors=errors)
        yield
