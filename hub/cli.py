"""The `hub` command: serve, load the demo network, migrate, manage users, export the SDL."""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import sys
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import click
import uvicorn

from countries import UnknownCountryError
from hub.api.app import create_app
from hub.auth.policy import Role
from hub.db.embedded import EmbeddedPostgres
from hub.db.errors import DatabaseUnavailable, MigrationError
from hub.db.supervise import supervise
from hub.registry.load import ConfigError
from hub.services import load_network, open_hub
from hub.settings import Settings
from hub.web.pages import DASHBOARD, FIRST_PAGE, SIGN_IN

T = TypeVar("T")


# What stops a command with one clear line and exit status 1, instead of a traceback.
USER_ERRORS = (ConfigError, DatabaseUnavailable, MigrationError, UnknownCountryError)

UVICORN_STARTUP_FAILURE = 3  # uvicorn's exit status when it cannot bind

EXAMPLE_QUERY = (
    '{ entity(code: "DE") { name currency '
    'kpiValues(period: ["2024"], kpi: ["turnover"]) { amount currency provenance } } }'
)


def fail(message: str) -> None:
    click.secho(f"error: {message}", fg="red", err=True)
    sys.exit(1)


@contextlib.contextmanager
def database_url(settings: Settings) -> Iterator[tuple[str, str, EmbeddedPostgres | None]]:
    """The server to use: HUB_DATABASE_URL if set, else an embedded one in the data folder."""
    if settings.database_url is not None:
        yield settings.database_url, "the server in HUB_DATABASE_URL", None
        return
    embedded = EmbeddedPostgres(settings.data_dir)
    url = embedded.start()
    try:
        yield url, f"embedded PostgreSQL in {embedded.pgdata}", embedded
    finally:
        embedded.stop()


def run(settings: Settings, work: Callable[[str, str], Coroutine[Any, Any, T]]) -> T:
    """Run `work(url, description)` against the database, turning known failures into one line."""
    return run_with_server(settings, lambda url, described, _embedded: work(url, described))


def run_with_server(
    settings: Settings,
    work: Callable[[str, str, EmbeddedPostgres | None], Coroutine[Any, Any, T]],
) -> T:
    """`run`, for work that also needs the embedded server itself (None with HUB_DATABASE_URL)."""
    try:
        with database_url(settings) as (url, described, embedded):
            return asyncio.run(work(url, described, embedded))
    except USER_ERRORS as error:
        fail(str(error))
        raise  # unreachable: fail() exits


data_dir_option = click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of the embedded PostgreSQL (default: $HUB_DATA_DIR or ./.hub-data).",
)
host_option = click.option("--host", default="127.0.0.1", show_default=True)
port_option = click.option("--port", default=8000, show_default=True, type=int)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """The Smart network hub. Set HUB_DATABASE_URL to use your PostgreSQL server; without it the
    hub runs its own, embedded one."""


async def _serve(
    settings: Settings,
    url: str,
    address: tuple[str, int],
    banner: Callable[[], None],
    embedded: EmbeddedPostgres | None,
    companion: Callable[[], Coroutine[Any, Any, None]] | None = None,
) -> None:
    """Serve until stopped; `companion`, started once the hub listens, runs beside it (the
    federated demo's node) and is cancelled when the hub stops."""
    host, port = address
    config = uvicorn.Config(create_app(settings, url), host=host, port=port, log_level="warning")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    # uvicorn has no start-up event to await: poll its flag until it listens or gives up.
    while not server.started and not task.done():  # noqa: ASYNC110
        await asyncio.sleep(0.05)
    beside: asyncio.Task[None] | None = None
    if server.started:
        banner()
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


def check_config(settings: Settings) -> None:
    """Fail on a wrong config before any server is started."""
    try:
        load_network(settings)
    except USER_ERRORS as error:
        fail(str(error))


def _stop_on_terminate(_signum: int, _frame: object) -> None:
    """A service manager stops the hub with SIGTERM: stop as after Ctrl-C (uvicorn finishes the
    requests under way, then the embedded PostgreSQL is stopped), not abruptly."""
    raise KeyboardInterrupt


