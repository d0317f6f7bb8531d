"""Delivery and status against a real hub served over loopback (its own database), the node on
another: unreachable -> queued with the reason and a backoff, in sequence order; then accepted;
a body the hub cannot read -> refused with its words; finance's return, approval and lock flow
back; the sequence counter moves above the hub's."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from hub.auth.users import principal_by_name
from hub.federation.register import node_user_name
from hub.node.create import create_node
from hub.node.deliver import deliver_pass
from hub.node.folder import Node
from hub.node.hub_client import hub_client
from hub.node.outbox import OutboxEnvelope, envelopes, last_sequence
from hub.node.send import send
from hub.node.status import refresh
from hub.node.sync import sync
from hub.reporting.model import Dataset, Status
from hub.reporting.service import transition_report
from hub.reporting.workflow import ReportAction
from hub.services import Hub, open_hub
from tests.node.conftest import NOW, finance_user, register, save_on_node
from tests.test_cli import free_port


@pytest.fixture
async def node(tmp_path: Path, hub: Hub, served_hub: str) -> Node:
    made = create_node(tmp_path / "node", "SE", served_hub, NOW).node
    await register(hub, made.private_key())
    return made


@pytest.fixture
async def node_hub(node: Node, node_database_url: str) -> AsyncIterator[Hub]:
    await sync(node, node_database_url)
    async with open_hub(node.settings(), node_database_url, pool_size=4) as opened:
        yield opened


async def _outbox(node_hub: Hub) -> list[OutboxEnvelope]:
    async with node_hub.db.pool.acquire() as connection:
        return await envelopes(connection)


async def _submitted(hub: Hub, period: str) -> None:
    """Finance reviews what the node user submitted (the version of an accepted envelope is
    submitted on receipt where the hub does so; else the node user submits it here)."""
    async with hub.db.pool.acquire() as connection:
        status = await connection.fetchval(
            "select status from report where entity_code = 'SE' and period = $1", period
        )
        node_user = await principal_by_name(connection, node_user_name("SE"))
    assert node_user is not None
    if status == Status.DRAFT.value:
        await transition_report(
            hub,
            node_user,
            entity="SE",
            period=period,
            dataset=Dataset.STATEMENTS,
            action=ReportAction.SUBMIT,
        )


async def test_delivery_waits_for_an_unreachable_hub_then_is_accepted_in_order(
    hub: Hub, node: Node, node_hub: Hub
) -> None:
    await save_on_node(node_hub, period="2025")
    await save_on_node(node_hub, period="2024")
    key = node.private_key()
    first = await send(node_hub, "SE", "2025", Dataset.STATEMENTS, key, NOW)
    second = await send(node_hub, "SE", "2024", Dataset.STATEMENTS, key, NOW)
    down = dataclasses.replace(node, hub=f"http://127.0.0.1:{free_port()}")
    before = dt.datetime.now(dt.UTC)
    async with hub_client(down) as client:
        done = await deliver_pass(node_hub.db, client)
        assert [a.status for a in done.attempts] == ["queued"]
        unreachable = f"the hub at {down.hub} is unreachable: connection refused"
        assert done.attempts[0].error == unreachable
        assert done.waiting == 2
        # Honouring the backoff, nothing is tried again at once.
        assert (await deliver_pass(node_hub.db, client, now_only=False)).attempts == []
    waiting, behind = await _outbox(node_hub)
    assert (waiting.sequence, waiting.status, waiting.attempts, waiting.last_error) == (
        1,
        "queued",
        1,
        unreachable,
    )
    assert waiting.delivered_at is None
    wait = (waiting.next_attempt_at - before).total_seconds()
    assert 0.5 <= wait <= 1.5, wait
    assert (behind.sequence, behind.attempts) == (2, 0)  # never overtakes the first

    async with hub_client(node) as client:
        done = await deliver_pass(node_hub.db, client)
    assert [(a.envelope.sequence, a.status, a.hub_version) for a in done.attempts] == [
        (1, "accepted", 1),
        (2, "accepted", 1),
    ]
    assert done.waiting == 0
    delivered = await _outbox(node_hub)
    assert [(e.status, e.hub_version, e.attempts, e.last_error) for e in delivered] == [
        ("accepted", 1, 2, None),
        ("accepted", 1, 1, None),
    ]
    async with hub.db.pool.acquire() as connection:
        stored = await connection.fetch(
            "select e.hash, e.sequence, e.outcome, s.period, s.version from envelope e "
            "join submission s on s.id = e.submission_id order by e.sequence"
        )
    assert [tuple(r) for r in stored] == [
        (first.hash, 1, "accepted", "2025", 1),
        (second.hash, 2, "accepted", "2024", 1),
    ]


async def test_a_body_the_hub_cannot_read_is_refused_with_its_words(
    hub: Hub, node: Node, node_hub: Hub
) -> None:
    await save_on_node(node_hub)
    await send(node_hub, "SE", "2025", Dataset.STATEMENTS, node.private_key(), NOW)
    async with node_hub.db.pool.acquire() as connection:
        await connection.execute(
            "update node_outbox set signed = convert_to(replace(convert_from(signed, 'UTF8'), "
            "'\"412345.67\"', '412345.67'), 'UTF8')"
        )
    async with hub_client(node) as client:
        done = await deliver_pass(node_hub.db, client)
    [refused] = await _outbox(node_hub)
    assert (refused.status, refused.reasons) == (
        "refused",
        [
            "not a signed envelope: $.envelope.report.trial_balance[0].amount: 412345.67 must be "
            'written "412345.67" (amounts are decimal strings)'
        ],
    )
    assert [a.status for a in done.attempts] == ["refused"]
    async with hub.db.pool.acquire() as connection:
        assert await connection.fetchval("select count(*) from envelope") == 0


async def test_finances_decisions_reach_the_node_and_its_counter_moves_above_the_hubs(
    hub: Hub, node: Node, node_hub: Hub
) -> None:
    for period in ("2025", "2024"):
        await save_on_node(node_hub, period=period)
        await send(node_hub, "SE", period, Dataset.STATEMENTS, node.private_key(), NOW)
    async with hub_client(node) as client:
        await deliver_pass(node_hub.db, client)
        assert (await refresh(node_hub.db, client)).changed == 0
    finance = await finance_user(hub)
    for period, action, reason in (
        ("2025", ReportAction.RETURN, "the bank balance does not match the statement"),
        ("2024", ReportAction.APPROVE, None),
    ):
        await _submitted(hub, period)
        await transition_report(
            hub,
            finance,
            entity="SE",
            period=period,
            dataset=Dataset.STATEMENTS,
            action=action,
            reason=reason,
        )
    async with node_hub.db.pool.acquire() as connection:
        await connection.execute("update node_sequence set last_sequence = 0")
    async with hub_client(node) as client:
        refreshed = await refresh(node_hub.db, client)
    assert (refreshed.changed, refreshed.sequence_raised_to) == (2, 2)
    returned, approved = await _outbox(node_hub)
    assert (returned.period, returned.status, returned.reasons, returned.hub_version) == (
        "2025",
        "returned",
        ["the bank balance does not match the statement"],
        1,
    )
    assert (approved.period, approved.status, approved.reasons) == ("2024", "approved", [])
    await transition_report(
        hub,
        finance,
        entity="SE",
        period="2024",
        dataset=Dataset.STATEMENTS,
        action=ReportAction.LOCK,
    )
    async with hub_client(node) as client:
        assert (await refresh(node_hub.db, client)).changed == 1
    assert [e.status for e in await _outbox(node_hub)] == ["returned", "locked"]
    async with node_hub.db.pool.acquire() as connection:
        assert await last_sequence(connection) == 2
        contact = await connection.fetchval("select count(*) from node_contact")
    assert contact == 0  # the node's own database records no contact: the hub's does
    async with hub.db.pool.acquire() as connection:
        assert (
            await connection.fetchval("select what from node_contact where entity_code = 'SE'")
            == "status"
        )
