"""The template a national team downloads: its sheets, cover, validation and protection."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from litestar.testing import AsyncTestClient
from openpyxl import load_workbook

from hub.excel.layout import KPIS, TRIAL_BALANCE
from tests.excel.workbooks import auth, download, row_of


async def test_the_template_is_built_from_config_and_protected(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    workbook = load_workbook(
        io.BytesIO(await download(client, tokens["national-se"], "SE", "2024"))
    )
    assert workbook.sheetnames == ["Instructions", "KPIs", "Statements", "Trial balance", "_hub"]
    assert workbook["_hub"].sheet_state == "veryHidden"
    assert workbook.security.lockStructure is True
    cover = workbook["Instructions"]
    assert (cover["B3"].value, cover["B4"].value, cover["B5"].value) == ("SE", "2024", "SEK")
    assert cover["B6"].value == dt.datetime(2024, 12, 31)
    kpis = workbook[KPIS.title]
    assert kpis.protection.sheet is True
    assert kpis.cell(row=row_of(workbook, KPIS.title, "turnover"), column=6).value == "SEK"
    assert kpis["E2"].protection.locked is False
    assert kpis["A2"].protection.locked is True
    validations = {(v.type, str(v.sqref)) for v in kpis.data_validations.dataValidation}
    assert (
        "decimal",
        f"E2:E{1 + len([r for r in kpis.iter_rows(min_row=2) if r[0].value])}",
    ) in validations
    tb = workbook[TRIAL_BALANCE.title]
    accounts = [tb.cell(row=r, column=1).value for r in range(2, tb.max_row + 1)]
    assert "1930" in accounts
    assert "2081" in accounts
    partner_lists = [v.formula1 for v in tb.data_validations.dataValidation if v.type == "list"]
    assert partner_lists == ['"BE,DE,AT,IT"']
    assert tb.protection.insertRows is False


async def test_only_the_entitys_team_and_finance_download_its_template(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    for who, status in (
        ("national-se", 200),
        ("finance", 200),
        ("board", 403),
        ("national-de", 403),
    ):
        response = await client.get("/api/reports/SE/2024/workbook", headers=auth(tokens[who]))
        assert response.status_code == status, who
    anonymous = await client.get("/api/reports/SE/2024/workbook", headers={"Accept": "text/html"})
    assert anonymous.status_code == 401
