"""config/auth.toml: decoded strictly, each problem naming file, key and reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.auth.config import DEFAULT, load_auth_config
from hub.registry.load import ConfigError

REPO = Path(__file__).resolve().parents[2]
SHIPPED = (REPO / "config" / "auth.toml").read_text(encoding="utf-8")


def test_the_shipped_file_holds_the_defaults_used_without_a_file(tmp_path: Path) -> None:
    assert load_auth_config(REPO / "config" / "auth.toml") == DEFAULT
    assert load_auth_config(tmp_path / "auth.toml") == DEFAULT
    assert DEFAULT.tokens.default_lifetime_days == 90


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (
            "max_lifetime_days = 365",
            "max_lifetime_days = 365\nlifetime = 3",
            "tokens: Object contains unknown field `lifetime`",
        ),
        (
            "default_lifetime_days = 90",
            'default_lifetime_days = "90"',
            "tokens.default_lifetime_days: Expected `int`, got `str`",
        ),
        (
            "last_used_resolution_seconds = 60",
            "last_used_resolution_seconds = 0",
            "tokens.last_used_resolution_seconds: Expected `int` >= 1",
        ),
        (
            "max_lifetime_days = 365",
            "max_lifetime_days = 30",
            "tokens.default_lifetime_days: 90 days is more than tokens.max_lifetime_days (30)",
        ),
        (
            "last_used_resolution_seconds = 60",
            "",
            "tokens: Object missing required field `last_used_resolution_seconds`",
        ),
    ],
)
def test_a_wrong_file_is_refused_naming_file_key_and_reason(
    tmp_path: Path, old: str, new: str, problem: str
) -> None:
    path = tmp_path / "auth.toml"
    assert old in SHIPPED
    path.write_text(SHIPPED.replace(old, new), encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_auth_config(path)
    assert str(raised.value) == f"invalid configuration in {path}:\n  {path}: {problem}"
