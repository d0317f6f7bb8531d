"""Signing in from a browser, over HTTP with the real app and a real PostgreSQL: the session
cookie, /auth/me, sign-out, wrong passwords and the lock-out, idle expiry, disabled users, a reset
password, CSRF on cookie requests (GraphQL and a REST upload) and not on bearer requests, and the
sessions' rows in the database."""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from hub.assembly.app import create_app
from hub.auth.model import SYSTEM
from hub.auth.users import UserAdmin
from hub.services import Hub
from hub.settings import Settings

SE_PASSWORD = "se-password-2025"
ADMIN_PASSWORD = "admin-password-2025"
ME_SE = {"name": "national-se", "role": "national", "entity": "SE"}
DISABLE_BOARD = 'mutation { disableUser(name: "board") { name disabledAt } }'
USERS = "{ users { name } }"


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
    answer = await client.post(
        "/auth/sign-in",
        json={"username": name, "password": password},
        headers={"X-CSRFToken": await csrf(client)},
    )
    return answer.status_code, answer.json()


async def gql_cookie(
    client: AsyncTestClient[Any], query: str, csrf_token: str | None
) -> tuple[int, dict[str, Any]]:
    headers = {} if csrf_token is None else {"X-CSRFToken": csrf_token}
    answer = await client.post("/graphql", json={"query": query}, headers=headers)
    return answer.status_code, answer.json()


async def session_rows(hub: Hub) -> list[dict[str, Any]]:
    async with hub.db.pool.acquire() as connection:
        rows = await connection.fetch(
            "select key, value, expires_at - now() as left from web_session order by key"
        )
    return [dict(row) for row in rows]


async def test_sign_in_sets_an_http_only_session_cookie_and_me_answers(
    client: AsyncTestClient[Any], passwords: dict[str, str], hub: Hub
) -> None:
    nobody = await client.get("/auth/me")
    assert (nobody.status_code, nobody.json()["detail"]) == (401, "you are not signed in")
    answer = await client.post(
        "/auth/sign-in",
        json={"username": "national-se", "password": SE_PASSWORD},
        headers={"X-CSRFToken": await csrf(client)},
    )
    assert answer.status_code == 200
    assert answer.json() == ME_SE
    [cookie] = [c for c in answer.headers.get_list("set-cookie") if c.startswith("hub_session=")]
    attributes = [part.strip().lower() for part in cookie.split(";")]
    assert "httponly" in attributes
    assert "samesite=lax" in attributes
    assert "path=/" in attributes
    assert "secure" not in attributes  # not behind TLS
    # The hub, not the browser, decides when the session has expired (and says so).
    assert not any(a.startswith(("max-age", "expires")) for a in attributes)

    me = await client.get("/auth/me")
    assert (me.status_code, me.json()) == (200, ME_SE)

    [row] = await session_rows(hub)
    assert row["key"] == client.cookies.get("hub_session")
    assert b'"user_id"' in row["value"]
    assert dt.timedelta(minutes=29) < row["left"] <= dt.timedelta(minutes=30)
    async with hub.db.pool.acquire() as connection:
        user = await connection.fetchrow(
            "select last_sign_in_at, password_hash from app_user where name = 'national-se'"
        )
    assert user is not None
    assert user["last_sign_in_at"] is not None
    assert user["password_hash"].startswith("$argon2id$")
    assert SE_PASSWORD not in user["password_hash"]


async def test_sign_in_takes_a_form_and_redirects_to_a_local_next_only(
    client: AsyncTestClient[Any], passwords: dict[str, str]
) -> None:
    token = await csrf(client)
    form = {"username": "national-se", "password": SE_PASSWORD, "_csrf_token": token}
    answer = await client.post(
        "/auth/sign-in", data={**form, "next": "/team?period=2025"}, follow_redirects=False
    )
    assert (answer.status_code, answer.headers["location"]) == (303, "/team?period=2025")
    assert (await client.get("/auth/me")).json() == ME_SE
    for foreign in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        again = await client.post(
            "/auth/sign-in", data={**form, "next": foreign}, follow_redirects=False
        )
        assert (again.status_code, again.headers["location"]) == (303, "/")
    wrong = await client.post(
        "/auth/sign-in",
        data={**form, "password": "nope-nope-nope", "next": "/team"},
        follow_redirects=False,
    )
    assert wrong.status_code == 303
    assert wrong.headers["location"] == ("/sign-in?error=wrong+user+name+or+password&next=%2Fteam")


