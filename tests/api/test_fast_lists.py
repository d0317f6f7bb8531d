"""The fast path for lists of plain objects (hub/api/execution.py) answers exactly what
graphql-core answers: the same data and the same errors, over the demo network's real figures
and over a small schema made to produce nulls where none may be and scalars that refuse."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, NewType

import pytest
import strawberry
from strawberry.schema.config import StrawberryConfig

from graphql import ExecutionResult
from hub.api import execution
from hub.api.execution import FastListExecutor
from hub.assembly.context import make_loaders
from hub.assembly.schema import build_schema
from hub.auth.policy import Role
from hub.auth.tokens import principal_for_token
from hub.auth.users import upsert_user
from hub.context import HubContext
from hub.demo.load import load_demo_data
from hub.services import Hub

KPI_FIELDS = "entity period kpi amount currency unit provenance note version"
QUERIES: list[tuple[str, dict[str, Any]]] = [
    (f"{{ kpiValues {{ {KPI_FIELDS} }} }}", {}),
    (f'{{ kpiValues(entity: ["DE", "SE"], period: ["2024"]) {{ {KPI_FIELDS} __typename }} }}', {}),
    ("{ kpiValues { a: amount b: amount kpi amount } }", {}),
    (
        "query Q($all: Boolean!) { kpiValues { kpi amount @include(if: $all) "
        "currency @skip(if: $all) ...F } } fragment F on KpiValue { note version kpi }",
        {"all": True},
    ),
    (
        "query Q($all: Boolean!) { kpiValues { kpi amount @include(if: $all) "
        "currency @skip(if: $all) ... on KpiValue { note } } }",
        {"all": False},
    ),
    ('{ kpiValues(kpi: ["turnover"]) { amount submission { version entity } } }', {}),
    ("query Q($all: Boolean!) { kpiValues { kpi @skip(if: $all) } }", {"all": True}),
    ('{ entities { code kpiValues(period: ["2024"]) { kpi amount unit } } }', {}),
    ('{ kpiValues(period: ["20x4"]) { amount } }', {}),
    ('{ kpiValues(kpi: ["nonsense"]) { amount } }', {}),
    ("{ submissions { id entity period dataset version author source comment } }", {}),
    ("{ reports { entity period dataset status } }", {}),
]


def comparable(result: ExecutionResult | strawberry.types.ExecutionResult) -> Any:
    return result.data, [e.formatted for e in result.errors or ()]


@pytest.fixture
def fast_lists(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The length of each list the fast path completed (it still does the work): a field at a
    time (`_by_columns`, from a resolver's `Rows` or from objects), or item by item."""
    lengths: list[int] = []
    by_columns, complete_fast = execution._by_columns, FastListExecutor._complete_fast

    def columns(*args: Any) -> Any:
        found = by_columns(*args)
        if found is not None:
            lengths.append(len(found))
        return found

    def items(self: FastListExecutor, *args: Any) -> Any:
        at = len(lengths)
        lengths.append(len(args[-1]))
        try:
            return complete_fast(self, *args)  # may raise: a null where none may be
        finally:
            if len(lengths) > at + 1:  # already counted, a field at a time
                del lengths[at]

    monkeypatch.setattr(execution, "_by_columns", columns)
    monkeypatch.setattr(FastListExecutor, "_complete_fast", items)
    return lengths


@pytest.fixture
async def demo(hub: Hub) -> Hub:
    await load_demo_data(hub)
    return hub


@pytest.mark.parametrize("role", [Role.BOARD, Role.NATIONAL])
async def test_the_hubs_queries_answer_the_same_with_and_without_the_fast_path(
    demo: Hub, role: Role, fast_lists: list[int]
) -> None:
    async with demo.db.transaction() as connection:
        token = await upsert_user(
            connection, "reader", role, "SE" if role is Role.NATIONAL else None
        )
        principal = await principal_for_token(connection, token)
    fast, slow = build_schema(), build_schema(fast_lists=False)
    assert fast.execution_context_class is FastListExecutor
    rows = 0
    for query, variables in QUERIES:
        answers = []
        for schema in (fast, slow):
            context = HubContext(
                hub=demo, principal=principal, loaders=make_loaders(demo, principal)
            )
            answers.append(
                comparable(await schema.execute(query, variables, context_value=context))
            )
        assert answers[0] == answers[1], query
        if answers[0][0] and "kpiValues" in answers[0][0]:
            rows += len(answers[0][0]["kpiValues"])
    assert rows > 100  # the demo's figures were there to compare
    assert sum(fast_lists) >= rows  # and went the fast way


class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


def refuse_thirteen(value: int) -> int:
    if value == 13:
        raise ValueError("13 is refused")
    return value


Lucky = NewType("Lucky", int)
# as the hub declares its scalars (hub/assembly/schema.py): by a map in the schema's config
CONFIG = StrawberryConfig(
    scalar_map={Lucky: strawberry.scalar(name="Lucky", serialize=refuse_thirteen, parse_value=int)}
)


@strawberry.type
class Row:
    name: str  # non-null: a None here is an error that nulls the item
    note: str | None
    colour: Colour
    lucky: Lucky


@dataclass
class Plain:
    name: Any
    note: Any
    colour: Any
    lucky: Any


