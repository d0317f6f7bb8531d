"""A warning needs a comment to submit: the workbook's Note column gives it for a KPI's line,
the upload says which warnings need one and where to write it, in sheet and cell."""

from __future__ import annotations

import io
from typing import Any

from litestar.testing import AsyncTestClient
from openpyxl import Workbook, load_workbook

from hub.excel.layout import KPIS
from hub.services import Hub
from tests.api.graphql_client import data, error_messages, gql
from tests.excel.workbooks import download, edit, row_of, set_kpis, upload

SWEDEN_2024 = {"turnover": 2_607_000, "users": 273, "staff_fte": 3, "offices": 1}
RATE = {"contribution_rate": 7.33}
MOVE = "mutation($input: TransitionInput!) { transitionReport(input: $input) { status } }"
VERSIONS = """
query { reports(entity: ["SE"], period: ["2025"]) { versions { version findings {
  severity rule field place comment needsComment message } } } }
"""


async def _publish_2024(client: AsyncTestClient[Any], tokens: dict[str, str]) -> None:
    token = tokens["national-se"]
    blank = await download(client, token, "SE", "2024")
    filled = edit(blank, lambda wb: set_kpis(wb, {**SWEDEN_2024, **RATE}))
    assert (await upload(client, token, "SE", "2024", filled)).status_code == 200
    for who, action in (("national-se", "SUBMIT"), ("finance", "APPROVE")):
        move = {"entity": "SE", "period": "2024", "dataset": "KPI", "action": action}
        data(await gql(client, tokens[who], MOVE, input=move))


def _note(workbook: Workbook, text: str) -> None:
    row = row_of(workbook, KPIS.title, "users")
    workbook[KPIS.title].cell(row=row, column=KPIS.column("note")).value = text


async def test_the_note_column_is_the_comment_of_its_lines_warning(
    client: AsyncTestClient[Any], tokens: dict[str, str], hub: Hub
) -> None:
    await _publish_2024(client, tokens)
    token = tokens["national-se"]
    blank = await download(client, token, "SE", "2025")
    users = row_of(load_workbook(io.BytesIO(blank)), KPIS.title, "users")
    filled = edit(blank, lambda wb: set_kpis(wb, {**SWEDEN_2024, **RATE, "users": 600}))
    response = await upload(client, token, "SE", "2025", filled)
    assert response.status_code == 200, response.json()["errors"]
    [warning] = response.json()["warnings"]
    assert warning == {
        "sheet": "KPIs",
        "cell": f"E{users}",
        "rule": "change-vs-previous-period",
        "message": "users changed by +119.8 % against the previous period (273 -> 600); "
        "more than 50 % needs a comment",
        "severity": "warning",
        "comment": None,
        "needsComment": True,
        "explain": f"write why in the Note column (cell G{users} of the KPIs sheet) and upload "
        "again, or comment it when you submit",
    }
    marked = await upload(client, token, "SE", "2025", filled, annotated=True)
    checked = load_workbook(io.BytesIO(marked.content))
    assert checked["Upload report"]["B2"].value == "unchanged"
    assert checked[KPIS.title][f"E{users}"].comment.text.endswith(
        f"Needs a comment: write why in the Note column (cell G{users} of the KPIs sheet) and "
        "upload again, or comment it when you submit"
    )

    submit = {"entity": "SE", "period": "2025", "dataset": "KPI", "action": "SUBMIT"}
    assert error_messages(await gql(client, token, MOVE, input=submit)) == [
        "version 1 has 1 warning(s) without a comment: submitting needs a comment that explains "
        "them (a KPI's note, the workbook's Note column, explains its own line); first: "
        f"KPIs!E{users}: users changed by +119.8 % against the previous period (273 -> 600); "
        "more than 50 % needs a comment"
    ]

    again = await download(client, token, "SE", "2025")
    explained = edit(again, lambda wb: _note(wb, "two new cities joined in March"))
    response = await upload(client, token, "SE", "2025", explained)
    assert [(d["outcome"], d["version"]) for d in response.json()["datasets"]] == [("saved", 2)]
    [warning] = response.json()["warnings"]
    assert warning == {
        "sheet": "KPIs",
        "cell": f"E{users}",
        "rule": "change-vs-previous-period",
        "message": "users changed by +119.8 % against the previous period (273 -> 600); "
        "more than 50 % needs a comment",
        "severity": "warning",
        "comment": "two new cities joined in March",
        "needsComment": False,
        "explain": None,
    }
    versions = data(await gql(client, token, VERSIONS))["reports"][0]["versions"]
    assert [
        (f["place"], f["field"], f["comment"], f["needsComment"])
        for v in versions
        for f in v["findings"]
    ] == [
        (f"KPIs!E{users}", "values[1].amount", None, True),
        (f"KPIs!E{users}", "values[1].amount", "two new cities joined in March", False),
    ]
    assert data(await gql(client, token, MOVE, input=submit)) == {
        "transitionReport": {"status": "SUBMITTED"}
    }