async def test_a_new_sign_in_gets_a_new_session_id(
    client: AsyncTestClient[Any], passwords: dict[str, str], hub: Hub
) -> None:
    """An id planted in the browser before the sign-in (session fixation) is worth nothing."""
    client.cookies.set("hub_session", "planted-by-someone-else", domain="testserver.local")
    assert (await sign_in(client, "national-se", SE_PASSWORD))[0] == 200
    assert client.cookies.get("hub_session") != "planted-by-someone-else"
    assert [row["key"] for row in await session_rows(hub)] == [client.cookies.get("hub_session")]


async def test_sign_out_ends_the_session_and_deletes_its_row(
    client: AsyncTestClient[Any], passwords: dict[str, str], hub: Hub
) -> None:
    assert (await sign_in(client, "national-se", SE_PASSWORD))[0] == 200
    old = client.cookies.get("hub_session")
    assert old
    token = client.cookies.get("csrftoken")
    assert token
    out = await client.post("/auth/sign-out", headers={"X-CSRFToken": token})
    assert out.status_code == 204
    assert await session_rows(hub) == []
    assert (await client.get("/auth/me")).json()["detail"] == "you are not signed in"
    # The old cookie, replayed, opens nothing.
    client.cookies.set("hub_session", old)
    replayed = await client.get("/auth/me")
    assert (replayed.status_code, replayed.json()["detail"]) == (
        401,
        "your session has expired: sign in again",
    )


async def test_a_wrong_password_or_an_unknown_name_get_the_same_answer(
    client: AsyncTestClient[Any], passwords: dict[str, str], hub: Hub
) -> None:
    assert await sign_in(client, "national-se", "not-the-password") == (
        401,
        {"detail": "wrong user name or password"},
    )
    assert await sign_in(client, "nobody-at-all", SE_PASSWORD) == (
        401,
        {"detail": "wrong user name or password"},
    )
    # A user without a password (only tokens) cannot sign in either.
    assert await sign_in(client, "board", "anything-at-all") == (
        401,
        {"detail": "wrong user name or password"},
    )
    assert await sign_in(client, "", "") == (
        400,
        {"detail": "enter your user name and your password"},
    )
    assert client.cookies.get("hub_session") is None
    assert await session_rows(hub) == []


async def test_five_wrong_passwords_lock_the_user_out_even_with_the_right_one(
    client: AsyncTestClient[Any], passwords: dict[str, str], hub: Hub
) -> None:
    for _ in range(4):
        assert (await sign_in(client, "national-se", "wrong-wrong-wrong"))[1] == {
            "detail": "wrong user name or password"
        }
    status, body = await sign_in(client, "national-se", "wrong-wrong-wrong")
    async with hub.db.pool.acquire() as connection:
        until = await connection.fetchval(
            "select locked_until from app_user where name = 'national-se'"
        )
    assert until is not None
    assert dt.timedelta(minutes=14) < until - dt.datetime.now(dt.UTC) <= dt.timedelta(minutes=15)
    locked = f"too many failed attempts: try again after {until.astimezone(dt.UTC):%H:%M} UTC"
    assert (status, body) == (401, {"detail": locked})
    assert await sign_in(client, "national-se", SE_PASSWORD) == (401, {"detail": locked})
    # An admin's new password ends the lock-out.
    await set_passwords(hub, {"national-se": "a-brand-new-password"})
    assert await sign_in(client, "national-se", "a-brand-new-password") == (200, ME_SE)


async def test_a_right_password_starts_the_count_of_failures_anew(
    client: AsyncTestClient[Any], passwords: dict[str, str]
) -> None:
    for _ in range(4):
        await sign_in(client, "national-se", "wrong-wrong-wrong")
    assert (await sign_in(client, "national-se", SE_PASSWORD))[0] == 200
    for _ in range(4):
        assert (await sign_in(client, "national-se", "wrong-wrong-wrong"))[1] == {
            "detail": "wrong user name or password"
        }


async def test_a_disabled_user_cannot_sign_in_and_its_sessions_stop_working(
    client: AsyncTestClient[Any], passwords: dict[str, str], hub: Hub
) -> None:
    assert (await sign_in(client, "national-se", SE_PASSWORD))[0] == 200
    async with hub.db.transaction() as connection:
        await UserAdmin.of(hub, connection, SYSTEM).set_disabled("national-se", True)
    refused = await client.get("/auth/me")
    assert (refused.status_code, refused.json()["detail"]) == (
        401,
        "your user was disabled: ask an admin to enable it",
    )
    assert await session_rows(hub) == []  # the session was ended
    assert await sign_in(client, "national-se", SE_PASSWORD) == (
        401,
        {"detail": "this user is disabled: ask an admin to enable it"},
    )


