"""Users, their tokens and the audit as the hub reads them; who acts on them; what is refused."""

from __future__ import annotations

import datetime as dt
import getpass
from dataclasses import dataclass
from enum import StrEnum

from hub.auth.policy import Principal, Role


@dataclass(frozen=True, slots=True)
class Actor:
    """Who changes users and tokens, as the audit records it: a user (over GraphQL), the command
    line (`cli:<os user>`, no user id), or `system` (the demo and the test fixtures)."""

    name: str
    user_id: int | None = None

    @classmethod
    def of(cls, principal: Principal) -> Actor:
        return cls(principal.name, principal.user_id)

    @classmethod
    def command_line(cls) -> Actor:
        try:
            who = getpass.getuser()
        except (KeyError, OSError):  # no login name and no passwd entry (some containers)
            return cls("cli")
        return cls(f"cli:{who}")


SYSTEM = Actor("system")


class AuditAction(StrEnum):
    CREATE_USER = "create user"
    CHANGE_ROLE = "change role"
    DISABLE_USER = "disable user"
    ENABLE_USER = "enable user"
    ISSUE_TOKEN = "issue token"
    REVOKE_TOKEN = "revoke token"
    SET_PASSWORD = "set password"


class TokenState(StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """A token as an admin sees it: never the token itself, nor its hash."""

    id: int
    user: str
    label: str
    created_at: dt.datetime
    expires_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None
    state: TokenState


@dataclass(frozen=True, slots=True)
class UserInfo:
    id: int
    name: str
    role: Role
    entity: str | None
    created_at: dt.datetime
    disabled_at: dt.datetime | None
    tokens: tuple[TokenInfo, ...]
    has_password: bool = False
    last_sign_in_at: dt.datetime | None = None
    locked_until: dt.datetime | None = None

    @property
    def active_tokens(self) -> int:
        return sum(1 for token in self.tokens if token.state is TokenState.ACTIVE)

    @property
    def last_used_at(self) -> dt.datetime | None:
        return max((t.last_used_at for t in self.tokens if t.last_used_at), default=None)

    @property
    def described_role(self) -> str:
        return self.role.value if self.entity is None else f"{self.role.value} of {self.entity}"


@dataclass(frozen=True, slots=True)
class Issued:
    """A new token: `secret` is shown this once; only its SHA-256 is stored."""

    secret: str
    token: TokenInfo


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: dt.datetime
    actor: str
    action: AuditAction
    user: str
    token_id: int | None
    detail: str


class UserAdminError(Exception):
    """A refused change to users or tokens. `field` is the input it concerns (`name`, `role`,
    `entity`, `expires_in_days`, `label`, `token`, `password`); the interfaces name it their
    way."""

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(reason)


def day(moment: dt.datetime) -> str:
    """The UTC date of a moment, as messages and the audit show it."""
    return moment.astimezone(dt.UTC).date().isoformat()
