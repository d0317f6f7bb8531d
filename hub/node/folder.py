"""A node's folder: `node.toml` (which entity, which hub, which key), the private key file, the
config folder the node's hub runs with, and the embedded PostgreSQL's data (`pg/`).

    .hub-node/
      node.toml        entity, hub URL, key file, created at
      node.key         the Ed25519 private key (mode 0600)
      config/          auth.toml, limits.toml (the node's own); network.toml, group_chart.toml,
                       reporting.toml (the hub's, written by `hub node sync`)
      pg/              the embedded PostgreSQL, unless HUB_DATABASE_URL is set
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import msgspec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hub.federation import keys
from hub.federation.reference import CONFIG_FILES
from hub.registry.load import ConfigError, decode_toml
from hub.settings import Settings

NODE_FILE = "node.toml"
KEY_FILE = "node.key"
CONFIG_DIR = "config"
DEFAULT_DIR = ".hub-node"


class NodeError(Exception):
    """A node command cannot go on; the message says why and what to do, in one line."""


class NodeFile(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    entity: str
    hub: str
    key_file: str
    created_at: dt.datetime


def node_dir(option: Path | None) -> Path:
    """--node-dir, else $HUB_NODE_DIR, else ./.hub-node."""
    if option is not None:
        return option
    return Path(os.environ.get("HUB_NODE_DIR") or DEFAULT_DIR)


def hub_url(text: str) -> str:
    url = text.strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise NodeError(f"--hub: {text!r} is not a URL of the hub (http://… or https://…)")
    return url


@dataclass(frozen=True, slots=True)
class Node:
    directory: Path
    entity: str
    hub: str  # the hub's base URL, without a trailing slash
    key_file: Path
    created_at: dt.datetime

    @property
    def config_dir(self) -> Path:
        return self.directory / CONFIG_DIR

    def settings(self) -> Settings:
        """The hub's settings for the node: its config folder, its database (HUB_DATABASE_URL,
        else the embedded PostgreSQL in the node's folder)."""
        return Settings(
            database_url=os.environ.get("HUB_DATABASE_URL") or None,
            data_dir=self.directory,
            config_dir=self.config_dir,
        )

    def private_key(self) -> Ed25519PrivateKey:
        try:
            return keys.read_private_key(self.key_file)
        except keys.KeyProblem as problem:
            raise NodeError(str(problem)) from None

    def has_reference_files(self) -> bool:
        return all((self.config_dir / name).is_file() for name in CONFIG_FILES)

    def require_reference_files(self) -> None:
        if not self.has_reference_files():
            raise NodeError(
                f"the node in {self.directory} has no reference data yet: run `hub node sync` "
                "(once the hub's admin has registered its key)"
            )


def load_node(directory: Path) -> Node:
    path = directory / NODE_FILE
    if not path.is_file():
        raise NodeError(
            f"{directory} is not a node: it has no {NODE_FILE}; run `hub node init --entity XX "
            "--hub URL` first (or give --node-dir / HUB_NODE_DIR)"
        )
    try:
        found = decode_toml(path, NodeFile)
    except ConfigError as error:
        raise NodeError(f"{path}: {'; '.join(error.problems)}") from None
    key_file = Path(found.key_file)
    return Node(
        directory=directory,
        entity=found.entity,
        hub=hub_url(found.hub),
        key_file=key_file if key_file.is_absolute() else directory / key_file,
        created_at=found.created_at,
    )


def node_toml(entity: str, hub: str, key_file: str, created_at: dt.datetime) -> str:
    return (
        "# A national node of the network hub, made by `hub node init`.\n"
        "# entity: the entity it reports for; hub: the network hub's URL; key_file: its private\n"
        "# key (never share it; the hub's admin registers its public key).\n"
        f"entity = {_toml_string(entity)}\n"
        f"hub = {_toml_string(hub)}\n"
        f"key_file = {_toml_string(key_file)}\n"
        f"created_at = {created_at.astimezone(dt.UTC).replace(microsecond=0).isoformat()}\n"
    )


def _toml_string(text: str) -> str:
    return msgspec.json.encode(text).decode()
