"""The verdict on the strings written in a query is kept by query text (hub/api/input_text.py):
the document is walked once per text, its bad strings are refused on every request, and the
variables are checked on every request whatever the text."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

import hub.api.input_text as input_text
from tests.api.graphql_client import gql

SAVE = """
mutation Save($input: KpiReportInput!) {
  saveKpiValues(input: $input) {
    __typename ... on ReportRejected { errors { field message } }
  }
}
"""


@pytest.fixture
def walks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One item per walk of a document (the real walk still runs)."""
    done: list[int] = []
    real = input_text._in_document

    def counted(document: Any) -> Any:
        done.append(1)
        return real(document)

    monkeypatch.setattr(input_text, "_in_document", counted)
    return done


def _fresh(query: str) -> str:
    """A query text no other test sent (the verdicts are kept for the whole process)."""
    return f"# {uuid.uuid4()}\n{query}"


def _errors(body: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [
        (e["message"], e["extensions"]["code"], e["extensions"]["field"])
        for e in body.get("errors", [])
    ]


async def test_a_bad_string_in_the_query_is_refused_every_time_walked_once(
    client: AsyncTestClient[Any], tokens: dict[str, str], walks: list[int]
) -> None:
    query = _fresh('{ exchangeRateHistory(currency: "SE\\u0001K", type: CLOSING) { rate } }')
    expected = [
        (
            "currency: contains the control character U+0001 at character 3: text may hold "
            "tabs and line breaks but no other control characters",
            "BAD_USER_INPUT",
            "currency",
        )
    ]
    for _ in range(3):
        body = await gql(client, tokens["board"], query)
        assert body["data"] is None
        assert _errors(body) == expected
    assert len(walks) == 1


async def test_variables_are_checked_on_every_request(
    client: AsyncTestClient[Any], tokens: dict[str, str], walks: list[int]
) -> None:
    query = _fresh(SAVE)

    def report(note: str) -> dict[str, Any]:
        value = {"kpi": "turnover", "amount": "5985000", "currency": "EUR", "note": note}
        return {"entity": "DE", "period": "2024", "values": [value]}

    saved = await gql(client, tokens["national-de"], query, input=report("Berlin"))
    assert saved["data"]["saveKpiValues"]["__typename"] == "ReportSaved", saved
    refused = await gql(client, tokens["national-de"], query, input=report("Berl\x00in"))
    assert refused["data"] is None
    assert _errors(refused) == [
        (
            "$input.values[0].note: contains a NUL byte at character 5: text may hold tabs "
            "and line breaks but no other control characters",
            "BAD_USER_INPUT",
            "$input.values[0].note",
        )
    ]
    assert len(walks) == 1


def test_the_verdicts_are_bounded() -> None:
    from graphql import parse

    verdicts = input_text.LiteralVerdicts(size=2)
    for name in ("a", "b", "c"):
        text = f'{{ entity(code: "{name}") {{ name }} }}'
        assert verdicts.of(text, parse(text)) == ()
    assert len(verdicts) == 2
    bad = '{ entity(code: "D\\u0000E") { name } }'
    assert verdicts.of(bad, parse(bad)) == (
        (
            "code",
            "contains a NUL byte at character 2: "
            "text may hold tabs and line breaks but no other control characters",
        ),
    )
