"""`hub demo --federated`: the demo hub with Sweden reported by its node, and the Swedish node as
a second process with its own database. Once the hub listens, the node is made (or found) in
the hub's data folder, its key registered on the hub, the network's reference data fetched, and
the node served; its national team imports Sweden's SIE export for the first quarter of 2025 on
the node and sends it to the network; the node's outbox delivers the signed envelope and the hub
accepts it as a version submitted for finance's review. Every step talks to the node as anyone
would: its command line and its HTTP API.

The node's database: with HUB_DATABASE_URL, a database of the same server named after the hub's
(`<name>_node_se`, created when missing); without, the node's own embedded PostgreSQL in its
folder. The node process stops with the hub.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import re
import sys
import urllib.parse
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from hub.auth.policy import Role
from hub.auth.users import principal_by_name
from hub.demo import exports
from hub.federation import keys
from hub.federation.register import node_keys, register_key
from hub.node.folder import load_node
from hub.services import Hub
from hub.settings import Settings

ENTITY = "SE"
NODE_USER = "se-team"
STARTUP_SECONDS = 180.0
DELIVERY_SECONDS = 90.0


class FederatedDemoError(Exception):
    """A step of the federated demo failed; the message names the step and the node's words."""


def federated_config(source: Path, target: Path, entity: str = ENTITY) -> Path:
    """A copy of the config folder in which `entity` is reported by its node (network.toml's
    `reporting = "node"`); rewritten on every start, so it follows the source config."""
    target.mkdir(parents=True, exist_ok=True)
    for file in source.iterdir():
        if not file.is_file():
            continue
        text = file.read_text(encoding="utf-8")
        if file.name == "network.toml":
            text = _reported_by_node(text, entity)
        (target / file.name).write_text(text, encoding="utf-8")
    return target


def _reported_by_node(network: str, entity: str) -> str:
    code = f'code = "{entity}"\n'
    if code not in network:
        raise FederatedDemoError(f"network.toml: no entity {entity} to report by its node")
    without = re.sub(r'(?m)^reporting = "(central|node)"\n', "", network)
    return without.replace(code, f'{code}reporting = "node"\n', 1)


def _node_environment(node_database_url: str | None) -> dict[str, str]:
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in {"HUB_DATABASE_URL", "HUB_CONFIG_DIR", "HUB_DATA_DIR", "HUB_NODE_DIR"}
    }
    if node_database_url is not None:
        environment["HUB_DATABASE_URL"] = node_database_url
    return environment


async def node_database(hub_database_url: str | None) -> str | None:
    """The node's database on the hub's server (created when missing), or None: embedded."""
    if hub_database_url is None:
        return None
    head, sep, query = hub_database_url.partition("?")
    base, _, name = head.rpartition("/")
    node_name = f"{urllib.parse.unquote(name) or 'postgres'}_node_{ENTITY.lower()}"
    connection = await asyncpg.connect(hub_database_url)
    try:
        exists = await connection.fetchval(
            "select true from pg_database where datname = $1", node_name
        )
        if not exists:
            await connection.execute(f'create database "{node_name}"')
    finally:
        await connection.close()
    return f"{base}/{urllib.parse.quote(node_name)}{sep}{query}"


