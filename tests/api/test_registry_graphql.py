"""The registry over GraphQL, authentication, and the cost of nested queries."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from hub.demo.load import load_demo
from hub.services import Hub
from tests.api.graphql_client import data, error_messages, gql


async def test_the_five_entities_come_from_config(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    body = data(
        await gql(
            client,
            tokens["board"],
            "{ entities { code legalFormLocal founded offices currency parent "
            "consolidationMethod chartOfAccounts } }",
        )
    )
    assert [
        (e["code"], e["founded"], e["currency"], e["parent"], len(e["offices"]))
        for e in body["entities"]
    ] == [
        ("BE", 1998, "EUR", None, 8),
        ("DE", 2015, "EUR", "BE", 1),
        ("AT", 2014, "EUR", "BE", 1),
        ("IT", 2014, "EUR", "BE", 2),
        ("SE", 2012, "SEK", "BE", 1),
    ]
    assert body["entities"][1]["legalFormLocal"] == "eingetragene Genossenschaft (eG)"
    assert body["entities"][4]["chartOfAccounts"] == "BAS (Swedish standard chart)"
    assert body["entities"][0]["consolidationMethod"] == "PARENT"


async def test_sweden_contribution_rule_is_by_service_between_6_5_and_10_percent(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    body = data(
        await gql(
            client,
            tokens["board"],
            '{ entity(code: "SE") { contributionRules(on: "2024-06-30") { validFrom validTo '
            "publishedRatePercent components { base by minRatePercent maxRatePercent "
            "illustrative rates { category ratePercent } } } } }",
        )
    )
    [rule] = body["entity"]["contributionRules"]
    assert rule["validFrom"] == "2024-01-01"
    assert rule["validTo"] is None
    assert rule["publishedRatePercent"] == "7.33"
    [component] = rule["components"]
    assert (component["base"], component["by"]) == ("turnover", "service_type")
    assert (component["minRatePercent"], component["maxRatePercent"]) == ("6.5", "10")
    assert component["illustrative"] is True
    assert [r["ratePercent"] for r in component["rates"]] == ["6.5", "8.0", "10.0"]

    before = data(
        await gql(
            client,
            tokens["board"],
            '{ entity(code: "SE") { contributionRules(on: "2023-12-31") { validFrom } } }',
        )
    )
    assert before["entity"]["contributionRules"] == []


async def test_germany_2024_turnover_from_the_demo(
    client: AsyncTestClient[Any], tokens: dict[str, str], hub: Hub
) -> None:
    board = (await load_demo(hub)).tokens["board"]
    body = data(
        await gql(
            client,
            board,
            '{ entity(code: "DE") { kpiValues(period: ["2024"], kpi: ["turnover"]) '
            "{ amount currency provenance } } }",
        )
    )
    assert body["entity"]["kpiValues"] == [
        {"amount": "5985000", "currency": "EUR", "provenance": "PUBLISHED"}
    ]


async def test_unknown_entity_is_a_located_error(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    body = await gql(client, tokens["board"], '{ entity(code: "FR") { name } }')
    assert error_messages(body) == ["code: unknown entity 'FR'; known entities: BE, DE, AT, IT, SE"]


async def test_missing_or_unknown_token_gets_401(client: AsyncTestClient[Any]) -> None:
    query = {"query": "{ entities { code } }"}
    missing = await client.post("/graphql", json=query)
    assert missing.status_code == 401
    assert missing.json()["detail"] == "missing bearer token: send 'Authorization: Bearer <token>'"
    assert missing.headers["www-authenticate"] == "Bearer"
    unknown = await client.post(
        "/graphql", json=query, headers={"Authorization": "Bearer hub_not-a-token"}
    )
    assert unknown.status_code == 401
    assert unknown.json()["detail"] == (
        "unknown token: check that it was copied whole, or ask an admin for one"
    )
    via_get = await client.get("/graphql", params=query)
    assert via_get.status_code == 401


async def test_the_graphiql_page_is_off_unless_enabled(client: AsyncTestClient[Any]) -> None:
    page = await client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 404
    assert page.json()["detail"].startswith("GraphiQL is off on this hub: start it with")


async def test_health_reports_the_database(client: AsyncTestClient[Any]) -> None:
    response = await client.get("/health")
    assert response.json() == {"status": "ok", "database": "reachable", "entities": 5}


async def test_nested_lists_cost_the_same_statements_for_one_or_all_entities(
    client: AsyncTestClient[Any], tokens: dict[str, str], hub: Hub
) -> None:
    board = (await load_demo(hub)).tokens["board"]
    app_db = client.app.state.hub.db
    nested = (
        '{ entities(%s) { code kpiValues(period: ["2024"]) { kpi amount '
        "submission { version author } } } }"
    )

    async def statements(query: str) -> tuple[int, dict[str, Any]]:
        before = app_db.statements
        body = data(await gql(client, board, query))
        return app_db.statements - before, body

    await statements(nested.replace("(%s)", ""))  # warm-up: asyncpg introspects types once
    one_count, one = await statements(
        '{ entity(code: "DE") { code kpiValues(period: ["2024"]) { kpi amount '
        "submission { version author } } } }"
    )
    all_count, every = await statements(nested.replace("(%s)", ""))
    assert len(one["entity"]["kpiValues"]) == 6  # five published and an illustrative result
    assert sum(len(e["kpiValues"]) for e in every["entities"]) == 32
    # token look-up, KPI values, submissions: three queries, each followed by the pool's reset
    # of the connection on release; the same whatever the number of entities.
    assert one_count == all_count == 6
