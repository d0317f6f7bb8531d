"""Which mapping rows a node appends to reproduce the hub's rules, pure; and network.toml as
the node runs it (its own entity reported by its own team)."""

from __future__ import annotations

import datetime as dt

from hub.mappings.model import Rule, RuleKind
from hub.node.reproduce import only_on_node, rows_to_append
from hub.node.sync import own_entity_central

START = dt.date(1900, 1, 1)
Y2025 = dt.date(2025, 1, 1)


def rule(
    first: str,
    line: str | None,
    starts_on: dt.date = START,
    *,
    id: int = 0,
    effective_from: str | None = None,
    reason: str = "seeded",
) -> Rule:
    return Rule(
        RuleKind.RANGE,
        first,
        first,
        line,
        starts_on=starts_on,
        effective_from=effective_from,
        reason=reason,
        id=id,
    )


def test_the_hubs_last_row_per_slot_is_appended_where_the_node_differs_in_the_hubs_order() -> None:
    hub = [
        rule("30", "IS.REV", id=1),
        rule("40", "IS.COST", id=2),
        rule("30", "IS.OTHER", Y2025, id=3, effective_from="2025", reason="finance moved it"),
        rule("40", "IS.SHARED", id=4, effective_from="2024", reason="finance"),
        rule("30", "IS.OTHER2", Y2025, id=5, effective_from="2025", reason="and again"),
    ]
    node = [rule("30", "IS.REV", id=11), rule("40", "IS.COST", id=12)]
    assert rows_to_append(hub, node) == [hub[3], hub[4]]
    # Once appended, nothing is missing; a reason that differs alone is not a difference.
    synced = [*node, hub[3], hub[4]]
    assert rows_to_append(hub, synced) == []
    reworded = [*synced, rule("40", "IS.SHARED", id=20, effective_from="2024", reason="other")]
    assert rows_to_append(hub, reworded) == []


def test_a_node_row_the_hub_replaced_gets_the_hubs_row_again() -> None:
    hub = [rule("30", "IS.REV", id=1)]
    node = [rule("30", "IS.REV", id=1), rule("30", None, id=2, reason="left out locally")]
    assert rows_to_append(hub, node) == [hub[0]]


def test_slots_only_the_node_has_are_named_they_cannot_be_taken_back() -> None:
    hub = [rule("30", "IS.REV", id=1)]
    node = [rule("30", "IS.REV", id=1), rule("31", "IS.REV", Y2025, id=2, effective_from="2025")]
    assert only_on_node(hub, node) == [(RuleKind.RANGE, "31", "31", "2025-01-01")]
    assert only_on_node(hub, hub) == []


NETWORK = """\
[network]
name = "x"

[[entities]]
code = "DE"
reporting = "node"

[[entities]]
code = "SE"  # Sweden
currency = "SEK"
reporting = 'node' # by its node

[[kpis]]
code = "users"
"""


def test_on_the_node_its_own_entity_is_reported_by_its_own_team() -> None:
    assert own_entity_central(NETWORK, "SE") == NETWORK.replace(
        "reporting = 'node' # by its node", "reporting = 'central' # by its node"
    )
    assert own_entity_central(NETWORK, "BE") == NETWORK
    plain = NETWORK.replace('reporting = "node"\n', "")
    assert own_entity_central(plain, "DE") == plain
