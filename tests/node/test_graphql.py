"""GraphQL on a node for its national team, over HTTP with the real app on the node's database:
sendToNetwork queues an envelope (and wakes the deliverer), networkEnvelopes lists them; other
roles and other entities are refused; on the hub itself both are refused for everyone."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from hub.assembly.app import create_app
from hub.auth.policy import Role
from hub.auth.users import upsert_user
from hub.federation.reference import read_config_files, reference
from hub.node.folder import Node
from hub.node.graphql import NOT_A_NODE
from hub.node.sync import apply_reference
from hub.services import Hub, open_hub
from hub.settings import Settings
from tests.node.conftest import NOW, save_on_node

SEND = 'mutation { sendToNetwork(period: "%s") { sequence status version dataset period } }'
LIST = "{ networkEnvelopes { sequence status entity hubVersion attempts } }"


@pytest.fixture
async def node_app(
    hub: Hub, hub_settings: Settings, node_folder: Node, node_database_url: str
) -> AsyncIterator[tuple[AsyncTestClient[Any], dict[str, str], asyncio.Event]]:
    current = await reference(hub, read_config_files(hub_settings.config_dir), NOW)
    await apply_reference(node_folder, node_database_url, current)
    async with open_hub(node_folder.settings(), node_database_url, pool_size=2) as node_hub:
        await save_on_node(node_hub)
        async with node_hub.db.transaction() as connection:
            tokens = {
                name: await upsert_user(connection, name, role, entity)
                for name, role, entity in (
                    ("team-se", Role.NATIONAL, "SE"),
                    ("team-de", Role.NATIONAL, "DE"),
                    ("board", Role.BOARD, None),
                )
            }
    app = create_app(node_folder.settings(), node_database_url)
    wake = asyncio.Event()
    app.state.node = node_folder
    app.state.node_wake = wake
    async with AsyncTestClient(app=app) as client:
        yield client, tokens, wake


async def _graphql(client: AsyncTestClient[Any], token: str, query: str) -> dict[str, Any]:
    response = await client.post(
        "/graphql", json={"query": query}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _codes(body: dict[str, Any]) -> list[tuple[str, str]]:
    return [(e["extensions"]["code"], e["message"]) for e in body.get("errors", [])]


async def test_the_national_team_sends_its_report_and_follows_its_envelopes(
    node_app: tuple[AsyncTestClient[Any], dict[str, str], asyncio.Event],
) -> None:
    client, tokens, wake = node_app
    sent = await _graphql(client, tokens["team-se"], SEND % "2025")
    assert sent == {
        "data": {
            "sendToNetwork": {
                "sequence": 1,
                "status": "QUEUED",
                "version": 1,
                "dataset": "STATEMENTS",
                "period": "2025",
            }
        }
    }
    assert wake.is_set()
    listed = await _graphql(client, tokens["team-se"], LIST)
    assert listed["data"]["networkEnvelopes"] == [
        {"sequence": 1, "status": "QUEUED", "entity": "SE", "hubVersion": None, "attempts": 0}
    ]
    missing = await _graphql(client, tokens["team-se"], SEND % "2024")
    assert _codes(missing) == [
        (
            "BAD_USER_INPUT",
            "SE has no statements report for 2024 on this node: save or import it first",
        )
    ]
    for who in ("team-de", "board"):
        assert [code for code, _ in _codes(await _graphql(client, tokens[who], SEND % "2025"))] == [
            "FORBIDDEN"
        ]
    assert _codes(await _graphql(client, tokens["team-de"], LIST))[0][0] == "FORBIDDEN"
    again = await _graphql(client, tokens["team-se"], LIST)
    assert [e["sequence"] for e in again["data"]["networkEnvelopes"]] == [1]


async def test_on_the_hub_itself_sending_and_listing_are_refused_for_everyone(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    for who in ("national-se", "admin", "finance"):
        for query in (SEND % "2025", LIST):
            assert _codes(await _graphql(client, tokens[who], query)) == [("FORBIDDEN", NOT_A_NODE)]
