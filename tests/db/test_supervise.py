"""The watch over the embedded PostgreSQL, in process against a real server of its own: a stop
is repaired, but a server that keeps stopping is given up with the reason."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from pathlib import Path

import pytest

from hub.db.embedded import EmbeddedPostgres
from hub.db.supervise import RestartPolicy, supervise


def kill_postmaster(embedded: EmbeddedPostgres) -> int:
    pid = int((embedded.pgdata / "postmaster.pid").read_text().splitlines()[0])
    os.kill(pid, signal.SIGKILL)
    return pid


async def until_restarted(caplog: pytest.LogCaptureFixture, seconds: float = 60) -> None:
    """Until the watch says the server runs again (it is alive before then: starting)."""
    for _ in range(int(seconds / 0.1)):
        if any(r.getMessage().endswith(" runs again") for r in caplog.records):
            return
        await asyncio.sleep(0.1)
    pytest.fail("the embedded PostgreSQL was not restarted")


async def test_a_server_that_keeps_stopping_is_restarted_then_given_up(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="hub.db")
    embedded = EmbeddedPostgres(tmp_path)
    embedded.start()
    policy = RestartPolicy(interval=0.1, first_delay=0.2, max_restarts=1, window=600)
    watch = asyncio.create_task(supervise(embedded, policy))
    try:
        first = kill_postmaster(embedded)
        await until_restarted(caplog)
        assert embedded.alive()
        assert not watch.done()
        assert kill_postmaster(embedded) != first
        reason = await asyncio.wait_for(watch, timeout=30)
    finally:
        watch.cancel()
        embedded.stop()
    assert reason == (
        f"the embedded PostgreSQL in {embedded.pgdata} stopped 2 times within 600 s; the hub "
        f"does not restart it again (server log: {embedded.log})"
    )
    assert not embedded.alive()
