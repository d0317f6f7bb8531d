"""`python -m bench --quick` in a process of its own, against the suite's PostgreSQL: the table
has every row with figures on both sides, and a peer that cannot run is reported as not
measured, never as a pass."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench import consolidation

REPO = Path(__file__).resolve().parent.parent.parent
FIGURE = r"\d+(?:\.\d+)?/\d+(?:\.\d+)?/\d+(?:\.\d+)? (?:ms|s|req/s)"
ROW = re.compile(
    rf"^(\S+)\s+.+?\s+({FIGURE})\s+({FIGURE})\s+(\d+\.\d\d)x\s+(\S+ \S+x|-)\s+(yes|NO|-)$"
)

pytestmark = pytest.mark.bench


def bench(server_url: str, *arguments: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bench", "--quick", *arguments],
        cwd=REPO,
        env={**os.environ, "HUB_DATABASE_URL": server_url, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def table_rows(stdout: str) -> dict[str, re.Match[str]]:
    found = {}
    for line in stdout.splitlines():
        match = ROW.match(line)
        if match:
            found[match.group(1)] = match
    return found


def test_every_row_has_figures(server_url: str) -> None:
    done = bench(server_url)
    assert done.returncode == 0, done.stderr[-3000:]
    rows = table_rows(done.stdout)
    expected = {"1", "2", "3", "4", "5", "6"}
    if not hasattr(consolidation, "measure"):  # before the prior period is in (the db work)
        expected.remove("4")
        assert re.search(r"^4 .*NO \(not measured\)$", done.stdout, re.MULTILINE)
    assert set(rows) == expected, done.stdout + done.stderr[-3000:]
    for key, match in rows.items():
        ratio = float(match.group(4))
        assert ratio > 0, key
        assert match.group(6) in ("yes", "NO"), key
    # rows 3 (two sizes) and 6 (scaling, six tails) have several lines; one 6 is information
    assert re.search(r"^\d+ of 13 targets met$", done.stdout, re.MULTILINE), done.stdout
    assert "[bench] row 1" in done.stderr  # progress on stderr, the table alone on stdout
    assert "[bench]" not in done.stdout


def test_a_missing_peer_is_not_a_pass(server_url: str) -> None:
    done = bench(server_url, "--only", "kpivalues", HUB_BENCH_NODE="/nonexistent/node")
    assert done.returncode == 0, done.stderr[-3000:]
    assert "PostGraphile: not available (Node.js not found (/nonexistent/node))" in done.stderr
    lines = [line for line in done.stdout.splitlines() if line.startswith("3 ")]
    assert len(lines) == 2, done.stdout
    for line in lines:
        assert re.search(r"not measured\s+not measured\s+-\s+<= 1x\s+NO \(not measured\)$", line)
    assert "0 of 2 targets met" in done.stdout
    assert "not measured: PostGraphile: Node.js not found" in done.stdout
