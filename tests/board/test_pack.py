"""The board pack: written by the command line, charts included; a year without published
figures is refused."""

from __future__ import annotations

import asyncio
import io
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

from litestar.testing import AsyncTestClient
from openpyxl import load_workbook

from hub.demo.load import load_demo
from hub.services import Hub
from tests.test_cli import env


def rows_by_name(data: bytes) -> dict[str, tuple[Any, ...]]:
    sheet = load_workbook(io.BytesIO(data))["Network"]
    return {row[0]: row for row in sheet.iter_rows(min_row=4, values_only=True) if row[0]}


async def test_the_command_writes_the_pack(hub: Hub, database_url: str, tmp_path: Path) -> None:
    await load_demo(hub)
    target = tmp_path / "board-pack-2024.xlsx"
    done = await asyncio.to_thread(
        subprocess.run,
        [
            sys.executable,
            "-m",
            "hub",
            "export",
            "board-pack",
            "--period",
            "2024",
            "--output",
            str(target),
        ],
        env=env(HUB_DATABASE_URL=database_url),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Wrote {target} (")
    data = target.read_bytes()
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["Network", "Turnover trend", "BE", "DE", "AT", "IT", "SE"]
    rows = rows_by_name(data)
    germany = rows["Smart Germany"]
    assert germany[1:9] == (
        "eingetragene Genossenschaft (eG)",
        2015,
        "1: Berlin",
        6.7,
        302,
        9,
        5985000,
        30.0,
    )
    sweden = rows["Smart Sweden"]
    assert (sweden[7], sweden[8]) == (2607000.04, -19.42)
    assert rows["Smart Belgium (SmartCoop)"][7] == 197677870
    # Stored totals, not formulas: 197,677,870 + 5,985,000 + 1,534,000 + 6,686,000
    # + 2,607,000.04 = 214,489,870.04 EUR; staff 236 + 6.7 + 2.96 + 8 + 3 = 256.66 FTE;
    # users 20,611 + 302 + 332 + 1,800 + 273 = 23,318.
    assert (rows["Network"][4], rows["Network"][5], rows["Network"][7]) == (
        256.66,
        23318,
        214489870.04,
    )
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        charts = sorted(n for n in archive.namelist() if n.startswith("xl/charts/chart"))
        assert charts == ["xl/charts/chart1.xml", "xl/charts/chart2.xml"]
        assert b"<barChart>" in archive.read("xl/charts/chart1.xml")
        assert b"<lineChart>" in archive.read("xl/charts/chart2.xml")

    # How it prints (LibreOffice, one page a sheet, five lines): tests/exports/test_rendered.py


async def test_the_pack_downloads_for_a_year_only(client: AsyncTestClient[Any], hub: Hub) -> None:
    board = (await load_demo(hub)).tokens["board"]
    headers = {"Authorization": f"Bearer {board}"}
    response = await client.get("/api/board/2024/board-pack.xlsx", headers=headers)
    assert response.status_code == 200
    assert rows_by_name(response.content)["Smart Italy"][7] == 6686000
    wrong = await client.get("/api/board/2024-Q1/board-pack.xlsx", headers=headers)
    assert (wrong.status_code, wrong.json()["detail"]) == (
        400,
        "period: the board pack is made for a year, e.g. 2024",
    )