async def test_a_reset_password_ends_the_sessions_opened_before(
    client: AsyncTestClient[Any], passwords: dict[str, str], hub: Hub
) -> None:
    assert (await sign_in(client, "national-se", SE_PASSWORD))[0] == 200
    await set_passwords(hub, {"national-se": "another-password-1"})
    refused = await client.get("/auth/me")
    assert (
        refused.json()["detail"] == "your password was changed since you signed in: sign in again"
    )
    assert await sign_in(client, "national-se", SE_PASSWORD) == (
        401,
        {"detail": "wrong user name or password"},
    )
    assert await sign_in(client, "national-se", "another-password-1") == (200, ME_SE)


async def test_cookie_graphql_needs_the_csrf_token_bearer_graphql_does_not(
    client: AsyncTestClient[Any], passwords: dict[str, str], tokens: dict[str, str], hub: Hub
) -> None:
    assert (await sign_in(client, "admin", ADMIN_PASSWORD))[0] == 200
    token = client.cookies.get("csrftoken")
    assert token
    refused = "this page's security token (CSRF) is missing or wrong: reload the page and try again"
    assert await gql_cookie(client, DISABLE_BOARD, None) == (
        403,
        {"detail": refused, "status_code": 403},
    )
    forged = token[:-4] + ("0000" if not token.endswith("0000") else "1111")
    assert (await gql_cookie(client, DISABLE_BOARD, forged))[0] == 403
    async with hub.db.pool.acquire() as connection:
        disabled = await connection.fetchval(
            "select disabled_at from app_user where name = 'board'"
        )
    assert disabled is None  # nothing was done
    status, body = await gql_cookie(client, DISABLE_BOARD, token)
    assert status == 200
    assert body["data"]["disableUser"]["name"] == "board"
    async with hub.db.pool.acquire() as connection:
        actor = await connection.fetchval(
            "select actor_name from user_audit where action = 'disable user'"
        )
    assert actor == "admin"  # the session's user acts, audited by name

    # A bearer request needs no CSRF token, even with the session cookie along.
    bearer = await client.post(
        "/graphql",
        json={"query": 'mutation { enableUser(name: "board") { name } }'},
        headers={"Authorization": f"Bearer {tokens['admin']}"},
    )
    assert bearer.status_code == 200
    assert bearer.json()["data"]["enableUser"]["name"] == "board"


async def test_cookie_rest_upload_needs_the_csrf_token(
    client: AsyncTestClient[Any], passwords: dict[str, str], tokens: dict[str, str]
) -> None:
    assert (await sign_in(client, "national-se", SE_PASSWORD))[0] == 200
    url = "/api/reports/SE/2024/import/sie"
    missing = await client.post(url, content=b"#FLAGGA 0\n", headers={"X-File-Name": "se.sie"})
    assert missing.status_code == 403
    assert "security token (CSRF)" in missing.json()["detail"]
    token = client.cookies.get("csrftoken")
    assert token
    sent = await client.post(
        url, content=b"#FLAGGA 0\n", headers={"X-File-Name": "se.sie", "X-CSRFToken": token}
    )
    # Past the CSRF check: the file itself is what the hub answers about.
    assert sent.status_code == 422, sent.text
    # A script with its bearer token and no cookie at all: as before.
    client.cookies.clear()
    script = await client.post(
        url,
        content=b"#FLAGGA 0\n",
        headers={"X-File-Name": "se.sie", "Authorization": f"Bearer {tokens['national-se']}"},
    )
    assert script.status_code == 422, script.text


async def test_a_forged_csrf_cookie_is_replaced_by_the_next_page_a_good_one_is_kept(
    client: AsyncTestClient[Any], passwords: dict[str, str]
) -> None:
    assert (await sign_in(client, "admin", ADMIN_PASSWORD))[0] == 200
    good = client.cookies.get("csrftoken")
    assert good
    kept = await client.get("/admin")
    assert not [c for c in kept.headers.get_list("set-cookie") if c.startswith("csrftoken=")]

    forged = "0" * 64 + "f" * 64  # well formed, not signed with the hub's secret
    [cookie] = [c for c in client.cookies.jar if c.name == "csrftoken"]
    client.cookies.set("csrftoken", forged, domain=cookie.domain, path=cookie.path)
    assert (await gql_cookie(client, USERS, forged))[0] == 403
    # Reloading the page, as the refusal asks, gives a token the hub signed, which works.
    await client.get("/admin")
    fresh = client.cookies.get("csrftoken")
    assert fresh
    assert fresh not in (forged, good)
    status, body = await gql_cookie(client, USERS, fresh)
    assert status == 200
    assert "admin" in [user["name"] for user in body["data"]["users"]]


