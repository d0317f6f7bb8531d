"""The federation's tests run on a network where Sweden reports through its node (a copy of
config/ with `reporting = "node"` for SE): the hub accepts envelopes of node entities only."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from hub.assembly.app import create_app
from hub.services import Hub, open_hub
from hub.settings import Settings
from tests.node_config import config_with_nodes


@pytest.fixture(scope="session")
def node_settings(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    folder = tmp_path_factory.mktemp("se-node")
    return dataclasses.replace(settings, config_dir=config_with_nodes(folder, "SE"))


@pytest.fixture
async def hub(node_settings: Settings, database_url: str) -> AsyncIterator[Hub]:
    async with open_hub(node_settings, database_url, pool_size=4) as opened:
        yield opened


@pytest.fixture
async def client(
    node_settings: Settings, database_url: str, tokens: dict[str, str]
) -> AsyncIterator[AsyncTestClient[Any]]:
    async with AsyncTestClient(app=create_app(node_settings, database_url)) as test_client:
        yield test_client
