"""Sync on real PostgreSQL, two databases: the node reproduces the hub's config and mappings
and computes the hub's rule-set version; finance's later change reaches it as one appended row
by the node's system user; what the node cannot reproduce is said in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.federation.reference import read_config_files, reference
from hub.federation.ruleset import current_rule_set, short
from hub.mappings.service import MapIn, map_accounts
from hub.node.create import create_node
from hub.node.folder import Node, NodeError
from hub.node.sync import SYSTEM_USER, apply_reference, own_entity_central
from hub.services import Hub, open_hub
from hub.settings import Settings
from tests.node.conftest import NOW, finance_user


async def test_the_node_reproduces_the_hubs_rule_set_and_takes_finances_changes(
    hub: Hub, hub_settings: Settings, node_folder: Node, node_database_url: str
) -> None:
    files = read_config_files(hub_settings.config_dir)
    first = await reference(hub, files, NOW)
    synced = await apply_reference(node_folder, node_database_url, first)
    assert (synced.matches, synced.rows_added, synced.differences) == (True, 0, ())
    assert synced.summary() == (
        f"reference data up to date: rule set {short(first.rule_set_version)}… "
        "(0 mapping rows added)"
    )
    for name in ("network.toml", "group_chart.toml", "reporting.toml"):
        written = (node_folder.config_dir / name).read_text()
        hubs = (hub_settings.config_dir / name).read_text()
        assert written == (own_entity_central(hubs, "SE") if name == "network.toml" else hubs)

    await map_accounts(
        hub,
        await finance_user(hub),
        MapIn(
            entity="SE",
            accounts=("3041",),
            line="IS.TI.SALES",
            effective_from="2030",
            reason="sales of services from 2030",
        ),
    )
    second = await reference(hub, files, NOW)
    async with hub.db.pool.acquire() as connection:
        assert second.rule_set_version == await current_rule_set(hub, connection)
    assert second.rule_set_version != first.rule_set_version
    [sweden] = [part for part in second.mappings if part.entity == "SE"]
    assert sweden.rows[-1].reason == "sales of services from 2030"

    synced = await apply_reference(node_folder, node_database_url, second)
    assert (synced.matches, synced.rows_added) == (True, 1)
    assert synced.local_version == second.rule_set_version
    again = await apply_reference(node_folder, node_database_url, second)
    assert (again.matches, again.rows_added) == (True, 0)

    async with (
        open_hub(node_folder.settings(), node_database_url, pool_size=1) as node_hub,
        node_hub.db.pool.acquire() as connection,
    ):
        row = await connection.fetchrow(
            "select m.first_account, m.line_code, m.effective_from, m.reason, u.name, u.role "
            "from account_mapping m join app_user u on u.id = m.recorded_by "
            "where m.entity_code = 'SE' order by m.id desc limit 1"
        )
        assert row is not None
        assert tuple(row) == (
            "3041",
            "IS.TI.SALES",
            "2030",
            "sales of services from 2030",
            SYSTEM_USER,
            "finance",
        )
        recorded = await connection.fetch(
            "select rule_set_version, local_version, mapping_rows_added from node_reference "
            "order by id"
        )
        assert [tuple(r) for r in recorded] == [
            (first.rule_set_version, first.rule_set_version, 0),
            (second.rule_set_version, second.rule_set_version, 1),
            (second.rule_set_version, second.rule_set_version, 0),
        ]
        assert await current_rule_set(node_hub, connection) == second.rule_set_version


async def test_a_rule_only_the_node_has_keeps_the_versions_apart_in_one_line(
    hub: Hub, hub_settings: Settings, node_folder: Node, node_database_url: str
) -> None:
    files = read_config_files(hub_settings.config_dir)
    current = await reference(hub, files, NOW)
    await apply_reference(node_folder, node_database_url, current)
    async with open_hub(node_folder.settings(), node_database_url, pool_size=1) as node_hub:
        await map_accounts(
            node_hub,
            await finance_user(node_hub),
            MapIn(
                entity="SE",
                accounts=("3041",),
                line="IS.TI.SALES",
                effective_from="2031",
                reason="a local change",
            ),
        )
    synced = await apply_reference(node_folder, node_database_url, current)
    assert not synced.matches
    assert synced.summary() == (
        f"the node's rule set {short(synced.local_version)}… is not the hub's "
        f"{short(current.rule_set_version)}…: the mappings of SE differ (1 rule only the node has)"
    )


async def test_an_entity_the_network_does_not_have_is_refused_once_the_data_is_fetched(
    hub: Hub, hub_settings: Settings, tmp_path: Path, node_database_url: str
) -> None:
    stranger = create_node(tmp_path / "xx", "XX", "http://127.0.0.1:9", NOW).node
    current = await reference(hub, read_config_files(hub_settings.config_dir), NOW)
    with pytest.raises(NodeError) as refused:
        await apply_reference(stranger, node_database_url, current)
    assert str(refused.value) == (
        "XX is not an entity of the hub's network (it has AT, BE, DE, IT, SE): this node "
        "cannot report for it"
    )
    assert not (stranger.config_dir / "network.toml").exists()
