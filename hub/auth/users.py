"""Managing users and their tokens; every change is audited in the same transaction.

`UserAdmin` is what the command line and the admins' GraphQL share: it works inside the caller's
transaction, refuses with a `UserAdminError` naming the input, and leaves a user's role alone
unless `change_role` is called. `upsert_user` is the shortcut of the demo and the test fixtures.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import asyncpg

from hub.auth import audit
from hub.auth.config import DEFAULT, TokenRules
from hub.auth.model import (
    SYSTEM,
    Actor,
    AuditAction,
    AuditEntry,
    Issued,
    TokenInfo,
    TokenState,
    UserAdminError,
    UserInfo,
    day,
)
from hub.auth.passwords import generate_password, hash_password, password_problem
from hub.auth.policy import NODE_USER, Principal, Role
from hub.auth.tokens import digest, new_token
from hub.auth.tokens import principal_for_token as principal_for_token
from hub.db.pool import Connection

if TYPE_CHECKING:
    from hub.services import Hub

# A name starts with a letter, so that `hub user revoke 12` can only mean token 12.
NAME = re.compile(r"[A-Za-z][A-Za-z0-9._-]{0,62}")
NAME_RULE = (
    "a user name starts with a letter and has only letters, digits, '.', '_' and '-' "
    "(at most 63 characters)"
)
MAX_LABEL = 100

_TOKENS = """
    select t.id, u.name as user_name, t.label, t.created_at, t.expires_at, t.last_used_at,
           t.revoked_at,
           case when t.revoked_at is not null then 'revoked'
                when t.expires_at <= now() then 'expired'
                else 'active' end as state
    from api_token t join app_user u on u.id = t.user_id
