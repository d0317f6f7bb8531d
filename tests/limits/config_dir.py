"""A copy of the repository's config with some limits changed, for tests."""

from __future__ import annotations

import shutil
from pathlib import Path

from hub.settings import Settings
from tests.conftest import REPO


def config_with(folder: Path, **limits: str) -> Settings:
    """The repository's config, with some lines of limits.toml replaced (`key = value`)."""
    for source in (REPO / "config").glob("*.toml"):
        shutil.copy(source, folder / source.name)
    path = folder / "limits.toml"
    text = path.read_text(encoding="utf-8")
    for key, value in limits.items():
        line = next(x for x in text.splitlines() if x.startswith(f"{key} = "))
        text = text.replace(line, f"{key} = {value}")
    path.write_text(text, encoding="utf-8")
    return Settings(database_url=None, data_dir=folder, config_dir=folder)
