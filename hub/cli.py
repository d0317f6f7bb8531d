"""The `hub` command: serve, load the demo network, migrate, manage users, export the SDL."""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import socket
import sys
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

import click
import uvicorn

from hub.assembly.app import create_app
from hub.assembly.schema import schema_sdl
from hub.auth.cli import user
from hub.auth.policy import Principal, Role
from hub.backup_cli import backup_command, restore_command
from hub.board.service import ComparisonError, board_pack_for
from hub.cli_support import (
    USER_ERRORS,
    UVICORN_STARTUP_FAILURE,
    check_config,
    database_url,
    fail,
    one_line_failures,
    run,
    run_with_server,
)
from hub.consolidation.export import require_statements, statements_file
from hub.consolidation.model import ConsolidationError
from hub.contributions.service import ContributionError
from hub.db.embedded import EmbeddedPostgres
from hub.db.errors import DatabaseUnavailable
from hub.db.migrate import apply_migrations
from hub.db.pool import Database
from hub.db.supervise import supervise
from hub.demo.federated import FederatedDemoError, federated_config, travel
from hub.demo.load import DemoLoadError, demo_users, load_demo_data, renew_demo_credentials
from hub.excel.service import BadRequest, reported_template
from hub.fx.cli import rates
from hub.imports.cli import import_command
from hub.imports.profile_cli import import_profile
from hub.monitoring.report import monitoring_report
from hub.node.cli import node
from hub.services import open_hub
from hub.serving.listen import CannotListen, listen
from hub.serving.node import node_serve
from hub.serving.options import loop_factory, server_config
from hub.serving.running import HubAlreadyRunning, ServingLock, serving_alone
from hub.serving.workers import WorkersFailed, serve_workers
from hub.settings import Settings
from hub.web.pages import DASHBOARD, FIRST_PAGE, SIGN_IN

T = TypeVar("T")


# What stops `hub serve` in one line besides USER_ERRORS.
SERVE_ERRORS = (HubAlreadyRunning, CannotListen, WorkersFailed)

# The proxies whose X-Forwarded-For / X-Forwarded-Proto the hub believes (uvicorn's default).
LOCAL_PROXIES = "127.0.0.1,::1"

EXAMPLE_QUERY = (
    '{ entity(code: "DE") { name currency '
    'kpiValues(period: ["2024"], kpi: ["turnover"]) { amount currency provenance } } }'
)


DATA_DIR_HELP = (
    "The installation's data folder, with its embedded PostgreSQL (default: $HUB_DATA_DIR, "
    "else the user's data folder, e.g. ~/.local/share/network-hub)."
)
data_dir_option = click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help=DATA_DIR_HELP,
)
host_option = click.option("--host", default="127.0.0.1", show_default=True)
port_option = click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))


class HubGroup(click.Group):
    """A usage error (an unknown option, `--port 99999`) is one line, `error: ...`, with exit
    status 2, like every other refusal of the command line."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        try:
            result = super().main(*args, **kwargs)
        except click.UsageError as error:
            where = f" (see `{error.ctx.command_path} --help`)" if error.ctx else ""
            click.secho(f"error: {error.format_message()}{where}", fg="red", err=True)
            sys.exit(error.exit_code)
        except click.ClickException as error:
            error.show()
            sys.exit(error.exit_code)
        except click.Abort:
            click.echo("Aborted!", err=True)
            sys.exit(1)
        sys.exit(result if isinstance(result, int) else 0)


@click.group(cls=HubGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="network-hub", prog_name="hub", message="%(prog)s %(version)s")
def main() -> None:
    """The Smart network hub. Set HUB_DATABASE_URL to use your PostgreSQL server; without it the
    hub runs its own, embedded one, in the installation's data folder ($HUB_DATA_DIR, else the
    user's data folder), whatever folder a command runs in."""


async def _serve(
    settings: Settings,
    url: str,
    sock: socket.socket,
    listening: Callable[[], Awaitable[None]],
    embedded: EmbeddedPostgres | None,
    forwarded_allow_ips: str = LOCAL_PROXIES,
    companion: Callable[[], Coroutine[Any, Any, None]] | None = None,
) -> None:
    """Serve on `sock` in this process; `listening` runs once the server accepts requests;
    `companion`, started then, runs beside it (the federated demo's node) and is cancelled when
    the hub stops."""
    config = server_config(create_app(settings, url), forwarded_allow_ips=forwarded_allow_ips)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    # uvicorn has no start-up event to await: poll its flag until it listens or gives up.
    while not server.started and not task.done():  # noqa: ASYNC110
        await asyncio.sleep(0.05)
    beside: asyncio.Task[None] | None = None
    if server.started:
        try:
            await listening()
        except BaseException:
            server.should_exit = True
            await task
            raise
        if companion is not None:
            beside = asyncio.create_task(companion())
    try:
        await _serve_until_stopped(task, server, embedded)
    finally:
        if beside is not None:
            beside.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beside


