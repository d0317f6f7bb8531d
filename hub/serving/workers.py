"""`hub serve --workers N`: N processes serving on one socket, each with its own app and pool,
sharing nothing but the database. The parent holds the socket (the workers inherit it) and the
embedded PostgreSQL, watched as with one process; it says when the hub answers."""

from __future__ import annotations

import asyncio
import os
import socket
import threading
import time
from collections.abc import Callable

import httpx
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors import Multiprocess

from hub.db.embedded import EmbeddedPostgres
from hub.db.errors import DatabaseUnavailable
from hub.db.supervise import supervise
from hub.serving import balance
from hub.serving.balance import shared_loads
from hub.serving.factory import IMPORT_STRING
from hub.serving.options import server_config
from hub.settings import Settings

STARTUP_SECONDS = 120.0


class WorkersFailed(Exception):
    """The workers could not start; what they said is above in the log."""


def serve_workers(
    settings: Settings,
    url: str,
    sock: socket.socket,
    workers: int,
    forwarded_allow_ips: str,
    listening: Callable[[], None],
    embedded: EmbeddedPostgres | None,
) -> None:
    """Serve until SIGINT or SIGTERM. `listening` runs once a worker answers. Raises
    DatabaseUnavailable when the embedded server stopped and could not be brought back."""
    # The workers are new interpreters: they read their settings from the environment.
    os.environ.update(settings.environment(url))
    config = server_config(
        IMPORT_STRING, factory=True, workers=workers, forwarded_allow_ips=forwarded_allow_ips
    )
    with shared_loads(workers) as loads:
        os.environ[balance.ENV] = str(loads)
        try:
            _supervise(Multiprocess(config, sockets=[sock]), sock, listening, embedded)
        finally:
            os.environ.pop(balance.ENV, None)


def _supervise(
    supervisor: Multiprocess,
    sock: socket.socket,
    listening: Callable[[], None],
    embedded: EmbeddedPostgres | None,
) -> None:
    stopped: list[str] = []
    beside = threading.Thread(
        target=_beside,
        args=(supervisor.should_exit, sock, listening, embedded, stopped),
        name="hub-serve-parent",
        daemon=True,
    )
    beside.start()
    supervisor.run()
    beside.join(timeout=10)
    if stopped:
        raise DatabaseUnavailable(stopped[0])
    if any(process.exitcode == STARTUP_FAILURE for process in supervisor.processes):
        raise WorkersFailed("the hub's workers could not start (their reason is above)")


def _beside(
    should_exit: threading.Event,
    sock: socket.socket,
    listening: Callable[[], None],
    embedded: EmbeddedPostgres | None,
    stopped: list[str],
) -> None:
    """The parent's work beside uvicorn's supervisor: say when the hub answers, then watch the
    embedded PostgreSQL; when it cannot be brought back, stop the workers."""
    if not _answering(sock, should_exit):
        return
    listening()
    if embedded is None:
        return
    reason = asyncio.run(_watch(embedded, should_exit))
    if reason is not None:
        stopped.append(reason)
        should_exit.set()


def _answering(sock: socket.socket, should_exit: threading.Event) -> bool:
    """Whether a worker answers GET /health (whatever its status) before the parent stops."""
    host, port = sock.getsockname()[:2]
    if host in ("0.0.0.0", "::"):
        host = "127.0.0.1" if host == "0.0.0.0" else "::1"
    base = f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
    deadline = time.monotonic() + STARTUP_SECONDS
    while not should_exit.is_set() and time.monotonic() < deadline:
        try:
            httpx.get(f"{base}/health", timeout=5)
        except httpx.HTTPError:
            time.sleep(0.2)
        else:
            return True
    return False


async def _watch(embedded: EmbeddedPostgres, should_exit: threading.Event) -> str | None:
    """supervise() until it gives up (its reason) or the parent stops (None)."""
    watch = asyncio.create_task(supervise(embedded))
    while not watch.done() and not should_exit.is_set():  # noqa: ASYNC110
        await asyncio.sleep(0.2)
    if watch.done():
        return watch.result()
    watch.cancel()
    return None
