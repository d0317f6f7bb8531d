"""The REST import and the exchange-rate GraphQL types over HTTP, in the hub's app."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.api.graphql_client import data, gql


@pytest.fixture
def fx_client(client: AsyncTestClient[Any]) -> AsyncTestClient[Any]:
    """The hub's own app: its schema and routes carry the exchange-rate types."""
    return client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_finance_imports_the_ecb_file(
    fx_client: AsyncTestClient[Any], tokens: dict[str, str], ecb_excerpt: bytes
) -> None:
    response = await fx_client.post(
        "/api/fx/ecb", content=ecb_excerpt, headers=bearer(tokens["finance"])
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert {key: body[key] for key in ("days", "first_day", "last_day", "derived", "added")} == {
        "days": 568,
        "first_day": "2012-12-03",
        "last_day": "2025-01-24",
        "derived": 3406,
        "added": 3406,
    }
    again = await fx_client.post(
        "/api/fx/ecb", content=ecb_excerpt, headers=bearer(tokens["finance"])
    )
    assert (again.json()["added"], again.json()["unchanged"]) == (0, 3406)


async def test_a_malformed_file_answers_422_with_its_line(
    fx_client: AsyncTestClient[Any], tokens: dict[str, str], ecb_excerpt: bytes
) -> None:
    broken = ecb_excerpt.replace(b",11.4685,", b",abc,", 1)
    response = await fx_client.post(
        "/api/fx/ecb", content=broken, headers=bearer(tokens["finance"])
    )
    assert response.status_code == 422
    assert response.json() == {"detail": "line 3: 'abc' is not a rate for SEK"}


async def test_only_finance_may_import(
    fx_client: AsyncTestClient[Any], tokens: dict[str, str], ecb_excerpt: bytes
) -> None:
    response = await fx_client.post(
        "/api/fx/ecb", content=ecb_excerpt, headers=bearer(tokens["national-se"])
    )
    assert response.status_code == 403
    assert response.json() == {
        "detail": "the national role may not import or override exchange rates"
    }
    assert (await fx_client.post("/api/fx/ecb", content=ecb_excerpt)).status_code == 401


OVERRIDE = """
mutation O($input: ExchangeRateInput!) {
  overrideExchangeRate(input: $input) { currency type period rate source reason createdBy }
}
"""
RATES = """
query R($currency: [String!], $period: [String!], $type: [RateType!]) {
  exchangeRates(currency: $currency, period: $period, type: $type) {
    currency type period rate source reason createdBy createdAt
  }
  exchangeRateHistory(currency: "SEK", type: CLOSING, period: "2024") { rate source createdBy }
}
"""


async def test_graphql_overrides_and_reads_rates(
    fx_client: AsyncTestClient[Any], tokens: dict[str, str], ecb_excerpt: bytes
) -> None:
    finance = tokens["finance"]
    await fx_client.post("/api/fx/ecb", content=ecb_excerpt, headers=bearer(finance))
    stored = data(
        await gql(
            fx_client,
            finance,
            OVERRIDE,
            input={
                "currency": "SEK",
                "type": "CLOSING",
                "period": "2024",
                "rate": "11.5",
                "reason": "the rate agreed with the auditors",
            },
        )
    )
    assert stored["overrideExchangeRate"] == {
        "currency": "SEK",
        "type": "CLOSING",
        "period": "2024",
        "rate": "11.5",
        "source": "manual",
        "reason": "the rate agreed with the auditors",
        "createdBy": "finance",
    }
    body = data(
        await gql(
            fx_client,
            tokens["board"],
            RATES,
            currency=["SEK"],
            period=["2024"],
            type=["AVERAGE", "CLOSING"],
        )
    )
    assert [(r["type"], r["rate"], r["source"]) for r in body["exchangeRates"]] == [
        ("AVERAGE", "11.4325", "ECB"),
        ("CLOSING", "11.5", "manual"),
    ]
    assert body["exchangeRates"][0]["reason"] == (
        "mean of 256 ECB rates from 2024-01-02 to 2024-12-31, rounded half-even to 4 decimals"
    )
    assert body["exchangeRateHistory"] == [
        {"rate": "11.459", "source": "ECB", "createdBy": "finance"},
        {"rate": "11.5", "source": "manual", "createdBy": "finance"},
    ]


async def test_graphql_errors_name_the_field_or_the_refusal(
    fx_client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    rate = {"currency": "SEK", "type": "AVERAGE", "period": "2024", "rate": "0", "reason": "x"}
    body = await gql(fx_client, tokens["finance"], OVERRIDE, input=rate)
    [error] = body["errors"]
    assert error["message"] == "rate: 0 is not a rate: expected a number greater than 0"
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "rate"}
    body = await gql(fx_client, tokens["board"], OVERRIDE, input={**rate, "rate": "11.4"})
    [error] = body["errors"]
    assert error["message"] == "the board role may not import or override exchange rates"
    assert error["extensions"] == {"code": "FORBIDDEN"}
    body = await gql(fx_client, tokens["board"], RATES, period=["2024-13"])
    assert [e["message"] for e in body["errors"]] == ["period: '2024-13': month must be 01 to 12"]
    body = await gql(fx_client, tokens["board"], '{ exchangeRates(entity: ["XX"]) { rate } }')
    assert [e["message"] for e in body["errors"]] == [
        "entity: unknown entity 'XX'; known entities: AT, BE, DE, IT, SE"
    ]
