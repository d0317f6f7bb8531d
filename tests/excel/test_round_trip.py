"""The Belgian published statements through the Excel template, end to end, and the TB."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from litestar.testing import AsyncTestClient
from openpyxl import Workbook, load_workbook

from hub.demo.statements import BELGIUM
from hub.excel.layout import KPIS, STATEMENTS, TRIAL_BALANCE
from hub.services import Hub
from tests.api.graphql_client import data, gql
from tests.excel.workbooks import (
    download,
    edit,
    row_of,
    set_accounts,
    set_kpis,
    set_lines,
    upload,
)

MOVE = """
mutation Move($input: TransitionInput!) { transitionReport(input: $input) { status } }
"""
STATEMENTS_QUERY = """
query S($period: String!) {
  statements(entity: "BE", period: $period) {
    version lines { line amount } roundingDifferences { field message }
  }
  reports(entity: ["BE"], period: [$period]) { dataset status approvedVersion }
}
"""
BELGIAN_KPIS: dict[str, dict[str, object]] = {
    "2023": {"turnover": 193_766_363, "contribution_income": 27_297_504},
    "2024": {
        "turnover": 197_677_870,
        "users": 20_611,
        "salaried_members": 20_892,
        "staff_fte": 236,
        "advisers": 87,
        "offices": 8,
        "contribution_rate": 6.5,
        "contribution_income": 28_663_495,
    },
}


async def publish(client: AsyncTestClient[Any], tokens: dict[str, str], period: str) -> None:
    for token, dataset, action, reason in [
        ("national-be", "KPI", "SUBMIT", "published figures"),
        ("national-be", "STATEMENTS", "SUBMIT", "changes as in the published report"),
        ("finance", "KPI", "APPROVE", None),
        ("finance", "STATEMENTS", "APPROVE", None),
        ("finance", "KPI", "LOCK", None),
        ("finance", "STATEMENTS", "LOCK", None),
    ]:
        body = await gql(
            client,
            tokens[token],
            MOVE,
            input={
                "entity": "BE",
                "period": period,
                "dataset": dataset,
                "action": action,
                "reason": reason,
            },
        )
        data(body)


async def test_the_belgian_statements_of_2023_and_2024_go_in_through_the_workbook(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    national = tokens["national-be"]
    for period, column in (("2023", 1), ("2024", 2)):
        blank = await download(client, national, "BE", period)

        def fill(workbook: Workbook, period: str = period, column: int = column) -> None:
            set_lines(workbook, {row[0]: row[column] for row in BELGIUM})
            set_kpis(workbook, BELGIAN_KPIS[period])

        response = await upload(client, national, "BE", period, edit(blank, fill))
        report = response.json()
        assert response.status_code == 200, report
        assert report["accepted"] is True
        assert [(d["dataset"], d["outcome"], d["version"]) for d in report["datasets"]] == [
            ("kpi", "saved", 1),
            ("statements", "saved", 1),
        ]
        notices = [w for w in report["warnings"] if w["severity"] == "notice"]
        workbook = load_workbook(io.BytesIO(blank))
        amount = STATEMENTS.letter("amount")
        rounded = {
            "2023": ["BS.A.CA.VII", "BS.L", "IS.EBIT", "IS.TI"],
            "2024": ["IS.NET", "IS.RBT", "IS.EBIT"],
        }[period]
        assert [(n["sheet"], n["cell"]) for n in notices] == [
            ("Statements", f"{amount}{row_of(workbook, STATEMENTS.title, code)}")
            for code in rounded
        ]
        await publish(client, tokens, period)

        body = data(await gql(client, tokens["board"], STATEMENTS_QUERY, period=period))
        lines = {line["line"]: line["amount"] for line in body["statements"]["lines"]}
        assert {code: lines[code] for code, *_ in BELGIUM} == {
            row[0]: str(row[column]) for row in BELGIUM
        }
        assert len(body["statements"]["roundingDifferences"]) == len(rounded)
        assert body["reports"] == [
            {"dataset": "KPI", "status": "LOCKED", "approvedVersion": 1},
            {"dataset": "STATEMENTS", "status": "LOCKED", "approvedVersion": 1},
        ]

    template_2024 = load_workbook(io.BytesIO(await download(client, national, "BE", "2024")))
    statements = template_2024[STATEMENTS.title]
    row = row_of(template_2024, STATEMENTS.title, "BS.A")
    assert statements.cell(row=row, column=STATEMENTS.column("previous")).value == 71_560_130
    assert statements.cell(row=row, column=STATEMENTS.column("amount")).value == 71_641_320
    assert template_2024["_hub"]["B5"].value == 1


SE_BALANCED = {
    "1930": 1_250_000.50,  # bank
    "1510": 830_000,  # trade receivables
    "2440": -410_000,  # trade payables
    "2081": -100_000,  # share capital
    "3010": -29_804_528,  # turnover
    "7010": 24_000_000,  # member wages
    "7510": 4_234_527.50,  # social charges
}


async def test_a_balanced_swedish_trial_balance_is_saved_in_sek(
    client: AsyncTestClient[Any], tokens: dict[str, str], hub: Hub
) -> None:
    token = tokens["national-se"]
    filled = edit(
        await download(client, token, "SE", "2024"), lambda wb: set_accounts(wb, SE_BALANCED)
    )
    response = await upload(client, token, "SE", "2024", filled)
    assert response.status_code == 200, response.json()
    async with hub.db.pool.acquire() as connection:
        rows = await connection.fetch(
            "select account_code, amount, currency from tb_line order by position"
        )
    assert {r["account_code"]: (r["amount"], r["currency"]) for r in rows} == {
        code: (Decimal(str(amount)), "SEK") for code, amount in SE_BALANCED.items()
    }


async def test_an_unbalanced_trial_balance_is_refused(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    token = tokens["national-se"]
    accounts = {**SE_BALANCED, "1930": 1_250_000.52}
    blank = await download(client, token, "SE", "2024")
    response = await upload(
        client, token, "SE", "2024", edit(blank, lambda wb: set_accounts(wb, accounts))
    )
    assert response.status_code == 422
    assert [(e["sheet"], e["cell"], e["message"]) for e in response.json()["errors"]] == [
        (
            "Trial balance",
            None,
            "the trial balance does not balance: debits minus credits = 0.02 SEK (tolerance 0.01)",
        )
    ]


SE_CHART = "BAS (Swedish standard chart)"
BAS = (
    "four digits (BAS) (e.g. 1930) or a listed account, optionally followed by digits of a "
    "sub-account"
)


async def test_unknown_accounts_and_partners_are_located(
    client: AsyncTestClient[Any], tokens: dict[str, str], hub: Hub
) -> None:
    token = tokens["national-se"]

    def fill(workbook: Workbook) -> None:
        set_accounts(workbook, SE_BALANCED)
        sheet = workbook[TRIAL_BALANCE.title]
        last = sheet.max_row + 1
        added: list[tuple[object, ...]] = [
            ("DIFF", "Mystery", 0, "SEK", None),
            ("1660", "Fordran Smart", 5, "SEK", "FR"),
            ("166", None, -5, "SEK", None),
        ]
        for offset, values in enumerate(added):
            for column, value in zip("ABDEF", values, strict=True):
                sheet[f"{column}{last + offset}"] = value

    blank = await download(client, token, "SE", "2024")
    rows = load_workbook(io.BytesIO(blank))[TRIAL_BALANCE.title].max_row
    response = await upload(client, token, "SE", "2024", edit(blank, fill))
    assert response.status_code == 422
    assert [(e["cell"], e["message"]) for e in response.json()["errors"]] == [
        (f"A{rows + 1}", f"account 'DIFF' is not in SE's chart ({SE_CHART}): accounts are {BAS}"),
        (f"F{rows + 2}", "partner 'FR' must be another entity of the network (BE, DE, AT, IT)"),
        (f"A{rows + 3}", f"account '166' is not in SE's chart ({SE_CHART}): accounts are {BAS}"),
    ]
    async with hub.db.pool.acquire() as connection:
        assert await connection.fetchval("select count(*) from submission") == 0


async def test_kpi_sheet_errors_are_located(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    token = tokens["national-de"]
    blank = await download(client, token, "DE", "2024")
    filled = edit(blank, lambda wb: set_kpis(wb, {"turnover": 5_985_000, "users": -302}))
    response = await upload(client, token, "DE", "2024", filled)
    row = row_of(load_workbook(io.BytesIO(blank)), KPIS.title, "users")
    assert response.status_code == 422
    assert [(e["sheet"], e["cell"], e["message"]) for e in response.json()["errors"]] == [
        ("KPIs", f"{KPIS.letter('amount')}{row}", "users must not be negative, got -302")
    ]
