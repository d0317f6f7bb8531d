"""Network totals name the entities they leave out: no figure, or no rate to EUR."""

from __future__ import annotations

import io
from typing import Any

from litestar.testing import AsyncTestClient
from openpyxl import load_workbook

from hub.demo.load import load_demo
from hub.services import Hub
from tests.api.graphql_client import data, gql

SAVE = """
mutation S($input: KpiReportInput!) { saveKpiValues(input: $input) { __typename } }
"""
MOVE = """
mutation M($entity: String!, $action: ReportAction!) {
  transitionReport(input: {entity: $entity, period: "2011", dataset: KPI, action: $action,
                           reason: "turnover only: the other KPIs were not kept for 2011"}) {
    status
  }
}
"""
TOTALS = """
query C($periods: [String!]!) {
  comparison(periods: $periods, kpis: ["turnover"]) {
    totals { kpi valuesEur leftOut }
    blocks { kpi totalEur totalLeftOut }
  }
}
"""


async def report_2011(client: AsyncTestClient[Any], tokens: dict[str, str]) -> None:
    """2011 turnover for Germany (EUR) and Sweden (SEK), approved: the hub has no SEK rate
    before December 2012."""
    for entity, amount, currency in (("DE", "500000", "EUR"), ("SE", "1000000", "SEK")):
        report = {
            "entity": entity,
            "period": "2011",
            "values": [{"kpi": "turnover", "amount": amount, "currency": currency}],
        }
        saved = data(await gql(client, tokens[f"national-{entity.lower()}"], SAVE, input=report))
        assert saved["saveKpiValues"]["__typename"] == "ReportSaved"
        for token, action in ((f"national-{entity.lower()}", "SUBMIT"), ("finance", "APPROVE")):
            data(await gql(client, tokens[token], MOVE, entity=entity, action=action))


async def test_the_network_total_names_whom_it_leaves_out(
    client: AsyncTestClient[Any], hub: Hub
) -> None:
    tokens = (await load_demo(hub)).tokens
    await report_2011(client, tokens)
    # The total is Germany's alone, and says why.
    result = data(await gql(client, tokens["board"], TOTALS, periods=["2011"]))["comparison"]
    left_out = [
        "BE: no figure",
        "AT: no figure",
        "IT: no figure",
        "SE: no average rate for SEK in 2011",
    ]
    assert result["totals"] == [
        {"kpi": "turnover", "valuesEur": ["500000.00"], "leftOut": [left_out]}
    ]
    assert result["blocks"] == [
        {"kpi": "turnover", "totalEur": ["500000.00"], "totalLeftOut": [left_out]}
    ]
    # 2024: every entity reported and every rate is known.
    full = data(await gql(client, tokens["board"], TOTALS, periods=["2023", "2024"]))
    assert full["comparison"]["totals"][0]["leftOut"] == [[], []]


async def test_the_board_pack_says_whom_its_totals_leave_out(
    client: AsyncTestClient[Any], hub: Hub
) -> None:
    tokens = (await load_demo(hub)).tokens
    await report_2011(client, tokens)
    headers = {"Authorization": f"Bearer {tokens['board']}"}
    response = await client.get("/api/board/2011/board-pack.xlsx", headers=headers)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["Network"]
    rows = [row for row in sheet.iter_rows(values_only=True) if row[0]]
    network = next(i for i, row in enumerate(rows) if row[0] == "Network")
    assert rows[network][7] == 500000  # Germany's turnover alone
    assert rows[network + 1][0] == (
        "Network totals leave out Staff (FTE): BE: no figure, DE: no figure, AT: no figure, "
        "IT: no figure, SE: no figure; Users: BE: no figure, DE: no figure, AT: no figure, "
        "IT: no figure, SE: no figure; Turnover (EUR): BE: no figure, AT: no figure, "
        "IT: no figure, SE: no average rate for SEK in 2011"
    )
