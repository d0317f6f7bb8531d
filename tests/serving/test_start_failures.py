"""Every start-up problem of `hub serve` is one line naming its cause, with exit status != 0
and no traceback (issue 14, item 2): real processes, a real PostgreSQL."""

from __future__ import annotations

import socket
import subprocess
from importlib import metadata

import asyncpg
import pytest

from tests.test_cli import env, free_port, run_hub


def one_line(result: subprocess.CompletedProcess[str], status: int = 1) -> str:
    """The only line the command printed, after checking its exit status and that nothing
    else (a traceback) was printed."""
    assert result.returncode == status, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def serve(**environment: str | None) -> subprocess.CompletedProcess[str]:
    return run_hub(["serve", "--port", str(free_port())], env(**environment))


def test_version() -> None:
    result = run_hub(["--version"], env())
    assert result.returncode == 0
    assert result.stdout == f"hub {metadata.version('network-hub')}\n"


def test_a_database_server_that_does_not_listen() -> None:
    line = one_line(serve(HUB_DATABASE_URL="postgresql://hub:secret@127.0.0.1:1/hub"))
    assert line.startswith(
        "error: cannot connect to PostgreSQL at postgresql://hub:***@127.0.0.1:1/hub: "
        "connection refused ("
    ), line
    assert "secret" not in line


def test_credentials_the_server_refuses(server_url: str) -> None:
    host_and_rest = server_url.split("@", 1)[1]
    url = f"postgresql://no_such_role@{host_and_rest}"
    line = one_line(serve(HUB_DATABASE_URL=url))
    assert line == (
        f"error: cannot connect to PostgreSQL at {url}: the database server refused the hub's "
        'credentials (role "no_such_role" does not exist)'
    )


def test_a_port_in_use(database_url: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_hub(["serve", "--port", str(port)], env(HUB_DATABASE_URL=database_url))
    assert one_line(result) == (
        f"error: cannot listen on 127.0.0.1:{port}: port {port} is already in use (by another "
        "hub or program): stop it, or choose another --port"
    )


@pytest.mark.parametrize("port", ["99999", "0"])
def test_a_port_out_of_range(port: str) -> None:
    result = run_hub(["serve", "--port", port], env(HUB_DATABASE_URL=None))
    assert one_line(result, status=2) == (
        f"error: Invalid value for '--port': {port} is not in the range 1<=x<=65535. "
        "(see `python -m hub serve --help`)"
    )


async def test_a_database_migrated_by_a_newer_hub(database_url: str) -> None:
    connection = await asyncpg.connect(database_url)
    try:
        await connection.execute(
            "insert into schema_migration (version, name, checksum) "
            "values (9999, 'from_the_future', 'x')"
        )
    finally:
        await connection.close()
    line = one_line(serve(HUB_DATABASE_URL=database_url))
    assert line == (
        "error: the database was migrated by a newer hub: migration 9999_from_the_future is "
        f"unknown to this hub (network-hub {metadata.version('network-hub')}); upgrade the "
        "hub, or use another database"
    )


async def test_a_migration_changed_after_it_was_applied(database_url: str) -> None:
    connection = await asyncpg.connect(database_url)
    try:
        await connection.execute("update schema_migration set checksum = 'x' where version = 3")
    finally:
        await connection.close()
    line = one_line(serve(HUB_DATABASE_URL=database_url))
    assert line == (
        "error: migration 0003_exchange_rates.sql was changed after it was applied; add a new "
        "migration instead of editing an applied one"
    )
