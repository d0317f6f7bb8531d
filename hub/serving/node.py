"""`hub node serve`: the hub's own app on the node's database for its national team (GraphQL,
imports, workbook, pages), with two background tasks: delivering the outbox (hub/node/deliver.py)
and, every few minutes, asking the hub for its envelopes' status (hub/node/status.py). It serves
the assembled app, so it sits above the assembly; hub/cli.py adds it to the `hub node` group."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable
from pathlib import Path

import click
import uvicorn

from hub.assembly.app import create_app
from hub.cli_support import UVICORN_STARTUP_FAILURE, check_config, fail
from hub.db.embedded import EmbeddedPostgres
from hub.db.errors import DatabaseUnavailable
from hub.db.pool import Database
from hub.db.supervise import supervise
from hub.node.cli import node_dir_option, node_of, node_ready, run_on_node
from hub.node.deliver import delivery_loop
from hub.node.folder import Node
from hub.node.hub_client import HubRefusedRequest, HubUnreachable, hub_client
from hub.node.show import attempt_line
from hub.node.status import refresh
from hub.serving.options import loop_factory, server_config

log = logging.getLogger("hub.node")

STATUS_EVERY_SECONDS = 120.0


async def status_loop(database: Database, node: Node, every: float = STATUS_EVERY_SECONDS) -> None:
    async with hub_client(node) as client:
        while True:
            try:
                await refresh(database, client)
            except (HubUnreachable, HubRefusedRequest) as problem:
                log.warning("status not refreshed: %s", problem)
            except Exception:  # a database hiccup: the next round retries
                log.exception("status refresh failed")
            await asyncio.sleep(every)


async def serve_node(
    node: Node,
    url: str,
    address: tuple[str, int],
    banner: Callable[[], None],
    embedded: EmbeddedPostgres | None,
) -> None:
    host, port = address
    # httpx logs every request at INFO; the deliverer says what came of each envelope itself.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    app = create_app(node.settings(), url)
    wake = asyncio.Event()
    app.state.node = node
    app.state.node_wake = wake
    server = uvicorn.Server(server_config(app, host=host, port=port))
    serving = asyncio.create_task(server.serve())
    # uvicorn has no start-up event to await: poll its flag until it listens or gives up.
    while not server.started and not serving.done():  # noqa: ASYNC110
        await asyncio.sleep(0.05)
    if not server.started:
        await serving
        return
    banner()
    database = await Database.connect(url, max_size=3)
    async with hub_client(node) as client:
        background = {
            asyncio.create_task(
                delivery_loop(database, client, wake, lambda a: click.echo(attempt_line(a)))
            ),
            asyncio.create_task(status_loop(database, node)),
        }
        watch = None if embedded is None else asyncio.create_task(supervise(embedded))
        waited = {serving} if watch is None else {serving, watch}
        try:
            await asyncio.wait(waited, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in background:
                task.cancel()
            for task in background:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await database.close()
    if watch is not None and watch.done() and not serving.done():
        server.should_exit = True
        await serving
        raise DatabaseUnavailable(watch.result())
    if watch is not None:
        watch.cancel()
    await serving


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8100, show_default=True, type=int)
@node_dir_option
def node_serve(host: str, port: int, node_dir: Path | None) -> None:
    """Serve the hub's app on the node's database for its national team, and deliver the
    outbox in the background."""
    found = node_of(node_dir)
    node_ready(found)
    check_config(found.settings())

    def stop(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)

    def banner() -> None:
        click.secho(
            f"The node of {found.entity} is running at http://{host}:{port}", fg="green", bold=True
        )
        click.echo(f"  GraphQL  : http://{host}:{port}/graphql")
        click.echo(f"  Hub      : {found.hub} (the outbox is delivered in the background)")
        click.echo(f"  Folder   : {found.directory}")
        click.echo("\nPress Ctrl-C to stop.")

    async def work(url: str, embedded: EmbeddedPostgres | None) -> None:
        await serve_node(found, url, (host, port), banner, embedded)

    try:
        run_on_node(found, work, loop_factory())
    except KeyboardInterrupt:
        pass
    except SystemExit as stopped:
        if stopped.code != UVICORN_STARTUP_FAILURE:
            raise
        fail(f"the node could not start listening on {host}:{port} (uvicorn's reason is above)")
    click.echo("Stopped.")
