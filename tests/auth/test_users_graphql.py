"""Admins manage users and tokens over GraphQL; every change is audited in their name; everyone
else is FORBIDDEN. Real app over HTTP, real PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from tests.api.graphql_client import data, error_messages, gql

ME = "{ me { name role entity } }"
CREATE = (
    "mutation($input: CreateUserInput!) { createUser(input: $input) "
    "{ secret token { id user label state expiresAt lastUsedAt } } }"
)
CHANGE = (
    "mutation($input: ChangeUserRoleInput!) { changeUserRole(input: $input) { name role entity } }"
)

# One operation of each kind an admin may run, as someone else would try it.
ADMIN_OPERATIONS = (
    "{ users { name } }",
    "{ userAudit { action } }",
    'mutation { createUser(input: {name: "eve", role: ADMIN}) { secret } }',
    'mutation { changeUserRole(input: {name: "board", role: ADMIN}) { role } }',
    'mutation { disableUser(name: "admin") { name } }',
    'mutation { enableUser(name: "admin") { name } }',
    'mutation { issueToken(input: {name: "admin"}) { secret } }',
    "mutation { revokeToken(id: 1) { id } }",
    'mutation { revokeUserTokens(name: "admin") { id } }',
)


@pytest.mark.parametrize("caller", ["board", "finance", "national-de"])
async def test_only_admins_manage_users(
    client: AsyncTestClient[Any], tokens: dict[str, str], database_url: str, caller: str
) -> None:
    for operation in ADMIN_OPERATIONS:
        body = await gql(client, tokens[caller], operation)
        assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"], operation
        role = "national" if caller.startswith("national") else caller
        assert error_messages(body) == [f"the {role} role may not manage users"]
    connection = await asyncpg.connect(database_url)
    try:
        assert (
            await connection.fetchval("select count(*) from user_audit where actor_id is not null")
            == 0
        )
        assert await connection.fetchval("select count(*) from app_user where name = 'eve'") == 0
    finally:
        await connection.close()


async def test_an_admin_creates_a_user_whose_token_works_once_shown(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    admin = tokens["admin"]
    created = data(
        await gql(
            client,
            admin,
            CREATE,
            input={
                "name": "anna",
                "role": "NATIONAL",
                "entity": "AT",
                "tokenLabel": "laptop",
                "expiresInDays": 30,
            },
        )
    )["createUser"]
    assert created["secret"].startswith("hub_")
    assert (created["token"]["user"], created["token"]["label"]) == ("anna", "laptop")
    assert (created["token"]["state"], created["token"]["lastUsedAt"]) == ("ACTIVE", None)
    assert data(await gql(client, created["secret"], ME))["me"] == {
        "name": "anna",
        "role": "national",
        "entity": "AT",
    }
    listed = await gql(
        client,
        admin,
        '{ users(name: ["anna"]) { name role entity activeTokens lastUsedAt '
        "tokens { id label state createdAt expiresAt lastUsedAt revokedAt } } }",
    )
    [anna] = data(listed)["users"]
    assert (anna["role"], anna["entity"], anna["activeTokens"]) == ("NATIONAL", "AT", 1)
    assert anna["lastUsedAt"] is not None
    # The token is never shown again, nor its hash.
    assert created["secret"] not in json.dumps(listed)
    fields = data(await gql(client, admin, '{ __type(name: "ApiToken") { fields { name } } }'))[
        "__type"
    ]["fields"]
    assert not [f["name"] for f in fields if "sha" in f["name"].lower() or "hash" in f["name"]]


async def test_creating_an_existing_user_is_refused_and_leaves_its_role(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    body = await gql(client, tokens["admin"], CREATE, input={"name": "board", "role": "ADMIN"})
    assert error_messages(body) == ["name: user 'board' already exists (board)"]
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "name"}
    assert data(await gql(client, tokens["board"], ME))["me"]["role"] == "board"


async def test_a_role_changes_only_through_change_user_role(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    admin = tokens["admin"]
    missing_entity = await gql(
        client, admin, CHANGE, input={"name": "national-de", "role": "NATIONAL"}
    )
    assert error_messages(missing_entity) == [
        "entity: an entity is required for the national role, and only for it"
    ]
    changed = data(
        await gql(client, admin, CHANGE, input={"name": "national-de", "role": "FINANCE"})
    )
    assert changed["changeUserRole"] == {"name": "national-de", "role": "FINANCE", "entity": None}
    assert data(await gql(client, tokens["national-de"], ME))["me"]["role"] == "finance"
    own = await gql(client, admin, CHANGE, input={"name": "admin", "role": "BOARD"})
    assert error_messages(own) == [
        "name: you may not change the role of your own user: ask another admin"
    ]
    own = await gql(client, admin, 'mutation { disableUser(name: "admin") { name } }')
    assert error_messages(own) == ["name: you may not disable your own user: ask another admin"]


async def test_token_lifetimes_are_bounded_by_the_config(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    body = await gql(
        client,
        tokens["admin"],
        'mutation { issueToken(input: {name: "board", expiresInDays: 366}) { secret } }',
    )
    assert error_messages(body) == [
        "expiresInDays: 366 days is not between 1 and 365 "
        "(tokens.max_lifetime_days in config/auth.toml)"
    ]
    assert body["errors"][0]["extensions"]["field"] == "expiresInDays"


async def test_every_change_is_audited_with_the_admins_name(
    client: AsyncTestClient[Any], tokens: dict[str, str], database_url: str
) -> None:
    admin = tokens["admin"]
    created = data(await gql(client, admin, CREATE, input={"name": "carl", "role": "BOARD"}))
    token_id = created["createUser"]["token"]["id"]
    for operation in (
        'mutation { changeUserRole(input: {name: "carl", role: FINANCE}) { role } }',
        'mutation { disableUser(name: "carl") { name } }',
        'mutation { enableUser(name: "carl") { name } }',
        'mutation { issueToken(input: {name: "carl", label: "ci", expiresInDays: 7}) { secret } }',
        f"mutation {{ revokeToken(id: {token_id}) {{ id }} }}",
        'mutation { revokeUserTokens(name: "carl") { id } }',
    ):
        data(await gql(client, admin, operation))
    audit = data(
        await gql(client, admin, '{ userAudit(user: "carl") { actor action user tokenId detail } }')
    )["userAudit"]
    assert [(e["actor"], e["action"], e["user"]) for e in reversed(audit)] == [
        ("admin", "CREATE_USER", "carl"),
        ("admin", "ISSUE_TOKEN", "carl"),
        ("admin", "CHANGE_ROLE", "carl"),
        ("admin", "DISABLE_USER", "carl"),
        ("admin", "ENABLE_USER", "carl"),
        ("admin", "ISSUE_TOKEN", "carl"),
        ("admin", "REVOKE_TOKEN", "carl"),
        ("admin", "REVOKE_TOKEN", "carl"),
    ]
    assert audit[-3]["detail"] == "board → finance"
    assert audit[1]["tokenId"] == token_id
    assert audit[0]["detail"].startswith(f"token {token_id + 1} (ci)")
    # The audit cannot be rewritten.
    connection = await asyncpg.connect(database_url)
    try:
        for statement in ("update user_audit set actor_name = 'x'", "delete from user_audit"):
            with pytest.raises(asyncpg.RestrictViolationError, match="append-only"):
                await connection.execute(statement)
    finally:
        await connection.close()
