"""Three ways a version of Germany's reports can be unpublished, one per period, built through
the public GraphQL API as the national team and finance would.

- 2022, a current draft: versions 1 and 2 saved, version 2 submitted; nothing approved yet.
- 2023, returned then approved: version 1 approved, then reopened; version 2 submitted and
  returned; version 3 submitted and approved. Version 2 must stay unpublished for good.
- 2024, a reopened correction: version 1 approved and locked; reopened; version 2 drafted.

Both datasets follow each scenario. Everything unpublished carries a marker: the text
`UNPUBLISHED` (notes, labels, comments, reasons) and the amount 7313131; version 2 of every
report is unpublished.
"""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from hub.services import Hub
from tests.api.graphql_client import data, gql

MARKER_TEXT = "UNPUBLISHED"
MARKER_AMOUNT = "7313131"
MARKERS = (MARKER_TEXT, MARKER_AMOUNT)
UNPUBLISHED_VERSION = 2
PERIODS = ("2022", "2023", "2024")

SAVE_KPIS = """
mutation($input: KpiReportInput!) { saveKpiValues(input: $input) {
  __typename ... on ReportSaved { submission { version } }
  ... on ReportRejected { errors { field message } } ... on ReportConflict { message } } }
"""
SAVE_STATEMENTS = """
mutation($input: StatementsInput!) { saveStatements(input: $input) {
  __typename ... on ReportSaved { submission { version } }
  ... on ReportRejected { errors { field message } } ... on ReportConflict { message } } }
"""
MOVE = """
mutation($input: TransitionInput!) { transitionReport(input: $input) { status } }
"""


def _kpis(published: bool, variant: str) -> list[dict[str, Any]]:
    turnover = "5985000" if published else MARKER_AMOUNT
    note = "as published" if published else f"{MARKER_TEXT} note {variant}"
    return [
        {"kpi": "turnover", "amount": turnover, "currency": "EUR", "note": note},
        {"kpi": "users", "amount": "302"},
        {"kpi": "staff_fte", "amount": "6.7"},
        {"kpi": "offices", "amount": "1"},
        {"kpi": "contribution_rate", "amount": "9"},
        {
            "kpi": "operating_result",
            "amount": "-50000" if published else f"-{MARKER_AMOUNT}",
            "currency": "EUR",
        },
    ]


def _cash(published: bool) -> str:
    return "100000" if published else MARKER_AMOUNT


def _trial_balance(hub: Hub, published: bool, variant: str) -> list[dict[str, Any]]:
    """Cash, capital, turnover and costs in Germany's own chart (SKR04), summing to zero."""
    chart = hub.countries["DE"].profile.chart_of_accounts

    def account(line: str) -> str:
        return next(
            a.code
            for a in chart.accounts
            if chart.group_line(a.code) == line and not a.intra_network and not a.investment
        )

    cash = _cash(published)
    label = "bank" if published else f"{MARKER_TEXT} bank {variant}"
    rows = [
        ("BS.A.CA.IX", cash, label),
        ("BS.L.EQ.I", f"-{cash}", "capital"),
        ("IS.TI.PE.ACT", "-5985000", "turnover"),
        ("IS.PEC", "5985000", "production-unit costs"),
    ]
    return [
        {"account": account(line), "amount": amount, "currency": "EUR", "label": text}
        for line, amount, text in rows
    ]


class Builder:
    def __init__(self, client: AsyncTestClient[Any], tokens: dict[str, str], hub: Hub) -> None:
        self.client, self.tokens, self.hub = client, tokens, hub
        self.versions: dict[tuple[str, str], int] = {}

    async def save(self, period: str, dataset: str, published: bool, variant: str = "") -> None:
        base = self.versions.get((period, dataset))
        comment = "as published" if published else f"{MARKER_TEXT} comment {variant}"
        options = {"baseVersion": base, "comment": comment}
        if dataset == "KPI":
            query, field = SAVE_KPIS, "saveKpiValues"
            content: dict[str, Any] = {"values": _kpis(published, variant)}
        else:
            query, field = SAVE_STATEMENTS, "saveStatements"
            content = {
                "lines": [{"line": "BS.A.CA.IX", "amount": _cash(published), "currency": "EUR"}],
                "trialBalance": _trial_balance(self.hub, published, variant),
            }
        body = await gql(
            self.client,
            self.tokens["national-de"],
            query,
            input={"entity": "DE", "period": period, **content, "options": options},
        )
        result = data(body)[field]
        assert result["__typename"] == "ReportSaved", result
        self.versions[(period, dataset)] = result["submission"]["version"]

    async def move(self, period: str, dataset: str, action: str, reason: str) -> None:
        actor = "national-de" if action in ("SUBMIT", "WITHDRAW") else "finance"
        body = await gql(
            self.client,
            self.tokens[actor],
            MOVE,
            input={
                "entity": "DE",
                "period": period,
                "dataset": dataset,
                "action": action,
                "reason": reason,
            },
        )
        data(body)

    async def publish(self, period: str, dataset: str) -> None:
        await self.save(period, dataset, published=True)
        await self.move(period, dataset, "SUBMIT", "as published")
        await self.move(period, dataset, "APPROVE", "checked")


async def build(client: AsyncTestClient[Any], tokens: dict[str, str], hub: Hub) -> None:
    b = Builder(client, tokens, hub)
    for dataset in ("KPI", "STATEMENTS"):
        await b.save("2022", dataset, published=False)
        await b.save("2022", dataset, published=False, variant="again")
        await b.move("2022", dataset, "SUBMIT", f"{MARKER_TEXT} submit comment")

        await b.publish("2023", dataset)
        await b.move("2023", dataset, "REOPEN", f"{MARKER_TEXT} reopen reason")
        await b.save("2023", dataset, published=False)
        await b.move("2023", dataset, "SUBMIT", f"{MARKER_TEXT} submit comment")
        await b.move("2023", dataset, "RETURN", f"{MARKER_TEXT} return reason")
        await b.save("2023", dataset, published=True)
        await b.move("2023", dataset, "SUBMIT", "corrected")
        await b.move("2023", dataset, "APPROVE", "checked")

        await b.publish("2024", dataset)
        await b.move("2024", dataset, "LOCK", "closed")
        await b.move("2024", dataset, "REOPEN", f"{MARKER_TEXT} reopen reason")
        await b.save("2024", dataset, published=False)
    assert {v for (period, _), v in b.versions.items() if period != "2023"} == {2}
    assert {v for (period, _), v in b.versions.items() if period == "2023"} == {3}
