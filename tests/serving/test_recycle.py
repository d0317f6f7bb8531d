"""Keep-alive connections are closed by the hub after every `REQUESTS` requests
(hub/serving/recycle.py), so that the workers share the load: over HTTP against `hub serve`
with two workers, and the counting itself."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import httpx
from litestar.types import Scope

from hub.serving.recycle import KEPT, REQUESTS, ConnectionRecycler
from tests.test_cli import RunningHub, env, free_port


def local_port(response: httpx.Response) -> int:
    """The client's own port: which connection the response came over."""
    stream = response.extensions["network_stream"]
    port: int = stream.get_extra_info("client_addr")[1]
    return port


def served(database_url: str, log: Path, workers: int) -> tuple[list[httpx.Response], list[int]]:
    """2 x REQUESTS + 5 answers over one keep-alive client, and the port of each's connection."""
    port = free_port()
    hub = RunningHub(
        ["serve", "--port", str(port), "--workers", str(workers)],
        env(HUB_DATABASE_URL=database_url),
        log,
    )
    try:
        hub.wait_for("is running at")
        ports: list[int] = []  # read as each answer arrives, before a closed socket is gone
        with httpx.Client(
            base_url=f"http://127.0.0.1:{port}",
            timeout=30,
            event_hooks={"response": [lambda answer: ports.append(local_port(answer))]},
        ) as one:
            answers = [one.get("/health") for _ in range(2 * REQUESTS + 5)]
    finally:
        hub.interrupt()
    assert all(a.status_code == 200 for a in answers)
    return answers, ports


def test_every_tenth_answer_on_a_connection_closes_it(database_url: str, tmp_path: Path) -> None:
    answers, ports = served(database_url, tmp_path / "serve.log", workers=2)
    closing = [i + 1 for i, a in enumerate(answers) if a.headers.get("connection") == "close"]
    assert closing == [REQUESTS, 2 * REQUESTS]
    # the client opened a new connection after each: three in all, in order
    assert len(set(ports)) == 3
    assert ports[:REQUESTS] == [ports[0]] * REQUESTS
    assert ports[REQUESTS] != ports[REQUESTS - 1]


def test_a_single_process_keeps_its_connections(database_url: str, tmp_path: Path) -> None:
    # nobody to share the load with: no connection is closed
    answers, ports = served(database_url, tmp_path / "serve.log", workers=1)
    assert not any(a.headers.get("connection") == "close" for a in answers)
    assert len(set(ports)) == 1


def scope(port: int | None, kind: str = "http") -> Scope:
    client = None if port is None else ("127.0.0.1", port)
    return cast(Scope, {"type": kind, "client": client, "server": ("127.0.0.1", 8000)})


def test_each_connection_is_counted_on_its_own() -> None:
    recycler = ConnectionRecycler(requests=3)
    seen = [(recycler.last_of(scope(1)), recycler.last_of(scope(2))) for _ in range(4)]
    assert seen == [(False, False), (False, False), (True, True), (False, False)]
    # no client address (a Unix socket): never closed
    assert not any(recycler.last_of(scope(None)) for _ in range(5))
    assert not any(recycler.last_of(scope(3, "websocket")) for _ in range(5))


def test_the_counts_kept_are_bounded() -> None:
    recycler = ConnectionRecycler()
    for port in range(KEPT + 5):
        recycler.last_of(scope(port))
    assert len(recycler.served) <= KEPT
