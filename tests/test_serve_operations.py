"""`hub serve` in operation, as real processes: what a flood of bad tokens costs in the log, and
the embedded PostgreSQL killed under the hub (mid-upload: nothing half stored, the hub back by
itself; unable to start again: the hub stops with one line and exit status 1)."""

from __future__ import annotations

import asyncio
import io
import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from openpyxl import Workbook, load_workbook

from hub.auth.tokens import UNKNOWN
from hub.excel.layout import TRIAL_BALANCE
from tests.test_cli import RunningHub, env, free_port, run_hub

ROWS = 60_000  # a trial balance whose upload lasts seconds: time to kill the server under it
PARTIAL = 5_000  # rows written when it is killed


StartHub = Callable[[list[str], dict[str, str], Path], RunningHub]


@pytest.fixture
def start_hub() -> Iterator[StartHub]:
    """Starts `hub` processes; any the test left running (a failed assertion) is stopped."""
    started: list[RunningHub] = []

    def start(args: list[str], environment: dict[str, str], log: Path) -> RunningHub:
        started.append(RunningHub(args, environment, log))
        return started[-1]

    yield start
    for hub in started:
        if hub.process.poll() is None:
            hub.process.send_signal(signal.SIGINT)
            try:
                hub.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                hub.process.kill()
                hub.process.wait()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_each_refused_request_costs_one_short_log_line(
    database_url: str, tmp_path: Path, start_hub: StartHub
) -> None:
    """The review measured 5.6 KB of traceback per 401. Also: HUB_GRAPHIQL=1 turns the page on."""
    port = free_port()
    log = tmp_path / "hub.log"
    hub = start_hub(
        ["serve", "--port", str(port)], env(HUB_DATABASE_URL=database_url, HUB_GRAPHIQL="1"), log
    )
    hub.wait_for("Press Ctrl-C to stop.")
    base = f"http://127.0.0.1:{port}"
    assert "GraphiQL" in httpx.get(f"{base}/graphql", headers={"Accept": "text/html"}).text
    before = log.read_bytes()
    floods = 50
    for index in range(floods):
        answer = httpx.post(
            f"{base}/graphql", json={"query": "{ me { name } }"}, headers=bearer(f"hub_{index}")
        )
        assert answer.status_code == 401
    deadline = time.monotonic() + 10
    while log.read_bytes().count(b"\n") < before.count(b"\n") + floods:
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.1)
    added = log.read_bytes()[len(before) :].decode()
    lines = added.splitlines()
    assert len(lines) == floods, added
    assert all(" - 401 POST /graphql request_id=" in line for line in lines)
    assert all(line.endswith("client=127.0.0.1: " + UNKNOWN) for line in lines)
    assert "Traceback" not in added
    per_request = len(added.encode()) / floods
    assert per_request < 200, per_request
    print(f"log per refused request: {per_request:.0f} bytes")
    hub.interrupt()


def big_workbook(template: bytes, rows: int) -> bytes:
    """The downloaded template with `rows` trial-balance lines that sum to zero."""
    source = load_workbook(io.BytesIO(template))
    target = Workbook(write_only=True)
    for sheet in source.worksheets:
        if sheet.title == TRIAL_BALANCE.title:
            continue
        copy = target.create_sheet(sheet.title)
        for values in sheet.iter_rows(values_only=True):
            copy.append(values)
        copy.sheet_state = sheet.sheet_state
    tb = target.create_sheet(TRIAL_BALANCE.title)
    tb.append(TRIAL_BALANCE.headers)
    total = Decimal(0)
    for index in range(rows - 1):
        amount = Decimal(index % 1000) - Decimal(500)
        total += amount
        tb.append((f"400000{index:06d}", f"Unit {index}", None, float(amount), "EUR", None))
    tb.append(("550000999999", "Balancing line", None, float(-total), "EUR", None))
    buffer = io.BytesIO()
    target.save(buffer)
    return buffer.getvalue()


def postmaster(pgdata: Path) -> tuple[int, str]:
    """The running server's pid and a URL to reach it (its socket folder)."""
    lines = (pgdata / "postmaster.pid").read_text().splitlines()
    return int(lines[0]), f"postgresql://postgres@/postgres?host={lines[4]}"


async def _kill_mid_copy(pgdata: Path) -> tuple[int, int]:
    """SIGKILL the postmaster once the upload's COPY has written thousands of its rows (the
    server's own progress view says so); the pid killed and the rows written by then."""
    pid, url = postmaster(pgdata)
    watcher = await asyncpg.connect(url)
    for _ in range(3000):
        written = await watcher.fetchval(
            "select coalesce(max(tuples_processed), 0) from pg_stat_progress_copy"
        )
        if written >= PARTIAL:
            os.kill(pid, signal.SIGKILL)
            return pid, written
        await asyncio.sleep(0.01)
    pytest.fail("the upload's COPY never got going")


