"""Token lifetimes, the last-use resolution, sign-in lock-out and session idle time, from
`config/auth.toml`.

The file is optional: without it `DEFAULT` (the shipped values) applies, so that a config folder
made for another purpose (a test's, an older deployment's) keeps working. When it exists, every
key of a section is required and unknown keys are refused, each problem naming file, key and
reason; the sections `sign_in` and `sessions` came later and may be left out (then the shipped
values apply), so that a file written before them still loads.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, TypeAlias

import msgspec

from hub.registry.load import ConfigError, decode_toml

Positive: TypeAlias = Annotated[int, msgspec.Meta(ge=1)]


class TokenRules(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    default_lifetime_days: Positive
    max_lifetime_days: Positive
    last_used_resolution_seconds: Positive

    @property
    def last_used_resolution(self) -> dt.timedelta:
        return dt.timedelta(seconds=self.last_used_resolution_seconds)


class SignInRules(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    max_failed_attempts: Positive
    lockout_minutes: Positive

    @property
    def lockout(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.lockout_minutes)


# At least a second: Litestar keeps a session for a whole number of seconds.
IdleMinutes: TypeAlias = Annotated[float, msgspec.Meta(ge=1 / 60)]


class SessionRules(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    idle_minutes: IdleMinutes

    @property
    def idle_seconds(self) -> int:
        return max(1, round(self.idle_minutes * 60))


DEFAULT_SIGN_IN = SignInRules(max_failed_attempts=5, lockout_minutes=15)
DEFAULT_SESSIONS = SessionRules(idle_minutes=30)


class AuthConfig(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    tokens: TokenRules
    sign_in: SignInRules = DEFAULT_SIGN_IN
    sessions: SessionRules = DEFAULT_SESSIONS


DEFAULT = AuthConfig(
    tokens=TokenRules(
        default_lifetime_days=90, max_lifetime_days=365, last_used_resolution_seconds=60
    ),
    sign_in=DEFAULT_SIGN_IN,
    sessions=DEFAULT_SESSIONS,
)


def load_auth_config(path: Path) -> AuthConfig:
    if not path.exists():
        return DEFAULT
    config = decode_toml(path, AuthConfig)
    tokens = config.tokens
    if tokens.default_lifetime_days > tokens.max_lifetime_days:
        raise ConfigError(
            path,
            [
                f"tokens.default_lifetime_days: {tokens.default_lifetime_days} days is more than "
                f"tokens.max_lifetime_days ({tokens.max_lifetime_days})"
            ],
        )
    return config