async def test_sign_in_itself_needs_the_csrf_token(
    client: AsyncTestClient[Any], passwords: dict[str, str]
) -> None:
    answer = await client.post(
        "/auth/sign-in", json={"username": "national-se", "password": SE_PASSWORD}
    )
    assert answer.status_code == 403
    assert client.cookies.get("hub_session") is None


# --- the idle time, from a config folder with a tiny one ---------------------------------------


@pytest.fixture
def quick_settings(settings: Settings, tmp_path: Path) -> Settings:
    folder = tmp_path / "config"
    shutil.copytree(settings.config_dir, folder)
    auth = folder / "auth.toml"
    text = auth.read_text().replace("idle_minutes = 30", "idle_minutes = 0.05")  # 3 seconds
    assert "idle_minutes = 0.05" in text
    auth.write_text(text)
    return replace(settings, config_dir=folder)


@pytest.fixture
async def quick_client(
    quick_settings: Settings, database_url: str, passwords: dict[str, str]
) -> AsyncIterator[AsyncTestClient[Any]]:
    async with AsyncTestClient(app=create_app(quick_settings, database_url)) as test_client:
        yield test_client


async def test_a_session_expires_after_the_idle_time_and_each_request_extends_it(
    quick_client: AsyncTestClient[Any], hub: Hub
) -> None:
    assert (await sign_in(quick_client, "national-se", SE_PASSWORD))[0] == 200
    for _ in range(3):  # 6 seconds in all, never 3 without a request
        await asyncio.sleep(2)
        assert (await quick_client.get("/auth/me")).status_code == 200
    await asyncio.sleep(3.5)
    expired = await quick_client.get("/auth/me")
    assert (expired.status_code, expired.json()["detail"]) == (
        401,
        "your session has expired: sign in again",
    )
    assert await session_rows(hub) == []  # the dead row was removed
    assert quick_client.cookies.get("hub_session") is None  # and the cookie cleared


async def test_behind_tls_the_session_cookie_is_secure(
    settings: Settings, database_url: str, passwords: dict[str, str]
) -> None:
    app = create_app(replace(settings, behind_tls=True), database_url)
    async with AsyncTestClient(app=app, base_url="https://testserver.local") as tls:
        await tls.get("/sign-in")
        token = tls.cookies.get("csrftoken")
        assert token
        answer = await tls.post(
            "/auth/sign-in",
            json={"username": "national-se", "password": SE_PASSWORD},
            headers={"X-CSRFToken": token},
        )
    assert answer.status_code == 200
    cookies = answer.headers.get_list("set-cookie")
    [session] = [c for c in cookies if c.startswith("hub_session=")]
    assert "secure" in [part.strip().lower() for part in session.split(";")]


async def test_bearer_clients_get_no_session_and_no_cookie(
    client: AsyncTestClient[Any], tokens: dict[str, str], hub: Hub
) -> None:
    answer = await client.post(
        "/graphql",
        json={"query": USERS},
        headers={"Authorization": f"Bearer {tokens['admin']}"},
    )
    assert answer.status_code == 200
    assert not [c for c in answer.headers.get_list("set-cookie") if "hub_session" in c]
    assert await session_rows(hub) == []
    me = await client.get("/auth/me", headers={"Authorization": f"Bearer {tokens['board']}"})
    assert me.json() == {"name": "board", "role": "board", "entity": None}


async def test_reset_password_over_graphql_is_for_admins_and_shown_once(
    client: AsyncTestClient[Any], tokens: dict[str, str], hub: Hub
) -> None:
    query = (
        'mutation { resetPassword(name: "national-se") { password user { name hasPassword '
        "lockedUntil lastSignInAt } } }"
    )
    refused = await client.post(
        "/graphql", json={"query": query}, headers={"Authorization": f"Bearer {tokens['finance']}"}
    )
    assert refused.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    done = await client.post(
        "/graphql", json={"query": query}, headers={"Authorization": f"Bearer {tokens['admin']}"}
    )
    reset = done.json()["data"]["resetPassword"]
    assert reset["user"] == {
        "name": "national-se",
        "hasPassword": True,
        "lockedUntil": None,
        "lastSignInAt": None,
    }
    assert (await sign_in(client, "national-se", reset["password"])) == (200, ME_SE)
    async with hub.db.pool.acquire() as connection:
        actor = await connection.fetchval(
            "select actor_name from user_audit where action = 'set password'"
        )
    assert actor == "admin"
