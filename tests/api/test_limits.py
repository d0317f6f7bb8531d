"""Bounded GraphQL requests over HTTP to the real app: each attack of the review is refused
before it runs, quickly, with an error naming the limit and the figure found."""

from __future__ import annotations

import time
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from graphql import (
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLType,
    get_introspection_query,
)
from hub.assembly.schema import build_schema
from hub.services import Hub

# Refusals are checked before the query is validated or run: far under a second, also on a
# shared machine.
QUICK = 0.5

# The review's query: a value's submission, its values, their submission... seven times.
CYCLE = (
    "{ kpiValues { submission { values { submission { values { submission { values { "
    "submission { values { submission { values { submission { values { submission { values "
    "{ kpi amount } } } } } } } } } } } } } } } }"
)


async def post(
    client: AsyncTestClient[Any], token: str, query: str, **variables: Any
) -> tuple[int, dict[str, Any], float]:
    started = time.perf_counter()
    response = await client.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
    )
    elapsed = time.perf_counter() - started
    body: dict[str, Any] = response.json()
    return response.status_code, body, elapsed


def refusal(body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The one error of a request refused before it ran (no data at all)."""
    assert body.get("data") is None, body
    [error] = body["errors"]
    message: str = error["message"]
    extensions: dict[str, Any] = error["extensions"]
    return message, extensions


async def stored_submissions(hub: Hub) -> int:
    async with hub.db.pool.acquire() as connection:
        count: int = await connection.fetchval("select count(*) from submission")
        return count


def _named(type_: GraphQLType) -> GraphQLType:
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        type_ = type_.of_type
    return type_


def test_the_schema_has_no_cycles() -> None:
    """A cycle lets a short query ask for an exponential answer; one direction is enough
    (KpiValue.submission stays, Submission.values went: kpiValues(version:) gives a
    version's figures)."""
    schema = build_schema()._schema
    edges = {
        name: {
            _named(field.type).name  # type: ignore[attr-defined]
            for field in type_.fields.values()
            if isinstance(_named(field.type), GraphQLObjectType)
        }
        for name, type_ in schema.type_map.items()
        if isinstance(type_, GraphQLObjectType) and not name.startswith("__")
    }
    cycles = []
    for start in edges:
        seen, frontier = set(), [start]
        while frontier:
            for reached in edges.get(frontier.pop(), ()):
                if reached == start:
                    cycles.append(start)
                elif reached not in seen:
                    seen.add(reached)
                    frontier.append(reached)
    assert sorted(set(cycles)) == []


async def test_the_review_cycle_query_is_refused_by_depth(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    status, body, elapsed = await post(client, tokens["finance"], CYCLE)
    message, extensions = refusal(body)
    assert (status, message) == (200, "the query is 16 levels deep; the limit is 8")
    assert extensions == {"code": "LIMIT", "limit": "query.max_depth", "value": 16, "max": 8}
    assert elapsed < QUICK


async def test_depth_counts_through_fragments(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    chain = " ".join(
        f"fragment V{i} on KpiValue {{ submission {{ values {{ ...V{i + 1} }} }} }}"
        for i in range(4)
    )
    query = "{ kpiValues { ...V0 } } " + chain + " fragment V4 on KpiValue { kpi }"
    _, body, elapsed = await post(client, tokens["finance"], query)
    message, _ = refusal(body)
    assert message == "the query is 10 levels deep; the limit is 8"
    assert elapsed < QUICK


async def test_more_aliases_than_the_limit_are_refused(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    query = "{ " + " ".join(f"a{i}: me {{ name }}" for i in range(51)) + " }"
    _, body, elapsed = await post(client, tokens["board"], query)
    message, extensions = refusal(body)
    assert message == "the query has 51 aliases; the limit is 50"
    assert extensions["limit"] == "query.max_aliases"
    assert elapsed < QUICK
    within = "{ " + " ".join(f"a{i}: me {{ name }}" for i in range(50)) + " }"
    assert "errors" not in (await post(client, tokens["board"], within))[1]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        pytest.param(
            "{ " + "kpiValues { amount } " * 400 + "}",
            "kpiValues is selected 400 times at the same place; the limit is 10",
            id="one field 400 times",
        ),
        pytest.param(
            "{ entities { "
            + " ".join(f"...E{i}" for i in range(11))
            + " } } "
            + " ".join(f"fragment E{i} on Entity {{ code }}" for i in range(11)),
            "code is selected 11 times at the same place; the limit is 10",
            id="through fragments",
        ),
    ],
)
async def test_a_field_repeated_at_one_place_beyond_the_limit_is_refused(
    client: AsyncTestClient[Any], tokens: dict[str, str], query: str, message: str
) -> None:
    """graphql-core compares such fields pairwise: 400 copies took 0.6 s to validate."""
    _, body, elapsed = await post(client, tokens["board"], query)
    found, extensions = refusal(body)
    assert found == message
    assert extensions["limit"] == "query.max_field_repeats"
    assert elapsed < QUICK
    ten = "{ entities { " + "code " * 10 + "} }"
    assert "errors" not in (await post(client, tokens["board"], ten))[1]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        pytest.param(
            "{ " + " ".join(f"a{i}: kpiValues {{ amount }}" for i in range(5_000)) + " }",
            "the query has more than 5,000 tokens; the limit is 5,000",
            id="5,000 aliases",
        ),
        pytest.param(
            "{a}" * 333_334,
            "the query has more than 5,000 tokens; the limit is 5,000",
            id="a million tokens",
        ),
        pytest.param(
            "#\n" * 100_000 + "{ me { name } }",
            "the query has more than 5,000 comments; the limit is 5,000",
            id="100,000 comments",
        ),
        pytest.param(
            "{ comparison(periods: [" + ", ".join(f'"{y}"' for y in range(10_000)) + "]) "
            "{ periods } }",
            "the query has more than 5,000 tokens; the limit is 5,000",
            id="10,000 periods written in the query",
        ),
    ],
)
async def test_a_query_text_over_the_token_limit_is_refused_while_it_is_parsed(
    client: AsyncTestClient[Any], tokens: dict[str, str], query: str, message: str
) -> None:
    status, body, elapsed = await post(client, tokens["board"], query)
    found, extensions = refusal(body)
    assert (status, found) == (200, message)
    assert extensions["code"] == "LIMIT"
    assert extensions["limit"] == "query.max_tokens"
    assert elapsed < QUICK


@pytest.mark.parametrize(
    ("query", "message"),
    [
        pytest.param(
            "{ "
            + " ".join(
                f"r{i}: reports {{ versions {{ findings {{ severity rule field message }} }} }}"
                for i in range(5)
            )
            + " }",
            "the query's estimated cost is 20,555; the limit is 20,000",
            id="five lists of lists of lists",
        ),
        pytest.param(
            "{ ...F40 } fragment F0 on Query { me { name } } "
            + " ".join(
                f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, 41)
            ),
            "the query's estimated cost is over 1,000,000,000,000; the limit is 20,000",
            id="fragments spreading fragments",
        ),
        pytest.param(
            "{ "
            + " ".join(f'c{i}: consolidation(period: "2024") {{ period }}' for i in range(5))
            + " }",
            "the query's estimated cost is 25,005; the limit is 20,000",
            id="five consolidations",
        ),
    ],
)
async def test_a_query_over_the_estimated_cost_is_refused(
    client: AsyncTestClient[Any], tokens: dict[str, str], query: str, message: str
) -> None:
    _, body, elapsed = await post(client, tokens["finance"], query)
    assert body["data"] is None
    # Fragments spreading fragments also repeat their field: both limits are named.
    [found] = [e["message"] for e in body["errors"] if e["extensions"]["limit"] == "query.max_cost"]
    assert found.startswith(message + " (each field counts 1")
    assert elapsed < QUICK


