"""Every query the project itself sends passes the limits of config/limits.toml: the dashboard's
(read from its JavaScript and sent to the real app with the demo data), the examples of the README
and docs/ and the board benchmark's. A limit lowered below one of them fails here."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from bench.board import QUERY as BENCH_QUERY
from graphql import parse
from hub.assembly.schema import build_schema
from hub.demo.load import load_demo
from hub.limits.config import load_limits
from hub.limits.extension import refusals
from hub.limits.measure import measure
from hub.services import Hub
from tests.api.graphql_client import data, gql
from tests.conftest import REPO

JS = REPO / "hub" / "web" / "static" / "js"


def dashboard_queries() -> dict[str, str]:
    text = "\n".join(path.read_text(encoding="utf-8") for path in sorted(JS.glob("*.js")))
    return dict(re.findall(r"const (\w+_QUERY) = `([^`]*)`", text))


def dashboard_constant(name: str) -> Any:
    """A constant of the dashboard's JavaScript that is a JSON value (number, list)."""
    text = "\n".join(path.read_text(encoding="utf-8") for path in sorted(JS.glob("*.js")))
    match = re.search(rf"const {name} = ([^;]+);", text)
    assert match is not None, name
    return json.loads(match[1].split("//")[0])


def documented_examples() -> list[str]:
    """Every `graphql` block of the README and of the pages in docs/."""
    pages = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
    text = "\n".join(page.read_text(encoding="utf-8") for page in pages)
    return [block.strip() for block in re.findall(r"```graphql\n(.*?)```", text, re.DOTALL)]


def assert_within_limits(query: str, variables: dict[str, Any] | None = None) -> None:
    limits = load_limits(REPO / "config")
    schema = build_schema(limits)._schema
    document = parse(query)
    assert [e.message for e in refusals(measure(schema, document, variables, limits), limits)] == []


def dashboard_variables() -> dict[str, dict[str, Any]]:
    """What the dashboard sends with each query (dashboard.js: loadYear), for 2024."""
    years = dashboard_constant("TREND_YEARS")
    return {
        "SESSION_QUERY": {},
        "COMPARISON_QUERY": {
            "periods": [str(2024 - years + 1 + i) for i in range(years)],
            "kpis": dashboard_constant("KPIS"),
        },
        "BREAK_EVEN_QUERY": {"asOf": 2024},
        "PROGRAMMES_QUERY": {},
        "NODES_QUERY": {},
    }


def test_the_dashboard_queries_are_all_known() -> None:
    assert set(dashboard_queries()) == set(dashboard_variables())


@pytest.mark.parametrize("user", ["board", "finance", "national-de"])
async def test_the_dashboard_queries_pass_the_limits_and_answer(
    client: AsyncTestClient[Any], hub: Hub, user: str
) -> None:
    token = (await load_demo(hub)).tokens[user]
    for name, query in dashboard_queries().items():
        variables = dashboard_variables()[name]
        assert_within_limits(query, variables)
        assert data(await gql(client, token, query, **variables)), name


@pytest.mark.parametrize("example", documented_examples(), ids=lambda q: q.split("(")[0][:40])
def test_the_documented_examples_pass_the_limits(example: str) -> None:
    assert_within_limits(example)


async def test_the_board_benchmark_query_passes_the_limits_and_answers(
    client: AsyncTestClient[Any], hub: Hub
) -> None:
    variables = {"periods": [str(year) for year in range(2015, 2025)]}
    assert_within_limits(BENCH_QUERY, variables)
    token = (await load_demo(hub)).tokens["board"]
    answer = data(await gql(client, token, BENCH_QUERY, **variables))["comparison"]
    assert answer["periods"] == variables["periods"]
    assert len(answer["blocks"]) == 9  # the demo's nine KPIs
