"""The network's reference data as the hub hands it to a node (`GET /api/federation/reference`):
what reproduces the hub's rule-set version on the node.

- the three config files a report is checked with, as the hub's texts (network.toml,
  group_chart.toml, reporting.toml), each with its SHA-256;
- every entity's mapping rows in full, in the order the hub recorded them, each entity's rows
  with the version of the part of the rule set they make (hub/federation/ruleset.py);
- the rule-set version they give.

The node writes the files into its config folder, appends mapping rows until its rows give the
same rule set, and checks that the version it computes is this one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path

import msgspec

from hub.db.pool import Connection
from hub.federation.canonical import canonical
from hub.federation.ruleset import reference_data, rule_set_version
from hub.mappings.model import Rule, RuleKind
from hub.mappings.repository import rules as mapping_rules
from hub.services import Hub

# The files of the hub's config folder a node takes; the others (auth.toml, limits.toml) are
# each installation's own.
CONFIG_FILES = ("network.toml", "group_chart.toml", "reporting.toml")


class ConfigFile(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    name: str
    sha256: str
    text: str


class MappingRow(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    kind: RuleKind
    first: str
    last: str
    line: str | None
    intra_network: bool
    investment: bool
    effective_from: str | None
    starts_on: dt.date
    reason: str

    @classmethod
    def of(cls, rule: Rule) -> MappingRow:
        return cls(
            kind=rule.kind,
            first=rule.first,
            last=rule.last,
            line=rule.line,
            intra_network=rule.intra_network,
            investment=rule.investment,
            effective_from=rule.effective_from,
            starts_on=rule.starts_on,
            reason=rule.reason,
        )

    def rule(self, position: int) -> Rule:
        """As a rule recorded `position`-th (its order among the entity's rows)."""
        return Rule(
            kind=self.kind,
            first=self.first,
            last=self.last,
            line=self.line,
            intra_network=self.intra_network,
            investment=self.investment,
            effective_from=self.effective_from,
            starts_on=self.starts_on,
            reason=self.reason,
            id=position,
        )


class EntityMappings(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    entity: str
    version: str  # of this entity's part of the rule set
    rows: list[MappingRow]


class Reference(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    rule_set_version: str
    files: list[ConfigFile]
    mappings: list[EntityMappings]
    as_of: dt.datetime


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_config_files(config_dir: Path) -> list[ConfigFile]:
    """The texts as the hub read them at start-up."""
    texts = [(name, (config_dir / name).read_text(encoding="utf-8")) for name in CONFIG_FILES]
    return [ConfigFile(name=name, sha256=sha256_text(text), text=text) for name, text in texts]


def mapping_versions(hub: Hub, mappings: Mapping[str, Sequence[Rule]]) -> dict[str, str]:
    """Each entity's part of the rule set: the SHA-256 of its rows as the rule set counts them."""
    data = reference_data(hub.group_chart, hub.registry, hub.rules, mappings)
    return {
        entity: hashlib.sha256(canonical(rows)).hexdigest()
        for entity, rows in data["mappings"].items()
    }


async def all_mappings(hub: Hub, connection: Connection) -> dict[str, list[Rule]]:
    return {code: await mapping_rules(connection, code) for code in sorted(hub.countries)}


async def reference(hub: Hub, files: Sequence[ConfigFile], now: dt.datetime) -> Reference:
    """Rows and version from one snapshot of the database."""
    async with (
        hub.db.pool.acquire() as connection,
        connection.transaction(isolation="repeatable_read", readonly=True),
    ):
        mappings = await all_mappings(hub, connection)
    parts = mapping_versions(hub, mappings)
    return Reference(
        rule_set_version=rule_set_version(hub.group_chart, hub.registry, hub.rules, mappings),
        files=list(files),
        mappings=[
            EntityMappings(
                entity=entity,
                version=parts[entity],
                rows=[MappingRow.of(rule) for rule in rows],
            )
            for entity, rows in mappings.items()
        ],
        as_of=now,
    )
