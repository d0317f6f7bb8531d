"""Parsed and validated documents are kept by query text (hub/limits/documents.py): a query sent
again is neither parsed nor validated again, while its limits are measured on every request
(a list sent as a variable is refused however often the query text was seen before)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import strawberry.schema.schema as strawberry_schema
from litestar.testing import AsyncTestClient

import hub.limits.extension as limits_extension
from graphql import parse
from hub.limits.documents import DocumentCache
from tests.api.graphql_client import data, error_messages, gql

QUERY = """
query Values($periods: [String!]) {
  kpiValues(entity: ["DE"], period: $periods, kpi: ["turnover"]) { entity period amount }
}
"""
INVALID = '{ kpiValues(entity: ["DE"]) { amount nonsense } }'


class Calls:
    """How often the real parse and validate ran (they still do the work)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.parsed = 0
        self.validated = 0
        real_parse = parse  # what hub/limits/extension.py calls
        real_validate = strawberry_schema.validate_document

        def parse_(*args: Any, **kwargs: Any) -> Any:
            self.parsed += 1
            return real_parse(*args, **kwargs)

        def validate_(*args: Any, **kwargs: Any) -> Any:
            self.validated += 1
            return real_validate(*args, **kwargs)

        monkeypatch.setattr(limits_extension, "parse", parse_)
        monkeypatch.setattr(strawberry_schema, "validate_document", validate_)


SAVE = "mutation S($input: KpiReportInput!) { saveKpiValues(input: $input) { __typename } }"


@pytest.fixture
async def calls(
    client: AsyncTestClient[Any], tokens: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> Calls:
    """Germany's turnover saved for 2023 and 2024 (its team reads its drafts); then counted."""
    for period, amount in (("2023", "5100000"), ("2024", "5985000")):
        values = [{"kpi": "turnover", "amount": amount, "currency": "EUR"}]
        saved = await gql(
            client,
            tokens["national-de"],
            SAVE,
            input={"entity": "DE", "period": period, "values": values},
        )
        assert data(saved)["saveKpiValues"]["__typename"] == "ReportSaved"
    return Calls(monkeypatch)


async def test_a_query_sent_again_is_neither_parsed_nor_validated_again(
    client: AsyncTestClient[Any], tokens: dict[str, str], calls: Calls
) -> None:
    team = tokens["national-de"]
    answers = [data(await gql(client, team, QUERY, periods=["2024"])) for _ in range(3)]
    assert answers[0]["kpiValues"] == [{"entity": "DE", "period": "2024", "amount": "5985000"}]
    assert answers[1] == answers[2] == answers[0]
    assert (calls.parsed, calls.validated) == (1, 1)


async def test_limits_apply_to_a_cached_query_on_every_request(
    client: AsyncTestClient[Any], tokens: dict[str, str], calls: Calls
) -> None:
    team = tokens["national-de"]
    assert data(await gql(client, team, QUERY, periods=["2024"]))["kpiValues"]
    long = [str(2024 - i) for i in range(101)]
    refused = await gql(client, team, QUERY, periods=long)
    assert refused["data"] is None
    assert error_messages(refused) == [
        "$periods has 101 items; the limit for Query.kpiValues(period:) is 100"
    ]
    assert refused["errors"][0]["extensions"]["code"] == "LIMIT"
    again = await gql(client, team, QUERY, periods=["2023", "2024"])
    assert [v["period"] for v in data(again)["kpiValues"]] == ["2023", "2024"]
    assert (calls.parsed, calls.validated) == (1, 1)


async def test_an_invalid_query_is_not_kept(
    client: AsyncTestClient[Any], tokens: dict[str, str], calls: Calls
) -> None:
    for _ in range(2):
        body = await gql(client, tokens["national-de"], INVALID)
        assert error_messages(body) == ["Cannot query field 'nonsense' on type 'KpiValue'."]
    assert (calls.parsed, calls.validated) == (2, 2)


def test_the_cache_keeps_the_most_recently_used_documents() -> None:
    cache = DocumentCache(size=2)
    document: Callable[[str], Any] = lambda name: parse(f"{{ {name} }}")  # noqa: E731
    cache.validated("a", document("a"))
    cache.validated("b", document("b"))
    assert cache.get("a") is not None  # "a" is now the most recently used
    cache.validated("c", document("c"))
    assert len(cache) == 2
    assert "b" not in cache
    assert cache.get("a") is not None
    assert cache.get("c") is not None