PERIODS = "query P($periods: [String!]!) { comparison(periods: $periods) { periods } }"
SAVE = """
mutation S($input: KpiReportInput!) { saveKpiValues(input: $input) { __typename } }
"""
SAVE_PARTS = """
mutation S($values: [KpiValueInput!]!) {
  saveKpiValues(input: {entity: "DE", period: "2024", values: $values}) { __typename }
}
"""
STATEMENTS = """
mutation S($input: StatementsInput!) { saveStatements(input: $input) { __typename } }
"""


def values(count: int) -> list[dict[str, str]]:
    return [{"kpi": "users", "amount": "1"}] * count


@pytest.mark.parametrize(
    ("query", "variables", "message"),
    [
        pytest.param(
            PERIODS,
            {"periods": [str(year) for year in range(10_000)]},
            "$periods has 10,000 items; the limit for Query.comparison(periods:) is 100",
            id="10,000 periods as a variable",
        ),
        pytest.param(
            '{ kpiValues(period: ["2024"], kpi: ['
            + ", ".join(f'"k{i}"' for i in range(101))
            + "]) { amount } }",
            {},
            "kpiValues(kpi) has 101 items; the limit for Query.kpiValues(kpi:) is 100",
            id="101 KPIs written in the query",
        ),
        pytest.param(
            SAVE,
            {"input": {"entity": "DE", "period": "2024", "values": values(50_000)}},
            "$input.values has 50,000 items; the limit for KpiReportInput.values is 1,000",
            id="50,000 values in a save",
        ),
        pytest.param(
            SAVE_PARTS,
            {"values": values(1_001)},
            "$values has 1,001 items; the limit for KpiReportInput.values is 1,000",
            id="a variable inside a written input",
        ),
        pytest.param(
            STATEMENTS,
            {
                "input": {
                    "entity": "DE",
                    "period": "2024",
                    "trialBalance": [{"account": "1", "amount": "1", "currency": "EUR"}] * 10_001,
                }
            },
            "$input.trialBalance has 10,001 items; the limit for StatementsInput.trialBalance "
            "is 10,000",
            id="a trial balance of 10,001 lines",
        ),
    ],
)
async def test_a_list_over_its_limit_is_refused_before_anything_runs(
    client: AsyncTestClient[Any],
    tokens: dict[str, str],
    hub: Hub,
    query: str,
    variables: dict[str, Any],
    message: str,
) -> None:
    status, body, elapsed = await post(client, tokens["national-de"], query, **variables)
    found, extensions = refusal(body)
    assert (status, found) == (200, message)
    assert extensions["code"] == "LIMIT"
    assert extensions["limit"] == "lists.max_items"
    assert elapsed < QUICK
    assert await stored_submissions(hub) == 0


