"""Every request's token is checked in one place: expired, revoked and disabled-user tokens are
refused with their reason and date (never whose token it is), and the last use is written down
without a database write per request. Real app over HTTP, real PostgreSQL."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from tests.api.graphql_client import data, gql

ME = "{ me { name role } }"


def digest(token: str) -> bytes:
    """As the hub stores a token (spelt out here, so this file also runs against older code)."""
    return hashlib.sha256(token.encode()).digest()


async def _refusal(client: AsyncTestClient[Any], token: str) -> tuple[int, str]:
    response = await client.post(
        "/graphql", json={"query": ME}, headers={"Authorization": f"Bearer {token}"}
    )
    return response.status_code, response.json().get("detail", "")


def _utc_day(moment: str) -> str:
    return dt.datetime.fromisoformat(moment).astimezone(dt.UTC).date().isoformat()


async def _token_row(database_url: str, token: str) -> asyncpg.Record:
    connection = await asyncpg.connect(database_url)
    try:
        row = await connection.fetchrow(
            "select id, xmin::text as xmin, last_used_at, expires_at from api_token "
            "where token_sha256 = $1",
            digest(token),
        )
    finally:
        await connection.close()
    assert row is not None
    return row


async def _execute(database_url: str, statement: str, *args: Any) -> None:
    connection = await asyncpg.connect(database_url)
    try:
        await connection.execute(statement, *args)
    finally:
        await connection.close()


async def test_an_expired_token_is_refused_with_its_date_on_graphql_and_rest(
    client: AsyncTestClient[Any], tokens: dict[str, str], database_url: str
) -> None:
    token = tokens["national-de"]
    assert data(await gql(client, token, ME))["me"]["name"] == "national-de"
    await _execute(
        database_url,
        "update api_token set created_at = '2026-01-01T00:00Z', expires_at = '2026-03-01T09:00Z' "
        "where token_sha256 = $1",
        digest(token),
    )
    expected = "token expired on 2026-03-01: ask an admin for a new one"
    assert await _refusal(client, token) == (401, expected)
    rest = await client.get(
        "/api/reports/DE/2024/workbook", headers={"Authorization": f"Bearer {token}"}
    )
    assert (rest.status_code, rest.json()["detail"]) == (401, expected)
    assert "national-de" not in rest.text
    # The others are not concerned.
    assert data(await gql(client, tokens["national-se"], ME))["me"]["name"] == "national-se"


async def test_a_new_token_lives_the_configured_default_of_90_days(
    client: AsyncTestClient[Any], tokens: dict[str, str], database_url: str
) -> None:
    row = await _token_row(database_url, tokens["board"])
    lifetime = row["expires_at"] - dt.datetime.now(dt.UTC)
    assert dt.timedelta(days=90) - dt.timedelta(minutes=5) < lifetime <= dt.timedelta(days=90)


async def test_a_revoked_token_is_refused_and_the_users_other_token_still_works(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    admin = tokens["admin"]
    second = data(
        await gql(
            client,
            admin,
            'mutation { issueToken(input: {name: "finance", label: "laptop"}) '
            "{ secret token { id } } }",
        )
    )["issueToken"]
    [first] = [
        t["id"]
        for t in data(await gql(client, admin, '{ users(name: ["finance"]) { tokens { id } } }'))[
            "users"
        ][0]["tokens"]
        if t["id"] != second["token"]["id"]
    ]
    revoked = data(
        await gql(
            client,
            admin,
            "mutation($id: Int!) { revokeToken(id: $id) { state revokedAt } }",
            id=first,
        )
    )["revokeToken"]
    assert revoked["state"] == "REVOKED"
    assert await _refusal(client, tokens["finance"]) == (
        401,
        f"token revoked on {_utc_day(revoked['revokedAt'])}: ask an admin for a new one",
    )
    assert data(await gql(client, second["secret"], ME))["me"] == {
        "name": "finance",
        "role": "finance",
    }


async def test_a_disabled_users_tokens_are_refused_until_it_is_enabled(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    admin = tokens["admin"]
    disabled = data(
        await gql(client, admin, 'mutation { disableUser(name: "board") { disabledAt } }')
    )
    day = _utc_day(disabled["disableUser"]["disabledAt"])
    assert await _refusal(client, tokens["board"]) == (
        401,
        f"the user of this token was disabled on {day}: ask an admin to enable it",
    )
    enabled = data(
        await gql(client, admin, 'mutation { enableUser(name: "board") { disabledAt } }')
    )
    assert enabled["enableUser"]["disabledAt"] is None
    assert data(await gql(client, tokens["board"], ME))["me"]["name"] == "board"


async def test_an_unknown_token_says_so_and_nothing_else(client: AsyncTestClient[Any]) -> None:
    assert await _refusal(client, "hub_" + "x" * 32) == (
        401,
        "unknown token: check that it was copied whole, or ask an admin for one",
    )


async def test_the_last_use_is_written_at_most_once_a_minute(
    client: AsyncTestClient[Any], tokens: dict[str, str], database_url: str
) -> None:
    token = tokens["board"]
    assert (await _token_row(database_url, token))["last_used_at"] is None
    data(await gql(client, token, ME))
    first = await _token_row(database_url, token)
    assert first["last_used_at"] is not None
    for _ in range(5):
        data(await gql(client, token, ME))
    again = await _token_row(database_url, token)
    # Not one write: the row version (xmin) is the one the first request wrote.
    assert (again["xmin"], again["last_used_at"]) == (first["xmin"], first["last_used_at"])
    await _execute(
        database_url,
        "update api_token set last_used_at = last_used_at - interval '61 seconds' where id = $1",
        first["id"],
    )
    data(await gql(client, token, ME))
    later = await _token_row(database_url, token)
    assert later["last_used_at"] > first["last_used_at"]
    listed = data(await gql(client, tokens["admin"], '{ users(name: ["board"]) { lastUsedAt } }'))
    [board] = listed["users"]
    assert dt.datetime.fromisoformat(board["lastUsedAt"]) == later["last_used_at"]
