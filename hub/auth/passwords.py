"""Passwords for signing in from a browser: argon2id hashes, the sign-in check with its lock-out,
and whether a session's user may still act.

Only the argon2id hash of a password is stored. A refused sign-in never says whether the name
or the password was wrong; after `max_failed_attempts` wrong passwords in a row the user is
locked out for `lockout_minutes` (config/auth.toml), even with the right password. Hashing takes
tens of milliseconds of CPU on purpose: it runs in a thread, off the event loop.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from hub.auth.config import SignInRules
from hub.auth.policy import Principal, Role
from hub.db.pool import Connection

HASHER = PasswordHasher()  # argon2id with RFC 9106's low-memory parameters

MIN_LENGTH = 10
MAX_LENGTH = 200
PASSWORD_RULE = f"a password has {MIN_LENGTH} to {MAX_LENGTH} characters"

# Letters and digits that cannot be mistaken for one another when read aloud or copied by hand.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"

WRONG = "wrong user name or password"
LOCKED = "too many failed attempts: try again after {}"
DISABLED = "this user is disabled: ask an admin to enable it"

# Compared against when the name is unknown, so that a refusal takes as long either way.
_UNKNOWN_USER_HASH = HASHER.hash(secrets.token_hex(16))


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def password_matches(stored: str | None, password: str) -> bool:
    try:
        return HASHER.verify(stored or _UNKNOWN_USER_HASH, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def generate_password() -> str:
    """Four groups of four, e.g. `k7mp-2qax-9rtd-vh3e`: about 79 bits."""
    groups = ("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(4))
    return "-".join(groups)


def password_problem(password: str) -> str | None:
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        return f"{PASSWORD_RULE} (this one has {len(password)})"
    return None


def clock(moment: dt.datetime) -> str:
    """A moment as a person reads it on the sign-in page: `16:42 UTC`, with the date when it is
    not today's."""
    utc = moment.astimezone(dt.UTC)
    today = dt.datetime.now(dt.UTC).date()
    shown = utc.strftime("%H:%M UTC")
    return shown if utc.date() == today else f"{utc.date().isoformat()} {shown}"


class SignInRefused(Exception):
    """The sign-in is refused; the message is the one the person reads."""


@dataclass(frozen=True, slots=True)
class SignedIn:
    principal: Principal
    at: dt.datetime


_USER = """
    select id, name, role, entity_code, password_hash, failed_sign_ins, locked_until,
           disabled_at, now() as now
    from app_user where name = $1 for update
"""


async def sign_in(
    connection: Connection, name: str, password: str, rules: SignInRules
) -> SignedIn | SignInRefused:
    """Checks a name and password inside the caller's transaction and records the outcome (the
    failure count, a lock-out, the last sign-in). A refusal is returned, not raised, so that the
    caller commits what it recorded."""
    row = await connection.fetchrow(_USER, name)
    if row is None:
        await asyncio.to_thread(password_matches, None, password)
        return SignInRefused(WRONG)
    now: dt.datetime = row["now"]
    locked_until: dt.datetime | None = row["locked_until"]
    if locked_until is not None and locked_until > now:
        return SignInRefused(LOCKED.format(clock(locked_until)))
    stored: str | None = row["password_hash"]
    if not await asyncio.to_thread(password_matches, stored, password):
        failed = row["failed_sign_ins"] + 1
        if failed >= rules.max_failed_attempts:
            until = now + rules.lockout
            await connection.execute(
                "update app_user set failed_sign_ins = 0, locked_until = $2 where id = $1",
                row["id"],
                until,
            )
            return SignInRefused(LOCKED.format(clock(until)))
        await connection.execute(
            "update app_user set failed_sign_ins = $2 where id = $1", row["id"], failed
        )
        return SignInRefused(WRONG)
    if row["disabled_at"] is not None:
        return SignInRefused(DISABLED)
    rehashed = hash_password(password) if stored and HASHER.check_needs_rehash(stored) else None
    await connection.execute(
        "update app_user set failed_sign_ins = 0, locked_until = null, last_sign_in_at = $2, "
        "password_hash = coalesce($3, password_hash) where id = $1",
        row["id"],
        now,
        rehashed,
    )
    principal = Principal(row["id"], row["name"], Role(row["role"]), row["entity_code"])
    return SignedIn(principal, now)


class SessionRefused(Exception):
    """A session that was valid no longer is; the message says why, in the person's words."""


EXPIRED = "your session has expired: sign in again"
SESSION_DISABLED = "your user was disabled: ask an admin to enable it"
PASSWORD_CHANGED = "your password was changed since you signed in: sign in again"


async def session_user(
    connection: Connection, user_id: int, signed_in_at: dt.datetime
) -> Principal:
    """The user of a session, or `SessionRefused`: gone, disabled, or its password changed after
    the session began."""
    row = await connection.fetchrow(
        "select id, name, role, entity_code, disabled_at, password_changed_at "
        "from app_user where id = $1",
        user_id,
    )
    if row is None:
        raise SessionRefused(EXPIRED)
    if row["disabled_at"] is not None:
        raise SessionRefused(SESSION_DISABLED)
    changed: dt.datetime | None = row["password_changed_at"]
    if changed is not None and changed > signed_in_at:
        raise SessionRefused(PASSWORD_CHANGED)
    return Principal(row["id"], row["name"], Role(row["role"]), row["entity_code"])
