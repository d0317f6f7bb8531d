"""What every command of the `hub` command line shares: a refusal in one line, and running work
against the installation's database (HUB_DATABASE_URL, else the embedded server of the data
folder). hub/cli.py, the top, adds each capability's commands; they import this, never hub.cli."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Callable, Coroutine, Iterator
from typing import Any, TypeVar

import click

from countries import UnknownCountryError
from hub.db.embedded import EmbeddedPostgres
from hub.db.errors import DatabaseUnavailable, MigrationError
from hub.installation import NoHubData, database_place, require_embedded_data, require_hub_data
from hub.registry.load import ConfigError
from hub.services import load_network
from hub.settings import Settings

T = TypeVar("T")


# What stops a command with one clear line and exit status 1, instead of a traceback.
USER_ERRORS = (
    ConfigError,
    DatabaseUnavailable,
    MigrationError,
    UnknownCountryError,
    NoHubData,
)

UVICORN_STARTUP_FAILURE = 3  # uvicorn's exit status when the app cannot start


def fail(message: str) -> None:
    click.secho(f"error: {message}", fg="red", err=True)
    sys.exit(1)


@contextlib.contextmanager
def database_url(
    settings: Settings, *, create: bool = True
) -> Iterator[tuple[str, str, EmbeddedPostgres | None]]:
    """The server to use: HUB_DATABASE_URL if set, else the embedded one of the data folder
    (joined when a running hub started it). Without `create`, a data folder with no database
    is refused (`NoHubData`) instead of getting a new, empty one."""
    if settings.database_url is not None:
        yield settings.database_url, "the server in HUB_DATABASE_URL", None
        return
    if not create:
        require_embedded_data(settings.data_dir)
    embedded = EmbeddedPostgres(settings.data_dir)
    url = embedded.start()
    try:
        yield url, f"embedded PostgreSQL in {embedded.pgdata}", embedded
    finally:
        embedded.stop()


@contextlib.contextmanager
def one_line_failures(*more: type[Exception]) -> Iterator[None]:
    """Known failures (USER_ERRORS, and `more`) as one line and exit status 1."""
    known: tuple[type[Exception], ...] = (*USER_ERRORS, *more)
    try:
        yield
    except known as error:
        fail(str(error))


def run(
    settings: Settings,
    work: Callable[[str, str], Coroutine[Any, Any, T]],
    *,
    create: bool = False,
) -> T:
    """Run `work(url, description)` against the installation's database, turning known
    failures into one line. It must have the hub's data already, unless `create`."""
    return run_with_server(
        settings, lambda url, described, _embedded: work(url, described), create=create
    )


def run_with_server(
    settings: Settings,
    work: Callable[[str, str, EmbeddedPostgres | None], Coroutine[Any, Any, T]],
    *,
    create: bool = True,
    loop_factory: Callable[[], asyncio.AbstractEventLoop] | None = None,
) -> T:
    """`run`, for work that also needs the embedded server itself (None with HUB_DATABASE_URL);
    this one creates the database unless told not to (starting a hub, a node). A server passes
    its `loop_factory` (hub/serving/options.py)."""

    async def checked(url: str, described: str, embedded: EmbeddedPostgres | None) -> T:
        if not create:
            await require_hub_data(url, database_place(settings.database_url, settings.data_dir))
        return await work(url, described, embedded)

    with (
        one_line_failures(),
        database_url(settings, create=create) as (url, described, embedded),
        asyncio.Runner(loop_factory=loop_factory) as runner,
    ):
        return runner.run(checked(url, described, embedded))
    raise AssertionError("unreachable: one_line_failures() exits")


def check_config(settings: Settings) -> None:
    """Fail on a wrong config before any server is started."""
    try:
        load_network(settings)
    except USER_ERRORS as error:
        fail(str(error))
