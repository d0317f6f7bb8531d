"""The upload's file checks and parsing of a 100,000-line workbook (everything before the
database), this tree against another revision, alternated in one run so that both see the
same machine; the best of each is printed side by side.

    python -m bench.upload_before_after [--rev main] [--rows 100000] [--runs 3]

The other revision is taken with `git archive` into a temporary folder and run in its own
process. Revisions before defusedxml was a dependency run without it, as they were installed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from bench.common import REPO, bench_hub, national
from bench.trial_balance_upload import ENTITY, PERIOD, big_workbook
from hub.excel.service import template_for

# Run inside each tree: open the workbook and read every part, print the seconds.
CHILD = """
import sys, time
from pathlib import Path
from hub.excel.parse import UploadedWorkbook
from hub.reporting.period import parse_period
from hub.services import load_network
from hub.settings import Settings

tree, path = Path(sys.argv[1]), Path(sys.argv[2])
network = load_network(Settings(database_url=None, data_dir=Path("."), config_dir=tree / "config"))
data, limits = path.read_bytes(), network.rules.upload
entity, period = network.registry.entities[sys.argv[3]], parse_period(sys.argv[4])
started = time.perf_counter()
try:
    workbook = UploadedWorkbook(data, limits)
except TypeError:  # before hub/excel/package.py: the row limit alone
    workbook = UploadedWorkbook(data, max_rows=limits.max_trial_balance_rows)
assert workbook.open(entity, period), workbook.errors[:3]
workbook.kpi_values()
workbook.statement_lines()
lines = sum(1 for _ in workbook.trial_balance())
workbook.close()
print(time.perf_counter() - started, lines)
"""


def checkout(rev: str, folder: Path) -> Path:
    archive = folder / "rev.tar"
    subprocess.run(["git", "-C", str(REPO), "archive", "-o", str(archive), rev], check=True)
    tree = folder / "tree"
    with tarfile.open(archive) as tar:
        tar.extractall(tree, filter="data")
    return tree


def timed(tree: Path, workbook: Path, rows: int) -> float:
    environment = {**os.environ, "PYTHONPATH": str(tree)}
    if "defusedxml" not in (tree / "pyproject.toml").read_text(encoding="utf-8"):
        environment["OPENPYXL_DEFUSEDXML"] = "False"
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(tree), str(workbook), ENTITY, PERIOD],
        env=environment,
        cwd=tree,  # `python -c` puts the working folder first on the import path
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"{tree}: {result.stderr}")
    seconds, lines = result.stdout.split()
    assert int(lines) == rows, lines
    return float(seconds)


async def the_template() -> bytes:
    async with bench_hub() as hub:
        return await template_for(hub, await national(hub, ENTITY), ENTITY, PERIOD)


def main(rev: str, rows: int, runs: int) -> None:
    with tempfile.TemporaryDirectory(prefix="hub-bench-") as temporary:
        folder = Path(temporary)
        workbook = folder / "upload.xlsx"
        workbook.write_bytes(big_workbook(asyncio.run(the_template()), rows))
        trees = {rev: checkout(rev, folder), "this tree": REPO}
        best = dict.fromkeys(trees, float("inf"))
        for _ in range(runs):
            for name, tree in trees.items():
                best[name] = min(best[name], timed(tree, workbook, rows))
        before, after = best.values()
        print(f"checks and parsing of {rows:,} trial-balance lines (best of {runs}):")
        print(f"  {rev:<12} {before:6.2f} s")
        print(f"  {'this tree':<12} {after:6.2f} s   ({after / before:.2f}x)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", default="main")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    main(arguments.rev, arguments.rows, arguments.runs)