async def _serve_until_stopped(
    task: asyncio.Task[None], server: uvicorn.Server, embedded: EmbeddedPostgres | None
) -> None:
    if embedded is None:
        await task
        return
    watch = asyncio.create_task(supervise(embedded))
    await asyncio.wait({task, watch}, return_when=asyncio.FIRST_COMPLETED)
    if not watch.done():
        watch.cancel()
        await task
        return
    server.should_exit = True
    await task
    raise DatabaseUnavailable(watch.result())


def _print_banner(
    host: str,
    port: int,
    described: str,
    tokens: dict[str, str] | None,
    graphiql: bool,
    passwords: dict[str, tuple[str, Role]] | None = None,
    workers: int = 1,
) -> None:
    """What `hub serve` and `hub demo` print once listening; `passwords` maps a demo user to its
    password and role (the role says which page it opens)."""
    base = f"http://{host}:{port}"
    click.secho(f"The network hub is running at {base}", fg="green", bold=True)
    if graphiql:
        click.echo(f"  GraphiQL : {base}/graphql")
    else:
        click.echo(f"  GraphQL  : {base}/graphql (POST; the GraphiQL page is off: --graphiql)")
    click.echo(f"  Health   : {base}/health")
    click.echo(f"  Database : {described}")
    if workers > 1:
        click.echo(f"  Workers  : {workers} processes")
    if tokens:
        click.echo("\nDemo users (bearer tokens, new at every start):")
        for name, token in tokens.items():
            click.echo(f"  {name:<12} {token}")
        board = tokens["board"]
        body = json.dumps({"query": EXAMPLE_QUERY})
        click.echo("\nExample: Germany's 2024 turnover, as the board")
        click.echo(
            f"  curl -s {base}/graphql -H 'Authorization: Bearer {board}' "
            f"-H 'Content-Type: application/json' -d '{body}'"
        )
        click.echo(
            '\nIn GraphiQL, add the header {"Authorization": "Bearer <token>"} in the Headers tab.'
        )
    if passwords:
        click.echo(
            f"\nDemo users (passwords to sign in at {base}{SIGN_IN.path}, new at every start) "
            "and the page each opens:"
        )
        for name, (password, role) in passwords.items():
            page = FIRST_PAGE[role]
            click.echo(f"  {name:<12} {password}  {page.path:<9} {page.what}")
        click.echo(
            f"Every user may also open the dashboard ({base}{DASHBOARD.path}); a page opened "
            f"before signing in leads to {SIGN_IN.path} and back."
        )
    click.echo("\nPress Ctrl-C to stop.")


def _stop_on_terminate(_signum: int, _frame: object) -> None:
    """A service manager stops the hub with SIGTERM: stop as after Ctrl-C (uvicorn finishes the
    requests under way, then the embedded PostgreSQL is stopped), not abruptly."""
    raise KeyboardInterrupt


def _serving_alone(settings: Settings) -> contextlib.AbstractContextManager[ServingLock | None]:
    """The embedded PostgreSQL's data folder is served by one hub at a time; a server named by
    HUB_DATABASE_URL may have several (hub/serving/running.py)."""
    if settings.database_url is None:
        return serving_alone(settings.data_dir)
    return contextlib.nullcontext()


