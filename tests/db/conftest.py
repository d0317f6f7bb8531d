"""One demo network, loaded once for the backup tests, and its backup written by `hub backup`."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest

from hub.demo.load import load_demo
from hub.services import open_hub
from hub.settings import Settings
from tests.conftest import with_database
from tests.db.backups import Fingerprint, Ran, fingerprint, hub_command


@dataclass(frozen=True, slots=True)
class DemoBackup:
    url: str  # the database it was taken from
    file: Path
    tokens: dict[str, str]  # of the demo users, stored (hashed) in the backup too
    ran: Ran  # the `hub backup` that wrote it
    fingerprint: Fingerprint  # of the database when it was taken


@pytest.fixture(scope="package")
async def demo_backup(
    server_url: str, template_db: str, settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[DemoBackup]:
    name = f"hub_test_{uuid.uuid4().hex[:12]}_demo"
    admin = await asyncpg.connect(server_url)
    try:
        await admin.execute(f'create database "{name}" template "{template_db}"')
        url = with_database(server_url, name)
        async with open_hub(settings, url, pool_size=2) as hub:
            tokens = (await load_demo(hub)).tokens
        folder = tmp_path_factory.mktemp("demo-backup")
        file = folder / "demo.backup"
        ran = await hub_command("backup", str(file), database_url=url, cwd=folder)
        assert ran.status == 0, ran.stderr
        yield DemoBackup(url, file, tokens, ran, await fingerprint(url))
        await admin.execute(f'drop database if exists "{name}" with (force)')
    finally:
        await admin.close()
