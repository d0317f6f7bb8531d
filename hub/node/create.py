"""`hub node init`: a new node's folder, its key pair and its own config, offline.

The folder gets node.toml, the private key (mode 0600, hub/federation/keys.py) and the
package's defaults of the node's own config (auth.toml, limits.toml). The network's reference
data (network.toml, group_chart.toml, reporting.toml) comes later from the hub (`hub node
sync`), once the hub's admin has registered the public key; only then is the entity checked
against the network's.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import msgspec

from hub.federation import keys
from hub.node.folder import CONFIG_DIR, KEY_FILE, NODE_FILE, Node, NodeError, hub_url, node_toml
from hub.settings import default_config_dir

# The files of the node's own config, copied from the package's defaults.
OWN_CONFIG = ("auth.toml", "limits.toml")

_ENTITY = re.compile(r"^[A-Za-z0-9_-]{1,16}$")


@dataclass(frozen=True, slots=True)
class Created:
    node: Node
    public_key: str
    fingerprint: str


def create_node(directory: Path, entity: str, hub: str, now: dt.datetime) -> Created:
    """Refuses a folder that is a node already: its key is never overwritten."""
    code = entity.strip()
    if not _ENTITY.match(code):
        raise NodeError(f"--entity: {entity!r} is not an entity code, e.g. SE")
    url = hub_url(hub)
    if (directory / NODE_FILE).exists() or (directory / KEY_FILE).exists():
        raise NodeError(
            f"{directory} is already a node (it has {NODE_FILE} or {KEY_FILE}): a node's key is "
            "never overwritten; use another --node-dir for a new node"
        )
    directory.mkdir(parents=True, exist_ok=True)
    private = keys.generate()
    try:
        keys.write_private_key(directory / KEY_FILE, private)
    except keys.KeyProblem as problem:
        raise NodeError(str(problem)) from None
    config = directory / CONFIG_DIR
    config.mkdir(exist_ok=True)
    for name in OWN_CONFIG:
        target = config / name
        if not target.exists():
            shutil.copyfile(default_config_dir() / name, target)
    (directory / NODE_FILE).write_text(node_toml(code, url, KEY_FILE, now), encoding="utf-8")
    public = private.public_key()
    return Created(
        node=Node(
            directory=directory,
            entity=code,
            hub=url,
            key_file=directory / KEY_FILE,
            created_at=now,
        ),
        public_key=keys.public_text(public),
        fingerprint=keys.fingerprint(public),
    )


def registration_text(created: Created) -> str:
    """What the hub's admin runs to register the key, printed by `hub node init`."""
    node = created.node
    mutation = (
        f'mutation {{ registerNodeKey(entity: "{node.entity}", publicKey: '
        f'"{created.public_key}", reason: "{node.entity} node set up") '
        "{ fingerprint validFrom } }"
    )
    body = '{"query": ' + _json(mutation) + "}"
    return "\n".join(
        (
            f"The hub's admin registers it (GraphQL at {node.hub}/graphql, as an admin):",
            f"  {mutation}",
            "or from a shell:",
            f"  curl -s {node.hub}/graphql -H 'Authorization: Bearer <admin token>' "
            f"-H 'Content-Type: application/json' -d '{body}'",
        )
    )


def _json(text: str) -> str:
    return msgspec.json.encode(text).decode()