def _serve_command(
    settings: Settings,
    host: str,
    port: int,
    demo: bool,
    *,
    workers: int = 1,
    forwarded_allow_ips: str = LOCAL_PROXIES,
    node_port: int | None = None,
) -> None:
    """Start the hub: refused in one line when another hub serves the data or the port is
    taken, before the database is touched; the database is then made ready (migrations, the
    demo's data) before the server starts, so that its failures are one line too."""
    check_config(settings)
    signal.signal(signal.SIGTERM, _stop_on_terminate)
    try:
        # In this order: another hub on the data is named before its port is found taken.
        with (
            one_line_failures(*SERVE_ERRORS),
            _serving_alone(settings) as held,
            contextlib.closing(listen(host, port)) as sock,
        ):
            if workers > 1:
                _serve_workers(settings, (host, port), sock, workers, forwarded_allow_ips, held)
            else:
                serving = _Serving(
                    settings, (host, port), sock, held, forwarded_allow_ips, node_port
                )
                run_with_server(
                    settings, serving.demo if demo else serving.serve, loop_factory=loop_factory()
                )
    except KeyboardInterrupt:
        pass
    except SystemExit as stop:
        if stop.code != UVICORN_STARTUP_FAILURE:
            raise
        fail("the hub's application could not start (uvicorn's reason is above)")
    click.echo("Stopped.")


@dataclass(frozen=True, slots=True)
class _Serving:
    """The hub served in this process on `sock`, as `hub serve` or as `hub demo`."""

    settings: Settings
    address: tuple[str, int]
    sock: socket.socket
    held: ServingLock | None
    forwarded_allow_ips: str
    node_port: int | None = None  # the federated demo: Sweden's node served there

    async def serve(self, url: str, described: str, embedded: EmbeddedPostgres | None) -> None:
        await _ready(self.settings, url)

        async def listening() -> None:
            self._listening(described)

        await _serve(self.settings, url, self.sock, listening, embedded, self.forwarded_allow_ips)

    async def demo(self, url: str, described: str, embedded: EmbeddedPostgres | None) -> None:
        """The demo's data loaded before the server starts; its users' credentials renewed only
        once it listens."""
        async with open_hub(self.settings, url, pool_size=2) as hub:
            try:
                _say_loaded(await load_demo_data(hub))
            except DemoLoadError as error:
                fail(str(error))

        async def listening() -> None:
            async with open_hub(self.settings, url, pool_size=1) as hub:
                renewed = await renew_demo_credentials(hub)
                roles = {u.name: u.role for u in demo_users(list(hub.registry.entities))}
            passwords = {name: (pw, roles[name]) for name, pw in renewed.passwords.items()}
            self._listening(described, renewed.tokens, passwords)

        companion = None
        if self.node_port is not None:
            host, port = self.address
            companion = _federated_node(self.settings, url, f"http://{host}:{port}", self.node_port)
        await _serve(
            self.settings,
            url,
            self.sock,
            listening,
            embedded,
            self.forwarded_allow_ips,
            companion,
        )

    def _listening(
        self,
        described: str,
        tokens: dict[str, str] | None = None,
        passwords: dict[str, tuple[str, Role]] | None = None,
    ) -> None:
        host, port = self.address
        _print_banner(host, port, described, tokens, self.settings.graphiql, passwords)
        if self.held is not None:
            self.held.listening(f"http://{host}:{port}")


def _federated_node(
    settings: Settings, url: str, hub_url: str, node_port: int
) -> Callable[[], Coroutine[Any, Any, None]]:
    """The federated demo's second process: Sweden's node, its report sent to this hub. A
    failure is said in one line and the hub keeps serving: nothing waits on a node."""

    def say(line: str) -> None:
        click.echo(line)

    async def companion() -> None:
        click.secho("\nFederated: Sweden reports through its own node", fg="green", bold=True)
        try:
            async with open_hub(replace(settings, database_url=url), url, pool_size=2) as hub:
                await travel(hub, settings, hub_url, node_port, say)
        except (FederatedDemoError, *USER_ERRORS, *SERVE_ERRORS) as error:
            click.secho(f"error: the federated demo's node: {error}", fg="red", err=True)

    return companion


def _say_loaded(loaded: Any) -> None:
    """What `hub demo` loaded (hub/demo/load.py's DemoLoad)."""
    if loaded.submitted:
        click.echo(f"Demo data submitted: {', '.join(loaded.submitted)}")
    if loaded.already_there:
        click.echo(f"Demo data already present: {', '.join(loaded.already_there)}")
    for correction in loaded.corrections:
        click.echo(f"Correction under way: {correction}")
    if loaded.consolidation:
        click.echo(f"Consolidation recorded: {', '.join(loaded.consolidation)}")
    click.echo(f"Consolidation: {loaded.consolidated}")
    for imported in loaded.imported:
        click.echo(f"National export imported: {imported}")
    for through in loaded.through_nodes:
        click.echo(f"Reported by its node: {through}")


