"""`hub user ...` as real processes against a real PostgreSQL: a role changes only when asked,
tokens are listed, revoked, and refused while their user is disabled; all audited."""

from __future__ import annotations

import getpass
import re
import shutil
from pathlib import Path
from typing import Any

import asyncpg

from hub.auth.users import principal_for_token
from tests.test_cli import env, run_hub

REPO = Path(__file__).resolve().parents[2]


def hub_user(database_url: str, *args: str) -> tuple[int, str, str]:
    result = run_hub(["user", *args], env(HUB_DATABASE_URL=database_url))
    return result.returncode, result.stdout, result.stderr


async def _fetch(database_url: str, query: str, *args: Any) -> list[asyncpg.Record]:
    connection = await asyncpg.connect(database_url)
    try:
        return await connection.fetch(query, *args)
    finally:
        await connection.close()


async def _who(database_url: str, token: str) -> tuple[str, str, str | None] | None:
    connection = await asyncpg.connect(database_url)
    try:
        principal = await principal_for_token(connection, token)
    finally:
        await connection.close()
    return None if principal is None else (principal.name, principal.role.value, principal.entity)


async def test_add_refuses_an_existing_user_and_changes_a_role_only_when_asked(
    database_url: str,
) -> None:
    status, token, said = hub_user(
        database_url, "add", "anna", "--role", "national", "--entity", "AT"
    )
    assert status == 0, said
    token = token.strip()
    assert re.fullmatch(r"hub_[A-Za-z0-9_-]{32}", token)
    refused = (
        "error: user 'anna' already exists (national of AT): add --change-role to change its "
        "role, or run `hub user token anna` for a new token\n"
    )
    for role in (["--role", "national", "--entity", "AT"], ["--role", "finance"]):
        assert hub_user(database_url, "add", "anna", *role) == (1, "", refused)
    assert re.fullmatch(
        r"created user anna \(national of AT\): token \d+ for anna expires on "
        r"\d{4}-\d\d-\d\d; it is shown only this once\n",
        said,
    )
    assert await _who(database_url, token) == ("anna", "national", "AT")
    assert len(await _fetch(database_url, "select id from api_token")) == 1

    assert hub_user(database_url, "add", "anna", "--role", "finance", "--change-role") == (
        0,
        "anna: role changed from national of AT to finance\n",
        "",
    )
    assert await _who(database_url, token) == ("anna", "finance", None)
    assert hub_user(database_url, "add", "bob", "--role", "board", "--change-role") == (
        1,
        "",
        "error: no user named 'bob'; leave out --change-role\n",
    )
    assert hub_user(database_url, "add", "bob", "--role", "national") == (
        1,
        "",
        "error: --entity: an entity is required for the national role, and only for it\n",
    )

    status, second, said = hub_user(database_url, "token", "anna", "--expires-in", "7")
    assert status == 0, said
    assert await _who(database_url, second.strip()) == ("anna", "finance", None)
    assert hub_user(database_url, "token", "anna", "--expires-in", "400") == (
        1,
        "",
        "error: --expires-in: 400 days is not between 1 and 365 "
        "(tokens.max_lifetime_days in config/auth.toml)\n",
    )
    status, listed, _ = hub_user(database_url, "list")
    assert (status, listed) == (
        0,
        "name  role     entity  disabled  tokens  last used\n"
        "anna  finance          no        2       never\n",
    )


async def test_revoke_disable_and_enable_are_audited_as_the_command_line(
    database_url: str,
) -> None:
    _, first, _ = hub_user(database_url, "add", "bob", "--role", "board")
    _, second, _ = hub_user(database_url, "token", "bob", "--label", "ci")
    first, second = first.strip(), second.strip()
    [first_id, second_id] = [
        r["id"] for r in await _fetch(database_url, "select id from api_token order by id")
    ]

    assert hub_user(database_url, "disable", "bob") == (
        0,
        "disabled bob: its 2 active token(s) are refused until `hub user enable bob`\n",
        "",
    )
    assert await _who(database_url, first) is None
    status, listed, _ = hub_user(database_url, "list")
    assert re.search(r"^bob\s+board\s+since \d{4}-\d\d-\d\d\s+2\s+never$", listed, re.M), listed
    assert hub_user(database_url, "enable", "bob")[1] == (
        "enabled bob: its 2 active token(s) are accepted again\n"
    )
    assert await _who(database_url, first) == ("bob", "board", None)

    assert hub_user(database_url, "revoke", str(first_id)) == (
        0,
        f"revoked token {first_id} of bob\n",
        "",
    )
    assert await _who(database_url, first) is None
    assert await _who(database_url, second) == ("bob", "board", None)
    assert hub_user(database_url, "revoke", "bob") == (
        0,
        f"revoked 1 token(s) of bob: {second_id}\n",
        "",
    )
    assert await _who(database_url, second) is None
    status, tokens, _ = hub_user(database_url, "list", "--tokens")
    day = r"\d{4}-\d\d-\d\d"
    assert status == 0
    assert re.fullmatch(
        rf"id\s+user\s+label\s+state\s+created\s+expires\s+last used\n"
        rf"{first_id}\s+bob\s+revoked {day}\s+{day}\s+{day}\s+never\n"
        rf"{second_id}\s+bob\s+ci\s+revoked {day}\s+{day}\s+{day}\s+never\n",
        tokens,
    ), tokens
    assert hub_user(database_url, "disable", "nobody") == (
        1,
        "",
        "error: no user named 'nobody'\n",
    )

    audit = await _fetch(
        database_url, "select actor_name, action, detail from user_audit order by id"
    )
    actor = f"cli:{getpass.getuser()}"
    assert [(r["actor_name"], r["action"]) for r in audit] == [
        (actor, "create user"),
        (actor, "issue token"),
        (actor, "issue token"),
        (actor, "disable user"),
        (actor, "enable user"),
        (actor, "revoke token"),
        (actor, "revoke token"),
    ]
    assert audit[-1]["detail"] == f"token {second_id} (ci)"


def test_a_wrong_auth_config_stops_start_up_naming_file_and_key(tmp_path: Path) -> None:
    for path in (REPO / "config").glob("*.toml"):
        shutil.copy(path, tmp_path / path.name)
    auth = tmp_path / "auth.toml"
    auth.write_text(auth.read_text(encoding="utf-8").replace("= 90", "= 900"), encoding="utf-8")
    result = run_hub(["serve"], env(HUB_CONFIG_DIR=str(tmp_path), HUB_DATABASE_URL=None))
    assert result.returncode == 1
    assert result.stderr == (
        f"error: invalid configuration in {auth}:\n"
        f"  {auth}: tokens.default_lifetime_days: 900 days is more than "
        "tokens.max_lifetime_days (365)\n"
    )
