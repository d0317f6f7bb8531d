"""Where the hub finds its database, its data folder and its config: environment and defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

import platformdirs

_PACKAGE = Path(__file__).resolve().parent

APP_NAME = "network-hub"


def default_data_dir() -> Path:
    """HUB_DATA_DIR, else the user's data folder (~/.local/share/network-hub on Linux): one
    installation's data whatever folder a command runs in, never the current one."""
    chosen = os.environ.get("HUB_DATA_DIR")
    if chosen:
        return Path(chosen).resolve()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)).resolve()


def _flag(name: str) -> bool:
    """An on/off variable, read as click reads the options it backs (`--graphiql`)."""
    return os.environ.get(name, "").strip().lower() in {"1", "true", "t", "yes", "y", "on"}


def default_config_dir() -> Path:
    """The repository's `config/` in a checkout; the copy inside the wheel otherwise."""
    checkout = _PACKAGE.parent / "config"
    return checkout if checkout.is_dir() else _PACKAGE / "_config"


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str | None
    data_dir: Path
    config_dir: Path
    # The GraphiQL page at GET /graphql (`hub serve --graphiql`, HUB_GRAPHIQL; on in `hub demo`).
    graphiql: bool = False
    # Served over HTTPS by a reverse proxy (`hub serve --behind-tls`, HUB_BEHIND_TLS): only then
    # do answers carry Strict-Transport-Security, which a browser would otherwise keep wrongly.
    behind_tls: bool = False
    # A streaming replica of the database (HUB_READ_DATABASE_URL): the board's reads are served
    # from it when set (`reads_for` in hub/services.py; docs/operations.md#read-replica).
    read_database_url: str | None = None

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            database_url=os.environ.get("HUB_DATABASE_URL") or None,
            data_dir=default_data_dir(),
            config_dir=Path(os.environ.get("HUB_CONFIG_DIR") or default_config_dir()),
            graphiql=_flag("HUB_GRAPHIQL"),
            behind_tls=_flag("HUB_BEHIND_TLS"),
            read_database_url=os.environ.get("HUB_READ_DATABASE_URL") or None,
        )

    def environment(self, database_url: str) -> dict[str, str]:
        """The variables `from_env` makes these settings from, on the database at
        `database_url`: how `hub serve` hands its settings to its worker processes."""
        return {
            "HUB_DATABASE_URL": database_url,
            "HUB_DATA_DIR": str(self.data_dir),
            "HUB_CONFIG_DIR": str(self.config_dir),
            "HUB_GRAPHIQL": "1" if self.graphiql else "0",
            "HUB_BEHIND_TLS": "1" if self.behind_tls else "0",
            "HUB_READ_DATABASE_URL": self.read_database_url or "",
        }

    def with_data_dir(self, data_dir: Path | None) -> Settings:
        return self if data_dir is None else replace(self, data_dir=data_dir.resolve())

    @property
    def network_file(self) -> Path:
        return self.config_dir / "network.toml"
