"""HUB_READ_DATABASE_URL: the board's reads come from a real streaming standby, a national
team's save-then-read and everyone's writes stay on the primary, and a replica that cannot be
reached stops start-up in one line."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from hub.assembly.app import create_app
from hub.auth.policy import Role
from hub.auth.users import principal_for_token, upsert_user
from hub.services import Hub, open_hub, reads_for
from hub.settings import Settings
from tests.api.graphql_client import data, gql
from tests.replica.conftest import Pair, caught_up
from tests.serving.test_start_failures import one_line
from tests.test_cli import env, free_port, run_hub

SAVE = """
mutation S($input: KpiReportInput!) { saveKpiValues(input: $input) { __typename } }
"""
MOVE = """
mutation M($action: ReportAction!) {
  transitionReport(input: {entity: "DE", period: "2011", dataset: KPI, action: $action,
                           reason: "turnover only"}) { status }
}
"""
TURNOVER = """
{ entity(code: "DE") { kpiValues(period: ["2011"], kpi: ["turnover"]) { amount } } }
"""
REPORT = {
    "entity": "DE",
    "period": "2011",
    "values": [{"kpi": "turnover", "amount": "500000", "currency": "EUR"}],
}


@pytest.fixture(scope="module")
def replica_settings(settings: Settings, replica_pair: Pair) -> Settings:
    return dataclasses.replace(settings, read_database_url=replica_pair.standby)


@pytest.fixture(scope="module")
async def tokens(replica_settings: Settings, replica_pair: Pair) -> dict[str, str]:
    """One user per role on the primary (migrated here), replayed on the standby."""
    async with (
        open_hub(replica_settings, replica_pair.primary, pool_size=1) as hub,
        hub.db.transaction() as connection,
    ):
        made = {
            name: await upsert_user(connection, name, role, entity)
            for name, role, entity in (
                ("board", Role.BOARD, None),
                ("finance", Role.FINANCE, None),
                ("national-de", Role.NATIONAL, "DE"),
            )
        }
    await caught_up(replica_pair.primary, replica_pair.standby)
    return made


@pytest.fixture
async def replica_hub(
    replica_settings: Settings, replica_pair: Pair, tokens: dict[str, str]
) -> AsyncIterator[Hub]:
    async with open_hub(
        replica_settings, replica_pair.primary, pool_size=2, read_replica=True
    ) as hub:
        yield hub


async def in_recovery(hub: Hub) -> bool:
    async with hub.db.pool.acquire() as connection:
        answer: bool = await connection.fetchval("select pg_is_in_recovery()")
    return answer


async def test_one_rule_sends_the_board_to_the_standby_and_everyone_else_to_the_primary(
    replica_hub: Hub, tokens: dict[str, str]
) -> None:
    async with replica_hub.db.pool.acquire() as connection:
        who = {name: await principal_for_token(connection, token) for name, token in tokens.items()}
    assert await in_recovery(reads_for(replica_hub, who["board"])) is True
    assert await in_recovery(reads_for(replica_hub, who["finance"])) is False
    assert await in_recovery(reads_for(replica_hub, who["national-de"])) is False
    assert await in_recovery(reads_for(replica_hub, None)) is False
    # The replica's pool is read-only even for a statement that would write.
    async with reads_for(replica_hub, who["board"]).db.pool.acquire() as connection:
        with pytest.raises(asyncpg.PostgresError, match="read-only transaction"):
            await connection.execute("create table nothing (id int)")


async def test_a_national_save_is_read_back_at_once_and_the_board_reads_the_replica(
    replica_settings: Settings, replica_pair: Pair, tokens: dict[str, str]
) -> None:
    standby = await asyncpg.connect(replica_pair.standby)
    app = create_app(replica_settings, replica_pair.primary)
    try:
        async with AsyncTestClient(app=app) as client:
            hub: Hub = app.state.hub
            assert hub.read_db is not None
            # The standby stops replaying: whatever is written now exists on the primary only.
            await standby.execute("select pg_wal_replay_pause()")
            national, finance, board = tokens["national-de"], tokens["finance"], tokens["board"]
            saved = data(await gql(client, national, SAVE, input=REPORT))
            assert saved["saveKpiValues"]["__typename"] == "ReportSaved"
            read_before = hub.read_db.statements
            mine = data(await gql(client, national, TURNOVER))
            assert mine["entity"]["kpiValues"] == [{"amount": "500000"}]  # its own draft
            for token, action in ((national, "SUBMIT"), (finance, "APPROVE")):
                moved = data(await gql(client, token, MOVE, action=action))
                assert moved["transitionReport"]["status"]
            assert hub.read_db.statements == read_before  # the team and finance: primary only

            # Approved on the primary, not yet replayed: the board, served by the standby,
            # does not see it.
            stale = data(await gql(client, board, TURNOVER))
            assert stale["entity"]["kpiValues"] == []
            assert hub.read_db.statements > read_before
            headers = {"Authorization": f"Bearer {board}"}
            before_pack = hub.read_db.statements
            pack = await client.get("/api/board/2011/board-pack.xlsx", headers=headers)
            assert pack.status_code == 400  # the board pack too: read on the standby
            assert pack.json() == {
                "detail": "period 2011: no figure is published for 2011; no year has any yet"
            }
            assert hub.read_db.statements > before_pack

            await standby.execute("select pg_wal_replay_resume()")
            await caught_up(replica_pair.primary, replica_pair.standby)
            fresh = data(await gql(client, board, TURNOVER))
            assert fresh["entity"]["kpiValues"] == [{"amount": "500000"}]
            pack = await client.get("/api/board/2011/board-pack.xlsx", headers=headers)
            assert pack.status_code == 200, pack.text
    finally:
        await standby.execute("select pg_wal_replay_resume()")
        await standby.close()


def test_an_unreachable_replica_stops_start_up_in_one_line(database_url: str) -> None:
    result = run_hub(
        ["serve", "--port", str(free_port())],
        env(
            HUB_DATABASE_URL=database_url,
            HUB_READ_DATABASE_URL="postgresql://hub:secret@127.0.0.1:1/hub",
        ),
    )
    line = one_line(result)
    assert line.startswith(
        "error: the read replica (HUB_READ_DATABASE_URL): cannot connect to PostgreSQL at "
        "postgresql://hub:***@127.0.0.1:1/hub: connection refused ("
    ), line
    assert "secret" not in line
