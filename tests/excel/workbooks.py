"""Downloading, editing and uploading real workbooks through the app."""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from typing import Any

from litestar.testing import AsyncTestClient
from openpyxl import Workbook, load_workbook

from hub.excel.layout import KPIS, STATEMENTS, TRIAL_BALANCE


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def download(client: AsyncTestClient[Any], token: str, entity: str, period: str) -> bytes:
    response = await client.get(f"/api/reports/{entity}/{period}/workbook", headers=auth(token))
    assert response.status_code == 200, response.text
    return response.content


async def upload(
    client: AsyncTestClient[Any],
    token: str,
    entity: str,
    period: str,
    data: bytes,
    *,
    annotated: bool = False,
    headers: dict[str, str] | None = None,
) -> Any:
    return await client.post(
        f"/api/reports/{entity}/{period}/workbook",
        content=data,
        params={"annotated": "true"} if annotated else None,
        headers={**auth(token), **(headers or {})},
    )


def edit(data: bytes, change: Callable[[Workbook], None]) -> bytes:
    workbook = load_workbook(io.BytesIO(data))
    change(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def row_of(workbook: Workbook, title: str, code: str) -> int:
    sheet = workbook[title]
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row=row, column=1).value == code:
            return row
    raise KeyError(code)


def set_kpis(workbook: Workbook, values: Mapping[str, object]) -> None:
    sheet = workbook[KPIS.title]
    for code, amount in values.items():
        sheet.cell(
            row=row_of(workbook, KPIS.title, code), column=KPIS.column("amount"), value=amount
        )


def set_lines(workbook: Workbook, values: Mapping[str, object]) -> None:
    sheet = workbook[STATEMENTS.title]
    for code, amount in values.items():
        row = row_of(workbook, STATEMENTS.title, code)
        sheet.cell(row=row, column=STATEMENTS.column("amount"), value=amount)


def set_accounts(workbook: Workbook, values: Mapping[str, object]) -> None:
    sheet = workbook[TRIAL_BALANCE.title]
    for code, amount in values.items():
        row = row_of(workbook, TRIAL_BALANCE.title, code)
        sheet.cell(row=row, column=TRIAL_BALANCE.column("amount"), value=amount)
