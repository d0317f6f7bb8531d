"""The monitoring workbook on the demo network."""

from __future__ import annotations

import io
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from openpyxl import load_workbook

from hub.demo.load import load_demo
from hub.services import Hub


async def test_contributions_programmes_loans_and_break_even_in_one_workbook(
    client: AsyncTestClient[Any], hub: Hub
) -> None:
    finance = (await load_demo(hub)).tokens["finance"]
    response = await client.get(
        "/api/monitoring/2024/report.xlsx", headers={"Authorization": f"Bearer {finance}"}
    )
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Contributions 2024", "Programmes", "Loans", "Break-even"]
    contributions = workbook["Contributions 2024"]
    belgium = next(
        r
        for r in contributions.iter_rows(min_row=2, values_only=True)
        if r[0] == "BE" and r[1] == "on_turnover"
    )
    assert belgium[5] == pytest.approx(12_832_830.92)
    assert belgium[6] == 12_831_447
    assert belgium[7] == pytest.approx(-1_383.92)
    assert contributions["F2"].number_format == "#,##0.00;(#,##0.00);-"
    programmes = [r for r in workbook["Programmes"].iter_rows(min_row=2, values_only=True) if r[0]]
    plan_total = next(r for r in programmes if r[3] == "total" and r[4] == 3_300_000)
    assert plan_total[9] == "illustrative"
    loans = [r for r in workbook["Loans"].iter_rows(min_row=2, values_only=True) if r[0]]
    assert sum(r[6] for r in loans) == 236_510
    statuses = {
        r[0]: r[2] for r in workbook["Break-even"].iter_rows(min_row=2, max_row=5, values_only=True)
    }
    assert statuses == {"DE": "on track", "AT": "off track", "IT": "on track", "SE": "off track"}


async def test_a_period_with_nothing_to_monitor_is_refused_as_on_the_cli(
    client: AsyncTestClient[Any], hub: Hub
) -> None:
    finance = (await load_demo(hub)).tokens["finance"]
    response = await client.get(
        "/api/monitoring/2031/report.xlsx", headers={"Authorization": f"Bearer {finance}"}
    )
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "period 2031: no published figure behind its contributions and no programme running "
        "in it; periods with figures: 2024"
    )