def _serve_workers(
    settings: Settings,
    address: tuple[str, int],
    sock: socket.socket,
    workers: int,
    forwarded_allow_ips: str,
    held: ServingLock | None,
) -> None:
    """`hub serve --workers N`: the database (the embedded server started here) made ready
    once, then N processes serving on `sock`."""
    host, port = address
    with database_url(settings) as (url, described, embedded):
        asyncio.run(_ready(settings, url))

        def listening() -> None:
            _print_banner(host, port, described, None, settings.graphiql, workers=workers)
            if held is not None:
                held.listening(f"http://{host}:{port}")

        serve_workers(settings, url, sock, workers, forwarded_allow_ips, listening, embedded)


async def _ready(settings: Settings, url: str) -> None:
    """Migrations applied and the registry synced, before any worker starts."""
    async with open_hub(settings, url, pool_size=1):
        pass


behind_tls_option = click.option(
    "--behind-tls",
    is_flag=True,
    envvar="HUB_BEHIND_TLS",
    help="Clients reach the hub over HTTPS through a reverse proxy: answers carry "
    "Strict-Transport-Security ($HUB_BEHIND_TLS).",
)


@main.command()
@host_option
@port_option
@data_dir_option
@behind_tls_option
@click.option(
    "--federated",
    is_flag=True,
    help="Sweden reported by its own node: a second process with its own database, which "
    "sends Sweden's first quarter of 2025 to the hub as a signed envelope.",
)
@click.option(
    "--node-port",
    default=8100,
    show_default=True,
    type=click.IntRange(1, 65535),
    help="With --federated: the port of Sweden's node.",
)
def demo(
    host: str,
    port: int,
    data_dir: Path | None,
    behind_tls: bool,
    federated: bool,
    node_port: int,
) -> None:
    """Start the hub with the demo network loaded; print the URL, tokens and an example query.
    The GraphiQL page is on."""
    settings = Settings.from_env().with_data_dir(data_dir)
    settings = replace(settings, graphiql=True, behind_tls=behind_tls)
    if not federated:
        _serve_command(settings, host, port, demo=True)
        return
    try:
        config = federated_config(settings.config_dir, settings.data_dir / "federated-config")
    except FederatedDemoError as error:
        fail(str(error))
        raise
    _serve_command(replace(settings, config_dir=config), host, port, True, node_port=node_port)


@main.command()
@host_option
@port_option
@data_dir_option
@click.option(
    "--graphiql/--no-graphiql",
    default=False,
    envvar="HUB_GRAPHIQL",
    show_default=True,
    help="Serve the GraphiQL page at GET /graphql ($HUB_GRAPHIQL).",
)
@behind_tls_option
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    envvar="HUB_WORKERS",
    help="Processes serving requests, sharing nothing but the database ($HUB_WORKERS).",
)
@click.option(
    "--forwarded-allow-ips",
    default=LOCAL_PROXIES,
    show_default=True,
    envvar="HUB_FORWARDED_ALLOW_IPS",
    help="The reverse proxies (addresses or networks, comma-separated; '*': any) whose "
    "X-Forwarded-For and X-Forwarded-Proto the hub believes ($HUB_FORWARDED_ALLOW_IPS).",
)
def serve(
    host: str,
    port: int,
    data_dir: Path | None,
    graphiql: bool,
    behind_tls: bool,
    workers: int,
    forwarded_allow_ips: str,
) -> None:
    """Start the hub (migrations are applied at start-up). Refused when another hub serves the
    installation's data: the line names it."""
    settings = Settings.from_env().with_data_dir(data_dir)
    settings = replace(settings, graphiql=graphiql, behind_tls=behind_tls)
    _serve_command(
        settings, host, port, demo=False, workers=workers, forwarded_allow_ips=forwarded_allow_ips
    )


@main.command()
@data_dir_option
def migrate(data_dir: Path | None) -> None:
    """Apply the database migrations that are not applied yet."""

    async def work(url: str, described: str) -> list[str]:
        db = await Database.connect(url, max_size=1)
        try:
            async with db.pool.acquire() as connection:
                done = await apply_migrations(connection)
        finally:
            await db.close()
        return [f"{m.version:04d}_{m.name}" for m in done]

    applied = run(Settings.from_env().with_data_dir(data_dir), work, create=True)
    click.echo(f"Applied: {', '.join(applied)}" if applied else "The database is up to date.")


