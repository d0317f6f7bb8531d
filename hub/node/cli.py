"""`hub node ...`: a national node from the command line (docs/federation.md, *The node*).

Every command works on the node folder given by --node-dir, else $HUB_NODE_DIR, else
./.hub-node, and on the node's database: HUB_DATABASE_URL if set, else an embedded PostgreSQL in
the node folder. A refusal is one line, `error: ...`, and exit status 1. hub/cli.py adds the
group, and `hub node serve` (hub/serving/node.py: it serves the assembled app).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import click
import msgspec

from hub.auth.cli import print_issued
from hub.auth.model import Actor, Issued, UserAdminError
from hub.auth.policy import Role
from hub.auth.users import UserAdmin
from hub.cli_support import fail, run_with_server
from hub.db.embedded import EmbeddedPostgres
from hub.federation.ruleset import short
from hub.node import deliver as delivery
from hub.node.create import create_node, registration_text
from hub.node.folder import Node, NodeError, load_node
from hub.node.folder import node_dir as resolve_node_dir
from hub.node.hub_client import HubRefusedRequest, HubUnreachable, hub_client
from hub.node.outbox import OutboxEnvelope, envelopes
from hub.node.send import send as send_report
from hub.node.show import attempt_line, envelope_lines, moment
from hub.node.status import refresh
from hub.node.sync import Synced, latest_reference
from hub.node.sync import sync as sync_reference
from hub.reporting.model import Dataset
from hub.services import Hub, open_hub

T = TypeVar("T")

NODE_ERRORS = (NodeError, HubUnreachable, HubRefusedRequest, UserAdminError)

node_dir_option = click.option(
    "--node-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The node's folder (default: $HUB_NODE_DIR, else ./.hub-node).",
)


def node_of(directory: Path | None) -> Node:
    try:
        return load_node(resolve_node_dir(directory))
    except NodeError as error:
        fail(str(error))
        raise  # unreachable: fail() exits


def run_on_node(
    node: Node,
    work: Callable[[str, EmbeddedPostgres | None], Awaitable[T]],
    loop_factory: Callable[[], asyncio.AbstractEventLoop] | None = None,
) -> T:
    """`work(database URL, embedded server)` on the node's database; known refusals are one
    line and exit status 1. A server passes its `loop_factory` (hub/serving/options.py)."""

    async def wrapped(url: str, _described: str, embedded: EmbeddedPostgres | None) -> T:
        return await work(url, embedded)

    try:
        return run_with_server(node.settings(), wrapped, loop_factory=loop_factory)
    except NODE_ERRORS as error:
        fail(str(error))
        raise  # unreachable: fail() exits


def _with_hub(node: Node, work: Callable[[Hub], Awaitable[T]]) -> T:
    """`work` with the node's hub open (its config and database)."""
    node_ready(node)

    async def opened(url: str, _embedded: EmbeddedPostgres | None) -> T:
        async with open_hub(node.settings(), url, pool_size=3) as hub:
            return await work(hub)

    return run_on_node(node, opened)


def node_ready(node: Node) -> None:
    try:
        node.require_reference_files()
    except NodeError as error:
        fail(str(error))


@click.group()
def node() -> None:
    """A national node: the hub's code for one entity, delivering its reports to the network
    hub as signed envelopes."""


@node.command()
@click.option("--entity", required=True, help="The entity the node reports for, e.g. SE.")
@click.option("--hub", "hub_url", required=True, help="The network hub's URL.")
@node_dir_option
def init(entity: str, hub_url: str, node_dir: Path | None) -> None:
    """Create the node: its folder, node.toml, its Ed25519 key pair (the private key readable by
    its owner only) and its own config. Works offline; print what the hub's admin runs."""
    directory = resolve_node_dir(node_dir)
    try:
        created = create_node(directory, entity, hub_url, dt.datetime.now(dt.UTC))
    except NodeError as error:
        fail(str(error))
        raise  # unreachable
    made = created.node
    click.echo(f"Created the node of {made.entity} in {directory} (hub: {made.hub})")
    click.echo(f"  public key  : {created.public_key}")
    click.echo(f"  fingerprint : {created.fingerprint}")
    click.echo(
        f"  private key : {made.key_file} (mode 0600; it never leaves the node: back it up where "
        "only you can read it)"
    )
    click.echo(registration_text(created))
    click.echo(
        f"Then run `hub node sync` to fetch the network's reference data. This worked offline: "
        f"{made.entity} is checked against the network's entities when the data is fetched."
    )


@node.command()
@node_dir_option
def sync(node_dir: Path | None) -> None:
    """Fetch the network's reference data (config and mappings) from the hub and check that
    the node then validates with the network's rule set."""
    found = node_of(node_dir)

    async def work(url: str, _embedded: EmbeddedPostgres | None) -> Synced:
        return await sync_reference(found, url)

    synced = run_on_node(found, work)
    if not synced.matches:
        fail(synced.summary())
    click.echo(synced.summary())


@node.command()
@click.option("--period", required=True, help="The period, e.g. 2025 or 2025-Q3.")
@click.option(
    "--dataset",
    type=click.Choice([d.value for d in Dataset]),
    default=Dataset.STATEMENTS.value,
    show_default=True,
)
@node_dir_option
def send(period: str, dataset: str, node_dir: Path | None) -> None:
    """Seal the node's latest version of a report into a signed envelope and queue it for the
    hub (`hub node deliver`, or `hub node serve`, delivers it)."""
    found = node_of(node_dir)
    try:
        key = found.private_key()
    except NodeError as error:
        fail(str(error))
        raise

    async def work(hub: Hub) -> OutboxEnvelope:
        return await send_report(
            hub, found.entity, period, Dataset(dataset), key, dt.datetime.now(dt.UTC)
        )

    sent = _with_hub(found, work)
    click.echo(
        f"envelope {sent.sequence} queued: {sent.entity} {sent.dataset} {sent.period} version "
        f"{sent.version}, rule set {short(sent.rule_set_version)}…, hash {sent.hash[:16]}…"
    )