class _Node:
    """The node's command line, run as separate processes."""

    def __init__(self, directory: Path, environment: dict[str, str]) -> None:
        self.directory = directory
        self.environment = environment

    async def run(self, *args: str) -> str:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "hub",
            "node",
            *args,
            "--node-dir",
            str(self.directory),
            env=self.environment,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            out, err = await asyncio.wait_for(process.communicate(), STARTUP_SECONDS)
        except TimeoutError:
            process.kill()
            await process.wait()
            raise FederatedDemoError(
                f"hub node {args[0]}: no answer in {STARTUP_SECONDS:.0f} s"
            ) from None
        said = out.decode() + err.decode()
        if process.returncode != 0:
            last = said.strip().splitlines()[-1] if said.strip() else "no output"
            raise FederatedDemoError(f"hub node {' '.join(args[:2])}: {last}")
        return said

    @contextlib.asynccontextmanager
    async def served(self, port: int) -> AsyncIterator[asyncio.subprocess.Process]:
        """`hub node serve` until the block ends (then stopped as Ctrl-C would)."""
        log = self.directory / "node-serve.log"
        with log.open("wb") as output:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "hub",
                "node",
                "serve",
                "--port",
                str(port),
                "--node-dir",
                str(self.directory),
                env=self.environment,
                stdout=output,
                stderr=asyncio.subprocess.STDOUT,
            )
        try:
            await _wait_for_line(process, log, "Press Ctrl-C to stop.")
            yield process
        finally:
            if process.returncode is None:
                process.terminate()
                try:
                    await asyncio.wait_for(process.wait(), 30)
                except TimeoutError:
                    process.kill()
                    await process.wait()


async def _wait_for_line(process: asyncio.subprocess.Process, log: Path, line: str) -> None:
    deadline = asyncio.get_running_loop().time() + STARTUP_SECONDS
    while asyncio.get_running_loop().time() < deadline:
        text = await asyncio.to_thread(log.read_text, errors="replace")
        if line in text:
            return
        if process.returncode is not None:
            last = text.strip().splitlines()[-1] if text.strip() else "no output"
            raise FederatedDemoError(f"the node stopped while starting: {last}")
        await asyncio.sleep(0.2)
    raise FederatedDemoError(f"the node did not start in {STARTUP_SECONDS:.0f} s (see {log})")


async def _register(hub: Hub, public_key: str, now: dt.datetime) -> bool:
    """Register the node's key as the demo's admin; False when it is registered already."""
    async with hub.db.transaction() as connection:
        if any(key.public_key == public_key for key in await node_keys(connection)):
            return False
        admin = await principal_by_name(connection, "admin")
        if admin is None or admin.role is not Role.ADMIN:
            raise FederatedDemoError("the demo's admin user is missing or not an admin")
        await register_key(
            connection,
            admin,
            ENTITY,
            public_key,
            now,
            "hub demo --federated: Sweden's node on this machine",
        )
    return True


def _sie_file(hub: Hub) -> bytes:
    """Sweden's SIE 4 export for the first quarter of 2025, as the demo imports it centrally."""
    quarter = exports.QUARTERS[ENTITY]
    chart = hub.countries[ENTITY].profile.chart_of_accounts
    balances = exports.opening(ENTITY, chart, hub.group_chart, quarter.result_carried)
    book = exports.vouchers(quarter)
    names = {
        code: listed.label
        for code in {*(a for a, _ in balances), *(a for v in book for a, _ in v.rows)}
        if (listed := chart.account(code)) is not None
    }
    company = hub.registry.entities[ENTITY].name
    return exports.sie_export(company, names, exports.by_account(balances), book)


async def _graphql(
    client: httpx.AsyncClient, token: str, query: str, **variables: Any
) -> dict[str, Any]:
    response = await client.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
    )
    body: dict[str, Any] = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise FederatedDemoError(f"the node's GraphQL answered {response.status_code}: {body}")
    data: dict[str, Any] = body["data"]
    return data


async def travel(
    hub: Hub,
    settings: Settings,
    hub_url: str,
    node_port: int,
    say: Callable[[str], None],
) -> None:
    """Make (or find) the node, serve it, and send Sweden's report from it to the hub; say each
    step. Runs until cancelled, then stops the node."""
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request otherwise
    directory = (settings.data_dir / f"node-{ENTITY.lower()}").resolve()
    database = await node_database(settings.database_url)
    node = _Node(directory, _node_environment(database))
    if not (directory / "node.toml").exists():
        await node.run("init", "--entity", ENTITY, "--hub", hub_url)
        say(f"Made Sweden's node in {directory} (its Ed25519 key file is readable by you only)")
    else:
        _point_at(directory / "node.toml", hub_url)
    made = load_node(directory)
    public_key = keys.public_text(made.private_key().public_key())
    if await _register(hub, public_key, dt.datetime.now(dt.UTC)):
        say(f"Registered the node's public key on the hub as admin: {public_key}")
    synced = await node.run("sync")
    say(f"The node fetched the network's reference data: {synced.strip().splitlines()[-1]}")
    described = "its own embedded PostgreSQL" if database is None else f"database {database}"
    async with node.served(node_port):
        node_url = f"http://127.0.0.1:{node_port}"
        say(f"Sweden's node is running at {node_url} ({described}; a second process)")
        token = await _team_token(node)
        async with httpx.AsyncClient(base_url=node_url, timeout=60) as client:
            lines = await _send_quarter(client, token, _sie_file(hub), say)
        for line in lines:
            say(line)
        say(f"  Sweden's team on the node: token {token}")
        say(f"  The node's envelopes: hub node status --node-dir {directory}")
        await asyncio.Event().wait()  # until the hub stops


