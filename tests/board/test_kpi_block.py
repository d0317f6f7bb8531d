"""kpi_block (migration 0020): each submission's KPI figures in one row, derived from kpi_value by
a trigger in the statement that inserts them, what the board's comparison reads."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import asyncpg
import pytest

from hub.auth.policy import Role
from hub.auth.users import upsert_user
from hub.db.migrate import available_migrations
from hub.db.pool import Connection
from hub.demo.load import load_demo
from hub.services import Hub
from tests.conftest import migrated_before

BLOCKS = 20


async def _submission(connection: Connection, entity: str, period: str) -> int:
    """An empty version 1 of `entity`'s KPI report for `period`, as the reporting service
    writes its head and version rows."""
    author: int = await connection.fetchval("select min(id) from app_user")
    await connection.execute(
        "insert into report (entity_code, period, dataset, period_start, period_end,"
        " latest_version) values ($1, $2, 'kpi', $3, $4, 1)",
        entity,
        period,
        dt.date(int(period), 1, 1),
        dt.date(int(period), 12, 31),
    )
    submission: int = await connection.fetchval(
        "insert into submission (entity_code, period, dataset, version, author_id, source)"
        " values ($1, $2, 'kpi', 1, $3, 'test') returning id",
        entity,
        period,
        author,
    )
    return submission


async def _lines(connection: Connection, submission: int) -> str | None:
    found: str | None = await connection.fetchval(
        "select lines from kpi_block where submission_id = $1", submission
    )
    return found


async def test_the_figures_inserted_make_their_block_in_the_same_statement(hub: Hub) -> None:
    async with hub.db.transaction() as connection:
        await upsert_user(connection, "finance", Role.FINANCE)
        submission = await _submission(connection, "DE", "2031")
        # as the reporting service writes them: COPY
        await connection.copy_records_to_table(
            "kpi_value",
            records=[
                (submission, "turnover", Decimal("5985000.00"), "EUR", "reported"),
                (submission, "users", Decimal("1200"), None, "published"),
            ],
            columns=["submission_id", "kpi_code", "amount", "currency", "provenance"],
        )
        assert await _lines(connection, submission) == (
            "turnover\t5985000.00\treported\nusers\t1200\tpublished"
        )
        # a second statement for the same version: the block holds both, by KPI
        await connection.execute(
            "insert into kpi_value (submission_id, kpi_code, amount, currency)"
            " values ($1, 'operating_result', -0.50, 'EUR')",
            submission,
        )
        assert await _lines(connection, submission) == (
            "operating_result\t-0.50\treported\nturnover\t5985000.00\treported\n"
            "users\t1200\tpublished"
        )


class _Undo(Exception):
    pass


async def _figures_then_undo(connection: Connection) -> None:
    async with connection.transaction():
        submission = await _submission(connection, "DE", "2031")
        await connection.execute(
            "insert into kpi_value (submission_id, kpi_code, amount) values ($1, 'turnover', 1)",
            submission,
        )
        assert await _lines(connection, submission) == "turnover\t1\treported"
        raise _Undo


async def test_figures_rolled_back_take_their_block_with_them(hub: Hub) -> None:
    async with hub.db.pool.acquire() as connection:
        async with connection.transaction():
            await upsert_user(connection, "finance", Role.FINANCE)
        with pytest.raises(_Undo):
            await _figures_then_undo(connection)
        assert await connection.fetchval("select count(*) from kpi_block") == 0


async def test_every_block_of_the_demo_holds_exactly_its_figures(hub: Hub) -> None:
    await load_demo(hub)
    async with hub.db.pool.acquire() as connection:
        blocks = {
            row["submission_id"]: row["lines"]
            for row in await connection.fetch("select submission_id, lines from kpi_block")
        }
        values = await connection.fetch(
            "select submission_id, kpi_code, amount::text as amount, provenance from kpi_value"
        )
    figures: dict[int, set[tuple[str, str, str]]] = {}
    for row in values:
        figures.setdefault(row["submission_id"], set()).add(
            (row["kpi_code"], row["amount"], row["provenance"])
        )
    assert len(blocks) == len(figures) > 0
    for submission, lines in blocks.items():
        parsed = [tuple(line.split("\t")) for line in lines.split("\n")]
        assert set(parsed) == figures[submission]
        assert [code for code, _, _ in parsed] == sorted(code for code, _, _ in parsed)


@pytest.mark.parametrize(
    "statement",
    [
        "insert into kpi_block (submission_id, lines) select min(id), 'turnover\t1\treported'"
        " from submission",
        "update kpi_block set lines = 'turnover\t1\treported'",
        "delete from kpi_block",
    ],
    ids=["insert", "update", "delete"],
)
async def test_the_block_cannot_be_written_directly(hub: Hub, statement: str) -> None:
    await load_demo(hub)
    async with hub.db.pool.acquire() as connection:
        before = await connection.fetch("select * from kpi_block order by submission_id")
        with pytest.raises(
            asyncpg.IntegrityConstraintViolationError,
            match="kpi_block is derived from kpi_value: it cannot be changed directly",
        ):
            await connection.execute(statement)
        assert await connection.fetch("select * from kpi_block order by submission_id") == before


@pytest.fixture
async def before_0020(server_url: str) -> AsyncIterator[asyncpg.Connection[Any]]:
    """A database with every migration before 0020 applied, and nothing else."""
    async with migrated_before(server_url, BLOCKS) as connection:
        yield connection


async def test_migration_0020_makes_the_block_of_every_earlier_submission(
    before_0020: asyncpg.Connection[Any],
) -> None:
    connection = before_0020
    await connection.execute(
        "insert into entity (code, name, currency) values ('SE', 'Sweden', 'SEK');"
        "insert into kpi (code, unit) values ('turnover', 'money'), ('staff', 'count');"
    )
    await upsert_user(connection, "finance", Role.FINANCE)
    first = await _submission(connection, "SE", "2023")
    second = await _submission(connection, "SE", "2024")
    await connection.execute(
        "insert into kpi_value (submission_id, kpi_code, amount, currency, provenance) values"
        " ($1, 'turnover', 29804528, 'SEK', 'published'), ($1, 'staff', 6.70, null, 'reported'),"
        " ($2, 'turnover', 37137293.5, 'SEK', 'derived')",
        first,
        second,
    )
    [blocks] = [m for m in available_migrations() if m.version == BLOCKS]
    await connection.execute(blocks.sql)
    assert await _lines(connection, first) == (
        "staff\t6.70\treported\nturnover\t29804528\tpublished"
    )
    assert await _lines(connection, second) == "turnover\t37137293.5\tderived"