"""


def _token(row: asyncpg.Record) -> TokenInfo:
    return TokenInfo(
        id=row["id"],
        user=row["user_name"],
        label=row["label"],
        created_at=row["created_at"],
        expires_at=row["expires_at"],
        last_used_at=row["last_used_at"],
        revoked_at=row["revoked_at"],
        state=TokenState(row["state"]),
    )


def _token_words(token_id: int, label: str) -> str:
    return f"token {token_id} ({label})" if label else f"token {token_id}"


def _described(role: Role, entity: str | None) -> str:
    return role.value if entity is None else f"{role.value} of {entity}"


@dataclass(frozen=True, slots=True)
class UserAdmin:
    connection: Connection
    actor: Actor
    rules: TokenRules
    entities: Collection[str]

    @classmethod
    def of(cls, hub: Hub, connection: Connection, actor: Actor) -> UserAdmin:
        return cls(connection, actor, hub.auth.tokens, hub.registry.entities)

    # --- checks ---------------------------------------------------------------------------------

    def _check_role(self, role: Role, entity: str | None) -> None:
        if (role is Role.NATIONAL) != (entity is not None):
            raise UserAdminError(
                "entity", "an entity is required for the national role, and only for it"
            )
        if entity is not None and entity not in self.entities:
            known = ", ".join(self.entities)
            raise UserAdminError("entity", f"unknown entity {entity!r}; known: {known}")

    def _lifetime(self, days: int | None) -> int:
        if days is None:
            return self.rules.default_lifetime_days
        if not 1 <= days <= self.rules.max_lifetime_days:
            raise UserAdminError(
                "expires_in_days",
                f"{days} days is not between 1 and {self.rules.max_lifetime_days} "
                "(tokens.max_lifetime_days in config/auth.toml)",
            )
        return days

    @staticmethod
    def _label(label: str) -> str:
        label = label.strip()
        if len(label) > MAX_LABEL:
            raise UserAdminError("label", f"{len(label)} characters where at most {MAX_LABEL} fit")
        return label

    @staticmethod
    def _not_node_user(name: str) -> None:
        """A node's user acts only for the node's signed envelopes: no person may sign in as it,
        nor take its name."""
        if NODE_USER.fullmatch(name):
            raise UserAdminError(
                "name",
                f"{name} is the user a node's signed envelopes are saved by: nobody signs in "
                "as it (no token, no password), and its name is kept for the node",
            )

    def _not_self(self, user_id: int, what: str) -> None:
        if self.actor.user_id == user_id:
            raise UserAdminError("name", f"you may not {what} your own user: ask another admin")

    # --- reading --------------------------------------------------------------------------------

    async def _user_row(self, name: str, *, lock: bool = False) -> asyncpg.Record:
        row = await self.connection.fetchrow(
            "select id, name, role, entity_code, created_at, disabled_at from app_user "
            "where name = $1" + (" for update" if lock else ""),
            name,
        )
        if row is None:
            raise UserAdminError("name", f"no user named {name!r}")
        return row

    async def exists(self, name: str) -> bool:
        found = await self.connection.fetchval(
            "select exists (select from app_user where name = $1)", name
        )
        return bool(found)

    async def users(self, names: Sequence[str] | None = None) -> list[UserInfo]:
        """Every user (by name), or those named; an unknown name is refused."""
        rows = await self.connection.fetch(
            "select id, name, role, entity_code, created_at, disabled_at, "
            "password_hash is not null as has_password, last_sign_in_at, "
            "case when locked_until > now() then locked_until end as locked_until "
            "from app_user where $1::text[] is null or name = any($1) order by name",
            None if names is None else list(names),
        )
        missing = sorted(set(names or ()) - {row["name"] for row in rows})
        if missing:
            raise UserAdminError("name", f"no user named {missing[0]!r}")
        tokens = await self.connection.fetch(
            _TOKENS + " where t.user_id = any($1) order by t.id", [row["id"] for row in rows]
        )
        by_user: dict[str, list[TokenInfo]] = {}
        for token in tokens:
            by_user.setdefault(token["user_name"], []).append(_token(token))
        return [
            UserInfo(
                id=row["id"],
                name=row["name"],
                role=Role(row["role"]),
                entity=row["entity_code"],
                created_at=row["created_at"],
                disabled_at=row["disabled_at"],
                tokens=tuple(by_user.get(row["name"], ())),
                has_password=row["has_password"],
                last_sign_in_at=row["last_sign_in_at"],
                locked_until=row["locked_until"],
            )
            for row in rows
        ]

    async def audit_entries(self, name: str | None, limit: int) -> list[AuditEntry]:
        """The newest first; of one user when `name` is given."""
        if name is not None and not await self.exists(name):
            raise UserAdminError("name", f"no user named {name!r}")
        return await audit.entries(self.connection, name, limit)

    async def _one(self, name: str) -> UserInfo:
        [user] = await self.users([name])
        return user

    async def _token_row(self, token_id: int, *, lock: bool = False) -> asyncpg.Record:
        row = await self.connection.fetchrow(
            _TOKENS + " where t.id = $1" + (" for update of t" if lock else ""), token_id
        )
        if row is None:
            raise UserAdminError("token", f"no token with id {token_id}")
        return row

    # --- changing -------------------------------------------------------------------------------

    async def create(
        self,
        name: str,
        role: Role,
        entity: str | None = None,
        *,
        label: str = "",
        expires_in_days: int | None = None,
    ) -> Issued:
        """A new user with a first token. An existing name is refused, whatever its role."""
        if not NAME.fullmatch(name):
            raise UserAdminError("name", NAME_RULE)
        self._not_node_user(name)
        self._check_role(role, entity)
        days = self._lifetime(expires_in_days)
        label = self._label(label)
        user_id = await self.connection.fetchval(
            "insert into app_user (name, role, entity_code) values ($1, $2, $3) "
            "on conflict (name) do nothing returning id",
            name,
            role.value,
            entity,
        )
        if user_id is None:
            existing = await self._user_row(name)
            raise UserAdminError(
                "name",
                f"user {name!r} already exists "
                f"({_described(Role(existing['role']), existing['entity_code'])})",
            )
        await audit.record(
            self.connection, self.actor, AuditAction.CREATE_USER, user_id, _described(role, entity)
        )
        return await self._issue(user_id, label, days)

    async def change_role(
        self, name: str, role: Role, entity: str | None = None
    ) -> tuple[UserInfo, str | None]:
        """The user with its new role, and its former role (None when it already had this one)."""
        self._not_node_user(name)
        self._check_role(role, entity)
        row = await self._user_row(name, lock=True)
        before = _described(Role(row["role"]), row["entity_code"])
        after = _described(role, entity)
        if before == after:
            return await self._one(name), None
        self._not_self(row["id"], "change the role of")
        await self.connection.execute(
            "update app_user set role = $2, entity_code = $3 where id = $1",
            row["id"],
            role.value,
            entity,
        )
        await audit.record(
            self.connection, self.actor, AuditAction.CHANGE_ROLE, row["id"], f"{before} → {after}"
        )
        return await self._one(name), before

    async def set_disabled(self, name: str, disabled: bool) -> tuple[UserInfo, bool]:
        """The user, and whether this changed it. A disabled user's tokens are refused, not
        revoked: enabling it again makes those not expired usable again."""
        row = await self._user_row(name, lock=True)
        if (row["disabled_at"] is not None) == disabled:
            return await self._one(name), False
        if disabled:
            self._not_self(row["id"], "disable")
        await self.connection.execute(
            "update app_user set disabled_at = case when $2 then now() end where id = $1",
            row["id"],
            disabled,
        )
        user = await self._one(name)
        action, detail = (
            (AuditAction.DISABLE_USER, "refused until it is enabled")
            if disabled
            else (AuditAction.ENABLE_USER, "accepted again")
        )
        await audit.record(
            self.connection,
            self.actor,
            action,
            row["id"],
            f"its {user.active_tokens} active token(s) are {detail}",
        )
        return user, True

    async def issue_token(
        self, name: str, *, label: str = "", expires_in_days: int | None = None
    ) -> Issued:
        self._not_node_user(name)
        days = self._lifetime(expires_in_days)
        label = self._label(label)
        row = await self._user_row(name)
        return await self._issue(row["id"], label, days)

    async def _issue(self, user_id: int, label: str, days: int) -> Issued:
        secret = new_token()
        token_id = await self.connection.fetchval(
            "insert into api_token (user_id, token_sha256, label, expires_at) "
            "values ($1, $2, $3, now() + make_interval(days => $4)) returning id",
            user_id,
            digest(secret),
            label,
            days,
        )
        token = _token(await self._token_row(token_id))
        await audit.record(
            self.connection,
            self.actor,
            AuditAction.ISSUE_TOKEN,
            user_id,
            f"{_token_words(token_id, label)} expires on {day(token.expires_at)}",
            token_id,
        )
        return Issued(secret, token)

    async def revoke_token(self, token_id: int) -> tuple[TokenInfo, bool]:
        """The token, and whether this revoked it (False: it was revoked already)."""
        row = await self._token_row(token_id, lock=True)
        if row["revoked_at"] is not None:
            return _token(row), False
        await self._revoke(row)
        return _token(await self._token_row(token_id)), True

    async def revoke_user_tokens(self, name: str) -> list[TokenInfo]:
        """Revokes the user's active tokens; returns them revoked."""
        user = await self._user_row(name, lock=True)
        rows = await self.connection.fetch(
            _TOKENS + " where t.user_id = $1 and t.revoked_at is null and t.expires_at > now() "
            "order by t.id",
            user["id"],
        )
        for row in rows:
            await self._revoke(row)
        return [_token(await self._token_row(row["id"])) for row in rows]

    async def set_password(self, name: str, password: str | None = None) -> str:
        """Sets the user's password (a generated one when none is given) and returns it. The
        sessions it opened before end, a lock-out ends, and the change is audited (never the
        password: only its argon2id hash is stored)."""
        self._not_node_user(name)
        if password is None:
            password = generate_password()
        else:
            problem = password_problem(password)
            if problem is not None:
                raise UserAdminError("password", problem)
        row = await self._user_row(name, lock=True)
        hashed = await asyncio.to_thread(hash_password, password)
        await self.connection.execute(
            "update app_user set password_hash = $2, password_changed_at = clock_timestamp(), "
            "failed_sign_ins = 0, locked_until = null where id = $1",
            row["id"],
            hashed,
        )
        await audit.record(
            self.connection,
            self.actor,
            AuditAction.SET_PASSWORD,
            row["id"],
            "its sessions opened before end; a lock-out ends",
        )
        return password

    async def _revoke(self, row: asyncpg.Record) -> None:
        user_id = await self.connection.fetchval(
            "update api_token set revoked_at = now() where id = $1 returning user_id", row["id"]
        )
        await audit.record(
            self.connection,
            self.actor,
            AuditAction.REVOKE_TOKEN,
            user_id,
            _token_words(row["id"], row["label"]),
            row["id"],
        )


async def upsert_user(
    connection: Connection,
    name: str,
    role: Role,
    entity: str | None = None,
    *,
    rules: TokenRules = DEFAULT.tokens,
    actor: Actor = SYSTEM,
) -> str:
    """The demo's and the test fixtures' shortcut: the user with this role (created, or its role
    changed, audited either way), its other tokens revoked, and a fresh token, returned (shown
    once). People use `UserAdmin`, which never changes a role unasked."""
    # The caller's entity is trusted here (the foreign key still checks it).
    admin = UserAdmin(connection, actor, rules, entities=[entity] if entity else [])
    if not await admin.exists(name):
        return (await admin.create(name, role, entity, label="issued by upsert_user")).secret
    await admin.change_role(name, role, entity)
    await admin.revoke_user_tokens(name)
    return (await admin.issue_token(name, label="issued by upsert_user")).secret


async def principal_by_name(connection: Connection, name: str) -> Principal | None:
    """The user a command acts as (`hub import --user`), or None: unknown or disabled."""
    row = await connection.fetchrow(
        "select id, name, role, entity_code from app_user where name = $1 and disabled_at is null",
        name,
    )
    if row is None:
        return None
    return Principal(row["id"], row["name"], Role(row["role"]), row["entity_code"])