def _point_at(node_toml: Path, hub_url: str) -> None:
    """A node made by an earlier demo on another port: point it at this hub."""
    text = node_toml.read_text(encoding="utf-8")
    node_toml.write_text(re.sub(r'(?m)^hub = ".*"$', f'hub = "{hub_url}"', text), encoding="utf-8")


async def _team_token(node: _Node) -> str:
    try:
        said = await node.run("user", "add", NODE_USER)
    except FederatedDemoError as error:
        if "already" not in str(error):
            raise
        said = await node.run("user", "token", NODE_USER, "--label", "hub demo --federated")
    return said.splitlines()[0].strip()


async def _send_quarter(
    client: httpx.AsyncClient, token: str, sie: bytes, say: Callable[[str], None]
) -> list[str]:
    """Import the SIE export on the node, send it unless an earlier demo did, wait for the hub's
    verdict; the lines that tell it."""
    imported = await client.post(
        f"/api/reports/{ENTITY}/{exports.PERIOD}/import/sie",
        content=sie,
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/octet-stream",
            "X-File-Name": "smart-sweden-2025.se",
        },
    )
    if imported.status_code >= 400:
        raise FederatedDemoError(
            f"the node refused the SIE export ({imported.status_code}): {imported.text}"
        )
    say(f"The node's team imported {ENTITY} {exports.PERIOD} from its SIE export on the node")
    listed = (await _graphql(client, token, _ENVELOPES))["networkEnvelopes"]
    if not any(e["period"] == exports.PERIOD for e in listed):
        sent = await _graphql(
            client,
            token,
            "mutation($period: String!) { sendToNetwork(period: $period) { sequence status } }",
            period=exports.PERIOD,
        )
        say(f"  and sent it to the network: envelope {sent['sendToNetwork']['sequence']} queued")
    deadline = asyncio.get_running_loop().time() + DELIVERY_SECONDS
    while True:
        listed = (await _graphql(client, token, _ENVELOPES))["networkEnvelopes"]
        ours = [e for e in listed if e["period"] == exports.PERIOD]
        if ours and ours[-1]["status"] != "QUEUED":
            return [_told(e) for e in ours]
        if asyncio.get_running_loop().time() > deadline:
            raise FederatedDemoError(
                f"the envelope is still queued after {DELIVERY_SECONDS:.0f} s: "
                f"{ours[-1]['lastError'] if ours else 'none made'}"
            )
        await asyncio.sleep(0.3)


_ENVELOPES = "{ networkEnvelopes { sequence period dataset status hubVersion reasons lastError } }"


def _told(envelope: dict[str, Any]) -> str:
    head = f"  envelope {envelope['sequence']} ({ENTITY} {envelope['dataset'].lower()} "
    head += f"{envelope['period']}): {envelope['status'].lower()}"
    if envelope["hubVersion"] is not None:
        head += f" as version {envelope['hubVersion']} on the hub"
    if envelope["status"] == "ACCEPTED":
        head += (
            ", submitted for finance's review (approve or return it at /finance: the node sees it)"
        )
    if envelope["reasons"]:
        head += f" ({'; '.join(envelope['reasons'])})"
    return head
