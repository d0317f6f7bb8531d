"""Row 5: a trial-balance workbook upload (parse, check every row, COPY into PostgreSQL, store
the version; bench/trial_balance_upload.py) against openpyxl alone reading the same file in
read-only mode, interleaved in this process (no HTTP on either side)."""

from __future__ import annotations

import asyncio
import time

from bench.common import bench_hub
from bench.stage import Stage
from bench.table import Row, Spread, Target, progress
from bench.trial_balance_upload import openpyxl_alone, upload_once, workbook_for

TARGET = Target("<=", 1.5)


async def run(stage: Stage) -> list[Row]:
    rows, runs = stage.options.upload_rows, stage.options.runs
    runs = min(runs, 5)  # each upload needs its own workbook: a few are enough
    async with bench_hub() as hub:
        progress(f"row 5: writing {runs} workbooks of {rows:,} trial-balance lines")
        # Each upload is the first version of its own monthly report: the same work each time.
        months = [f"2024-{month:02d}" for month in range(1, runs + 1)]
        files = {month: await workbook_for(hub, month, rows) for month in months}
        reference = files[months[0]]
        reading: list[float] = []
        uploading: list[float] = []
        for number, month in enumerate(months):
            for side in ("read", "upload") if number % 2 == 0 else ("upload", "read"):
                started = time.perf_counter()
                if side == "read":
                    count = await asyncio.to_thread(openpyxl_alone, reference)
                    assert count == rows, count
                    reading.append(time.perf_counter() - started)
                else:
                    await upload_once(hub, month, files[month])
                    uploading.append(time.perf_counter() - started)
            progress(f"row 5 round {number + 1}/{runs}")
        async with hub.db.pool.acquire() as connection:
            stored = await connection.fetchval("select count(*) from tb_line")
        assert stored == rows * runs, stored
    return [
        Row(
            "5",
            f"upload of {rows:,} trial-balance lines / openpyxl read-only",
            Spread.of(uploading, "s"),
            Spread.of(reading, "s"),
            TARGET,
        )
    ]
