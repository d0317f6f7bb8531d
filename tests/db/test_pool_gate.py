"""The pool's first-come, first-served gate (hub/db/gate.py), on a real PostgreSQL: connections
go to waiters in the order they asked, a connection given back cannot be taken by whoever asks
next, and a waiter cancelled in the queue loses no slot and no connection."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator

import pytest

from hub.db.gate import FifoGate
from hub.db.pool import Database


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = await Database.connect(database_url, min_size=1, max_size=2)
    try:
        yield database
    finally:
        try:
            await asyncio.wait_for(database.close(), 10)
        except TimeoutError:  # a failed test left tasks holding connections
            database.pool.raw.terminate()


async def _queued(gate: FifoGate, count: int) -> None:
    """Until `count` waiters are in the gate's queue."""
    for _ in range(1000):
        if gate.waiting == count:
            return
        await asyncio.sleep(0.001)
    raise AssertionError(f"{gate.waiting} waiters queued, expected {count}")


async def test_waiters_get_connections_in_the_order_they_asked(db: Database) -> None:
    order: list[str] = []
    release = asyncio.Event()

    async def holder(name: str) -> None:
        async with db.pool.acquire() as connection:
            assert await connection.fetchval("select 1") == 1
            await release.wait()
        # Given back and asked for again at once: behind every waiter.
        async with db.pool.acquire() as connection:
            order.append(name)
            await connection.fetchval("select 1")

    async def waiter(name: str) -> None:
        async with db.pool.acquire() as connection:
            order.append(name)
            await connection.fetchval("select pg_sleep(0.01)")

    holders = [asyncio.create_task(holder(f"holder-{i}")) for i in range(2)]
    await asyncio.sleep(0.05)
    assert db.pool.gate.free == 0
    waiters = []
    for i in range(6):
        waiters.append(asyncio.create_task(waiter(f"waiter-{i}")))
        await _queued(db.pool.gate, i + 1)
    release.set()
    await asyncio.wait_for(asyncio.gather(*holders, *waiters), 30)

    # The holders asked again only once they had given their connections back: after every
    # waiter (in the order their releases ended).
    assert order[:6] == [f"waiter-{i}" for i in range(6)]
    assert sorted(order[6:]) == ["holder-0", "holder-1"]
    assert db.pool.gate.free == 2


async def test_under_contention_no_request_overtakes_an_earlier_one(database_url: str) -> None:
    """24 clients taking turns on 2 connections, each asking again as soon as it gave its
    connection back. asyncpg's own queue lets a newcomer take a connection given back before the
    waiter it woke runs (HUB_POOL_FAIR=0 shows a few overtakings per run); through the gate
    every connection goes to the earliest request."""
    database = await Database.connect(database_url, min_size=2, max_size=2)
    tickets = itertools.count()
    granted: list[int] = []

    async def client() -> None:
        for _ in range(10):
            ticket = next(tickets)
            async with database.pool.acquire() as connection:
                granted.append(ticket)
                await connection.fetchval("select 1")
            await asyncio.sleep(0)

    try:
        await asyncio.wait_for(asyncio.gather(*(client() for _ in range(24))), 60)
    finally:
        await database.close()
    assert len(granted) == 240
    overtaken = [(a, b) for a, b in itertools.pairwise(granted) if b < a]
    assert overtaken == []


async def test_a_waiter_cancelled_in_the_queue_leaks_no_slot(db: Database) -> None:
    release = asyncio.Event()
    served: list[str] = []

    async def hold() -> None:
        async with db.pool.acquire():
            await release.wait()

    async def wait(name: str) -> None:
        async with db.pool.acquire() as connection:
            served.append(name)
            await connection.fetchval("select 1")

    holders = [asyncio.create_task(hold()) for _ in range(2)]
    await asyncio.sleep(0.05)
    first, second, third = (asyncio.create_task(wait(n)) for n in ("first", "second", "third"))
    await _queued(db.pool.gate, 3)

    second.cancel()  # cancelled while it waits in the queue
    with pytest.raises(asyncio.CancelledError):
        await second
    assert db.pool.gate.waiting == 2

    release.set()
    await asyncio.wait_for(asyncio.gather(*holders, first, third), 30)
    assert served == ["first", "third"]
    await _every_connection_free(db)


async def test_a_waiter_cancelled_as_its_slot_arrives_passes_it_on(db: Database) -> None:
    """The slot was handed to the waiter, which is cancelled before it could run: the slot goes
    to the next waiter, not lost."""
    release = asyncio.Event()
    served: list[str] = []

    async def wait(name: str) -> None:
        async with db.pool.acquire() as connection:
            served.append(name)
            await connection.fetchval("select 1")

    victims: list[asyncio.Task[None]] = []

    async def hold_then_cancel() -> None:
        async with db.pool.acquire():
            await release.wait()
        # The slot was just handed to the oldest waiter, which has not run yet.
        victims[0].cancel()

    plain_release = asyncio.Event()

    async def hold() -> None:
        async with db.pool.acquire():
            await plain_release.wait()

    plain = asyncio.create_task(hold())
    await asyncio.sleep(0.05)
    assert db.pool.gate.free == 1
    holder = asyncio.create_task(hold_then_cancel())
    await asyncio.sleep(0.05)
    assert db.pool.gate.free == 0
    victim = asyncio.create_task(wait("victim"))
    victims.append(victim)
    await _queued(db.pool.gate, 1)
    after = asyncio.create_task(wait("after"))
    await _queued(db.pool.gate, 2)

    release.set()
    await asyncio.wait_for(holder, 30)
    with pytest.raises(asyncio.CancelledError):
        await victim
    await asyncio.wait_for(after, 30)
    assert served == ["after"]
    plain_release.set()
    await plain
    await _every_connection_free(db)


async def _every_connection_free(db: Database) -> None:
    """Both slots and both connections can be held at once again."""
    assert db.pool.gate.free == 2
    assert db.pool.gate.waiting == 0
    both = asyncio.Event()
    held = 0

    async def take() -> None:
        nonlocal held
        async with db.pool.acquire() as connection:
            held += 1
            if held == 2:
                both.set()
            await asyncio.wait_for(both.wait(), 10)
            assert await connection.fetchval("select 2") == 2

    await asyncio.wait_for(asyncio.gather(take(), take()), 15)


async def test_the_gate_refuses_more_leaves_than_enters() -> None:
    gate = FifoGate(1)
    await gate.enter()
    gate.leave()
    with pytest.raises(RuntimeError, match="left more often than it was entered"):
        gate.leave()
    with pytest.raises(ValueError, match="at least one slot"):
        FifoGate(0)
