"""A first-come, first-served gate in front of the pool's connections.

asyncpg's pool hands out connections through an `asyncio.LifoQueue`. asyncio's queues are not
fair under contention: a connection given back wakes the oldest waiter, but until that waiter
runs, any request that arrives takes the connection first, and the woken waiter goes to the
back of the line (`Queue.get` appends it again). With 32 concurrent requests on a pool of 10,
some requests were overtaken again and again: a p99 of 120 ms waiting for a connection against
a median of 11 ms (docs/performance.md, "The tail").

The gate admits as many holders as the pool has connections. A slot given back goes straight
to the oldest waiter (it is never free for a newcomer to take), so the pool's own queue never
has waiters and connections are handed out in the order they were asked for.
"""

from __future__ import annotations

import asyncio
from collections import deque


class FifoGate:
    """At most `size` holders at once; waiters admitted strictly in the order they came."""

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError(f"a gate needs at least one slot, not {size}")
        self.size = size
        self._free = size
        self._waiters: deque[asyncio.Future[None]] = deque()

    @property
    def free(self) -> int:
        """Slots nobody holds (0 while anyone waits)."""
        return self._free

    @property
    def waiting(self) -> int:
        """Waiters still queued (cancelled ones are not counted)."""
        return sum(1 for waiter in self._waiters if not waiter.done())

    async def enter(self) -> None:
        """Wait for a slot. A waiter cancelled while it waits takes none, and one cancelled
        just after its slot was handed over passes the slot on: no slot is ever lost."""
        if self._free > 0 and not self._waiters:
            self._free -= 1
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await waiter
        except BaseException:
            if waiter.done() and not waiter.cancelled():
                self.leave()  # the slot was ours already: hand it to the next one
            raise

    def leave(self) -> None:
        """Give a slot back: to the oldest waiter still waiting, else to the free ones."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
        if self._free >= self.size:
            raise RuntimeError("the gate was left more often than it was entered")
        self._free += 1
