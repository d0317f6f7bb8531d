"""`hub user password NAME` as a real process against a real PostgreSQL: a password typed twice
or made up (printed alone), stored only as its argon2id hash, audited; bad input refused."""

from __future__ import annotations

import re
import subprocess
from typing import Any

import asyncpg

from hub.auth.passwords import password_matches
from tests.test_cli import HUB, env, run_hub


async def _row(database_url: str, query: str, *args: Any) -> asyncpg.Record | None:
    connection = await asyncpg.connect(database_url)
    try:
        return await connection.fetchrow(query, *args)
    finally:
        await connection.close()


def typed(database_url: str, name: str, answer: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*HUB, "user", "password", name],
        env=env(HUB_DATABASE_URL=database_url),
        input=answer,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def test_generate_prints_the_password_alone_and_stores_its_hash(
    database_url: str, tokens: dict[str, str]
) -> None:
    done = run_hub(
        ["user", "password", "finance", "--generate"], env(HUB_DATABASE_URL=database_url)
    )
    assert done.returncode == 0, done.stderr
    password = done.stdout.strip()
    assert re.fullmatch(r"[a-z2-9]{4}(-[a-z2-9]{4}){3}", password)
    assert done.stderr == "password of finance set; it is shown only this once\n"
    row = await _row(database_url, "select password_hash from app_user where name = 'finance'")
    assert row is not None
    assert row["password_hash"].startswith("$argon2id$")
    assert password_matches(row["password_hash"], password)
    assert not password_matches(row["password_hash"], password + "x")
    audit = await _row(
        database_url,
        "select actor_name, detail from user_audit where action = 'set password'",
    )
    assert audit is not None
    assert audit["actor_name"].startswith("cli")
    assert audit["detail"] == "its sessions opened before end; a lock-out ends"


async def test_a_typed_password_is_asked_twice_and_checked(
    database_url: str, tokens: dict[str, str]
) -> None:
    done = typed(database_url, "finance", "correct-horse-battery\ncorrect-horse-battery\n")
    assert (done.returncode, done.stdout) == (0, "password of finance set\n")
    assert "correct-horse-battery" not in done.stdout + done.stderr
    row = await _row(database_url, "select password_hash from app_user where name = 'finance'")
    assert row is not None
    assert password_matches(row["password_hash"], "correct-horse-battery")

    short = typed(database_url, "finance", "short\nshort\n")
    assert short.returncode == 1
    assert short.stderr.endswith("error: a password has 10 to 200 characters (this one has 5)\n")
    unknown = run_hub(
        ["user", "password", "nobody", "--generate"], env(HUB_DATABASE_URL=database_url)
    )
    assert (unknown.returncode, unknown.stderr) == (1, "error: no user named 'nobody'\n")
