"""Which mapping rows a node appends so that its rules give the hub's rule set. Pure.

Rows are append-only on both sides, and of the rows for the same accounts with the same start
only the last recorded one can be in force (hub/federation/ruleset.py), so the node compares,
per (kind, first, last, start), its last row with the hub's, and appends the hub's row where
they differ, in the order the hub recorded them. A slot only the node has cannot be taken back:
the versions then differ, and the node says so.
"""

from __future__ import annotations

from collections.abc import Sequence

from hub.mappings.model import Rule, RuleKind

Slot = tuple[RuleKind, str, str, str]


def slot(rule: Rule) -> Slot:
    return (*rule.key, rule.starts_on.isoformat())


def last_per_slot(rules: Sequence[Rule]) -> dict[Slot, Rule]:
    """`rules` in the order recorded: the last of each slot."""
    last: dict[Slot, Rule] = {}
    for rule in rules:
        last[slot(rule)] = rule
    return last


def _same(one: Rule, other: Rule) -> bool:
    """Equal in what a report's placement depends on, and in the period it was given from.
    The reason, the author and the time stay each database's own."""
    return (
        one.line == other.line
        and one.intra_network == other.intra_network
        and one.investment == other.investment
        and one.effective_from == other.effective_from
    )


def rows_to_append(hub_rows: Sequence[Rule], node_rows: Sequence[Rule]) -> list[Rule]:
    """The hub's rows (each the last of its slot on the hub) the node lacks, in the hub's order.
    Both lists are in the order recorded."""
    have = last_per_slot(node_rows)
    wanted = last_per_slot(hub_rows)
    order = {id(rule): index for index, rule in enumerate(hub_rows)}
    missing = [
        rule for key, rule in wanted.items() if key not in have or not _same(have[key], rule)
    ]
    return sorted(missing, key=lambda rule: order[id(rule)])


def only_on_node(hub_rows: Sequence[Rule], node_rows: Sequence[Rule]) -> list[Slot]:
    """Slots the node has and the hub has not: they keep the versions apart."""
    wanted = last_per_slot(hub_rows)
    return [key for key in last_per_slot(node_rows) if key not in wanted]