@node.command("deliver")
@click.option(
    "--wait",
    "wait_seconds",
    type=float,
    default=None,
    metavar="SECONDS",
    help="Keep trying (with backoff) until nothing is queued or the time is up.",
)
@node_dir_option
def deliver_command(wait_seconds: float | None, node_dir: Path | None) -> None:
    """Send the queued envelopes to the hub, in sequence order; one pass, or --wait."""
    found = node_of(node_dir)

    def said(done: delivery.Pass) -> None:
        if done.busy:
            click.echo("another delivery is under way (hub node serve?): the outbox is left to it")
        for attempt in done.attempts:
            click.echo(attempt_line(attempt))

    async def work(hub: Hub) -> delivery.Pass:
        async with hub_client(found) as client:
            if wait_seconds is None:
                done = await delivery.deliver_pass(hub.db, client)
                said(done)
                return done
            return await delivery.deliver_until(hub.db, client, wait_seconds, said)

    done = _with_hub(found, work)
    if done.waiting:
        click.echo(f"{done.waiting} envelope(s) still queued")
    else:
        click.echo("nothing queued")


class _Shown(msgspec.Struct, frozen=True, kw_only=True):
    entity: str
    hub: str
    refreshed: bool
    refresh_problem: str | None
    reference_fetched_at: dt.datetime | None
    rule_set_version: str | None  # the hub's, as last fetched
    envelopes: list[OutboxEnvelope]


@node.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@node_dir_option
def status(as_json: bool, node_dir: Path | None) -> None:
    """Every envelope of the node: sequence, report, status, versions, attempts, reasons and
    times; refreshed from the hub first when it can be reached."""
    found = node_of(node_dir)

    async def work(hub: Hub) -> _Shown:
        problem: str | None = None
        try:
            async with hub_client(found) as client:
                await refresh(hub.db, client)
        except (HubUnreachable, HubRefusedRequest) as error:
            problem = str(error)
        async with hub.db.pool.acquire() as connection:
            fetched = await latest_reference(connection)
            rows = await envelopes(connection)
        return _Shown(
            entity=found.entity,
            hub=found.hub,
            refreshed=problem is None,
            refresh_problem=problem,
            reference_fetched_at=None if fetched is None else fetched.fetched_at,
            rule_set_version=None if fetched is None else fetched.hub_version,
            envelopes=rows,
        )

    shown = _with_hub(found, work)
    if as_json:
        click.echo(msgspec.json.format(msgspec.json.encode(shown), indent=2).decode())
        return
    if shown.refresh_problem is not None:
        click.echo(f"could not refresh from the hub: {shown.refresh_problem}")
        click.echo("showing what the node knows:")
    else:
        click.echo(f"refreshed from the hub at {shown.hub}")
    if shown.rule_set_version is not None:
        click.echo(
            f"reference data: rule set {short(shown.rule_set_version)}…, fetched "
            f"{moment(shown.reference_fetched_at)}"
        )
    if not shown.envelopes:
        click.echo(f"no envelope yet: `hub node send --period P` makes one for {shown.entity}")
    for envelope in shown.envelopes:
        for line in envelope_lines(envelope):
            click.echo(line)


@node.group()
def user() -> None:
    """The node's own users (its national team and admins)."""


@user.command("add")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice([Role.NATIONAL.value, Role.ADMIN.value]),
    default=Role.NATIONAL.value,
    show_default=True,
    help="national: the node's entity's team; admin: manages the node's users.",
)
@click.option("--label", default="", help="What the token is for, e.g. 'laptop'.")
@click.option("--expires-in", "expires_in", type=int, default=None, metavar="DAYS")
@node_dir_option
def user_add(
    name: str, role: str, label: str, expires_in: int | None, node_dir: Path | None
) -> None:
    """Create a user of the node and print its first token (once); a national user is bound to
    the node's entity."""
    found = node_of(node_dir)
    chosen = Role(role)
    entity = found.entity if chosen is Role.NATIONAL else None

    async def work(hub: Hub) -> Issued:
        async with hub.db.transaction() as connection:
            admin = UserAdmin.of(hub, connection, Actor.command_line())
            return await admin.create(name, chosen, entity, label=label, expires_in_days=expires_in)

    issued = _with_hub(found, work)
    described = role if entity is None else f"{role} of {entity}"
    print_issued(issued, f"created user {name} ({described}) on the node")


@user.command("token")
@click.argument("name")
@click.option("--label", default="", help="What the token is for, e.g. 'laptop'.")
@click.option("--expires-in", "expires_in", type=int, default=None, metavar="DAYS")
@node_dir_option
def user_token(name: str, label: str, expires_in: int | None, node_dir: Path | None) -> None:
    """Issue another token to a user of the node and print it (once)."""
    found = node_of(node_dir)

    async def work(hub: Hub) -> Issued:
        async with hub.db.transaction() as connection:
            admin = UserAdmin.of(hub, connection, Actor.command_line())
            return await admin.issue_token(name, label=label, expires_in_days=expires_in)

    print_issued(_with_hub(found, work), f"issued a token to {name} on the node")
