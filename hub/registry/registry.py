"""The decoded network, indexed for look-ups."""

from __future__ import annotations

import datetime as dt
import hashlib

from hub.registry.model import (
    ContributionRule,
    EntityConfig,
    KpiDefinition,
    NetworkConfig,
)


class Registry:
    """Immutable view of the network configuration: entities, KPIs and contribution rules.
    `source` is the text of network.toml it was read from (kept with each change of an
    entity's reporting mode, for the audit); `source_sha256` the SHA-256 of its bytes."""

    def __init__(
        self, config: NetworkConfig, source: str = "", source_sha256: str | None = None
    ) -> None:
        self.config = config
        self.source = source
        self.source_sha256 = source_sha256 or hashlib.sha256(source.encode()).hexdigest()
        self.entities: dict[str, EntityConfig] = {e.code: e for e in config.entities}
        self.kpis: dict[str, KpiDefinition] = {k.code: k for k in config.kpis}
        self.contribution_bases = {base.name: base for base in config.contribution_bases}
        self._rules: dict[str, tuple[ContributionRule, ...]] = {}
        for rule in sorted(config.contribution_rules, key=lambda r: r.valid_from):
            self._rules[rule.entity] = (*self._rules.get(rule.entity, ()), rule)

    @property
    def group_currency(self) -> str:
        return self.config.network.group_currency

    def contribution_rules(self, entity: str) -> tuple[ContributionRule, ...]:
        return self._rules.get(entity, ())

    def contribution_rule_on(self, entity: str, day: dt.date) -> ContributionRule | None:
        return next((r for r in self._rules.get(entity, ()) if r.applies_on(day)), None)
