"""The only code of exchange rates that talks to PostgreSQL.

A rate's key is (currency, rate_type, period, entity, line_code), where absent parts are null;
its effective rate is its newest row (highest id). Look-ups compare the parts coalesced to '',
as the index `fx_rate_by_key` does, so that null matches null and the index serves them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import asyncpg

from hub.db.pool import Connection, plain
from hub.fx.model import MANUAL, DailyRate, FxRate, RateIn, RateKey, RateType

_LOCK_KEY = 7_402_115_003

_COLUMNS = "f.*, u.name as created_by_name"

# The newest row of the key k.
_NEWEST = """
    select f.* from fx_rate f
    where f.currency = k.currency and f.rate_type = k.rate_type
      and coalesce(f.period, '') = coalesce(k.period, '')
      and coalesce(f.entity, '') = coalesce(k.entity, '')
      and coalesce(f.line_code, '') = coalesce(k.line_code, '')
    order by f.id desc
    limit 1
"""


def _rate(row: asyncpg.Record) -> FxRate:
    return FxRate(
        id=row["id"],
        currency=row["currency"],
        type=RateType(row["rate_type"]),
        period=row["period"],
        entity=row["entity"],
        line=row["line_code"],
        rate=plain(row["rate"]),
        source=row["source"],
        reason=row["reason"],
        created_by=row["created_by_name"],
        created_at=row["created_at"],
    )


def _key_arrays(keys: Sequence[RateKey]) -> list[list[str | None]]:
    return [
        [k.currency for k in keys],
        [k.type.value for k in keys],
        [k.period for k in keys],
        [k.entity for k in keys],
        [k.line for k in keys],
    ]


async def lock_rates(connection: Connection) -> None:
    """Serialise writers of rates until the transaction ends: an import decides from the
    effective rates it reads, which a concurrent override must not change under it."""
    await connection.execute("select pg_advisory_xact_lock($1)", _LOCK_KEY)


async def insert_daily(
    connection: Connection, rates: Iterable[DailyRate], source: str
) -> tuple[int, int]:
    """Store the daily rates not stored yet; (added, stored before with another value). Must
    run in a transaction: the staging table goes with it."""
    await connection.execute(
        "create temp table fx_daily_in (currency char(3), day date, rate numeric) on commit drop"
    )
    await connection.copy_records_to_table(
        "fx_daily_in",
        columns=["currency", "day", "rate"],
        records=((r.currency, r.day, r.rate) for r in rates),
    )
    # The outer query's snapshot predates the insert: `differing` compares with earlier rows.
    row = await connection.fetchrow(
        """
        with added as (
            insert into fx_daily (currency, day, rate, source)
            select currency, day, rate, $1 from fx_daily_in
            order by currency, day
            on conflict do nothing
            returning 1
        )
        select (select count(*) from added) as added,
               (select count(*) from fx_daily_in i join fx_daily d using (currency, day)
                where d.rate <> i.rate) as differing
        """,
        source,
    )
    assert row is not None
    return row["added"], row["differing"]


async def insert_if_changed(
    connection: Connection, rates: Sequence[RateIn], source: str, actor_id: int | None
) -> tuple[int, int]:
    """Store each rate whose key has no effective rate, or an effective rate of another value
    that was not entered by hand; (added, left alone because a hand-entered rate differs)."""
    row = await connection.fetchrow(
        f"""
        with k as (
            select * from unnest($1::bpchar[], $2::text[], $3::text[], $4::text[], $5::text[],
                                 $6::numeric[], $7::text[])
                with ordinality as k(currency, rate_type, period, entity, line_code, rate, reason,
                                     position)
        ), compared as (
            select k.*, e.rate as effective, e.source as effective_source
            from k left join lateral ({_NEWEST}) e on true
        ), added as (
            insert into fx_rate (currency, rate_type, period, entity, line_code, rate, source,
                                 reason, created_by)
            select currency, rate_type, period, entity, line_code, rate, $8, reason, $9
            from compared
            where effective is null or (effective <> rate and effective_source <> $10)
            order by position
            returning 1
        )
        select (select count(*) from added) as added,
               (select count(*) from compared
                where effective <> rate and effective_source = $10) as kept
        """,
        *_key_arrays([RateKey(r.currency, r.type, r.period, r.entity, r.line) for r in rates]),
        [r.rate for r in rates],
        [r.reason for r in rates],
        source,
        actor_id,
        MANUAL,
    )
    assert row is not None
    return row["added"], row["kept"]


async def insert_rate(
    connection: Connection, rate: RateIn, source: str, actor_id: int | None
) -> FxRate:
    row = await connection.fetchrow(
        """
        with f as (
            insert into fx_rate (currency, rate_type, period, entity, line_code, rate, source,
                                 reason, created_by)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            returning *
        )
        select f.*, u.name as created_by_name from f left join app_user u on u.id = f.created_by
        """,
        rate.currency,
        rate.type.value,
        rate.period,
        rate.entity,
        rate.line,
        rate.rate,
        source,
        rate.reason,
        actor_id,
    )
    assert row is not None
    return _rate(row)


async def effective(connection: Connection, keys: Sequence[RateKey]) -> list[FxRate]:
    """The effective rate of each key that has one, in one statement whatever the number."""
    rows = await connection.fetch(
        f"""
        select {_COLUMNS}
        from unnest($1::bpchar[], $2::text[], $3::text[], $4::text[], $5::text[])
            as k(currency, rate_type, period, entity, line_code)
        join lateral ({_NEWEST}) f on true
        left join app_user u on u.id = f.created_by
        """,
        *_key_arrays(keys),
    )
    return [_rate(row) for row in rows]


async def effective_where(
    connection: Connection,
    currencies: Sequence[str] | None,
    periods: Sequence[str] | None,
    types: Sequence[RateType] | None,
    entities: Sequence[str] | None,
) -> list[FxRate]:
    """The effective rates matching every filter given (None: any)."""
    rows = await connection.fetch(
        f"""
        select {_COLUMNS} from (
            select distinct on (currency, rate_type, coalesce(period, ''), coalesce(entity, ''),
                                coalesce(line_code, ''))
                   *
            from fx_rate
            where ($1::bpchar[] is null or currency = any($1::bpchar[]))
              and ($2::text[] is null or period = any($2::text[]))
              and ($3::text[] is null or rate_type = any($3::text[]))
              and ($4::text[] is null or entity = any($4::text[]))
            order by currency, rate_type, coalesce(period, ''), coalesce(entity, ''),
                     coalesce(line_code, ''), id desc
        ) f
        left join app_user u on u.id = f.created_by
        order by f.currency, f.period nulls first, f.rate_type, f.entity, f.line_code
        """,
        None if currencies is None else list(currencies),
        None if periods is None else list(periods),
        None if types is None else [t.value for t in types],
        None if entities is None else list(entities),
    )
    return [_rate(row) for row in rows]


async def history(connection: Connection, key: RateKey) -> list[FxRate]:
    """Every row of the key, oldest first: the last one is the effective rate."""
    rows = await connection.fetch(
        f"""
        select {_COLUMNS}
        from (select * from unnest($1::bpchar[], $2::text[], $3::text[], $4::text[], $5::text[])
              as k(currency, rate_type, period, entity, line_code)) k
        join fx_rate f
          on f.currency = k.currency and f.rate_type = k.rate_type
         and coalesce(f.period, '') = coalesce(k.period, '')
         and coalesce(f.entity, '') = coalesce(k.entity, '')
         and coalesce(f.line_code, '') = coalesce(k.line_code, '')
        left join app_user u on u.id = f.created_by
        order by f.id
        """,
        *_key_arrays([key]),
    )
    return [_rate(row) for row in rows]


async def daily_rates(
    connection: Connection, currency: str, first: dt.date, last: dt.date
) -> list[DailyRate]:
    rows = await connection.fetch(
        "select currency, day, rate from fx_daily where currency = $1 and day between $2 and $3 "
        "order by day",
        currency,
        first,
        last,
    )
    return [DailyRate(row["currency"], row["day"], plain(row["rate"])) for row in rows]
