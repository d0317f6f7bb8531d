"""A template downloaded again is the team's own workbook: its lines in their order, its
partners and labels; uploading it unchanged makes no version."""

from __future__ import annotations

import io
from typing import Any

from litestar.testing import AsyncTestClient
from openpyxl import Workbook, load_workbook

from hub.excel.layout import TRIAL_BALANCE
from hub.services import Hub
from tests.api.graphql_client import data, gql
from tests.excel.workbooks import download, edit, row_of, set_kpis, upload

# Sweden's trial balance as its team enters it: intra-network balances with partners on the
# chart's own rows and on rows it adds below, one account without a label, whole amounts and
# cents.
ACCOUNTS: list[tuple[str, str | None, object, str | None]] = [
    ("1930", "Bank", 1_250_000.50, None),
    ("1660", None, 40_000, "BE"),  # on the chart's row, its label cleared
    ("2440", "Leverantörsskulder", -410_000, None),
    ("3010", "Försäljning", -29_804_528, None),
    ("7010", "Löner", 24_000_000, None),
    ("7510", "Sociala avgifter", 4_234_527.50, None),
    ("2081", "Aktiekapital", -100_000, None),
    ("1660", "Fordran Smart Deutschland", 30_000, "DE"),  # added below
    ("6542", None, 760_000, "BE"),  # added below, no label
]


def enter(workbook: Workbook) -> None:
    sheet = workbook[TRIAL_BALANCE.title]
    column = {name: TRIAL_BALANCE.column(name) for name, _ in TRIAL_BALANCE.columns}
    added = sheet.max_row + 1
    seen: set[str] = set()
    for account, label, amount, partner in ACCOUNTS:
        if account in seen:
            row, added = added, added + 1
        else:
            row = row_of(workbook, TRIAL_BALANCE.title, account)
            seen.add(account)
        values = {"account": account, "label": label, "amount": amount, "currency": "SEK"}
        for name, value in {**values, "partner": partner}.items():
            sheet.cell(row=row, column=column[name]).value = value


def entered(data: bytes) -> list[tuple[object, ...]]:
    """The rows with an amount, in sheet order: account, label, amount, partner."""
    sheet = load_workbook(io.BytesIO(data))[TRIAL_BALANCE.title]
    rows = []
    for row in range(2, sheet.max_row + 1):
        values = [
            sheet.cell(row=row, column=TRIAL_BALANCE.column(n)).value
            for n in ("account", "label", "amount", "partner")
        ]
        if values[2] is not None:
            rows.append(tuple(values))
    return rows


async def test_a_template_downloaded_again_keeps_order_partners_and_makes_no_version(
    client: AsyncTestClient[Any], tokens: dict[str, str], hub: Hub
) -> None:
    token = tokens["national-se"]
    blank = await download(client, token, "SE", "2025")
    first = edit(blank, enter)
    first = edit(first, lambda wb: set_kpis(wb, {"users": 273, "turnover": 2_607_000}))
    response = await upload(client, token, "SE", "2025", first)
    assert response.status_code == 200, response.json()["errors"]
    assert [(d["dataset"], d["outcome"], d["version"]) for d in response.json()["datasets"]] == [
        ("kpi", "saved", 1),
        ("statements", "saved", 1),
    ]

    again = await download(client, token, "SE", "2025")
    assert entered(again) == entered(first)
    sheet = load_workbook(io.BytesIO(again))[TRIAL_BALANCE.title]
    assert (
        sheet.cell(
            row=row_of(load_workbook(io.BytesIO(blank)), TRIAL_BALANCE.title, "1660"),
            column=TRIAL_BALANCE.column("partner"),
        ).value
        == "BE"
    )

    response = await upload(client, token, "SE", "2025", again)
    assert response.status_code == 200, response.json()["errors"]
    assert [(d["dataset"], d["outcome"], d["version"]) for d in response.json()["datasets"]] == [
        ("kpi", "unchanged", 1),
        ("statements", "unchanged", 1),
    ]
    async with hub.db.pool.acquire() as connection:
        assert await connection.fetchval("select count(*) from submission") == 2
        assert (
            await connection.fetchval(
                "select max(latest_version) from report where entity_code = 'SE'"
            )
            == 1
        )


KPI_SAVE = """
mutation($input: KpiReportInput!) { saveKpiValues(input: $input) {
  __typename ... on ReportSaved { submission { version } } } }
"""


async def test_figures_saved_over_graphql_come_back_unchanged_through_the_workbook(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    """Provenance and the amounts' scale are not in the workbook: a value it gives back as
    saved keeps its provenance, and 302.00 is 302."""
    token = tokens["national-de"]
    published = {"provenance": "PUBLISHED", "note": "annual report 2024"}
    values = [
        {"kpi": "turnover", "amount": "5985000.00", "currency": "EUR", **published},
        {"kpi": "users", "amount": "302.00", **published},
        {"kpi": "staff_fte", "amount": "6.70"},
        {"kpi": "offices", "amount": "1"},
        {"kpi": "contribution_rate", "amount": "9.0"},
    ]
    body = await gql(
        client, token, KPI_SAVE, input={"entity": "DE", "period": "2024", "values": values}
    )
    assert data(body)["saveKpiValues"] == {
        "__typename": "ReportSaved",
        "submission": {"version": 1},
    }
    again = await download(client, token, "DE", "2024")
    response = await upload(client, token, "DE", "2024", again)
    assert response.status_code == 200, response.json()["errors"]
    assert [(d["dataset"], d["outcome"], d["version"]) for d in response.json()["datasets"]] == [
        ("kpi", "unchanged", 1)
    ]
