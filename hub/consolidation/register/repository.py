"""The acquisition register's SQL: the only code that reads or writes its tables."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

import asyncpg
import msgspec

from hub.db.pool import Connection, plain


class LineAmount(msgspec.Struct, frozen=True):
    line: str
    amount: Decimal


class AcquisitionRow(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    subsidiary: str
    parent: str
    acquired_on: dt.date
    method: str
    share: Decimal
    consideration: Decimal
    consideration_currency: str
    rate: Decimal | None
    nci_fair_value: Decimal | None
    illustrative: bool
    equity: tuple[LineAmount, ...]
    fair_value: tuple[LineAmount, ...]
    reason: str
    recorded_by: str
    recorded_at: dt.datetime


class OwnershipChangeRow(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    subsidiary: str
    effective_on: dt.date
    share: Decimal
    consideration: Decimal
    consideration_currency: str
    reason: str
    recorded_by: str
    recorded_at: dt.datetime
    withdrawn: str | None  # the withdrawal's reason


class ImpairmentRow(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    subsidiary: str
    period: str
    amount: Decimal
    reason: str
    recorded_by: str
    recorded_at: dt.datetime
    withdrawn: str | None


class OpeningLine(msgspec.Struct, frozen=True, kw_only=True):
    line: str
    local: Decimal
    translated: Decimal


class OpeningRow(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    entity: str
    period: str
    lines: tuple[OpeningLine, ...]
    illustrative: bool
    reason: str
    recorded_by: str
    recorded_at: dt.datetime
    withdrawn: str | None


def _optional(amount: Decimal | None) -> Decimal | None:
    return None if amount is None else plain(amount)


async def acquisitions(
    connection: Connection, subsidiaries: Sequence[str] | None
) -> list[AcquisitionRow]:
    """Every recorded acquisition (newest last per subsidiary), with its lines."""
    rows = await connection.fetch(
        """
        select a.*, u.name as recorded_by_name
        from acquisition a join app_user u on u.id = a.recorded_by
        where $1::text[] is null or a.subsidiary = any($1::text[])
        order by a.subsidiary, a.id
        """,
        None if subsidiaries is None else list(subsidiaries),
    )
    lines = await connection.fetch(
        "select * from acquisition_line where acquisition_id = any($1::bigint[]) "
        "order by acquisition_id, kind, line_code",
        [row["id"] for row in rows],
    )
    by_entry: dict[tuple[int, str], list[LineAmount]] = defaultdict(list)
    for line in lines:
        by_entry[(line["acquisition_id"], line["kind"])].append(
            LineAmount(line["line_code"], plain(line["amount"]))
        )
    return [_acquisition(row, by_entry) for row in rows]


def _acquisition(
    row: asyncpg.Record, lines: dict[tuple[int, str], list[LineAmount]]
) -> AcquisitionRow:
    return AcquisitionRow(
        id=row["id"],
        subsidiary=row["subsidiary"],
        parent=row["parent"],
        acquired_on=row["acquired_on"],
        method=row["method"],
        share=plain(row["share"]),
        consideration=plain(row["consideration"]),
        consideration_currency=row["consideration_currency"],
        rate=_optional(row["rate"]),
        nci_fair_value=_optional(row["nci_fair_value"]),
        illustrative=row["illustrative"],
        equity=tuple(lines.get((row["id"], "equity"), [])),
        fair_value=tuple(lines.get((row["id"], "fair_value"), [])),
        reason=row["reason"],
        recorded_by=row["recorded_by_name"],
        recorded_at=row["recorded_at"],
    )


async def insert_acquisition(
    connection: Connection,
    *,
    subsidiary: str,
    parent: str,
    acquired_on: dt.date,
    method: str,
    share: Decimal,
    consideration: Decimal,
    consideration_currency: str,
    rate: Decimal | None,
    nci_fair_value: Decimal | None,
    illustrative: bool,
    equity: Sequence[LineAmount],
    fair_value: Sequence[LineAmount],
    reason: str,
    actor_id: int,
) -> int:
    entry_id: int = await connection.fetchval(
        """
        insert into acquisition (subsidiary, parent, acquired_on, method, share, consideration,
                                 consideration_currency, rate, nci_fair_value, illustrative,
                                 reason, recorded_by)
        values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
        returning id
        """,
        subsidiary,
        parent,
        acquired_on,
        method,
        share,
        consideration,
        consideration_currency,
        rate,
        nci_fair_value,
        illustrative,
        reason,
        actor_id,
    )
    await connection.copy_records_to_table(
        "acquisition_line",
        columns=["acquisition_id", "kind", "line_code", "amount"],
        records=[(entry_id, "equity", x.line, x.amount) for x in equity]
        + [(entry_id, "fair_value", x.line, x.amount) for x in fair_value],
    )
    return entry_id


_WITHDRAWN = """
(select w.reason from register_withdrawal w where w.kind = '{kind}' and w.entry_id = t.id)
"""


async def ownership_changes(
    connection: Connection, subsidiaries: Sequence[str] | None
) -> list[OwnershipChangeRow]:
    rows = await connection.fetch(
        f"""
        select t.*, u.name as recorded_by_name,
               {_WITHDRAWN.format(kind="ownership_change")} as withdrawn
        from ownership_change t join app_user u on u.id = t.recorded_by
        where $1::text[] is null or t.subsidiary = any($1::text[])
        order by t.subsidiary, t.effective_on, t.id
        """,
        None if subsidiaries is None else list(subsidiaries),
    )
    return [
        OwnershipChangeRow(
            id=row["id"],
            subsidiary=row["subsidiary"],
            effective_on=row["effective_on"],
            share=plain(row["share"]),
            consideration=plain(row["consideration"]),
            consideration_currency=row["consideration_currency"],
            reason=row["reason"],
            recorded_by=row["recorded_by_name"],
            recorded_at=row["recorded_at"],
            withdrawn=row["withdrawn"],
        )
        for row in rows
    ]


async def insert_ownership_change(
    connection: Connection,
    *,
    subsidiary: str,
    effective_on: dt.date,
    share: Decimal,
    consideration: Decimal,
    consideration_currency: str,
    reason: str,
    actor_id: int,
) -> int:
    entry_id: int = await connection.fetchval(
        """
        insert into ownership_change (subsidiary, effective_on, share, consideration,
                                      consideration_currency, reason, recorded_by)
        values ($1, $2, $3, $4, $5, $6, $7) returning id
        """,
        subsidiary,
        effective_on,
        share,
        consideration,
        consideration_currency,
        reason,
        actor_id,
    )
    return entry_id


async def impairments(
    connection: Connection, subsidiaries: Sequence[str] | None
) -> list[ImpairmentRow]:
    rows = await connection.fetch(
        f"""
        select t.*, u.name as recorded_by_name,
               {_WITHDRAWN.format(kind="goodwill_impairment")} as withdrawn
        from goodwill_impairment t join app_user u on u.id = t.recorded_by
        where $1::text[] is null or t.subsidiary = any($1::text[])
        order by t.subsidiary, t.period, t.id
        """,
        None if subsidiaries is None else list(subsidiaries),
    )
    return [
        ImpairmentRow(
            id=row["id"],
            subsidiary=row["subsidiary"],
            period=row["period"],
            amount=plain(row["amount"]),
            reason=row["reason"],
            recorded_by=row["recorded_by_name"],
            recorded_at=row["recorded_at"],
            withdrawn=row["withdrawn"],
        )
        for row in rows
    ]


async def insert_impairment(
    connection: Connection,
    *,
    subsidiary: str,
    period: str,
    amount: Decimal,
    reason: str,
    actor_id: int,
) -> int:
    entry_id: int = await connection.fetchval(
        "insert into goodwill_impairment (subsidiary, period, amount, reason, recorded_by) "
        "values ($1, $2, $3, $4, $5) returning id",
        subsidiary,
        period,
        amount,
        reason,
        actor_id,
    )
    return entry_id


async def openings(
    connection: Connection, entities: Sequence[str] | None, period: str | None
) -> list[OpeningRow]:
    rows = await connection.fetch(
        f"""
        select t.*, u.name as recorded_by_name,
               {_WITHDRAWN.format(kind="opening_position")} as withdrawn
        from opening_position t join app_user u on u.id = t.recorded_by
        where ($1::text[] is null or t.entity = any($1::text[]))
          and ($2::text is null or t.period = $2)
        order by t.entity, t.period, t.id
        """,
        None if entities is None else list(entities),
        period,
    )
    lines = await connection.fetch(
        "select * from opening_position_line where opening_id = any($1::bigint[]) "
        "order by opening_id, line_code",
        [row["id"] for row in rows],
    )
    by_entry: dict[int, list[OpeningLine]] = defaultdict(list)
    for line in lines:
        by_entry[line["opening_id"]].append(
            OpeningLine(
                line=line["line_code"],
                local=plain(line["local_amount"]),
                translated=plain(line["translated_amount"]),
            )
        )
    return [
        OpeningRow(
            id=row["id"],
            entity=row["entity"],
            period=row["period"],
            lines=tuple(by_entry.get(row["id"], [])),
            illustrative=row["illustrative"],
            reason=row["reason"],
            recorded_by=row["recorded_by_name"],
            recorded_at=row["recorded_at"],
            withdrawn=row["withdrawn"],
        )
        for row in rows
    ]


async def insert_opening(
    connection: Connection,
    *,
    entity: str,
    period: str,
    lines: Sequence[OpeningLine],
    illustrative: bool,
    reason: str,
    actor_id: int,
) -> int:
    entry_id: int = await connection.fetchval(
        "insert into opening_position (entity, period, illustrative, reason, recorded_by) "
        "values ($1, $2, $3, $4, $5) returning id",
        entity,
        period,
        illustrative,
        reason,
        actor_id,
    )
    await connection.copy_records_to_table(
        "opening_position_line",
        columns=["opening_id", "line_code", "local_amount", "translated_amount"],
        records=[(entry_id, x.line, x.local, x.translated) for x in lines],
    )
    return entry_id


TABLES = {
    "ownership_change": "ownership_change",
    "goodwill_impairment": "goodwill_impairment",
    "opening_position": "opening_position",
}


async def entry_exists(connection: Connection, kind: str, entry_id: int) -> bool:
    table = TABLES[kind]
    found: bool = await connection.fetchval(
        f"select exists (select 1 from {table} where id = $1)", entry_id
    )
    return found


async def insert_withdrawal(
    connection: Connection, *, kind: str, entry_id: int, reason: str, actor_id: int
) -> bool:
    """False when the entry was already withdrawn."""
    added = await connection.fetchval(
        """
        insert into register_withdrawal (kind, entry_id, reason, recorded_by)
        values ($1, $2, $3, $4) on conflict do nothing returning id
        """,
        kind,
        entry_id,
        reason,
        actor_id,
    )
    return added is not None


async def lock_register(connection: Connection) -> None:
    """Serialise writers of the register (a check of a lock and its write go together)."""
    await connection.execute("select pg_advisory_xact_lock(hashtext('acquisition register'))")
