"""The embedded PostgreSQL, watched while the hub serves: restarted when it stops (a crash, a
kill, the machine's OOM killer), a bounded number of times; when it cannot be brought back the
watch ends with the reason, and the hub stops with it (exit status 1) rather than answer 503
forever."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from dataclasses import dataclass

from hub.db.embedded import EmbeddedPostgres
from hub.db.errors import DatabaseUnavailable

log = logging.getLogger("hub.db")


@dataclass(frozen=True, slots=True)
class RestartPolicy:
    interval: float = 1.0  # seconds between two looks at the postmaster
    attempts: int = 5  # starts tried after each stop ...
    first_delay: float = 0.5  # ... the first after this many seconds, each next after twice as long
    # A server that stops more often than this is not fixed by restarting it.
    max_restarts: int = 3
    window: float = 600.0  # seconds


async def supervise(embedded: EmbeddedPostgres, policy: RestartPolicy | None = None) -> str:
    """Watch until the server cannot be brought back; return why, in one line."""
    policy = policy or RestartPolicy()
    restarts: deque[float] = deque()
    while True:
        await asyncio.sleep(policy.interval)
        if embedded.alive():
            continue
        now = time.monotonic()
        while restarts and now - restarts[0] > policy.window:
            restarts.popleft()
        if len(restarts) >= policy.max_restarts:
            return (
                f"the embedded PostgreSQL in {embedded.pgdata} stopped {len(restarts) + 1} times "
                f"within {policy.window:.0f} s; the hub does not restart it again "
                f"(server log: {embedded.log})"
            )
        log.warning("the embedded PostgreSQL in %s stopped; restarting it", embedded.pgdata)
        failure = await _restart(embedded, policy)
        if failure is not None:
            return failure
        restarts.append(now)
        log.warning("the embedded PostgreSQL in %s runs again", embedded.pgdata)


async def _restart(embedded: EmbeddedPostgres, policy: RestartPolicy) -> str | None:
    delay, reason = policy.first_delay, ""
    for _ in range(policy.attempts):
        await asyncio.sleep(delay)
        try:
            await asyncio.to_thread(embedded.restart)
        except DatabaseUnavailable as error:
            reason = str(error)
            delay *= 2
        else:
            return None
    return f"the embedded PostgreSQL stopped and {policy.attempts} restarts failed: {reason}"
