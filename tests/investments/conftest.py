"""Fixtures of the investment tests: the principals behind the `tokens` users."""

from __future__ import annotations

import pytest

from hub.auth.policy import Principal
from hub.auth.users import principal_for_token
from hub.services import Hub


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


@pytest.fixture
def finance(principals: dict[str, Principal]) -> Principal:
    return principals["finance"]
