"""Who reports each entity (network.toml `reporting`): decoded and validated with the config,
and every change recorded once at start-up, with the file's SHA-256 and text, even when two
processes start on one database at the same moment."""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import logging
import sys
import time
from pathlib import Path

import asyncpg
import pytest

from hub.registry.load import load_registry
from hub.registry.model import ReportingMode
from hub.registry.modes import mode_history
from hub.services import Hub, open_hub
from hub.settings import Settings
from tests.conftest import REPO
from tests.node_config import config_with_nodes
from tests.registry.test_load import NETWORK, problems, write


def test_every_entity_of_the_shipped_network_is_reported_centrally() -> None:
    registry = load_registry(REPO / "config" / "network.toml")
    assert {e.reporting for e in registry.entities.values()} == {ReportingMode.CENTRAL}
    data = (REPO / "config" / "network.toml").read_bytes()
    assert registry.source == data.decode()
    assert registry.source_sha256 == hashlib.sha256(data).hexdigest()


def test_an_entity_reported_by_its_node(tmp_path: Path) -> None:
    registry = load_registry(config_with_nodes(tmp_path, "SE") / "network.toml")
    modes = {code: e.reporting for code, e in registry.entities.items()}
    assert modes == {
        "BE": ReportingMode.CENTRAL,
        "DE": ReportingMode.CENTRAL,
        "AT": ReportingMode.CENTRAL,
        "IT": ReportingMode.CENTRAL,
        "SE": ReportingMode.NODE,
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('"nodes"', "entities[4].reporting: Invalid enum value 'nodes'"),
        ('"Central"', "entities[4].reporting: Invalid enum value 'Central'"),
        ("true", "entities[4].reporting: Expected `str`, got `bool`"),
    ],
)
def test_a_wrong_reporting_mode_names_the_entity_and_the_value(
    tmp_path: Path, value: str, expected: str
) -> None:
    block = '[[entities]]\ncode = "SE"\n'
    text = NETWORK.replace(block, f"{block}reporting = {value}\n", 1)
    assert problems(write(tmp_path, text)) == [expected]


async def _history(hub: Hub) -> list[tuple[str, str, str]]:
    async with hub.db.pool.acquire() as connection:
        return [(r.entity, r.mode.value, r.config_sha256) for r in await mode_history(connection)]


async def test_the_first_start_records_each_entity_and_a_switch_adds_one_row(
    hub: Hub,
    settings: Settings,
    database_url: str,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    central = hub.registry.source_sha256
    assert await _history(hub) == [
        (code, "central", central) for code in ("BE", "DE", "AT", "IT", "SE")
    ]
    node = dataclasses.replace(settings, config_dir=config_with_nodes(tmp_path / "a", "SE"))
    caplog.set_level(logging.INFO, logger="hub.registry")
    async with open_hub(node, database_url, pool_size=1) as switched:
        node_sha = switched.registry.source_sha256
        node_text = switched.registry.source
    assert [r.getMessage() for r in caplog.records if r.name == "hub.registry"] == [
        f"reporting mode: SE is now reported by its node, was central (network.toml "
        f"{node_sha[:12]})"
    ]
    # Starting again with the same config records nothing; switching back records the return.
    async with open_hub(node, database_url, pool_size=1):
        pass
    async with open_hub(settings, database_url, pool_size=1):
        pass
    history = await _history(hub)
    assert history[5:] == [("SE", "node", node_sha), ("SE", "central", central)]
    async with hub.db.pool.acquire() as connection:
        [first, switch, back] = await mode_history(connection, "SE")
    assert (first.mode, switch.mode, back.mode) == (
        ReportingMode.CENTRAL,
        ReportingMode.NODE,
        ReportingMode.CENTRAL,
    )
    assert switch.config_text == node_text
    assert 'code = "SE"\nreporting = "node"' in switch.config_text
    assert first.recorded_at < switch.recorded_at < back.recorded_at


async def test_the_history_is_append_only(hub: Hub) -> None:
    async with hub.db.pool.acquire() as connection:
        for statement in (
            "update entity_reporting set mode = 'node'",
            "delete from entity_reporting",
        ):
            with pytest.raises(asyncpg.RestrictViolationError):
                await connection.execute(statement)
        assert await connection.fetchval("select count(*) from entity_reporting") == 5


STARTER = """
import asyncio, logging, sys
from pathlib import Path
from hub.services import open_hub
from hub.settings import Settings

logging.basicConfig(level=logging.INFO, format="%(name)s %(message)s")


async def main() -> None:
    settings = Settings(database_url=None, data_dir=Path("."), config_dir=Path(sys.argv[2]))
    async with open_hub(settings, sys.argv[1], pool_size=1):
        pass


asyncio.run(main())
"""


async def test_two_processes_starting_at_once_record_a_switch_once(
    hub: Hub, settings: Settings, database_url: str, tmp_path: Path
) -> None:
    config = config_with_nodes(tmp_path, "SE")
    holder = await asyncpg.connect(database_url)
    try:
        # Both starters reach the recording together: they queue behind this transaction.
        transaction = holder.transaction()
        await transaction.start()
        await holder.execute("select pg_advisory_xact_lock(hashtext('entity_reporting'))")
        starters = [
            await asyncio.create_subprocess_exec(
                sys.executable,
                "-c",
                STARTER,
                database_url,
                str(config),
                cwd=REPO,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
            )
            for _ in range(2)
        ]
        deadline = time.monotonic() + 60
        waiting = 0
        while waiting < 2 and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
            waiting = await holder.fetchval(
                "select count(*) from pg_locks where locktype = 'advisory' and not granted "
                "and database = (select oid from pg_database where datname = current_database())"
            )
        assert waiting == 2, [p.returncode for p in starters]
        await transaction.commit()
        outputs = [(await asyncio.wait_for(p.communicate(), 60))[0].decode() for p in starters]
    finally:
        await holder.close()
    assert [p.returncode for p in starters] == [0, 0], outputs
    switches = [line for out in outputs for line in out.splitlines() if "reporting mode:" in line]
    assert len(switches) == 1, outputs
    assert switches[0].startswith("hub.registry reporting mode: SE is now reported by its node")
    history = await _history(hub)
    assert [(entity, mode) for entity, mode, _ in history] == [
        *((code, "central") for code in ("BE", "DE", "AT", "IT", "SE")),
        ("SE", "node"),
    ]
