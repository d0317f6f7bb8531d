"""`groupLines`: the group chart for the line picker of finance's page, each line saying whether
accounts may be mapped to it, in the order of the chart file."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from tests.api.graphql_client import data, gql

LINES = "{ groupLines { code label statement depth isTotal mappable } }"


async def test_every_line_in_chart_order_with_whether_it_may_be_mapped(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    lines = data(await gql(client, tokens["finance"], LINES))["groupLines"]
    by_code = {line["code"]: line for line in lines}
    assert lines[0] == {
        "code": "BS.A",
        "label": "Total assets",
        "statement": "BALANCE_SHEET",
        "depth": 0,
        "isTotal": True,
        "mappable": False,
    }
    assert by_code["BS.A.CA.VII.A"]["mappable"] is True
    assert by_code["BS.A.CA.VII.A"]["depth"] == 3
    # Goodwill and the translation reserve are filled by consolidation, not by entities.
    assert by_code["BS.A.FA.I"]["mappable"] is False
    assert by_code["BS.L.EQ.CTA"]["mappable"] is False
    assert {line["statement"] for line in lines} == {"BALANCE_SHEET", "INCOME_STATEMENT"}
    # The same chart for every role: it is configuration, not figures.
    for user in ("board", "national-at", "admin"):
        assert data(await gql(client, tokens[user], LINES))["groupLines"] == lines