async def test_a_save_of_200000_values_is_refused_by_the_graphql_body_limit(
    client: AsyncTestClient[Any], tokens: dict[str, str], hub: Hub
) -> None:
    submission = {"entity": "DE", "period": "2024", "values": values(200_000)}
    status, body, elapsed = await post(client, tokens["national-de"], SAVE, input=submission)
    assert status == 413
    assert body["detail"].startswith("the request body is ")
    assert body["detail"].endswith(" bytes; the limit for /graphql is 2,000,000 bytes")
    assert body["errors"][0]["extensions"] == {
        "code": "LIMIT",
        "limit": "request.max_body_bytes",
    }
    assert elapsed < QUICK
    assert await stored_submissions(hub) == 0


async def test_uploads_keep_their_own_larger_limit(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    """3 MB is over the /graphql limit but within upload.max_bytes: the workbook endpoint
    reads it and says what is wrong with it."""
    response = await client.post(
        "/api/reports/DE/2024/workbook",
        content=b"x" * 3_000_000,
        headers={"Authorization": f"Bearer {tokens['national-de']}"},
    )
    assert response.status_code == 422, response.text
    assert "xlsx" in response.text


async def test_graphiql_introspection_passes_and_deep_introspection_does_not(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    full = get_introspection_query(
        descriptions=True,
        specified_by_url=True,
        directive_is_repeatable=True,
        schema_description=True,
        input_value_deprecation=True,
    )
    status, body, _ = await post(client, tokens["board"], full)
    assert status == 200
    assert "errors" not in body, body
    assert any(t["name"] == "KpiValue" for t in body["data"]["__schema"]["types"])
    deep = "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }"
    _, body, _ = await post(client, tokens["board"], deep)
    assert [e["message"] for e in body["errors"]] == ["Maximum introspection depth exceeded"]
