"""`hub backup FILE` and `hub restore FILE`: the installation's database (HUB_DATABASE_URL, else
the embedded server) to and from a pg_dump file. hub/cli.py adds the commands."""

from __future__ import annotations

import urllib.parse
from pathlib import Path

import click

from hub.cli_support import fail, run
from hub.db.archive import NotABackup, read_archive
from hub.db.backup import BackupDone, BackupError, backup, check_target
from hub.db.pgtools import ToolError
from hub.db.restore import RestoreError, check_known, restore
from hub.settings import Settings

REFUSALS = (BackupError, NotABackup, RestoreError, ToolError)

data_dir_option = click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The installation's data folder (default: $HUB_DATA_DIR, else the user's data folder).",
)


def of_database(url: str, server: str) -> str:
    """How messages name it: `the database "hub" of the server in HUB_DATABASE_URL`."""
    name = urllib.parse.urlsplit(url).path.lstrip("/")
    return f'the database "{name}" of {server if server.startswith("the ") else "the " + server}'


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
@data_dir_option
def backup_command(file: Path, force: bool, data_dir: Path | None) -> None:
    """Write the hub's database to FILE (pg_dump's custom format), consistent while the hub
    runs: pg_dump reads every table in one snapshot. The embedded server's pg_dump or the
    PATH's, whichever suits the server; $HUB_PG_BIN names another folder."""
    try:
        check_target(file, force)
    except REFUSALS as error:
        fail(str(error))
    settings = Settings.from_env().with_data_dir(data_dir)

    async def work(url: str, server: str) -> BackupDone:
        described = of_database(url, server)
        click.echo(f"Backing up {described} to {file} …", err=True)
        try:
            return await backup(url, described, file, force=force)
        except REFUSALS as error:
            fail(str(error))
            raise  # unreachable: fail() exits

    click.echo(run(settings, work).describe())


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--replace",
    is_flag=True,
    help="The database holds hub data: drop it, then restore FILE in its place (one transaction).",
)
@click.option(
    "--into-empty-only",
    is_flag=True,
    help="Refuse unless the database holds no objects at all, the hub's or others'.",
)
@data_dir_option
def restore_command(
    file: Path, replace: bool, into_empty_only: bool, data_dir: Path | None
) -> None:
    """Load a backup of `hub backup` into the hub's database. A database that already holds
    hub data is refused unless --replace; a failed restore changes nothing."""
    if replace and into_empty_only:
        fail("--replace and --into-empty-only contradict each other: give one")
    try:
        archive = read_archive(file)
        check_known(archive)
    except REFUSALS as error:
        fail(str(error))
        raise  # unreachable: fail() exits
    settings = Settings.from_env().with_data_dir(data_dir)

    async def work(url: str, server: str) -> list[str]:
        described = of_database(url, server)
        click.echo(f"Restoring {file} into {described} …", err=True)
        try:
            done = await restore(
                url, described, archive, replace=replace, into_empty_only=into_empty_only
            )
        except REFUSALS as error:
            fail(str(error))
            raise
        return done.describe(described)

    # A restore is how a new machine gets its data: the installation may be empty.
    for line in run(settings, work, create=True):
        click.echo(line)
