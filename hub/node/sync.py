"""`hub node sync`: fetch the network's reference data from the hub and make the node's hub
validate exactly as the network's does.

1. Fetch it (a signed node request) and check each file's SHA-256.
2. Check the files with the node's own code before anything is replaced (they must load, and
   name the node's entity), then write them into the node's config folder; in network.toml the
   node's own entity is reported by its own team (`reporting = "central"`) on the node.
3. Open the node's hub on them and append the mapping rows the node lacks (hub/node/reproduce.py);
   rows given from a period are recorded by the node's system user `network-reference`.
4. Compute the rule-set version locally and compare it with the hub's; record both.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hub.auth import audit
from hub.auth.model import Actor, AuditAction
from hub.auth.policy import Role
from hub.db.pool import Connection
from hub.federation.reference import (
    ConfigFile,
    Reference,
    all_mappings,
    mapping_versions,
    sha256_text,
)
from hub.federation.ruleset import rule_set_version, short
from hub.mappings.repository import insert, lock_rules
from hub.mappings.repository import rules as mapping_rules
from hub.node.folder import Node, NodeError
from hub.node.hub_client import hub_client
from hub.node.reproduce import only_on_node, rows_to_append
from hub.registry.load import ConfigError
from hub.services import Hub, load_network, open_hub
from hub.settings import Settings

SYSTEM_USER = "network-reference"
ACTOR = Actor("hub node sync")


@dataclass(frozen=True, slots=True)
class Synced:
    hub_version: str
    local_version: str
    rows_added: int
    fetched_at: dt.datetime
    differences: tuple[str, ...]  # what keeps the versions apart, in words

    @property
    def matches(self) -> bool:
        return self.hub_version == self.local_version

    def summary(self) -> str:
        if self.matches:
            return (
                f"reference data up to date: rule set {short(self.hub_version)}… "
                f"({self.rows_added} mapping rows added)"
            )
        why = "; ".join(self.differences) or "the node's software reads the files differently"
        return (
            f"the node's rule set {short(self.local_version)}… is not the hub's "
            f"{short(self.hub_version)}…: {why}"
        )


_TABLE = re.compile(r"^\s*\[")
_MODE = re.compile(r"""^(?P<head>\s*reporting\s*=\s*)(?P<q>["'])node(?P=q)""")


def own_entity_central(text: str, entity: str) -> str:
    """network.toml as the node runs it: the hub reports the node's entity by its node
    (`reporting = "node"`); on the node itself the entity's own team reports it, as centrally.
    The reporting mode is no part of the rule set, so the versions still agree."""
    code = re.compile(rf"""^\s*code\s*=\s*(["']){re.escape(entity)}\1\s*(#.*)?$""")
    blocks: list[list[str]] = [[]]
    for line in text.splitlines(keepends=True):
        if _TABLE.match(line):
            blocks.append([])
        blocks[-1].append(line)
    for block in blocks:
        if any(code.match(line) for line in block):
            block[:] = [_MODE.sub(r"\g<head>\g<q>central\g<q>", line) for line in block]
    return "".join(line for block in blocks for line in block)


def local_files(node: Node, reference: Reference) -> list[ConfigFile]:
    """The files as the node writes them, once each is checked against its SHA-256."""
    files = []
    for file in reference.files:
        if sha256_text(file.text) != file.sha256:
            raise NodeError(f"{file.name} from the hub does not match its SHA-256: sync again")
        text = (
            own_entity_central(file.text, node.entity) if file.name == "network.toml" else file.text
        )
        files.append(ConfigFile(name=file.name, sha256=sha256_text(text), text=text))
    return files


def check_files(node: Node, files: list[ConfigFile]) -> None:
    """The files loadable by the node's code and naming the node's entity."""
    with tempfile.TemporaryDirectory(dir=node.directory, prefix=".incoming-") as folder:
        trial = Path(folder)
        for name in ("auth.toml", "limits.toml"):
            if (node.config_dir / name).is_file():
                shutil.copyfile(node.config_dir / name, trial / name)
        for file in files:
            (trial / file.name).write_text(file.text, encoding="utf-8")
        try:
            network = load_network(Settings(database_url=None, data_dir=trial, config_dir=trial))
        except ConfigError as error:
            raise NodeError(
                f"the hub's {error.path.name} cannot be used by this node's software: "
                f"{'; '.join(error.problems)}"
            ) from None
    if node.entity not in network.registry.entities:
        known = ", ".join(sorted(network.registry.entities))
        raise NodeError(
            f"{node.entity} is not an entity of the hub's network (it has {known}): "
            "this node cannot report for it"
        )


def write_files(node: Node, files: list[ConfigFile]) -> None:
    """Each file replaced whole (written beside it, then renamed)."""
    node.config_dir.mkdir(parents=True, exist_ok=True)
    for file in files:
        target = node.config_dir / file.name
        partial = target.with_name(f".{file.name}.partial")
        partial.write_text(file.text, encoding="utf-8")
        os.replace(partial, target)


async def system_user(connection: Connection) -> int:
    """The node's author of the mapping rows it takes from the hub: nobody signs in as it."""
    found: int | None = await connection.fetchval(
        "select id from app_user where name = $1", SYSTEM_USER
    )
    if found is not None:
        return found
    user_id: int = await connection.fetchval(
        "insert into app_user (name, role) values ($1, $2) returning id",
        SYSTEM_USER,
        Role.FINANCE.value,
    )
    await audit.record(
        connection,
        ACTOR,
        AuditAction.CREATE_USER,
        user_id,
        "the node's author of the mapping rows it takes from the network hub",
    )
    return user_id


async def reproduce_mappings(hub: Hub, connection: Connection, reference: Reference) -> int:
    """Append the rows the node lacks; the number appended. Run in a transaction."""
    added = 0
    author: int | None = None
    for part in reference.mappings:
        if part.entity not in hub.countries:
            continue
        await lock_rules(connection, part.entity)
        wanted = [row.rule(position) for position, row in enumerate(part.rows, start=1)]
        missing = rows_to_append(wanted, await mapping_rules(connection, part.entity))
        for rule in missing:
            if rule.effective_from is not None and author is None:
                author = await system_user(connection)
            recorded_by = None if rule.effective_from is None else author
            await insert(connection, part.entity, [rule], recorded_by)
        added += len(missing)
    return added


async def _differences(hub: Hub, connection: Connection, reference: Reference) -> tuple[str, ...]:
    mappings = await all_mappings(hub, connection)
    local = mapping_versions(hub, mappings)
    found = []
    for part in reference.mappings:
        if local.get(part.entity) != part.version:
            extra = only_on_node(
                [row.rule(i) for i, row in enumerate(part.rows, start=1)],
                mappings.get(part.entity, []),
            )
            rules = "1 rule" if len(extra) == 1 else f"{len(extra)} rules"
            rows = f" ({rules} only the node has)" if extra else ""
            found.append(f"the mappings of {part.entity} differ{rows}")
    return tuple(found)


async def record(
    connection: Connection, hub_url: str, reference: Reference, local: str, added: int
) -> dt.datetime:
    fetched_at: dt.datetime = await connection.fetchval(
        "insert into node_reference (hub_url, rule_set_version, local_version, "
        "mapping_rows_added) values ($1, $2, $3, $4) returning fetched_at",
        hub_url,
        reference.rule_set_version,
        local,
        added,
    )
    return fetched_at


async def fetch_reference(node: Node) -> Reference:
    async with hub_client(node) as client:
        return await client.reference()


async def apply_reference(node: Node, database_url: str, reference: Reference) -> Synced:
    """Steps 2 to 4 with the reference data fetched."""
    files = local_files(node, reference)
    check_files(node, files)
    write_files(node, files)
    async with (
        open_hub(node.settings(), database_url, pool_size=2) as hub,
        hub.db.transaction() as connection,
    ):
        added = await reproduce_mappings(hub, connection, reference)
        mappings = await all_mappings(hub, connection)
        local = rule_set_version(hub.group_chart, hub.registry, hub.rules, mappings)
        differences = (
            ()
            if local == reference.rule_set_version
            else await _differences(hub, connection, reference)
        )
        fetched_at = await record(connection, node.hub, reference, local, added)
    return Synced(
        hub_version=reference.rule_set_version,
        local_version=local,
        rows_added=added,
        fetched_at=fetched_at,
        differences=differences,
    )


async def sync(node: Node, database_url: str) -> Synced:
    return await apply_reference(node, database_url, await fetch_reference(node))


@dataclass(frozen=True, slots=True)
class Fetched:
    """The node's reference data now: the newest fetch."""

    fetched_at: dt.datetime
    hub_version: str
    local_version: str


async def latest_reference(connection: Connection) -> Fetched | None:
    row = await connection.fetchrow(
        "select fetched_at, rule_set_version, local_version from node_reference "
        "order by id desc limit 1"
    )
    if row is None:
        return None
    return Fetched(row["fetched_at"], row["rule_set_version"], row["local_version"])