def _serve_command(
    settings: Settings, host: str, port: int, demo: bool, node_port: int | None = None
) -> None:
    """`node_port`: the federated demo, Sweden's node served there beside the hub."""
    check_config(settings)
    signal.signal(signal.SIGTERM, _stop_on_terminate)

    async def work(url: str, described: str, embedded: EmbeddedPostgres | None) -> None:
        tokens: dict[str, str] | None = None
        passwords: dict[str, tuple[str, Role]] | None = None
        if demo:
            from hub.demo.load import DemoLoadError, load_demo

            async with open_hub(settings, url, pool_size=2) as hub:
                try:
                    loaded = await load_demo(hub)
                except DemoLoadError as error:
                    fail(str(error))
            tokens = loaded.tokens
            passwords = {
                name: (password, loaded.roles[name]) for name, password in loaded.passwords.items()
            }
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
        companion = None
        if node_port is not None:
            companion = _federated_node(settings, url, f"http://{host}:{port}", node_port)
        await _serve(
            settings,
            url,
            (host, port),
            lambda: _print_banner(host, port, described, tokens, settings.graphiql, passwords),
            embedded,
            companion,
        )

    try:
        run_with_server(settings, work)
    except KeyboardInterrupt:
        pass
    except SystemExit as stop:
        if stop.code != UVICORN_STARTUP_FAILURE:
            raise
        fail(f"the hub could not start listening on {host}:{port} (uvicorn's reason is above)")
    click.echo("Stopped.")


def _federated_node(
    settings: Settings, url: str, hub_url: str, node_port: int
) -> Callable[[], Coroutine[Any, Any, None]]:
    """The federated demo's second process: Sweden's node, its report sent to this hub. A
    failure is said in one line and the hub keeps serving: nothing waits on a node."""
    from hub.demo.federated import FederatedDemoError, travel

    def say(line: str) -> None:
        click.echo(line)

    async def companion() -> None:
        click.secho("\nFederated: Sweden reports through its own node", fg="green", bold=True)
        try:
            async with open_hub(replace(settings, database_url=url), url, pool_size=2) as hub:
                await travel(hub, settings, hub_url, node_port, say, asyncio.Event())
        except (FederatedDemoError, *USER_ERRORS) as error:
            click.secho(f"error: the federated demo's node: {error}", fg="red", err=True)

    return companion


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
    from hub.demo.federated import FederatedDemoError, federated_config

    try:
        config = federated_config(settings.config_dir, settings.data_dir / "federated-config")
    except FederatedDemoError as error:
        fail(str(error))
        raise
    _serve_command(replace(settings, config_dir=config), host, port, True, node_port)


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
def serve(host: str, port: int, data_dir: Path | None, graphiql: bool, behind_tls: bool) -> None:
    """Start the hub (migrations are applied at start-up)."""
    settings = Settings.from_env().with_data_dir(data_dir)
    settings = replace(settings, graphiql=graphiql, behind_tls=behind_tls)
    _serve_command(settings, host, port, demo=False)


@main.command()
@data_dir_option
def migrate(data_dir: Path | None) -> None:
    """Apply the database migrations that are not applied yet."""
    from hub.db.migrate import apply_migrations
    from hub.db.pool import Database

    async def work(url: str, described: str) -> list[str]:
        db = await Database.connect(url, max_size=1)
        try:
            async with db.pool.acquire() as connection:
                done = await apply_migrations(connection)
        finally:
            await db.close()
        return [f"{m.version:04d}_{m.name}" for m in done]

    applied = run(Settings.from_env().with_data_dir(data_dir), work)
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
    from hub.api.schema import schema_sdl

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
    from hub.auth.policy import Principal

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
    from hub.board.service import ComparisonError, board_pack_for

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
    from hub.consolidation.export import require_statements, statements_file
    from hub.consolidation.model import ConsolidationError

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
    from hub.contributions.service import ContributionError
    from hub.monitoring.report import monitoring_export

    target = output or Path(f"monitoring-{period}.xlsx")
    _export(
        data_dir,
        target,
        Role.FINANCE,
        (ContributionError,),
        lambda hub, principal: monitoring_export(hub, principal, period),
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
    from hub.excel.service import BadRequest, reported_template

    target = output or Path(f"{entity}-{period}-report.xlsx")
    _export(
        data_dir,
        target,
        Role.FINANCE,
        (BadRequest,),
        lambda hub, principal: reported_template(hub, principal, entity, period),
    )


from hub.auth.cli import user  # noqa: E402  (the groups import this module lazily)
from hub.db.cli import backup_command, restore_command  # noqa: E402
from hub.fx.cli import rates  # noqa: E402
from hub.imports.cli import import_command  # noqa: E402
from hub.imports.profile_cli import import_profile  # noqa: E402
from hub.node.cli import node  # noqa: E402

main.add_command(user)
main.add_command(backup_command)
main.add_command(restore_command)
main.add_command(rates)
main.add_command(import_command)
main.add_command(import_profile)
main.add_command(node)
