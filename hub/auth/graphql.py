"""GraphQL for admins: users and their tokens (never a token's hash), the audit, and the changes
the command line also makes. Everyone else gets FORBIDDEN. Every change is audited with the
admin's name. A refused input is a BAD_USER_INPUT error naming the field.

`Role`, `TokenState` and `UserAuditAction` are registered as Strawberry enums here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import strawberry

from hub.api.errors import bad_input
from hub.auth.model import (
    Actor,
    AuditAction,
    AuditEntry,
    Issued,
    TokenInfo,
    TokenState,
    UserAdminError,
    UserInfo,
)
from hub.auth.policy import Action, Role, authorize
from hub.auth.users import UserAdmin
from hub.context import Info

strawberry.enum(Role, name="Role")
strawberry.enum(TokenState, name="TokenState")
strawberry.enum(AuditAction, name="UserAuditAction")

MAX_AUDIT_ENTRIES = 1000

# How each input a refusal names is called in the schema.
FIELD_NAMES: dict[str, str] = {"expires_in_days": "expiresInDays"}


@asynccontextmanager
async def administering(info: Info) -> AsyncIterator[UserAdmin]:
    """The caller must be an admin; the work runs in one transaction, audited in their name."""
    caller = info.context.caller
    authorize(caller, Action.MANAGE_USERS)
    hub = info.context.hub
    try:
        async with hub.db.transaction() as connection:
            yield UserAdmin.of(hub, connection, Actor.of(caller))
    except UserAdminError as error:
        raise bad_input(FIELD_NAMES.get(error.field, error.field), error.reason) from error


@strawberry.type(description="A bearer token as an admin sees it: never the token, nor its hash.")
class ApiToken:
    id: int
    user: str
    label: str
    state: TokenState
    created_at: dt.datetime
    expires_at: dt.datetime
    last_used_at: dt.datetime | None = strawberry.field(
        description="Written when the stored one is older than "
        "tokens.last_used_resolution_seconds (config/auth.toml): it may lag by that much."
    )
    revoked_at: dt.datetime | None

    @classmethod
    def of(cls, token: TokenInfo) -> ApiToken:
        return cls(
            id=token.id,
            user=token.user,
            label=token.label,
            state=token.state,
            created_at=token.created_at,
            expires_at=token.expires_at,
            last_used_at=token.last_used_at,
            revoked_at=token.revoked_at,
        )


@strawberry.type(description="A user of the hub, with every token it was issued.")
class User:
    id: int
    name: str
    role: Role
    entity: str | None = strawberry.field(description="The entity of a national team.")
    created_at: dt.datetime
    disabled_at: dt.datetime | None = strawberry.field(
        description="Set while the user is disabled: its tokens are refused, not revoked."
    )
    active_tokens: int = strawberry.field(description="Neither expired nor revoked.")
    last_used_at: dt.datetime | None = strawberry.field(description="The latest of its tokens'.")
    tokens: list[ApiToken]
    has_password: bool = strawberry.field(description="Whether it can sign in from a browser.")
    last_sign_in_at: dt.datetime | None = strawberry.field(
        description="Its last sign-in from a browser (with its password)."
    )
    locked_until: dt.datetime | None = strawberry.field(
        description="Set while it is locked out after too many wrong passwords "
        "(sign_in in config/auth.toml); resetting its password ends the lock-out."
    )

    @classmethod
    def of(cls, user: UserInfo) -> User:
        return cls(
            id=user.id,
            name=user.name,
            role=user.role,
            entity=user.entity,
            created_at=user.created_at,
            disabled_at=user.disabled_at,
            active_tokens=user.active_tokens,
            last_used_at=user.last_used_at,
            tokens=[ApiToken.of(token) for token in user.tokens],
            has_password=user.has_password,
            last_sign_in_at=user.last_sign_in_at,
            locked_until=user.locked_until,
        )


@strawberry.type(description="A new token. `secret` is shown this once: only its SHA-256 is kept.")
class IssuedToken:
    secret: str = strawberry.field(description="The bearer token: `Authorization: Bearer ...`.")
    token: ApiToken

    @classmethod
    def of(cls, issued: Issued) -> IssuedToken:
        return cls(secret=issued.secret, token=ApiToken.of(issued.token))


@strawberry.type(description="A new password: `password` is shown this once.")
class ResetPassword:
    password: str = strawberry.field(description="Give it to the user; it is not kept.")
    user: User


@strawberry.type(description="Who did what to which user, and when.")
class UserAuditEntry:
    id: int
    at: dt.datetime
    actor: str = strawberry.field(
        description="A user's name; `cli:<os user>` for the command line; `system` for the demo."
    )
    action: AuditAction
    user: str
    token_id: int | None
    detail: str

    @classmethod
    def of(cls, entry: AuditEntry) -> UserAuditEntry:
        return cls(
            id=entry.id,
            at=entry.at,
            actor=entry.actor,
            action=entry.action,
            user=entry.user,
            token_id=entry.token_id,
            detail=entry.detail,
        )


@strawberry.type
class UserQuery:
    @strawberry.field(description="Every user, or those named, by name (admins).")
    async def users(self, info: Info, name: list[str] | None = None) -> list[User]:
        async with administering(info) as admin:
            return [User.of(user) for user in await admin.users(name)]

    @strawberry.field(description="The audit of users and tokens, the newest first (admins).")
    async def user_audit(
        self, info: Info, user: str | None = None, limit: int = 100
    ) -> list[UserAuditEntry]:
        async with administering(info) as admin:
            if not 1 <= limit <= MAX_AUDIT_ENTRIES:
                raise bad_input("limit", f"{limit} is not between 1 and {MAX_AUDIT_ENTRIES}")
            return [UserAuditEntry.of(e) for e in await admin.audit_entries(user, limit)]


@strawberry.input
class CreateUserInput:
    name: str
    role: Role
    entity: str | None = strawberry.field(
        default=None, description="Required for the national role, and only for it."
    )
    token_label: str = strawberry.field(default="", description="What its first token is for.")
    expires_in_days: int | None = strawberry.field(
        default=None, description="Default: tokens.default_lifetime_days in config/auth.toml."
    )


@strawberry.input
class ChangeUserRoleInput:
    name: str
    role: Role
    entity: str | None = strawberry.field(
        default=None, description="Required for the national role, and only for it."
    )


@strawberry.input
class IssueTokenInput:
    name: str = strawberry.field(description="The user the token is for.")
    label: str = ""
    expires_in_days: int | None = strawberry.field(
        default=None, description="Default: tokens.default_lifetime_days in config/auth.toml."
    )


@strawberry.type
class UserMutation:
    @strawberry.mutation(
        description="Create a user with its first token. An existing name is refused: its role "
        "changes only through changeUserRole."
    )
    async def create_user(self, info: Info, input: CreateUserInput) -> IssuedToken:
        async with administering(info) as admin:
            issued = await admin.create(
                input.name,
                input.role,
                input.entity,
                label=input.token_label,
                expires_in_days=input.expires_in_days,
            )
            return IssuedToken.of(issued)

    @strawberry.mutation(description="Change a user's role (and entity); not your own.")
    async def change_user_role(self, info: Info, input: ChangeUserRoleInput) -> User:
        async with administering(info) as admin:
            user, _before = await admin.change_role(input.name, input.role, input.entity)
            return User.of(user)

    @strawberry.mutation(
        description="Refuse every token of a user until it is enabled again; not your own."
    )
    async def disable_user(self, info: Info, name: str) -> User:
        async with administering(info) as admin:
            user, _changed = await admin.set_disabled(name, True)
            return User.of(user)

    @strawberry.mutation(description="Accept a disabled user's tokens again.")
    async def enable_user(self, info: Info, name: str) -> User:
        async with administering(info) as admin:
            user, _changed = await admin.set_disabled(name, False)
            return User.of(user)

    @strawberry.mutation(description="Issue a user a new token; its other tokens stay valid.")
    async def issue_token(self, info: Info, input: IssueTokenInput) -> IssuedToken:
        async with administering(info) as admin:
            issued = await admin.issue_token(
                input.name, label=input.label, expires_in_days=input.expires_in_days
            )
            return IssuedToken.of(issued)

    @strawberry.mutation(description="Revoke one token: it is refused from then on.")
    async def revoke_token(self, info: Info, id: int) -> ApiToken:
        async with administering(info) as admin:
            token, _now = await admin.revoke_token(id)
            return ApiToken.of(token)

    @strawberry.mutation(
        description="Give a user a new generated password, returned this once (only its argon2id "
        "hash is kept). Its sessions opened before end; a lock-out ends."
    )
    async def reset_password(self, info: Info, name: str) -> ResetPassword:
        async with administering(info) as admin:
            password = await admin.set_password(name)
            [user] = await admin.users([name])
            return ResetPassword(password=password, user=User.of(user))

    @strawberry.mutation(description="Revoke every active token of a user; returns them.")
    async def revoke_user_tokens(self, info: Info, name: str) -> list[ApiToken]:
        async with administering(info) as admin:
            return [ApiToken.of(token) for token in await admin.revoke_user_tokens(name)]
