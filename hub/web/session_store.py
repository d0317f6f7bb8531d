"""Litestar's `Store` kept in PostgreSQL (table `web_session`), for the server-side sessions: every
process of the hub sees the same sessions, and they survive a restart.

The pool is opened with the hub, after the app is built: `bind` hands it over at start-up.
A session is written on every answer that carries it (that is how the idle time is counted
again); an unchanged one is written only when its expiry moves by more than `RENEW_RESOLUTION`
(or a tenth of its lifetime, when that is shorter), so a page that makes ten requests at once
costs one write, not ten.
"""

from __future__ import annotations

import datetime as dt

from litestar.stores.base import Store

from hub.db.pool import Pool

RENEW_RESOLUTION = dt.timedelta(seconds=5)


def _seconds(expires_in: int | dt.timedelta | None) -> float | None:
    if expires_in is None:
        return None
    if isinstance(expires_in, dt.timedelta):
        return expires_in.total_seconds()
    return float(expires_in)


class PostgresStore(Store):
    def __init__(self) -> None:
        self._pool: Pool | None = None

    def bind(self, pool: Pool) -> None:
        self._pool = pool

    @property
    def pool(self) -> Pool:
        if self._pool is None:
            raise RuntimeError("the session store is used before the hub was opened")
        return self._pool

    async def set(
        self, key: str, value: str | bytes, expires_in: int | dt.timedelta | None = None
    ) -> None:
        data = value.encode() if isinstance(value, str) else value
        seconds = _seconds(expires_in)
        resolution = RENEW_RESOLUTION
        if seconds is not None:
            resolution = min(resolution, dt.timedelta(seconds=seconds / 10))
        await self.pool.execute(
            """
            insert into web_session (key, value, expires_at)
            values ($1, $2, now() + make_interval(secs => $3::float8))
            on conflict (key) do update
                set value = excluded.value, expires_at = excluded.expires_at
                where web_session.value <> excluded.value
                   or web_session.expires_at is distinct from excluded.expires_at
                      and (excluded.expires_at is null or web_session.expires_at is null
                           or web_session.expires_at < excluded.expires_at - $4::interval)
            """,
            key,
            data,
            seconds,
            resolution,
        )

    async def get(self, key: str, renew_for: int | dt.timedelta | None = None) -> bytes | None:
        seconds = _seconds(renew_for)
        if seconds is None:
            found = await self.pool.fetchval(
                "select value from web_session where key = $1 "
                "and (expires_at is null or expires_at > now())",
                key,
            )
        else:
            found = await self.pool.fetchval(
                "update web_session set expires_at = now() + make_interval(secs => $2::float8) "
                "where key = $1 and (expires_at is null or expires_at > now()) returning value",
                key,
                seconds,
            )
        return None if found is None else bytes(found)

    async def delete(self, key: str) -> None:
        await self.pool.execute("delete from web_session where key = $1", key)

    async def delete_all(self) -> None:
        await self.pool.execute("delete from web_session")

    async def exists(self, key: str) -> bool:
        return bool(
            await self.pool.fetchval(
                "select exists (select from web_session where key = $1 "
                "and (expires_at is null or expires_at > now()))",
                key,
            )
        )

    async def expires_in(self, key: str) -> int | None:
        """Seconds left, or None for a key that never expires or does not exist."""
        left = await self.pool.fetchval(
            "select ceil(extract(epoch from expires_at - now()))::int from web_session "
            "where key = $1 and (expires_at is null or expires_at > now())",
            key,
        )
        return None if left is None else int(left)

    async def delete_expired(self) -> int:
        """Removes the dead sessions; returns how many."""
        done = await self.pool.execute("delete from web_session where expires_at <= now()")
        return int(done.split()[-1])
