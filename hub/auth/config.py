"""Token lifetimes and the last-use resolution, from `config/auth.toml`.

The file is optional: without it `DEFAULT` (the shipped values) applies, so that a config folder
made for another purpose (a test's, an older deployment's) keeps working. When it exists, every
key is required and unknown keys are refused, each problem naming file, key and reason.
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


class AuthConfig(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    tokens: TokenRules


DEFAULT = AuthConfig(
    tokens=TokenRules(
        default_lifetime_days=90, max_lifetime_days=365, last_used_resolution_seconds=60
    )
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
