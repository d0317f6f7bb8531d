"""`hub export …` for a period without data: exit status 1, one line naming the period and the
periods that have data, and no file written."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

from hub.demo.load import load_demo
from hub.services import Hub
from tests.test_cli import env


async def refused(database_url: str, folder: Path, *args: str) -> str:
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "hub", "export", *args],
        env=env(HUB_DATABASE_URL=database_url),
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout == ""
    assert await asyncio.to_thread(lambda: list(folder.iterdir())) == []  # no file written
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


async def test_a_year_without_data_is_refused_by_every_export(
    hub: Hub, database_url: str, tmp_path: Path
) -> None:
    await load_demo(hub)
    assert await refused(database_url, tmp_path, "board-pack", "--period", "2031") == (
        "error: period 2031: no figure is published for 2031; "
        "years with some: 2021, 2022, 2023, 2024"
    )
    assert await refused(database_url, tmp_path, "consolidation", "--period", "2031") == (
        "error: period 2031: no entity has published statements for 2031; "
        "years with some: 2023, 2024"
    )
    assert await refused(database_url, tmp_path, "monitoring", "--period", "2031") == (
        "error: period 2031: no published figure behind its contributions and no programme "
        "running in it; periods with figures: 2024"
    )
    assert await refused(
        database_url, tmp_path, "statements", "--entity", "DE", "--period", "2031"
    ) == (
        "error: DE 2031: nothing is reported for 2031; "
        "periods it has: 2021, 2022, 2023, 2024, 2025-Q1"
    )


async def test_an_empty_hub_says_no_period_has_data(
    hub: Hub, database_url: str, tmp_path: Path
) -> None:
    assert await refused(database_url, tmp_path, "board-pack", "--period", "2024") == (
        "error: period 2024: no figure is published for 2024; no year has any yet"
    )
