"""Where the hub finds its database, its data folder and its config: environment and defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


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

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            database_url=os.environ.get("HUB_DATABASE_URL") or None,
            data_dir=Path(os.environ.get("HUB_DATA_DIR", ".hub-data")),
            config_dir=Path(os.environ.get("HUB_CONFIG_DIR") or default_config_dir()),
        )

    def with_data_dir(self, data_dir: Path | None) -> Settings:
        return self if data_dir is None else replace(self, data_dir=data_dir)

    @property
    def network_file(self) -> Path:
        return self.config_dir / "network.toml"
