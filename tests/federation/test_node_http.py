"""The hub's endpoints for nodes over HTTP with the real app and database: the reference data
and the status answer a request signed with a registered key (and count as the node's contact);
anything else is 401 with one line, and is no contact."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import msgspec
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from litestar.testing import AsyncTestClient

from hub.assembly.app import create_app
from hub.federation import keys
from hub.federation.node_request import sign_request
from hub.federation.reference import CONFIG_FILES, Reference
from hub.federation.ruleset import current_rule_set
from hub.mappings.repository import rules
from hub.services import Hub, open_hub
from hub.settings import Settings
from tests.node.conftest import register


@pytest.fixture
async def repo_hub(settings: Settings, database_url: str) -> AsyncIterator[Hub]:
    """The hub on the repository's config, whatever the federation tests' `hub` is: these
    requests carry no envelope, and the files answered are compared with that config."""
    async with open_hub(settings, database_url, pool_size=2) as opened:
        yield opened


@pytest.fixture
async def repo_client(
    settings: Settings, database_url: str, repo_hub: Hub
) -> AsyncIterator[AsyncTestClient[Any]]:
    async with AsyncTestClient(app=create_app(settings, database_url)) as test_client:
        yield test_client


REFERENCE = "/api/federation/reference"
STATUS = "/api/federation/status"


def signed(
    key: Ed25519PrivateKey, method: str, path: str, body: bytes, entity: str = "SE"
) -> dict[str, str]:
    return sign_request(key, entity, method, path, body, dt.datetime.now(dt.UTC))


async def _contacts(hub: Hub) -> list[tuple[str, str]]:
    async with hub.db.pool.acquire() as connection:
        rows = await connection.fetch("select entity_code, what from node_contact")
    return [(row["entity_code"], row["what"]) for row in rows]


async def test_the_reference_data_reproduces_the_hubs_rule_set_for_a_registered_node(
    repo_client: AsyncTestClient[Any], repo_hub: Hub, settings: Settings
) -> None:
    client, hub = repo_client, repo_hub
    key = Ed25519PrivateKey.generate()
    await register(hub, key)
    response = await client.get(REFERENCE, headers=signed(key, "GET", REFERENCE, b""))
    assert response.status_code == 200, response.text
    answer = msgspec.json.decode(response.content, type=Reference)
    async with hub.db.pool.acquire() as connection:
        assert answer.rule_set_version == await current_rule_set(hub, connection)
        swedish = await rules(connection, "SE")
    assert [(f.name, f.text) for f in answer.files] == [
        (name, (settings.config_dir / name).read_text()) for name in CONFIG_FILES
    ]
    assert [part.entity for part in answer.mappings] == sorted(hub.countries)
    [sweden] = [part for part in answer.mappings if part.entity == "SE"]
    assert len(sweden.rows) == len(swedish)
    assert (sweden.rows[0].first, sweden.rows[0].line, sweden.rows[0].reason) == (
        swedish[0].first,
        swedish[0].line,
        swedish[0].reason,
    )
    assert await _contacts(hub) == [("SE", "reference data")]

    status = await client.post(STATUS, content=b"{}", headers=signed(key, "POST", STATUS, b"{}"))
    assert (status.status_code, status.json()) == (
        200,
        {"entity": "SE", "envelopes": [], "last_sequence": None},
    )
    assert await _contacts(hub) == [("SE", "status")]


async def test_requests_the_hub_cannot_take_as_the_nodes_are_401_with_a_reason_and_no_contact(
    repo_client: AsyncTestClient[Any], repo_hub: Hub
) -> None:
    client, hub = repo_client, repo_hub
    key = Ed25519PrivateKey.generate()
    fingerprint = keys.fingerprint(key.public_key())
    await register(hub, key)
    stranger = Ed25519PrivateKey.generate()
    long_ago = sign_request(
        key, "SE", "GET", REFERENCE, b"", dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    )
    cases = [
        (REFERENCE, {}, "not a signed node request: the Hub-Node-Entity header is missing"),
        (
            REFERENCE,
            signed(stranger, "GET", REFERENCE, b""),
            f"key {keys.fingerprint(stranger.public_key())} is not registered for SE",
        ),
        (
            REFERENCE,
            signed(key, "GET", REFERENCE, b"", entity="DE"),
            f"key {fingerprint} is registered for SE, not DE",
        ),
        (
            REFERENCE,
            signed(key, "GET", STATUS, b""),
            f"the request's signature does not verify with key {fingerprint}: the request was "
            "changed on the way, or signed with another key",
        ),
    ]
    for path, headers, reason in cases:
        response = await client.get(path, headers=headers)
        assert (response.status_code, response.json()) == (401, {"detail": reason})
        assert response.headers["www-authenticate"] == "HubNode"
    stale = await client.get(REFERENCE, headers=long_ago)
    assert stale.status_code == 401
    assert stale.json()["detail"].startswith("the request was signed at 2026-01-01T00:00:00Z, ")
    assert stale.json()["detail"].endswith("more than 5 minutes apart: check the node's clock")
    body = b'{"all": true}'
    changed = await client.post(STATUS, content=body, headers=signed(key, "POST", STATUS, b"{}"))
    assert changed.status_code == 401
    assert await _contacts(hub) == []
