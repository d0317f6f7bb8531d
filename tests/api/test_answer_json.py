"""GraphQL answers are encoded by msgspec (hub/api/answer_json.py): the same JSON the standard
library writes (compact, keys in order), text as UTF-8 instead of escapes."""

from __future__ import annotations

import json
from typing import Any

from litestar.testing import AsyncTestClient

from hub.api.answer_json import encode_answer
from tests.api.graphql_client import data, gql

NOTE = "Überschuss \u2013 5 % \u201cnetto\u201d,\t\\ Malmö\nend"


def stdlib(answer: object) -> bytes:
    return json.dumps(answer, separators=(",", ":"), ensure_ascii=False).encode()


def test_the_encoding_is_the_standard_librarys_json_in_utf_8() -> None:
    answer = {
        "data": {
            "kpiValues": [
                {"amount": "5985000.00", "note": NOTE, "version": 3, "missing": None},
                {"amount": "-0.5", "note": "\x01\u2028", "ok": True, "no": False, "big": 10**20},
            ],
            "empty": [],
            "nested": {"z": 1, "a": [[], {}]},
        },
        "errors": [{"message": "x", "locations": [{"line": 1, "column": 3}], "path": ["a", 0]}],
    }
    assert encode_answer(answer) == stdlib(answer)
    assert json.loads(encode_answer(answer)) == answer


SAVE = """
mutation Save($input: KpiReportInput!) {
  saveKpiValues(input: $input) { __typename }
}
"""
READ = '{ kpiValues(entity: ["DE"], period: ["2024"]) { kpi amount currency note version } }'


async def test_a_graphql_answer_over_http_is_msgspecs_bytes(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    token = tokens["national-de"]
    values = [{"kpi": "turnover", "amount": "5985000.50", "currency": "EUR", "note": NOTE}]
    saved = await gql(
        client, token, SAVE, input={"entity": "DE", "period": "2024", "values": values}
    )
    assert data(saved)["saveKpiValues"]["__typename"] == "ReportSaved"
    response = await client.post(
        "/graphql", json={"query": READ}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    [value] = body["data"]["kpiValues"]
    assert value == {
        "kpi": "turnover",
        "amount": "5985000.50",
        "currency": "EUR",
        "note": NOTE,
        "version": 1,
    }
    assert response.content == stdlib(body)
    assert "Malmö".encode() in response.content  # UTF-8, not "\\u00f6"