@strawberry.type
class Query:
    @strawberry.field
    def rows(self) -> list[Row | None]:
        found: list[Any] = [
            Plain("a", None, Colour.RED, 1),
            None,
            Plain(None, "n", Colour.BLUE, 2),
            Plain("d", "x", "not a colour", 3),
            Plain("e", "y", Colour.RED, 13),
            Plain("f", 5, Colour.BLUE, 4),
        ]
        return found

    @strawberry.field
    def strict_rows(self) -> list[Row]:
        found: list[Any] = [Plain("a", None, Colour.RED, 1), Plain(None, "n", Colour.BLUE, 2)]
        return found

    @strawberry.field
    def own_rows(self) -> list[Row | None]:
        """Items of the type's own class: the path that completes a field at a time."""
        return [
            Row(name="a", note=None, colour=Colour.RED, lucky=Lucky(1)),
            Row(name="b", note="n", colour=Colour.BLUE, lucky=Lucky(2)),
        ]

    @strawberry.field
    def own_odd_rows(self, odd: str) -> list[Row | None]:
        """Own-class items with one odd value each: a null where none may be, a value the
        enum or the scalar refuses, a number where text is expected."""
        rows = [Row(name="a", note=None, colour=Colour.RED, lucky=Lucky(1))]
        oddity: dict[str, Any] = {
            "null name": {"name": None},
            "colour": {"colour": "not a colour"},
            "thirteen": {"lucky": 13},
            "number note": {"note": 5},
        }
        fields = {"name": "b", "note": "n", "colour": Colour.BLUE, "lucky": 2} | oddity[odd]
        rows.append(Row(**fields))
        return list(rows)

    @strawberry.field
    async def async_rows(self) -> list[Row | None]:
        found: list[Any] = [Plain("a", None, Colour.RED, 1), Plain("b", None, Colour.RED, 13)]
        return found


@pytest.mark.parametrize(
    "query",
    [
        "{ rows { name note colour lucky __typename } }",
        "{ rows { note colour } }",
        "{ strictRows { name note } }",
        "{ strictRows { note } }",
        "{ asyncRows { name lucky } rows { lucky } }",
    ],
)
async def test_nulls_and_refused_values_give_graphql_cores_errors(
    query: str, fast_lists: list[int]
) -> None:
    fast = strawberry.Schema(query=Query, execution_context_class=FastListExecutor, config=CONFIG)
    slow = strawberry.Schema(query=Query, config=CONFIG)
    answers = [comparable(await schema.execute(query)) for schema in (fast, slow)]
    assert answers[0] == answers[1]
    assert fast_lists  # the fast path was taken, and left the odd items to graphql-core
    if "name" in query or "lucky" in query or "colour" in query:
        assert answers[0][1], "this query was made to produce errors"


@pytest.mark.parametrize(
    ("query", "errors", "by_columns"),
    [
        ("{ ownRows { name note colour lucky __typename } }", 0, True),
        ('{ ownOddRows(odd: "number note") { note } }', 0, True),  # "5", as graphql-core says
        ('{ ownOddRows(odd: "null name") { name note } }', 1, False),
        ('{ ownOddRows(odd: "colour") { name colour } }', 1, False),
        ('{ ownOddRows(odd: "thirteen") { lucky name } }', 1, False),
    ],
)
async def test_own_class_items_answer_as_graphql_core_does(
    query: str, errors: int, by_columns: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Items of the type's own class go a field at a time (hub.api.execution._by_columns)
    unless a value is odd; then item by item, with graphql-core's errors."""
    taken: list[bool] = []
    real = execution._by_columns

    def watched(*args: Any) -> Any:
        found = real(*args)
        taken.append(found is not None)
        return found

    monkeypatch.setattr(execution, "_by_columns", watched)
    fast = strawberry.Schema(query=Query, execution_context_class=FastListExecutor, config=CONFIG)
    slow = strawberry.Schema(query=Query, config=CONFIG)
    answers = [comparable(await schema.execute(query)) for schema in (fast, slow)]
    assert answers[0] == answers[1]
    assert len(answers[0][1]) == errors
    assert taken == [by_columns]


async def test_kpi_values_are_read_as_columns_of_their_rows(
    demo: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Plain fields come straight from the rows (`Rows`); a field with a resolver of its own
    (`submission`) makes the objects, and both answer as graphql-core does."""
    made: list[int] = []
    real = execution.Rows.objects

    def objects(self: execution.Rows[Any]) -> list[Any]:
        made.append(len(self))
        return real(self)

    monkeypatch.setattr(execution.Rows, "objects", objects)
    async with demo.db.transaction() as connection:
        token = await upsert_user(connection, "finance", Role.FINANCE, None)
        principal = await principal_for_token(connection, token)
    fast, slow = build_schema(), build_schema(fast_lists=False)

    async def both(query: str) -> list[Any]:
        answers = []
        for schema in (fast, slow):
            context = HubContext(
                hub=demo, principal=principal, loaders=make_loaders(demo, principal)
            )
            answers.append(comparable(await schema.execute(query, context_value=context)))
        return answers

    plain = await both(f"{{ kpiValues {{ {KPI_FIELDS} }} }}")
    assert plain[0] == plain[1]
    assert len(plain[0][0]["kpiValues"]) > 10
    assert made == [len(plain[0][0]["kpiValues"])]  # only by graphql-core, without the fast path
    made.clear()
    nested = await both('{ kpiValues(kpi: ["turnover"]) { amount submission { version } } }')
    assert nested[0] == nested[1]
    assert made == [len(nested[0][0]["kpiValues"])] * 2
