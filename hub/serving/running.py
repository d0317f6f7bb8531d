"""The running hub of an installation: `hub serve` and `hub demo` hold the data folder's lock
while they run, and write a small run file (`running.json`: URL, pid) once they listen, removed
when they stop. A second server on the same data is refused with one line naming the first; a
run file left by a hub that was killed is recognised by its pid and ignored.

Only the embedded PostgreSQL's data folder is guarded: on a server named by HUB_DATABASE_URL
several instances may serve one database (each start-up runs under the migrations' lock)."""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import msgspec
import psutil

RUN_FILE = "running.json"
LOCK_FILE = "serve.lock"

# A process started within this many seconds of the recorded time is the one that wrote the
# run file; later, its pid was reused.
_START_TIME_SLACK = 2.0


class HubAlreadyRunning(Exception):
    """Another hub serves this data folder; the message names it."""


class Running(msgspec.Struct, frozen=True, kw_only=True):
    url: str
    pid: int
    process_started: float  # the process's start time (seconds since the epoch), with its pid
    listening_since: dt.datetime


def find_running(data_dir: Path) -> Running | None:
    """The hub the run file names, if that process still runs."""
    try:
        found = msgspec.json.decode((data_dir / RUN_FILE).read_bytes(), type=Running)
    except (OSError, msgspec.DecodeError):
        return None
    return found if _alive(found.pid, found.process_started) else None


def _alive(pid: int, started: float) -> bool:
    try:
        process = psutil.Process(pid)
        running = process.status() != psutil.STATUS_ZOMBIE
        return running and abs(process.create_time() - started) < _START_TIME_SLACK
    except psutil.Error:
        return False


class ServingLock:
    """The data folder held by this process while it serves (see `serving_alone`)."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir

    def listening(self, url: str) -> None:
        """Write the run file: the hub answers at `url` from now on."""
        record = Running(
            url=url,
            pid=os.getpid(),
            process_started=psutil.Process().create_time(),
            listening_since=dt.datetime.now(dt.UTC),
        )
        path = self.data_dir / RUN_FILE
        partial = path.with_suffix(".tmp")
        partial.write_bytes(msgspec.json.encode(record))
        partial.replace(path)

    def stopped(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            (self.data_dir / RUN_FILE).unlink()


@contextlib.contextmanager
def serving_alone(data_dir: Path) -> Iterator[ServingLock]:
    """Hold `data_dir`'s lock (the kernel's, released if the process dies) until the block ends;
    another process holding it is refused with `HubAlreadyRunning`."""
    data_dir.mkdir(parents=True, exist_ok=True)
    lock = (data_dir / LOCK_FILE).open("a+")
    try:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise HubAlreadyRunning(_refusal(data_dir, lock)) from None
        held = ServingLock(data_dir)
        held.stopped()  # a run file found now is a killed hub's
        lock.truncate(0)
        lock.write(f"{os.getpid()}\n")
        lock.flush()
        try:
            yield held
        finally:
            held.stopped()
    finally:
        lock.close()  # releases the lock


def _refusal(data_dir: Path, lock: IO[str]) -> str:
    running = find_running(data_dir)
    advice = "stop it first, or give this one another --data-dir (HUB_DATA_DIR)"
    if running is not None:
        return (
            f"a hub is already running on the data in {data_dir}: {running.url} "
            f"(pid {running.pid}); {advice}"
        )
    lock.seek(0)
    pid = lock.read().strip()
    holder = f" (pid {pid})" if pid.isdigit() else ""
    return f"a hub is starting on the data in {data_dir}{holder}; {advice}"
