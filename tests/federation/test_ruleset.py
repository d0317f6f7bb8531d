"""The rule-set version: the same config, the same version; a mapping change, a new one."""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
import sys
from decimal import Decimal

import msgspec

from hub.federation.ruleset import current_rule_set, reference_data, rule_set_version, short
from hub.mappings.model import Rule
from hub.mappings.repository import insert
from hub.mappings.seed import seed_rules
from hub.services import Hub, Network, load_network
from hub.settings import Settings
from tests.conftest import REPO


def network() -> Network:
    return load_network(
        Settings(database_url=None, data_dir=REPO / ".unused", config_dir=REPO / "config")
    )


def seeded(loaded: Network) -> dict[str, list[Rule]]:
    return {
        code: seed_rules(entity.profile.chart_of_accounts)
        for code, entity in loaded.countries.items()
    }


def version(loaded: Network, mappings: dict[str, list[Rule]]) -> str:
    return rule_set_version(loaded.group_chart, loaded.registry, loaded.rules, mappings)


def test_two_loads_give_the_same_version() -> None:
    first, second = network(), network()
    assert version(first, seeded(first)) == version(second, seeded(second))
    assert len(version(first, seeded(first))) == 64


def test_another_process_gives_the_same_version() -> None:
    loaded = network()
    script = (
        "from tests.federation.test_ruleset import network, seeded, version; "
        "n = network(); print(version(n, seeded(n)))"
    )
    other = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert other.stdout.strip() == version(loaded, seeded(loaded))


def test_a_mapping_change_changes_the_version() -> None:
    loaded = network()
    mappings = seeded(loaded)
    before = version(loaded, mappings)
    remapped = Rule(
        mappings["SE"][0].kind,
        mappings["SE"][0].first,
        mappings["SE"][0].last,
        "BS.L.PR.A",
        starts_on=dt.date(2027, 1, 1),
        id=999,
    )
    assert version(loaded, {**mappings, "SE": [*mappings["SE"], remapped]}) != before


def test_row_ids_authors_and_order_do_not_change_the_version() -> None:
    loaded = network()
    mappings = seeded(loaded)
    renumbered = {
        code: [
            dataclasses.replace(
                rule,
                id=1000 + index,
                recorded_by="someone",
                recorded_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
                reason="another reason",
            )
            for index, rule in enumerate(rules)
        ][::-1]
        for code, rules in mappings.items()
    }
    assert version(loaded, renumbered) == version(loaded, mappings)


def test_a_tolerance_change_changes_the_version() -> None:
    loaded = network()
    mappings = seeded(loaded)
    rules = msgspec.structs.replace(
        loaded.rules,
        tolerances=msgspec.structs.replace(loaded.rules.tolerances, rounding=Decimal("5")),
    )
    looser = rule_set_version(loaded.group_chart, loaded.registry, rules, mappings)
    assert looser != version(loaded, mappings)


def test_the_reference_data_holds_what_a_node_validates_with() -> None:
    loaded = network()
    data = reference_data(loaded.group_chart, loaded.registry, loaded.rules, seeded(loaded))
    assert set(data) == {"group_chart", "entities", "kpis", "reporting_rules", "mappings"}
    assert data["entities"]["SE"] == {"currency": "SEK", "fiscal_year_start_month": 1}
    assert {kpi["code"] for kpi in data["kpis"]} == set(loaded.registry.kpis)
    assert set(data["mappings"]) == set(loaded.countries)
    assert set(data["reporting_rules"]) == {"tolerances", "warnings"}


def test_short_is_the_first_twelve_digits() -> None:
    assert short("9c8d7e6f5a4b" + "0" * 52) == "9c8d7e6f5a4b"


async def test_the_hub_s_version_is_its_config_and_its_database_s_mappings(hub: Hub) -> None:
    loaded = network()
    async with hub.db.pool.acquire() as connection:
        assert await current_rule_set(hub, connection) == version(loaded, seeded(loaded))
        rule = seeded(loaded)["SE"][0]
        changed = dataclasses.replace(rule, line="BS.L.PR.A", starts_on=dt.date(2027, 1, 1))
        await insert(connection, "SE", [changed], None)
        assert await current_rule_set(hub, connection) != version(loaded, seeded(loaded))