async def _stored(pgdata: Path) -> dict[str, int]:
    _, url = postmaster(pgdata)
    connection = await asyncpg.connect(url)
    try:
        counts: dict[str, int] = {}
        for table in ("report", "submission", "report_event", "tb_line", "statement_line"):
            counts[table] = await connection.fetchval(f"select count(*) from {table}")
        counts["submissions without lines"] = await connection.fetchval(
            "select count(*) from submission s where s.dataset = 'STATEMENTS' and not exists "
            "(select 1 from tb_line t where t.submission_id = s.id)"
        )
        return counts
    finally:
        await connection.close()


def wait_healthy(base: str, seconds: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            answer = httpx.get(f"{base}/health", timeout=5)
            if answer.status_code == 200:
                body: dict[str, Any] = answer.json()
                return body
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    pytest.fail("the hub did not answer /health with 200 again")


def test_the_postmaster_killed_mid_upload_leaves_nothing_half_stored_and_is_restarted(
    tmp_path: Path, start_hub: StartHub
) -> None:
    data_dir = tmp_path / "data"
    environment = env(HUB_DATABASE_URL=None, HUB_DATA_DIR=str(data_dir), HUB_GRAPHIQL=None)
    port = free_port()
    log = tmp_path / "hub.log"
    hub = start_hub(["serve", "--port", str(port)], environment, log)
    hub.wait_for("Press Ctrl-C to stop.")
    # The running hub's embedded server, joined by the command.
    added = run_hub(["user", "add", "be-team", "--role", "national", "--entity", "BE"], environment)
    assert added.returncode == 0, added.stderr
    token = added.stdout.strip()
    base = f"http://127.0.0.1:{port}"
    pgdata = (data_dir / "pg").resolve()
    # serve's default: no GraphiQL page
    assert httpx.get(f"{base}/graphql", headers={"Accept": "text/html"}).status_code == 404

    url = f"{base}/api/reports/BE/2024/workbook"
    template = httpx.get(url, headers=bearer(token)).content
    workbook = big_workbook(template, ROWS)
    answers: list[httpx.Response] = []
    upload = threading.Thread(
        target=lambda: answers.append(
            httpx.post(url, content=workbook, headers=bearer(token), timeout=120)
        )
    )
    upload.start()
    killed, written = asyncio.run(_kill_mid_copy(pgdata))
    upload.join()
    assert PARTIAL <= written < ROWS

    [answer] = answers
    assert answer.status_code == 503, answer.text
    assert answer.json()["detail"].startswith("the database is unavailable (")
    output = hub.wait_for(f"the embedded PostgreSQL in {pgdata} runs again")
    assert f"the embedded PostgreSQL in {pgdata} stopped; restarting it" in output
    assert "Traceback" not in output
    assert wait_healthy(base)["status"] == "ok"
    assert postmaster(pgdata)[0] != killed
    assert asyncio.run(_stored(pgdata)) == {
        "report": 0,
        "submission": 0,
        "report_event": 0,
        "tb_line": 0,
        "statement_line": 0,
        "submissions without lines": 0,
    }

    small = big_workbook(template, 40)
    again = httpx.post(url, content=small, headers=bearer(token), timeout=60)
    assert again.status_code == 200, again.text
    assert again.json()["accepted"] is True
    stored = asyncio.run(_stored(pgdata))
    assert (stored["submission"], stored["tb_line"], stored["submissions without lines"]) == (
        1,
        40,
        0,
    )
    assert hub.interrupt().rstrip().endswith("Stopped.")
    assert not (pgdata / "postmaster.pid").exists()


def test_a_postmaster_that_cannot_start_again_stops_the_hub_with_one_line(
    tmp_path: Path, start_hub: StartHub
) -> None:
    data_dir = tmp_path / "data"
    port = free_port()
    log = tmp_path / "hub.log"
    hub = start_hub(
        ["serve", "--port", str(port), "--data-dir", str(data_dir)],
        env(HUB_DATABASE_URL=None),
        log,
    )
    hub.wait_for("Press Ctrl-C to stop.")
    pgdata = (data_dir / "pg").resolve()
    pid, _ = postmaster(pgdata)
    # The cluster's control file gone (a disk fault): PostgreSQL refuses to start.
    shutil.move(pgdata / "global" / "pg_control", tmp_path / "pg_control")
    os.kill(pid, signal.SIGKILL)
    assert hub.process.wait(timeout=90) == 1
    output = log.read_text()
    errors = [line for line in output.splitlines() if line.startswith("error:")]
    assert errors == [
        "error: the embedded PostgreSQL stopped and 5 restarts failed: cannot start the "
        f"embedded PostgreSQL in {pgdata}: Expected to find it in the directory "
        f'"{pgdata}", but could not open file "{pgdata}/global/pg_control": No such file '
        f"or directory (server log: {pgdata / 'log'})"
    ]
    assert output.rstrip().endswith(errors[0])
    assert "Traceback" not in output
