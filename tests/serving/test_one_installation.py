"""One database per installation (issue 14, item 1): every command uses the installation's
data folder whatever folder it runs in; commands that need data refuse when there is none; a
running hub is found (a second one refused, one-shot commands join its database); a demo that
cannot start leaves the running demo's credentials alone."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import uuid
from pathlib import Path

import asyncpg
import httpx
import pytest

from tests.conftest import with_database
from tests.test_cli import RunningHub, board_token, env, free_port, germany_2024_turnover, run_hub

NO_DATA = "start it once with `hub serve` or `hub demo`, or set HUB_DATA_DIR/HUB_DATABASE_URL"


def me(port: int, token: str) -> dict[str, str]:
    answer = httpx.post(
        f"http://127.0.0.1:{port}/graphql",
        json={"query": "{ me { name role } }"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    found: dict[str, str] = answer.json()["data"]["me"]
    return found


def refusal(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr
    [line] = result.stderr.splitlines()
    return line


def test_commands_share_the_user_data_folder_and_find_the_running_hub(tmp_path: Path) -> None:
    # No HUB_DATA_DIR: the user's data folder (XDG_DATA_HOME's network-hub on Linux).
    home = tmp_path / "xdg"
    data = home / "network-hub"
    here, there = tmp_path / "here", tmp_path / "there"
    here.mkdir()
    there.mkdir()
    environment = env(HUB_DATA_DIR=None, HUB_DATABASE_URL=None, XDG_DATA_HOME=str(home))

    # Nothing there yet: a command that needs data says so, and creates nothing.
    refused = run_hub(["export", "board-pack", "--period", "2024"], environment, cwd=here)
    assert refusal(refused) == f"error: no hub data in {data}: {NO_DATA}"
    assert list(here.iterdir()) == []
    assert not (data / "pg").exists()

    port = free_port()
    hub = RunningHub(["serve", "--port", str(port)], environment, tmp_path / "hub.log", cwd=here)
    try:
        output = hub.wait_for("Press Ctrl-C to stop.")
        assert f"Database : embedded PostgreSQL in {data / 'pg'}" in output
        running = json.loads((data / "running.json").read_text())
        assert (running["url"], running["pid"]) == (f"http://127.0.0.1:{port}", hub.process.pid)

        # From another folder, the same installation: the running hub's database, joined.
        added = run_hub(["user", "add", "kim", "--role", "board"], environment, cwd=there)
        assert added.returncode == 0, added.stderr
        assert me(port, added.stdout.strip()) == {"name": "kim", "role": "board"}

        # A second server on the same data is refused, naming the running one.
        named = (
            f"error: a hub is already running on the data in {data}: http://127.0.0.1:{port} "
            f"(pid {hub.process.pid}); stop it first, or give this one another --data-dir "
            "(HUB_DATA_DIR)"
        )
        for command in ("serve", "demo"):
            second = run_hub([command, "--port", str(free_port())], environment, cwd=there)
            assert refusal(second) == named
        assert not list(here.iterdir())
        assert not list(there.iterdir())
    finally:
        stopped = hub.interrupt()
    assert stopped.rstrip().endswith("Stopped.")
    assert not (data / "running.json").exists()
    assert not (data / "pg" / "postmaster.pid").exists()


def dead_pid() -> int:
    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(finished.stdout)


def test_a_run_file_left_by_a_killed_hub_is_recognised_by_its_pid(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "running.json").write_text(
        json.dumps(
            {
                "url": "http://127.0.0.1:1",
                "pid": dead_pid(),
                "process_started": 1.0,
                "listening_since": "2026-01-01T00:00:00Z",
            }
        )
    )
    port = free_port()
    environment = env(HUB_DATA_DIR=str(data), HUB_DATABASE_URL=None)
    hub = RunningHub(["serve", "--port", str(port)], environment, tmp_path / "hub.log")
    try:
        hub.wait_for("Press Ctrl-C to stop.")
        running = json.loads((data / "running.json").read_text())
        assert (running["url"], running["pid"]) == (f"http://127.0.0.1:{port}", hub.process.pid)
    finally:
        hub.interrupt()
    assert not (data / "running.json").exists()


@pytest.mark.parametrize(
    "command",
    [
        ["user", "list"],
        ["user", "add", "kim", "--role", "board"],
        ["export", "board-pack", "--period", "2024"],
        ["export", "monitoring", "--period", "2024"],
        ["import", "sie", "{file}", "--entity", "SE", "--period", "2024", "--user", "x"],
    ],
)
def test_commands_that_need_data_refuse_an_empty_data_folder(
    command: list[str], tmp_path: Path
) -> None:
    data = tmp_path / "data"
    file = tmp_path / "export.se"
    file.write_text("#FLAGGA 0\n")
    args = [part.replace("{file}", str(file)) for part in command]
    result = run_hub(args, env(HUB_DATA_DIR=str(data), HUB_DATABASE_URL=None), cwd=tmp_path)
    assert refusal(result) == f"error: no hub data in {data}: {NO_DATA}"
    assert not data.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.se"]


async def test_commands_that_need_data_refuse_an_empty_database(server_url: str) -> None:
    name = f"hub_test_{uuid.uuid4().hex[:12]}_empty"
    admin = await asyncpg.connect(server_url)
    try:
        await admin.execute(f'create database "{name}"')
        url = with_database(server_url, name)
        result = run_hub(["user", "list"], env(HUB_DATABASE_URL=url))
        assert refusal(result) == f"error: no hub data in the database at {url}: {NO_DATA}"
        empty = await asyncpg.connect(url)
        try:
            assert (
                await empty.fetchval("select count(*) from pg_tables where schemaname = 'public'")
                == 0
            )
        finally:
            await empty.close()
    finally:
        await admin.execute(f'drop database if exists "{name}" with (force)')
        await admin.close()


def test_a_demo_that_cannot_listen_leaves_the_running_demo_s_tokens(
    database_url: str, tmp_path: Path
) -> None:
    """Issue 14: a second `hub demo` failing on a busy port had renewed every demo token, and
    the running dashboard answered 401."""
    port = free_port()
    environment = env(HUB_DATABASE_URL=database_url)
    first = RunningHub(["demo", "--port", str(port)], environment, tmp_path / "first.log")
    try:
        token = board_token(first.wait_for("Press Ctrl-C to stop."))
        second = run_hub(["demo", "--port", str(port)], environment)
        assert refusal(second) == (
            f"error: cannot listen on 127.0.0.1:{port}: port {port} is already in use (by "
            "another hub or program): stop it, or choose another --port"
        )
        assert second.stdout == ""
        assert germany_2024_turnover(port, token) == [{"amount": "5985000", "currency": "EUR"}]
        assert re.search(r"board\s+hub_", first.log.read_text())
    finally:
        first.interrupt()
