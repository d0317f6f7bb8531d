"""The asyncpg pool the whole hub shares, behind a first-come, first-served gate
(hub/db/gate.py), with a count of the SQL statements it ran."""

from __future__ import annotations

import logging
import os
import urllib.parse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeAlias

import asyncpg

from hub.db.errors import DatabaseUnavailable
from hub.db.gate import FifoGate
from hub.db.outage import connect_reason

if TYPE_CHECKING:
    from asyncpg.pool import PoolConnectionProxy

    # A plain connection, or one borrowed from the pool: the repositories accept either.
    Connection: TypeAlias = asyncpg.Connection[asyncpg.Record] | PoolConnectionProxy[asyncpg.Record]
    Borrowed: TypeAlias = PoolConnectionProxy[asyncpg.Record]
    RawPool: TypeAlias = asyncpg.Pool[asyncpg.Record]
else:
    Connection = asyncpg.Connection
    Borrowed = Any
    RawPool = asyncpg.Pool


def redact(url: str) -> str:
    """The URL without its password, fit for an error message."""
    parts = urllib.parse.urlsplit(url)
    if not parts.password:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def plain(amount: Decimal) -> Decimal:
    """asyncpg decodes numeric 5000000 as Decimal("5.00E+6"); give it back as 5000000."""
    # str() is cheaper than as_tuple(), and only a positive exponent prints with an "E+".
    return amount.quantize(Decimal(1)) if "E+" in str(amount) else amount


class GatedPool:
    """asyncpg's pool, every connection of which is taken through one `FifoGate` sized to the
    pool: requests get connections in the order they asked for them (hub/db/gate.py). It has
    the part of `asyncpg.Pool` the hub uses; `raw` is the pool itself."""

    def __init__(self, raw: RawPool, size: int) -> None:
        self.raw = raw
        self.gate = FifoGate(size)

    def acquire(self) -> _Acquire:
        """A connection for an `async with` block, given back (and its slot) when it ends."""
        return _Acquire(self)

    async def execute(self, query: str, *args: Any) -> str:
        async with self.acquire() as connection:
            return await connection.execute(query, *args)

    async def fetch(self, query: str, *args: Any) -> list[asyncpg.Record]:
        async with self.acquire() as connection:
            return await connection.fetch(query, *args)

    async def fetchrow(self, query: str, *args: Any) -> asyncpg.Record | None:
        async with self.acquire() as connection:
            return await connection.fetchrow(query, *args)

    async def fetchval(self, query: str, *args: Any, column: int = 0) -> Any:
        async with self.acquire() as connection:
            return await connection.fetchval(query, *args, column=column)

    async def close(self) -> None:
        await self.raw.close()


class _Acquire:
    """`GatedPool.acquire()`: the gate's slot first, then the pool's connection; both given
    back on every way out (an error, a cancellation while waiting for either)."""

    __slots__ = ("_context", "_pool")

    def __init__(self, pool: GatedPool) -> None:
        self._pool = pool
        self._context: Any = None

    async def __aenter__(self) -> Borrowed:
        await self._pool.gate.enter()
        try:
            self._context = self._pool.raw.acquire()
            connection: Borrowed = await self._context.__aenter__()
        except BaseException:
            self._context = None
            self._pool.gate.leave()
            raise
        return connection

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        context, self._context = self._context, None
        try:
            await context.__aexit__(kind, error, trace)
        finally:
            self._pool.gate.leave()


Pool: TypeAlias = GatedPool

# HUB_POOL_FAIR=0 opens the gate wide (more slots than any pool has connections), so that
# asyncpg's own queue decides again who gets a connection: only for measuring the gate
# against its absence (bench/tail.py).
UNGATED = 1_000_000


def fair() -> bool:
    """Whether connections are handed out first come, first served (the default)."""
    return os.environ.get("HUB_POOL_FAIR", "1").strip() != "0"


class Database:
    """A pool plus a statement counter.

    The counter is how tests prove that a GraphQL query costs a bounded number of statements:
    every query that reaches PostgreSQL through this pool increments it.
    """

    def __init__(self, url: str, pool: GatedPool) -> None:
        self.url = url
        self.pool = pool
        self.statements = 0

    @classmethod
    async def connect(
        cls,
        url: str,
        *,
        min_size: int = 1,
        max_size: int = 10,
        statement_timeout: float | None = None,
        read_only: bool = False,
    ) -> Database:
        """`statement_timeout` (seconds) is set on every connection of the pool at its start,
        so that it survives the reset a connection gets when it goes back to the pool. A
        `read_only` pool's transactions are read-only (a replica's pool: a write that reached it
        by mistake is refused by PostgreSQL even when the URL names a primary)."""
        database: Database | None = None
        server_settings = (
            {}
            if statement_timeout is None
            else {"statement_timeout": str(max(1, round(statement_timeout * 1000)))}
        )
        if read_only:
            server_settings["default_transaction_read_only"] = "on"

        def count(_record: Any) -> None:
            if database is not None:
                database.statements += 1

        async def setup(connection: Connection) -> None:
            connection.add_query_logger(count)

        pool = await asyncpg.create_pool(
            url,
            min_size=min_size,
            max_size=max_size,
            init=setup,
            timeout=10,
            server_settings=server_settings,
            connect=_connect_or_unavailable,
        )
        database = cls(url, GatedPool(pool, max_size if fair() else UNGATED))
        return database

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        async with self.pool.acquire() as connection, connection.transaction():
            yield connection

    async def close(self) -> None:
        await self.pool.close()


async def _connect_or_unavailable(
    dsn: str | None = None, **options: Any
) -> asyncpg.Connection[asyncpg.Record]:
    """Every connection the pool opens, at start-up or later to replace one the server dropped:
    a failure is `DatabaseUnavailable`, which the API answers with 503 and its reason."""
    try:
        connection: asyncpg.Connection[asyncpg.Record] = await asyncpg.connect(dsn, **options)
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as error:
        detail = str(error) or type(error).__name__
        reason = connect_reason(error)
        raise DatabaseUnavailable(
            f"cannot connect to PostgreSQL at {redact(dsn or '')}: {reason} ({detail})", reason
        ) from error
    return connection


class _OneLineWhenUnavailable(logging.Filter):
    """asyncpg's pool logs each failed attempt to reconnect (backing off to once a minute) with
    a traceback; while the server is down the reason alone is the news."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, DatabaseUnavailable):
            record.msg, record.args = f"{record.getMessage()}: {error}", ()
            record.exc_info, record.exc_text = None, None
        return True


logging.getLogger("asyncpg.pool").addFilter(_OneLineWhenUnavailable())
