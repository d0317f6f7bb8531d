"""The servers of `python -m bench`, each in its own process: started in a session of its own,
waited for until it answers over HTTP, and always stopped (its whole process group) when the
benchmark leaves the block, fails, or exits (atexit, SIGTERM)."""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.table import progress

_RUNNING: set[subprocess.Popen[bytes]] = set()


class ServerFailed(Exception):
    """A server did not start or did not answer in time; the message ends with its log's tail."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(frozen=True, slots=True)
class Server:
    name: str
    base: str  # http://127.0.0.1:port
    process: subprocess.Popen[bytes]
    log: Path


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the process group (workers included), SIGKILL after 10 s."""
    _RUNNING.discard(process)
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def stop_all() -> None:
    for process in list(_RUNNING):
        _stop(process)


atexit.register(stop_all)


def _terminated(signum: int, _frame: object) -> None:
    stop_all()
    sys.exit(128 + signum)


signal.signal(signal.SIGTERM, _terminated)


def _tail(log: Path, lines: int = 15) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5):
            return True
    except urllib.error.HTTPError:
        return True  # it answered, whatever the status
    except OSError:
        return False


@contextlib.contextmanager
def serving(
    name: str,
    argv: Sequence[str],
    port: int,
    *,
    env: Mapping[str, str] | None = None,
    probe: str = "/",
    cwd: Path | None = None,
    timeout: float = 120.0,
) -> Iterator[Server]:
    """Run `argv` (a server listening on 127.0.0.1:`port`) until the block ends."""
    log = Path(tempfile.mkstemp(prefix=f"hub-bench-{name}-", suffix=".log")[1])
    with log.open("wb") as out:
        process = subprocess.Popen(
            list(argv),
            env={**os.environ, **(env or {})},
            cwd=cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    _RUNNING.add(process)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while not _answers(base + probe):
            if process.poll() is not None:
                raise ServerFailed(f"{name} stopped (exit {process.returncode}):\n{_tail(log)}")
            if time.monotonic() > deadline:
                raise ServerFailed(f"{name} did not answer in {timeout:.0f} s:\n{_tail(log)}")
            time.sleep(0.2)
        progress(f"{name} answers at {base}")
        yield Server(name, base, process, log)
    finally:
        _stop(process)
        with contextlib.suppress(OSError):
            log.unlink()


def hub_serve(
    database_url: str, config_dir: Path, data_dir: Path, workers: int = 1
) -> contextlib.AbstractContextManager[Server]:
    """`hub serve` on a free port with `workers` processes, on the benchmark's database and
    config."""
    port = free_port()
    argv = [sys.executable, "-m", "hub", "serve", "--port", str(port), "--workers", str(workers)]
    env = {
        "HUB_DATABASE_URL": database_url,
        "HUB_CONFIG_DIR": str(config_dir),
        "HUB_DATA_DIR": str(data_dir),
        "HUB_WORKERS": str(workers),
    }
    return serving(f"hub serve --workers {workers}", argv, port, env=env, probe="/health")


def plain_serve(database_url: str) -> contextlib.AbstractContextManager[Server]:
    """The plain Litestar + msgspec endpoint (bench/plain_server.py) in its own process."""
    port = free_port()
    argv = [sys.executable, "-m", "bench.plain_server", "--port", str(port)]
    repo = Path(__file__).resolve().parent.parent
    path = os.pathsep.join(p for p in (str(repo), os.environ.get("PYTHONPATH", "")) if p)
    env = {"HUB_BENCH_DATABASE_URL": database_url, "PYTHONPATH": path}
    return serving("plain endpoint", argv, port, env=env, probe="/health", cwd=repo)
