"""The `hub` command end to end: real processes, real PostgreSQL, real HTTP."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import asyncpg
import httpx
import pytest

from hub.auth.policy import Role
from hub.auth.users import principal_for_token

HUB = [sys.executable, "-m", "hub"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def env(**overrides: str | None) -> dict[str, str]:
    environment = dict(os.environ)
    for key, value in overrides.items():
        if value is None:
            environment.pop(key, None)
        else:
            environment[key] = value
    return environment


class RunningHub:
    def __init__(
        self, args: list[str], environment: dict[str, str], log: Path, cwd: Path | None = None
    ) -> None:
        self.log = log
        self.process = subprocess.Popen(
            [*HUB, *args],
            env=environment,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            cwd=cwd,
        )

    def wait_for(self, text: str, seconds: float = 90) -> str:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            output = self.log.read_text()
            if text in output:
                return output
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        pytest.fail(f"{text!r} never appeared; output:\n{self.log.read_text()}")

    def interrupt(self) -> str:
        self.process.send_signal(signal.SIGINT)
        assert self.process.wait(timeout=60) == 0
        return self.log.read_text()


def board_token(output: str) -> str:
    match = re.search(r"^\s+board\s+(hub_\S+)$", output, re.MULTILINE)
    assert match is not None, output
    return match[1]


def germany_2024_turnover(port: int, token: str) -> list[dict[str, str]]:
    query = (
        '{ entity(code: "DE") { kpiValues(period: ["2024"], kpi: ["turnover"]) '
        "{ amount currency } } }"
    )
    response = httpx.post(
        f"http://127.0.0.1:{port}/graphql",
        json={"query": query},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    values: list[dict[str, str]] = response.json()["data"]["entity"]["kpiValues"]
    return values


def test_demo_against_the_configured_server(database_url: str, tmp_path: Path) -> None:
    port = free_port()
    hub = RunningHub(
        ["demo", "--port", str(port)], env(HUB_DATABASE_URL=database_url), tmp_path / "out.log"
    )
    output = hub.wait_for("Press Ctrl-C to stop.")
    assert f"The network hub is running at http://127.0.0.1:{port}" in output
    assert "Database : the server in HUB_DATABASE_URL" in output
    assert re.search(
        r"^Consolidation: 2023 signed off by finance \(run \d+\); 2024 open: total assets "
        r"71,480,779\.94 EUR, translation reserve 46,557\.36 EUR, 18 eliminations, every check ok$",
        output,
        re.MULTILINE,
    ), output
    assert germany_2024_turnover(port, board_token(output)) == [
        {"amount": "5985000", "currency": "EUR"}
    ]
    # Next to each password, the page the user opens (and what it is for); then the others.
    base = f"http://127.0.0.1:{port}"
    block = output[output.index("Demo users (passwords") : output.index("Press Ctrl-C")]
    password = r"[a-z2-9]{4}(?:-[a-z2-9]{4}){3}"
    lines = [re.sub(password, "<password>", line) for line in block.strip().splitlines()]
    assert lines == [
        f"Demo users (passwords to sign in at {base}/sign-in, new at every start) and the page "
        "each opens:",
        "  board        <password>  /         the board's dashboard",
        "  finance      <password>  /finance  who has reported what, rates, consolidation, "
        "mappings, ownership",
        "  admin        <password>  /admin    users, passwords and tokens",
        *(
            f"  national-{code:<3} <password>  /team     the team's reports: what is due, "
            "upload, submit"
            for code in ("be", "de", "at", "it", "se")
        ),
        f"Every user may also open the dashboard ({base}/); a page opened before signing in "
        "leads to /sign-in and back.",
    ]
    assert hub.interrupt().rstrip().endswith("Stopped.")


def test_demo_with_the_embedded_server_keeps_its_data_across_restarts(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    for run, expected in enumerate(("Demo data submitted: BE 2023", "Demo data already present")):
        port = free_port()
        hub = RunningHub(
            ["demo", "--port", str(port), "--data-dir", str(data_dir)],
            env(HUB_DATABASE_URL=None),
            tmp_path / f"run{run}.log",
        )
        output = hub.wait_for("Press Ctrl-C to stop.")
        assert expected in output
        assert f"embedded PostgreSQL in {data_dir.resolve() / 'pg'}" in output
        assert germany_2024_turnover(port, board_token(output)) == [
            {"amount": "5985000", "currency": "EUR"}
        ]
        hub.interrupt()
        postmaster = data_dir / "pg" / "postmaster.pid"
        assert not postmaster.exists(), "the embedded PostgreSQL was left running"


def test_a_service_manager_s_stop_leaves_no_server_behind(tmp_path: Path) -> None:
    """SIGTERM (systemd's stop) used to end the hub at once, its embedded PostgreSQL left
    running on the data folder."""
    data_dir = tmp_path / "data"
    port = free_port()
    hub = RunningHub(
        ["serve", "--port", str(port), "--data-dir", str(data_dir)],
        env(HUB_DATABASE_URL=None),
        tmp_path / "serve.log",
    )
    hub.wait_for("Press Ctrl-C to stop.")
    postmaster = data_dir / "pg" / "postmaster.pid"
    assert postmaster.exists()
    hub.process.send_signal(signal.SIGTERM)
    assert hub.process.wait(timeout=60) == 0
    assert hub.log.read_text().rstrip().endswith("Stopped.")
    assert not postmaster.exists(), "the embedded PostgreSQL was left running"


def test_a_data_folder_initdb_cannot_use_is_one_line_with_initdb_s_reason(tmp_path: Path) -> None:
    """initdb fails before the server has a log: its own reason, not its command line."""
    stray = tmp_path / "data" / "pg"
    stray.mkdir(parents=True)
    (stray / "notes.txt").write_text("not a database", encoding="utf-8")
    done = run_hub(["migrate", "--data-dir", str(tmp_path / "data")], env(HUB_DATABASE_URL=None))
    assert done.returncode == 1
    assert done.stderr == (
        f"error: cannot start the embedded PostgreSQL in {stray}: initdb: error: directory "
        f'"{stray}" exists but is not empty\n'
    )


def run_hub(
    args: list[str], environment: dict[str, str], cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*HUB, *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=cwd,
    )


def test_an_unreachable_database_is_one_clear_line_and_exit_1() -> None:
    result = run_hub(["migrate"], env(HUB_DATABASE_URL="postgresql://hub:secret@127.0.0.1:1/hub"))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(
        "error: cannot connect to PostgreSQL at postgresql://hub:***@127.0.0.1:1/hub: "
    )
    assert "secret" not in result.stderr


def test_a_wrong_config_stops_start_up_naming_file_and_key(tmp_path: Path) -> None:
    (tmp_path / "network.toml").write_text(
        (Path(__file__).parent.parent / "config" / "network.toml")
        .read_text(encoding="utf-8")
        .replace('currency = "SEK"', "currency = 752"),
        encoding="utf-8",
    )
    result = run_hub(["serve"], env(HUB_CONFIG_DIR=str(tmp_path), HUB_DATABASE_URL=None))
    assert result.returncode == 1
    assert result.stderr == (
        f"error: invalid configuration in {tmp_path / 'network.toml'}:\n"
        f"  {tmp_path / 'network.toml'}: entities[4].currency: Expected `str`, got `int`\n"
    )


def test_migrate_and_help(database_url: str) -> None:
    first = run_hub(["migrate"], env(HUB_DATABASE_URL=database_url))
    assert first.returncode == 0, first.stderr
    assert first.stdout == "The database is up to date.\n"
    usage = run_hub(["--help"], env())
    for command in ("demo", "serve", "migrate", "user", "schema"):
        assert re.search(rf"^\s+{command}\s", usage.stdout, re.MULTILINE), usage.stdout


async def test_user_add_prints_a_token_that_identifies_the_user(database_url: str) -> None:
    bad = run_hub(["user", "add", "anna", "--role", "national"], env(HUB_DATABASE_URL=database_url))
    assert bad.returncode == 1
    assert bad.stderr == (
        "error: --entity: an entity is required for the national role, and only for it\n"
    )
    added = run_hub(
        ["user", "add", "anna", "--role", "national", "--entity", "AT"],
        env(HUB_DATABASE_URL=database_url),
    )
    assert added.returncode == 0, added.stderr
    token = added.stdout.strip()
    assert re.fullmatch(r"hub_[A-Za-z0-9_-]{32}", token)
    connection = await asyncpg.connect(database_url)
    try:
        principal = await principal_for_token(connection, token)
    finally:
        await connection.close()
    assert principal is not None
    assert (principal.name, principal.role, principal.entity) == ("anna", Role.NATIONAL, "AT")


def test_a_port_in_use_is_a_clear_error(database_url: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_hub(["serve", "--port", str(port)], env(HUB_DATABASE_URL=database_url))
    assert result.returncode == 1
    assert result.stderr == (
        f"error: cannot listen on 127.0.0.1:{port}: port {port} is already in use (by another "
        "hub or program): stop it, or choose another --port\n"
    )
