"""A copy of the repository's config/ in which some entities are reported by their nodes
(`reporting = "node"` in network.toml): the shipped config keeps every entity central."""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def config_with_nodes(folder: Path, *entities: str) -> Path:
    """config/ copied to `folder`/config with `entities` reported by their nodes."""
    target = folder / "config"
    shutil.copytree(REPO / "config", target)
    network = target / "network.toml"
    text = network.read_text(encoding="utf-8")
    for code in entities:
        block = f'[[entities]]\ncode = "{code}"\n'
        assert text.count(block) == 1, code
        text = text.replace(block, f'{block}reporting = "node"\n')
    network.write_text(text, encoding="utf-8")
    return target
