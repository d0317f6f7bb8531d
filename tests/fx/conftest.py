"""Fixtures of the exchange-rate tests: the ECB excerpt shipped with the hub, and principals."""

from __future__ import annotations

import pytest

from hub.auth.policy import Principal
from hub.auth.users import principal_for_token
from hub.fx.demo import excerpt
from hub.services import Hub


@pytest.fixture(scope="session")
def ecb_excerpt() -> bytes:
    return excerpt()


@pytest.fixture
async def principals(hub: Hub, tokens: dict[str, str]) -> dict[str, Principal]:
    """The principal behind each of the `tokens` fixture's users, by user name."""
    found: dict[str, Principal] = {}
    async with hub.db.pool.acquire() as connection:
        for name, token in tokens.items():
            principal = await principal_for_token(connection, token)
            assert principal is not None
            found[name] = principal
    return found