@main.command()
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file instead of standard output (graphql/schema.graphql in the repo).",
)
def schema(output: Path | None) -> None:
    """Print the GraphQL schema (SDL)."""
    sdl = schema_sdl()
    if output is None:
        click.echo(sdl, nl=False)
    else:
        output.write_text(sdl, encoding="utf-8")
        click.echo(f"Wrote {output}")


@main.group()
def export() -> None:
    """Write reports to files, set up to print (A4 landscape, one page wide). A period without
    data is refused with one line naming the periods that have some; no file is written."""


output_option = click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The file to write (default: named after the report and period, in this folder).",
)


def _export(
    data_dir: Path | None,
    target: Path,
    role: Role,
    refusals: tuple[type[Exception], ...],
    make: Callable[[Any, Any], Coroutine[Any, Any, bytes]],
) -> None:
    """Write what `make(hub, principal)` returns to `target`, as a user of `role`; any of
    `refusals` is one line and no file."""
    settings = Settings.from_env().with_data_dir(data_dir)
    check_config(settings)

    async def work(url: str, described: str) -> bytes:
        async with open_hub(settings, url, pool_size=2) as hub:
            principal = Principal(user_id=0, name="hub export", role=role)
            try:
                return await make(hub, principal)
            except refusals as error:
                fail(str(error))
                raise  # unreachable: fail() exits

    content = run(settings, work)
    target.write_bytes(content)
    click.echo(f"Wrote {target} ({len(content):,} bytes)")


@export.command("board-pack")
@click.option("--period", required=True, help="The year, e.g. 2024.")
@output_option
@data_dir_option
def export_board_pack(period: str, output: Path | None, data_dir: Path | None) -> None:
    """The board pack: the network table, the turnover trend, a sheet per country, native
    charts (published figures only, as the board sees them)."""
    target = output or Path(f"board-pack-{period}.xlsx")
    _export(
        data_dir,
        target,
        Role.BOARD,
        (ComparisonError,),
        lambda hub, principal: board_pack_for(hub, principal, period),
    )


@export.command("consolidation")
@click.option("--period", required=True, help="The year, e.g. 2024.")
@click.option(
    "--entity",
    "entities",
    multiple=True,
    help="Consolidate these entities only (repeat the option; default: the whole network).",
)
@output_option
@data_dir_option
def export_consolidation(
    period: str, entities: tuple[str, ...], output: Path | None, data_dir: Path | None
) -> None:
    """The consolidated statements workbook finance signs (the signed-off run of a locked
    year), as GET /api/consolidation/PERIOD/statements.xlsx serves it."""

    async def make(hub: Any, principal: Any) -> bytes:
        await require_statements(hub, period)
        _, content = await statements_file(hub, principal, period, list(entities) or None)
        return content

    target = output or Path(f"consolidated-{period}.xlsx")
    _export(data_dir, target, Role.FINANCE, (ConsolidationError,), make)


@export.command("monitoring")
@click.option("--period", required=True, help="The period, e.g. 2024 or 2024-Q3.")
@output_option
@data_dir_option
def export_monitoring(period: str, output: Path | None, data_dir: Path | None) -> None:
    """The monitoring workbook: contributions expected against booked, programmes, loans and
    break-even, as GET /api/monitoring/PERIOD/report.xlsx serves it."""
    target = output or Path(f"monitoring-{period}.xlsx")
    _export(
        data_dir,
        target,
        Role.FINANCE,
        (ContributionError,),
        lambda hub, principal: monitoring_report(hub, principal, period),
    )


@export.command("statements")
@click.option("--entity", required=True, help="The entity's code, e.g. DE.")
@click.option("--period", required=True, help="The period, e.g. 2024 or 2024-Q3.")
@output_option
@data_dir_option
def export_statements(entity: str, period: str, output: Path | None, data_dir: Path | None) -> None:
    """An entity's reporting workbook: its KPIs, statements and trial balance for the period
    (latest version, drafts included) beside the previous period's, as GET
    /api/reports/ENTITY/PERIOD/workbook serves it."""
    target = output or Path(f"{entity}-{period}-report.xlsx")
    _export(
        data_dir,
        target,
        Role.FINANCE,
        (BadRequest,),
        lambda hub, principal: reported_template(hub, principal, entity, period),
    )


main.add_command(user)
main.add_command(rates)
main.add_command(import_command)
main.add_command(import_profile)
node.add_command(node_serve)
main.add_command(node)
main.add_command(backup_command)
main.add_command(restore_command)
