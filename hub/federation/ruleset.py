"""The rule-set version: which network reference data a report was validated with.

It is the SHA-256 (hex) of the canonical JSON (RFC 8785) of the data a node needs to validate
a report exactly as the hub does:
- the group chart: every line (code, label, statement, parent, side, consolidation only), the
  roles and the intra-network pairs;
- the entities' currency and fiscal-year start (a report's currency and period are checked
  against them);
- the KPI definitions;
- the reporting rules that decide a report's findings: tolerances and warning thresholds
  (upload limits, deadlines and contribution settings are the hub's operations, not rules a
  report is checked against, and do not change the version);
- each entity's mapping rules, every row with its start, in force or still to come, without
  the database's row ids, authors and times (a node's database numbers rows its own way):
  of rows with the same target and start only the last recorded one can ever be in force, so
  only it counts.
The same config and mappings give the same version in every process.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from hub.db.pool import Connection
from hub.federation.canonical import builtins, canonical
from hub.mappings.model import Rule, RuleKind
from hub.mappings.repository import rules as mapping_rules
from hub.registry.group_chart import GroupChart
from hub.registry.registry import Registry
from hub.reporting.rules import ReportingRules
from hub.services import Hub

SHORT_DIGITS = 12


def reference_data(
    chart: GroupChart,
    registry: Registry,
    rules: ReportingRules,
    mappings: Mapping[str, Sequence[Rule]],
) -> dict[str, Any]:
    """The network's reference data a node validates with, as a JSON value."""
    return {
        "group_chart": {
            "lines": [
                {
                    "code": line.code,
                    "label": line.label,
                    "statement": line.statement,
                    "parent": line.parent,
                    "side": line.side,
                    "consolidation_only": line.consolidation_only,
                }
                for line in chart.lines.values()
            ],
            "roles": builtins(chart.roles),
            "reciprocal": sorted({tuple(sorted(pair)) for pair in chart.reciprocal.items()}),
        },
        "entities": {
            code: {
                "currency": entity.currency,
                "fiscal_year_start_month": entity.fiscal_year_start_month,
            }
            for code, entity in sorted(registry.entities.items())
        },
        "kpis": builtins(sorted(registry.config.kpis, key=lambda kpi: kpi.code)),
        "reporting_rules": {
            "tolerances": builtins(rules.tolerances),
            "warnings": builtins(rules.warnings),
        },
        "mappings": {entity: _mapping_rows(rows) for entity, rows in sorted(mappings.items())},
    }


def _mapping_rows(rows: Sequence[Rule]) -> list[dict[str, Any]]:
    last: dict[tuple[RuleKind, str, str, str], Rule] = {}
    for row in rows:
        slot = (*row.key, row.starts_on.isoformat())
        if slot not in last or row.id >= last[slot].id:
            last[slot] = row
    return [
        {
            "kind": row.kind,
            "first": row.first,
            "last": row.last,
            "line": row.line,
            "intra_network": row.intra_network,
            "investment": row.investment,
            "starts_on": row.starts_on.isoformat(),
        }
        for _, row in sorted(last.items())
    ]


def rule_set_version(
    chart: GroupChart,
    registry: Registry,
    rules: ReportingRules,
    mappings: Mapping[str, Sequence[Rule]],
) -> str:
    """SHA-256 (64 hex digits) of the canonical JSON of `reference_data`."""
    return hashlib.sha256(canonical(reference_data(chart, registry, rules, mappings))).hexdigest()


def short(version: str) -> str:
    """A version as people read it: its first 12 hex digits."""
    return version[:SHORT_DIGITS]


async def current_rule_set(hub: Hub, connection: Connection) -> str:
    """The network's rule-set version now: the hub's config and the mappings in its database."""
    mappings = {code: await mapping_rules(connection, code) for code in sorted(hub.countries)}
    return rule_set_version(hub.group_chart, hub.registry, hub.rules, mappings)
