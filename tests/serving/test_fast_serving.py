"""`hub serve`, alone or with workers, runs uvicorn on httptools and uvloop
(hub/serving/options.py): the serving processes have both compiled modules loaded and answer
over HTTP."""

from __future__ import annotations

from pathlib import Path

import httpx
import psutil
import pytest

from tests.test_cli import RunningHub, env, free_port


def loaded(pid: int) -> str:
    """The shared objects a process has mapped."""
    return "\n".join(m.path for m in psutil.Process(pid).memory_maps())


def assert_fast(pid: int) -> None:
    maps = loaded(pid)
    assert "/uvloop/loop." in maps, f"uvloop not loaded in process {pid}"
    assert "/httptools/parser/parser." in maps, f"httptools' parser not loaded in process {pid}"


@pytest.mark.parametrize("workers", [1, 2])
def test_hub_serve_runs_on_uvloop_and_httptools(
    database_url: str, tmp_path: Path, workers: int
) -> None:
    port = free_port()
    hub = RunningHub(
        ["serve", "--port", str(port), "--workers", str(workers)],
        env(HUB_DATABASE_URL=database_url),
        tmp_path / "serve.log",
    )
    try:
        hub.wait_for("is running at")
        answer = httpx.get(f"http://127.0.0.1:{port}/health", timeout=30)
        assert answer.json()["status"] == "ok"
        # The workers, not multiprocessing's resource tracker.
        children = [
            c.pid
            for c in psutil.Process(hub.process.pid).children()
            if "resource_tracker" not in " ".join(c.cmdline())
        ]
        serving = [hub.process.pid] if workers == 1 else children
        assert len(serving) == workers
        for pid in serving:
            assert_fast(pid)
    finally:
        hub.interrupt()
