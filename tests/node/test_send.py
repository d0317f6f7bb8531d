"""Sending on the node's real PostgreSQL: the latest version sealed into an envelope and stored
queued with the next sequence in one transaction; clear refusals; numbers never given twice."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator

import pytest

from hub.federation import keys
from hub.federation.envelope import StatementsReport, open_envelope, software_version
from hub.federation.reference import read_config_files, reference
from hub.federation.ruleset import current_rule_set
from hub.node.folder import Node, NodeError
from hub.node.outbox import envelopes, last_sequence, raise_sequence
from hub.node.send import send
from hub.node.sync import apply_reference
from hub.reporting.model import Dataset
from hub.services import Hub, open_hub
from hub.settings import Settings
from tests.node.conftest import NOW, PERIOD, save_on_node


@pytest.fixture
async def node_hub(
    settings: Settings, node_folder: Node, node_database_url: str
) -> AsyncIterator[Hub]:
    """The node's hub, before any sync (its config folder gets the repository's files)."""
    for name in ("network.toml", "group_chart.toml", "reporting.toml"):
        source = settings.config_dir / name
        (node_folder.config_dir / name).write_text(source.read_text())
    async with open_hub(node_folder.settings(), node_database_url, pool_size=4) as opened:
        yield opened


async def _synced(hub: Hub, settings: Settings, node: Node, url: str) -> None:
    current = await reference(hub, read_config_files(settings.config_dir), NOW)
    await apply_reference(node, url, current)


async def _refusal(node_hub: Hub, node: Node, period: str = PERIOD) -> str:
    with pytest.raises(NodeError) as refused:
        await send(node_hub, "SE", period, Dataset.STATEMENTS, node.private_key(), NOW)
    return str(refused.value)


async def test_sending_needs_reference_data_and_a_version_and_takes_no_number_otherwise(
    hub: Hub, hub_settings: Settings, node_folder: Node, node_database_url: str, node_hub: Hub
) -> None:
    assert await _refusal(node_hub, node_folder) == (
        "the node has never fetched the network's reference data: run `hub node sync`, then "
        "send again"
    )
    await _synced(hub, hub_settings, node_folder, node_database_url)
    assert await _refusal(node_hub, node_folder) == (
        "SE has no statements report for 2025 on this node: save or import it first"
    )
    assert await _refusal(node_hub, node_folder, "2025-13") == (
        "period: '2025-13': month must be 01 to 12"
    )
    async with node_hub.db.pool.acquire() as connection:
        assert await last_sequence(connection) == 0
        assert await envelopes(connection) == []


async def test_the_latest_version_is_sealed_signed_and_queued_with_the_next_sequence(
    hub: Hub, hub_settings: Settings, node_folder: Node, node_database_url: str, node_hub: Hub
) -> None:
    await _synced(hub, hub_settings, node_folder, node_database_url)
    await save_on_node(node_hub, "100.00")
    assert await save_on_node(node_hub, "412345.67", base=1) == 2
    key = node_folder.private_key()
    sent = await send(node_hub, "SE", "2025", Dataset.STATEMENTS, key, NOW)
    async with node_hub.db.pool.acquire() as connection:
        rule_set = await current_rule_set(node_hub, connection)
        data = bytes(await connection.fetchval("select signed from node_outbox"))
    assert (sent.sequence, sent.status, sent.version, sent.attempts) == (1, "queued", 2, 0)
    assert (sent.entity, sent.period, sent.dataset, sent.delivered_at) == (
        "SE",
        "2025",
        "statements",
        None,
    )
    assert sent.hash == hashlib.sha256(data).hexdigest()
    opened = open_envelope(data)
    assert opened.hash == sent.hash
    assert opened.verifies(key.public_key())
    envelope = opened.signed.envelope
    assert (envelope.entity, envelope.sequence, envelope.rule_set_version) == ("SE", 1, rule_set)
    assert envelope.key_fingerprint == keys.fingerprint(key.public_key())
    assert envelope.software_version == software_version()
    assert envelope.source_sha256 is None  # saved over the API, not imported from a file
    report = envelope.report
    assert isinstance(report, StatementsReport)
    assert [(t.account, str(t.amount), t.currency, t.label) for t in report.trial_balance] == [
        ("1930", "412345.67", "SEK", "Bank"),
        ("3041", "-412345.67", "SEK", "Sales"),
    ]
    assert (report.period, report.comment, report.lines) == ("2025", "year-end", ())
    # The same version sent again is a new envelope with the next number.
    again = await send(node_hub, "SE", "2025", Dataset.STATEMENTS, key, NOW)
    assert (again.sequence, again.version) == (2, 2)
    assert again.hash != sent.hash


async def test_envelopes_made_at_once_get_distinct_numbers_and_the_counter_never_goes_back(
    hub: Hub, hub_settings: Settings, node_folder: Node, node_database_url: str, node_hub: Hub
) -> None:
    await _synced(hub, hub_settings, node_folder, node_database_url)
    await save_on_node(node_hub)
    key = node_folder.private_key()
    made = await asyncio.gather(
        *(send(node_hub, "SE", "2025", Dataset.STATEMENTS, key, NOW) for _ in range(4))
    )
    assert sorted(e.sequence for e in made) == [1, 2, 3, 4]
    async with node_hub.db.pool.acquire() as connection:
        assert await raise_sequence(connection, 2) is False
        assert await last_sequence(connection) == 4
        assert await raise_sequence(connection, 9) is True
    later = await send(node_hub, "SE", "2025", Dataset.STATEMENTS, key, NOW)
    assert later.sequence == 10
