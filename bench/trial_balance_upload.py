"""A 100,000-line trial balance workbook: upload (parse, validate, COPY into PostgreSQL) against
openpyxl alone reading the same file in read-only mode, side by side in one run.

    python -m bench.trial_balance_upload [--rows 100000] [--runs 3]

Prints both times, their ratio (target: at most 1.5x), the same against openpyxl without its
pass over sheets lacking `<dimension>` at open (hub/excel/reader.py), the time of the checks
made before parsing (archive measured and inflated, DTDs, sheets scanned: docs/uploads.md),
and the peak Python memory of the upload for a quarter of the rows and for all of them (flat:
about 1x).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import io
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from decimal import Decimal

from openpyxl import Workbook, load_workbook

from bench.common import bench_hub, best_of, national
from hub.excel.layout import TRIAL_BALANCE
from hub.excel.package import check_package
from hub.excel.reader import open_read_only
from hub.excel.scan import SheetScan
from hub.excel.service import template_for, upload_workbook
from hub.reporting.rules import Upload
from hub.services import Hub

ENTITY, PERIOD = "BE", "2024"
# Sub-accounts of listed Belgian accounts, one per production unit: 400000123 and so on.
BASES = ("400000", "411000", "440000", "455000", "700000", "604000", "620000", "550000")


def big_workbook(template: bytes, rows: int) -> bytes:
    """The hub's template with `rows` trial-balance lines that sum to zero, written in
    write-only mode (the way a national accounting export would produce it)."""
    source = load_workbook(io.BytesIO(template))
    target = Workbook(write_only=True)
    for sheet in source.worksheets:
        if sheet.title == TRIAL_BALANCE.title:
            continue
        copy = target.create_sheet(sheet.title)
        for values in sheet.iter_rows(values_only=True):
            copy.append(values)
        if sheet.sheet_state != "visible":
            copy.sheet_state = sheet.sheet_state
    tb = target.create_sheet(TRIAL_BALANCE.title)
    tb.append(TRIAL_BALANCE.headers)
    total = Decimal(0)
    for index in range(rows - 1):
        amount = Decimal((index * 7919) % 1_000_000) / 100 - Decimal(5000)
        total += amount
        account = f"{BASES[index % len(BASES)]}{index:06d}"
        tb.append((account, f"Production unit {index}", None, float(amount), "EUR", None))
    tb.append(("550000999999", "Balancing line", None, float(-total), "EUR", None))
    buffer = io.BytesIO()
    target.save(buffer)
    return buffer.getvalue()


def openpyxl_alone(data: bytes) -> int:
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    count = sum(1 for _ in workbook[TRIAL_BALANCE.title].iter_rows(min_row=2, values_only=True))
    workbook.close()
    return count


def openpyxl_prolog_only(data: bytes) -> int:
    """`openpyxl_alone` without openpyxl's pass over sheets lacking `<dimension>` when the
    workbook opens (hub/excel/reader.py): the least openpyxl itself needs to read the rows."""
    workbook = open_read_only(data)
    count = sum(1 for _ in workbook[TRIAL_BALANCE.title].iter_rows(min_row=2, values_only=True))
    workbook.close()
    return count


def file_checks(data: bytes, limits: Upload) -> None:
    """What the upload does before openpyxl parses anything."""
    assert check_package(data, limits) is None
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                with archive.open(name) as source:
                    SheetScan(max_rows=limits.max_trial_balance_rows + 1, cells=True).read(source)


async def upload_once(hub: Hub, period: str, data: bytes) -> None:
    report = await upload_workbook(hub, await national(hub, ENTITY), ENTITY, period, data)
    assert report.accepted, report.errors[:3]


async def peak_memory(hub: Hub, period: str, data: bytes) -> int:
    gc.collect()
    tracemalloc.start()
    await upload_once(hub, period, data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def traced(work: Callable[[bytes], object], data: bytes) -> int:
    gc.collect()
    tracemalloc.start()
    work(data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


async def workbook_for(hub: Hub, period: str, rows: int) -> bytes:
    template = await template_for(hub, await national(hub, ENTITY), ENTITY, period)
    return await asyncio.to_thread(big_workbook, template, rows)


async def main(rows: int, runs: int) -> None:
    async with bench_hub() as hub:
        started = time.perf_counter()
        # Each upload is the first version of its own monthly report, so every run does the
        # same work on a database that only grows.
        months = [f"2024-{month:02d}" for month in range(1, runs + 1)]
        full = {month: await workbook_for(hub, month, rows) for month in months}
        small_period, large_period = "2025-01", "2025-02"
        small = await workbook_for(hub, small_period, rows // 4)
        large = await workbook_for(hub, large_period, rows)
        size = len(full[months[0]]) / 1e6
        print(
            f"workbooks written in {time.perf_counter() - started:.1f} s "
            f"({size:.1f} MB for {rows:,} rows)"
        )

        reference = full[months[0]]

        async def read() -> None:
            assert openpyxl_alone(reference) == rows

        baseline = await best_of(runs, read)

        async def read_prolog_only() -> None:
            assert openpyxl_prolog_only(reference) == rows

        floor = await best_of(runs, read_prolog_only)

        async def checks() -> None:
            file_checks(reference, hub.rules.upload)

        checking = await best_of(runs, checks)
        pending = iter(months)
        hub_time = await best_of(runs, lambda: upload_once(hub, (m := next(pending)), full[m]))
        async with hub.db.pool.acquire() as connection:
            stored = await connection.fetchval("select count(*) from tb_line")
        assert stored == rows * runs, stored
        print(f"openpyxl read-only, rows only : {baseline:6.2f} s")
        print(f"hub upload (parse+check+COPY) : {hub_time:6.2f} s   ({rows:,} rows stored per run)")
        print(f"ratio upload / openpyxl       : {hub_time / baseline:6.2f}x   (target <= 1.5x)")
        print(f"openpyxl, no dimension pass   : {floor:6.2f} s   (hub/excel/reader.py)")
        print(f"ratio upload / that           : {hub_time / floor:6.2f}x")
        print(
            f"checks before parsing         : {checking:6.2f} s   "
            f"({checking / hub_time:.0%} of the upload)"
        )
        low = await peak_memory(hub, small_period, small)
        high = await peak_memory(hub, large_period, large)
        low_alone, high_alone = traced(openpyxl_alone, small), traced(openpyxl_alone, large)
        print(
            f"peak Python memory, {rows // 4:>7,} rows : hub {low / 1e6:6.1f} MB, "
            f"openpyxl alone {low_alone / 1e6:6.1f} MB"
        )
        print(
            f"peak Python memory, {rows:>7,} rows : hub {high / 1e6:6.1f} MB, "
            f"openpyxl alone {high_alone / 1e6:6.1f} MB"
        )
        print(
            f"growth for 4x the rows: hub {high / low:.2f}x, openpyxl alone "
            f"{high_alone / low_alone:.2f}x; hub beyond openpyxl: "
            f"{(low - low_alone) / 1e6:.1f} MB -> {(high - high_alone) / 1e6:.1f} MB"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.rows, arguments.runs))
