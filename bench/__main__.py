"""`python -m bench`: every comparison of issue 15, side by side in one run, as one table of
ratios (docs/benchmarks.md#python--m-bench-every-comparison-in-one-table).

    python -m bench [--quick] [--runs N] [--only ROW ...]

Progress goes to stderr, the table to stdout. Rows: 1 blocks, 2 series, 3 kpivalues,
4 consolidation, 5 upload, 6 throughput (by number or name).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys
import time
import traceback
from collections.abc import Awaitable, Callable

from bench import client
from bench.rows import blocks, consolidation, kpi_values, series, throughput, upload
from bench.stage import Options, Stage
from bench.table import Row, progress, render, unmeasured

RowRunner = Callable[[Stage], Awaitable[list[Row]]]

# key, name (--only takes either), runner
ROWS: list[tuple[str, str, RowRunner]] = [
    ("1", "blocks", blocks.run),
    ("2", "series", series.run),
    ("3", "kpivalues", kpi_values.run),
    ("4", "consolidation", consolidation.run),
    ("5", "upload", upload.run),
    ("6", "throughput", throughput.run),
]
TARGETS = {
    "1": blocks.TARGET,
    "2": series.TARGET,
    "3": kpi_values.TARGET,
    "4": consolidation.TARGET,
    "5": upload.TARGET,
    "6": throughput.SCALING,
}


def chosen(only: list[str] | None) -> list[tuple[str, str, RowRunner]]:
    if not only:
        return ROWS
    wanted = {w.lower() for w in only}
    known = {k for k, _, _ in ROWS} | {n for _, n, _ in ROWS}
    unknown = wanted - known
    if unknown:
        raise SystemExit(f"error: unknown rows {sorted(unknown)}; known: {sorted(known)}")
    return [row for row in ROWS if row[0] in wanted or row[1] in wanted]


async def main(options: Options, only: list[str] | None) -> list[Row]:
    progress(client.describe())
    table: list[Row] = []
    started = time.perf_counter()
    async with contextlib.AsyncExitStack() as stack:
        stage = Stage(options, stack)
        for key, name, runner in chosen(only):
            progress(f"row {key} ({name})")
            try:
                table.extend(await runner(stage))
            except Exception as error:  # one row failing leaves the others measured
                traceback.print_exc(file=sys.stderr)
                table.append(unmeasured(key, name, TARGETS.get(key), f"failed: {error}"))
    progress(f"done in {time.perf_counter() - started:.0f} s")
    return table


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, few runs (~1 min)")
    parser.add_argument("--runs", type=int, default=None, help="interleaved rounds per row")
    parser.add_argument("--only", nargs="+", metavar="ROW", help="rows by number or name")
    arguments = parser.parse_args()
    logging.getLogger("httpx").setLevel(logging.WARNING)
    options = Options.make(arguments.quick, arguments.runs)
    rows = asyncio.run(main(options, arguments.only))
    print(render(rows))


if __name__ == "__main__":
    cli()
