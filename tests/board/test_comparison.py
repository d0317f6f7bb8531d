"""The board's comparison on the demo network: the published table, in EUR, ranked."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from hub.demo.load import load_demo
from hub.services import Hub
from tests.api.graphql_client import data, error_messages, gql

QUERY = """
query C($periods: [String!]!, $entities: [String!], $kpis: [String!]) {
  comparison(periods: $periods, entities: $entities, kpis: $kpis) {
    periods currency
    entities { code founded offices }
    series { entity kpi currency values valuesEur rates rateTypes changes changePercents ranks
             provenances }
    totals { kpi valuesEur changes changePercents }
    ratios { entity ratio values }
  }
}
"""


def series(result: dict[str, Any], entity: str, kpi: str) -> dict[str, Any]:
    found: dict[str, Any] = next(
        s for s in result["series"] if (s["entity"], s["kpi"]) == (entity, kpi)
    )
    return found


async def test_the_published_2024_table_in_eur(client: AsyncTestClient[Any], hub: Hub) -> None:
    board = (await load_demo(hub)).tokens["board"]
    result = data(await gql(client, board, QUERY, periods=["2024"]))["comparison"]
    assert result["periods"] == ["2024"]
    turnover = {e: series(result, e, "turnover") for e in ("BE", "DE", "AT", "IT", "SE")}
    assert {e: (s["valuesEur"], s["changePercents"], s["ranks"]) for e, s in turnover.items()} == {
        "BE": (["197677870.00"], ["2.02"], [1]),
        "DE": (["5985000.00"], ["30.00"], [3]),
        "AT": (["1534000.00"], ["-9.76"], [5]),
        "IT": (["6686000.00"], ["1.30"], [2]),
        # 29,804,528 SEK / 11.4325 = 2,607,000.04 EUR; 2023: 37,137,293 / 11.4788
        "SE": (["2607000.04"], ["-19.42"], [4]),
    }
    sweden = turnover["SE"]
    assert (sweden["values"], sweden["currency"]) == (["29804528"], "SEK")
    assert (sweden["rates"], sweden["rateTypes"]) == (["11.4325"], ["average"])
    assert turnover["DE"]["rates"] == ["1"]
    assert turnover["DE"]["provenances"] == ["published"]
    users = series(result, "BE", "users")
    assert (users["valuesEur"], users["rates"], users["currency"]) == (["20611.00"], [None], None)
    [total] = [t for t in result["totals"] if t["kpi"] == "turnover"]
    # 197,677,870 + 5,985,000 + 1,534,000 + 6,686,000 + 2,607,000.04
    assert total["valuesEur"] == ["214489870.04"]
    ratios = {(r["entity"], r["ratio"]): r["values"] for r in result["ratios"]}
    assert ratios[("DE", "turnover_per_user")] == ["19817.88"]  # 5,985,000 / 302
    assert ratios[("DE", "turnover_per_fte")] == ["893283.58"]  # 5,985,000 / 6.7
    assert ratios[("BE", "contribution_income_share")] == ["14.50"]  # 28,663,495 / 197,677,870
    assert [t for t in result["totals"] if t["kpi"] == "contribution_rate"] == []


async def test_time_series_and_drafts_stay_out_of_the_board(
    client: AsyncTestClient[Any], hub: Hub
) -> None:
    tokens = (await load_demo(hub)).tokens
    draft = """
    mutation { saveKpiValues(input: {entity: "DE", period: "2025",
      values: [{kpi: "turnover", amount: "7000000", currency: "EUR"}]}) { __typename } }
    """
    data(await gql(client, tokens["national-de"], draft))
    span = {"periods": ["2022", "2023", "2024", "2025"], "entities": ["DE"], "kpis": ["turnover"]}
    board = data(await gql(client, tokens["board"], QUERY, **span))["comparison"]
    assert series(board, "DE", "turnover")["valuesEur"] == [None, "4603846.00", "5985000.00", None]
    own = data(await gql(client, tokens["national-de"], QUERY, **span))["comparison"]
    assert series(own, "DE", "turnover")["valuesEur"][-1] == "7000000.00"
    other = data(await gql(client, tokens["national-it"], QUERY, **span))["comparison"]
    assert series(other, "DE", "turnover")["valuesEur"][-1] is None
    wrong = await gql(client, tokens["board"], QUERY, periods=["2024", "2024-Q1"])
    assert error_messages(wrong) == [
        "periods: compare periods of one kind (years, quarters or months)"
    ]
