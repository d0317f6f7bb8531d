"""`hub demo --federated`: the hub and Sweden's node as two real processes, each with its own
database; the node's report travels to the hub as a signed envelope and is accepted there."""

from __future__ import annotations

import re
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from hub.demo.federated import FederatedDemoError, _reported_by_node, federated_config
from tests.conftest import REPO, database_name, with_database
from tests.test_cli import RunningHub, env, free_port


def test_the_federated_config_reports_sweden_by_its_node(tmp_path: Path) -> None:
    made = federated_config(REPO / "config", tmp_path / "config")
    network = (made / "network.toml").read_text()
    assert 'code = "SE"\nreporting = "node"\n' in network
    assert network.count('reporting = "node"') == 1
    assert (made / "group_chart.toml").read_text() == (REPO / "config/group_chart.toml").read_text()
    # Made again from a config that already says it: still once.
    assert _reported_by_node(network, "SE").count('reporting = "node"') == 1


def test_a_config_without_the_entity_is_refused_in_words() -> None:
    with pytest.raises(FederatedDemoError, match=r"^network.toml: no entity XX to report by"):
        _reported_by_node('[[entities]]\ncode = "SE"\n', "XX")


@pytest.fixture
async def node_database(database_url: str, server_url: str) -> AsyncIterator[str]:
    """The database the demo makes for the node on the hub's server, dropped afterwards."""
    name = f"{database_name(database_url)}_node_se"
    yield with_database(database_url, name)
    admin = await asyncpg.connect(server_url)
    try:
        await admin.execute(f'drop database if exists "{name}" with (force)')
    finally:
        await admin.close()


async def _fetch(url: str, sql: str) -> list[asyncpg.Record]:
    connection = await asyncpg.connect(url)
    try:
        return await connection.fetch(sql)
    finally:
        await connection.close()


async def test_the_report_travels_from_the_node_process_to_the_hub(
    database_url: str, node_database: str, tmp_path: Path
) -> None:
    port, node_port = free_port(), free_port()
    demo = RunningHub(
        [
            "demo",
            "--federated",
            "--port",
            str(port),
            "--node-port",
            str(node_port),
            "--data-dir",
            str(tmp_path / "data"),
        ],
        env(HUB_DATABASE_URL=database_url, HUB_CONFIG_DIR=None),
        tmp_path / "demo.log",
    )
    try:
        output = demo.wait_for("The node's envelopes: hub node status", seconds=300)
    finally:
        said = demo.interrupt()
    node_dir = (tmp_path / "data" / "node-se").resolve()
    assert f"Made Sweden's node in {node_dir}" in output
    assert re.search(
        r"^Registered the node's public key on the hub as admin: \S{43}$", output, re.M
    )
    assert f"Sweden's node is running at http://127.0.0.1:{node_port}" in output
    assert "The node's team imported SE 2025-Q1 from its SIE export on the node" in output
    assert "  and sent it to the network: envelope 1 queued" in output
    assert (
        "  envelope 1 (SE statements 2025-Q1): accepted as version 1 on the hub, submitted for "
        "finance's review" in output
    )
    assert "error:" not in said
    # The node stopped with the hub: nothing listens on its port any more.
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", node_port)):
        pass

    [received] = await _fetch(
        database_url,
        "select e.outcome, e.sequence, s.period, s.version, u.name as author, r.status "
        "from envelope e join submission s on s.id = e.submission_id "
        "join app_user u on u.id = s.author_id join report r on (r.entity_code, r.period, "
        "r.dataset) = (s.entity_code, s.period, s.dataset) "
        "where e.entity_code = 'SE'",
    )
    assert dict(received) == {
        "outcome": "accepted",
        "sequence": 1,
        "period": "2025-Q1",
        "version": 1,
        "author": "node-SE",
        "status": "submitted",
    }
    [sent] = await _fetch(node_database, "select sequence, status, hub_version from node_outbox")
    assert dict(sent) == {"sequence": 1, "status": "accepted", "hub_version": 1}
    # The node kept its own database: its figures are there, not in the hub's connection.
    [kept] = await _fetch(
        node_database,
        "select count(*) as versions from submission "
        "where entity_code = 'SE' and period = '2025-Q1' and dataset = 'statements'",
    )
    assert kept["versions"] == 1
