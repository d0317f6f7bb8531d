"""Signing in from a browser, over HTTP with the real app and a real PostgreSQL: the session
cookie, /auth/me, sign-out, wrong passwords and the lock-out, expiry, disabled users, CSRF on
cookie requests (and not on bearer requests), and the sessions' rows in the database."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from hub.auth.model import SYSTEM
from hub.auth.users import UserAdmin
from hub.services import Hub

MUTATION = 'mutation { disableUser(name: "board") { name disabledAt } }'
SE_PASSWORD = "se-password-2025"
ADMIN_PASSWORD = "admin-password-2025"


async def set_passwords(hub: Hub, passwords: dict[str, str]) -> None:
    async with hub.db.transaction() as connection:
        admin = UserAdmin.of(hub, connection, SYSTEM)
        for name, password in passwords.items():
            await admin.set_password(name, password)


@pytest.fixture
async def passwords(hub: Hub, tokens: dict[str, str]) -> dict[str, str]:
    chosen = {"national-se": SE_PASSWORD, "admin": ADMIN_PASSWORD}
    await set_passwords(hub, chosen)
    return chosen


async def csrf(client: AsyncTestClient[Any]) -> str:
    """The CSRF token, as a page's script reads it from its cookie after any GET."""
    await client.get("/sign-in")
    token = client.cookies.get("csrftoken")
    assert token
    return token


async def sign_in(
    client: AsyncTestClient[Any], name: str, password: str
) -> tuple[int, dict[str, Any]]:
    token = await csrf(client)
    answer = await client.post(
        "/auth/sign-in",
        json={"username": name, "password": password},
        headers={"X-CSRFToken": token},
    )
    return answer.status_code, answer.json()


async def test_sign_in_sets_an_http_only_session_cookie_and_me_answers(
    client: AsyncTestClient[Any], passwords: dict[str, str], hub: Hub
) -> None:
    assert (await client.get("/auth/me")).json()["detail"] == "you are not signed in"
    token = await csrf(client)
    answer = await client.post(
        "/auth/sign-in",
        json={"username": "national-se", "password": SE_PASSWORD},
        headers={"X-CSRFToken": token},
    )
    assert answer.status_code == 200
    assert answer.json() == {"name": "national-se", "role": "national", "entity": "SE"}
    [cookie] = [c for c in answer.headers.get_list("set-cookie") if c.startswith("hub_session=")]
    attributes = [part.strip().lower() for part in cookie.split(";")]
    assert "httponly" in attributes
    assert "samesite=lax" in attributes
    assert "secure" not in attributes  # not behind TLS
    assert not any(a.startswith(("max-age", "expires")) for a in attributes)

    me = await client.get("/auth/me")
    assert me.status_code == 200
    assert me.json() == {"name": "national-se", "role": "national", "entity": "SE"}

    async with hub.db.pool.acquire() as connection:
        rows = await connection.fetch(
            "select key, value, expires_at - now() as left from web_session"
        )
        last = await connection.fetchval(
            "select last_sign_in_at from app_user where name = 'national-se'"
        )
    [row] = rows
    assert row["key"] == client.cookies.get("hub_session")
    assert b'"user_id"' in row["value"]
    assert dt.timedelta(minutes=29) < row["left"] <= dt.timedelta(minutes=30)
    assert last is not None
