"""A real hub and a real node: `hub serve` and `hub node ...` as processes, each on its own
database, over loopback. What the node prints is what its team reads; both databases are
checked after each step.

The scenarios share one hub process (started once more after scenario a stops it) and one
node, and run in the order written, each on the state the earlier ones left:
  a) the hub down: queued with the reason, then delivered exactly once;
  b) the node killed while a proxy holds the hub's answer: delivered again, stored once;
  c) refusals shown by `hub node status`: tampered, wrong key, another entity, a replayed older
     sequence, an out-of-date rule set (then sync and a new send is accepted);
  d) finance's return and approval reach the node;
  e) `hub node serve`: a national user of the node saves and sends over GraphQL, and the
     background loop delivers.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from hub.auth.policy import Role
from hub.auth.users import principal_by_name, upsert_user
from hub.federation import keys
from hub.federation.register import node_user_name
from hub.node.folder import load_node
from hub.reporting.model import Dataset, KpiSubmissionIn, KpiValueIn, Status
from hub.reporting.service import Saved, save_kpi_values, transition_report
from hub.reporting.workflow import ReportAction
from hub.services import open_hub
from hub.settings import Settings
from tests.conftest import REPO, with_database
from tests.node.conftest import federated_config, national, save_on_node
from tests.test_cli import RunningHub, env, free_port

HUB = [sys.executable, "-m", "hub"]
SIGNATURE = (
    "the signature does not verify: the envelope was changed after signing, or signed with "
    "another key"
)


class HoldingProxy:
    """A TCP proxy that forwards the node's request to the hub and holds the hub's answer:
    `answered` is set once the hub has answered (so it has stored the envelope)."""

    def __init__(self, hub_port: int) -> None:
        self.hub_port = hub_port
        self.answered = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = [self.listener]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        try:
            client, _ = self.listener.accept()
        except OSError:
            return
        upstream = socket.create_connection(("127.0.0.1", self.hub_port))
        self.sockets += [client, upstream]
        threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()
        try:
            while upstream.recv(65536):  # the hub's answer: read, never passed on
                self.answered.set()
        except OSError:
            return

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            return

    def close(self) -> None:
        for one in self.sockets:
            one.close()


@dataclass
class World:
    tmp: Path
    hub_db: str
    node_db: str
    hub_port: int
    config: Path
    node_dir: Path
    hub: RunningHub | None = None
    starts: int = 0
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def hub_url(self) -> str:
        return f"http://127.0.0.1:{self.hub_port}"

    def start_hub(self) -> None:
        self.starts += 1
        self.hub = RunningHub(
            ["serve", "--port", str(self.hub_port)],
            env(HUB_DATABASE_URL=self.hub_db, HUB_CONFIG_DIR=str(self.config)),
            self.tmp / f"hub{self.starts}.log",
        )
        self.hub.wait_for("Press Ctrl-C to stop.")

    def stop_hub(self) -> None:
        assert self.hub is not None
        self.hub.interrupt()
        self.hub = None

    def node_env(self) -> dict[str, str]:
        return env(HUB_DATABASE_URL=self.node_db, HUB_CONFIG_DIR=None, HUB_NODE_DIR=None)

    def node(self, *args: str, status: int = 0) -> str:
        """`hub node ARGS --node-dir …`: its output (stdout, then stderr)."""
        done = subprocess.run(
            [*HUB, "node", *args, "--node-dir", str(self.node_dir)],
            env=self.node_env(),
            capture_output=True,
            text=True,
            timeout=120,
        )
        output = done.stdout + done.stderr
        assert done.returncode == status, output
        return output

    def start_node(self, *args: str) -> subprocess.Popen[bytes]:
        """`hub node ARGS` left running (its output dropped)."""
        return subprocess.Popen(
            [*HUB, "node", *args, "--node-dir", str(self.node_dir)],
            env=self.node_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def set_node(self, **values: str) -> None:
        """Edit node.toml as the node's admin would (another hub URL, another entity)."""
        path = self.node_dir / "node.toml"
        text = path.read_text()
        for name, value in values.items():
            text = re.sub(rf"^{name} = .*$", f'{name} = "{value}"', text, flags=re.MULTILINE)
        path.write_text(text)

    def graphql(self, url: str, token: str, query: str, **variables: Any) -> dict[str, Any]:
        response = httpx.post(
            f"{url}/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        assert "errors" not in body, body
        return body["data"]  # type: ignore[no-any-return]

    async def hub_rows(self, sql: str, *args: object) -> list[asyncpg.Record]:
        return await _rows(self.hub_db, sql, *args)

    async def node_rows(self, sql: str, *args: object) -> list[asyncpg.Record]:
        return await _rows(self.node_db, sql, *args)

    async def hub_value(self, sql: str, *args: object) -> object:
        [row] = await self.hub_rows(sql, *args)
        return row[0]

    def outbox(self, sequence: int) -> str:
        """The status command's line of an envelope."""
        shown = self.node("status")
        line = next(
            (line for line in shown.splitlines() if re.match(rf"^\s+{sequence}  \S", line)), None
        )
        assert line is not None, shown
        return line


async def _rows(url: str, sql: str, *args: object) -> list[asyncpg.Record]:
    connection = await asyncpg.connect(url)
    try:
        return await connection.fetch(sql, *args)
    finally:
        await connection.close()


async def _database(server_url: str, template_db: str, what: str) -> str:
    name = f"hub_test_{uuid.uuid4().hex[:12]}_{what}"
    admin = await asyncpg.connect(server_url)
    try:
        await admin.execute(f'create database "{name}" template "{template_db}"')
    finally:
        await admin.close()
    return name


@pytest.fixture(scope="module")
async def world(
    server_url: str, template_db: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[World]:
    tmp = tmp_path_factory.mktemp("two-processes")
    names = [await _database(server_url, template_db, what) for what in ("hub", "node")]
    built = World(
        tmp=tmp,
        hub_db=with_database(server_url, names[0]),
        node_db=with_database(server_url, names[1]),
        hub_port=free_port(),
        config=federated_config(REPO / "config", tmp / "hub-config"),
        node_dir=tmp / "node",
    )
    connection = await asyncpg.connect(built.hub_db)
    try:
        async with connection.transaction():
            for name, role in (("ada", Role.ADMIN), ("fiona", Role.FINANCE)):
                built.tokens[name] = await upsert_user(connection, name, role)
    finally:
        await connection.close()
    built.start_hub()
    try:
        yield built
    finally:
        if built.hub is not None:
            built.stop_hub()
        admin = await asyncpg.connect(server_url)
        try:
            for name in names:
                await admin.execute(f'drop database if exists "{name}" with (force)')
        finally:
            await admin.close()


async def _save(world: World, period: str, bank: str) -> None:
    """The node's national team saves statements on the node (its own database)."""
    node = load_node(world.node_dir)
    async with open_hub(node.settings(), world.node_db, pool_size=2) as hub:
        await save_on_node(hub, bank, period)


async def test_a_sent_while_the_hub_is_down_it_is_queued_then_delivered_exactly_once(
    world: World,
) -> None:
    made = world.node("init", "--entity", "SE", "--hub", world.hub_url)
    public = re.search(r"public key  : (\S+)", made)
    assert public is not None, made
    fingerprint = keys.fingerprint(keys.parse_public(public[1]))
    assert f"fingerprint : {fingerprint}" in made
    assert world.node("send", "--period", "2025", status=1) == (
        f"error: the node in {world.node_dir} has no reference data yet: run `hub node sync` "
        "(once the hub's admin has registered its key)\n"
    )
    assert world.node("sync", status=1) == (
        f"error: the hub at {world.hub_url} refused the node's request: key {fingerprint} is "
        "not registered for SE\n"
    )
    registered = world.graphql(
        world.hub_url,
        world.tokens["ada"],
        'mutation($key: String!) { registerNodeKey(entity: "SE", publicKey: $key, '
        'reason: "SE node set up") { fingerprint } }',
        key=public[1],
    )
    assert registered == {"registerNodeKey": {"fingerprint": fingerprint}}
    synced = world.node("sync")
    assert re.fullmatch(
        r"reference data up to date: rule set [0-9a-f]{12}… \(0 mapping rows added\)\n", synced
    ), synced
    await _save(world, "2025", "412345.67")

    world.stop_hub()
    assert world.node("send", "--period", "2025").startswith(
        "envelope 1 queued: SE statements 2025 version 1, rule set "
    )
    unreachable = f"the hub at {world.hub_url} is unreachable: connection refused"
    delivered = world.node("deliver")
    assert (
        f"envelope 1 (SE statements 2025 version 1): still queued after 1 attempt: {unreachable}; "
        "next attempt at "
    ) in delivered
    assert delivered.endswith("1 envelope(s) still queued\n")
    shown = world.node("status")
    assert shown.startswith(f"could not refresh from the hub: {unreachable}\n")
    assert re.search(
        r"^\s+1  queued    statements 2025 version 1; made .*, 1 attempt, next", shown, re.M
    )
    assert f"        last error: {unreachable}" in shown
    [row] = await world.node_rows("select status, attempts, last_error, hash from node_outbox")
    assert (row["status"], row["attempts"], row["last_error"]) == ("queued", 1, unreachable)
    assert await world.hub_value("select count(*) from envelope") == 0

    world.start_hub()
    delivered = world.node("deliver")
    assert delivered == (
        "envelope 1 (SE statements 2025 version 1): accepted as version 1 on the hub\n"
        "nothing queued\n"
    )
    stored = await world.hub_rows(
        "select e.hash, e.sequence, e.outcome, s.version, s.period from envelope e "
        "join submission s on s.id = e.submission_id"
    )
    assert [tuple(r) for r in stored] == [(row["hash"], 1, "accepted", 1, "2025")]
    [after] = await world.node_rows("select status, attempts, hub_version from node_outbox")
    assert tuple(after) == ("accepted", 2, 1)
    se_versions = "select count(*) from submission where entity_code = 'SE'"
    assert await world.hub_value(se_versions) == 1


async def test_b_a_node_killed_while_the_hub_answers_resends_and_nothing_is_duplicated(
    world: World,
) -> None:
    await _save(world, "2024", "250000.00")
    world.node("send", "--period", "2024")
    proxy = HoldingProxy(world.hub_port)
    try:
        world.set_node(hub=f"http://127.0.0.1:{proxy.port}")
        process = world.start_node("deliver")
        assert proxy.answered.wait(60), "the hub never answered through the proxy"
        process.send_signal(signal.SIGKILL)
        assert process.wait(30) == -signal.SIGKILL
    finally:
        proxy.close()
        world.set_node(hub=world.hub_url)
    [held] = await world.node_rows(
        "select hash, status, attempts from node_outbox where sequence = 2"
    )
    assert (held["status"], held["attempts"]) == ("queued", 0)  # no answer read: unchanged
    stored = await world.hub_rows("select outcome from envelope where hash = $1", held["hash"])
    assert [r["outcome"] for r in stored] == ["accepted"]  # the hub has it already

    assert world.node("deliver") == (
        "envelope 2 (SE statements 2024 version 1): accepted as version 1 on the hub\n"
        "nothing queued\n"
    )
    assert await world.hub_value("select count(*) from envelope where hash = $1", held["hash"]) == 1
    assert (
        await world.hub_value(
            "select count(*) from submission where entity_code = 'SE' and period = '2024'"
        )
        == 1
    )
    [done] = await world.node_rows("select status, attempts from node_outbox where sequence = 2")
    assert tuple(done) == ("accepted", 1)


async def test_c_refusals_are_shown_with_their_reasons_by_hub_node_status(world: World) -> None:
    await _save(world, "2023", "300000.00")
    # Tampered: an amount changed in the stored bytes after signing.
    world.node("send", "--period", "2023")
    await world.node_rows(
        "update node_outbox set signed = convert_to(replace(convert_from(signed, 'UTF8'), "
        "'\"300000.00\"', '\"300000.01\"'), 'UTF8') where sequence = 3 returning id"
    )
    world.node("deliver")
    line = world.outbox(3)
    assert "refused   statements 2023 version 1" in line
    assert f"        reason: {SIGNATURE}" in world.node("status")

    # A wrong key: another key in the node's key file.
    key_file = world.node_dir / "node.key"
    key_file.rename(world.node_dir / "node.key.registered")
    other = keys.generate()
    keys.write_private_key(key_file, other)
    stranger = keys.fingerprint(other.public_key())
    try:
        world.node("send", "--period", "2023")
        world.node("deliver")
        shown = world.node("status")
    finally:
        key_file.unlink()
        (world.node_dir / "node.key.registered").rename(key_file)
    assert shown.startswith(
        f"could not refresh from the hub: the hub at {world.hub_url} refused the node's "
        f"request: key {stranger} is not registered for SE\n"
    )
    assert re.search(r"^\s+4  refused   statements 2023", shown, re.M)
    assert f"        reason: key {stranger} is not registered for SE" in shown

    # Another entity: a node whose node.toml says DE, with SE's registered key.
    node = load_node(world.node_dir)
    async with open_hub(node.settings(), world.node_db, pool_size=2) as node_hub:
        germany = await national(node_hub, "DE")
        saved = await save_kpi_values(
            node_hub,
            germany,
            KpiSubmissionIn(
                entity="DE",
                period="2024",
                values=(KpiValueIn(kpi="users", amount=Decimal(302)),),
            ),
        )
        assert isinstance(saved, Saved), saved
    fingerprint = keys.fingerprint(node.private_key().public_key())
    world.set_node(entity="DE")
    try:
        sent = world.node("send", "--period", "2024", "--dataset", "kpi")
        assert sent.startswith("envelope 5 queued: DE kpi 2024 version 1"), sent
        world.node("deliver")
        shown = world.node("status")
    finally:
        world.set_node(entity="SE")
    assert f"key {fingerprint} is registered for SE, not DE" in shown.splitlines()[0]
    assert re.search(r"^\s+5  refused   kpi 2024 version 1", shown, re.M)
    assert f"        reason: key {fingerprint} is registered for SE, not DE" in shown

    # A replayed older sequence: the node's counter taken back, as a restored backup would.
    await world.node_rows("update node_sequence set last_sequence = 0 returning 1")
    world.node("send", "--period", "2023")
    world.node("deliver")
    replay = "sequence 1 was already accepted (last accepted: 2): a replay of an older envelope"
    shown = world.node("status")  # refreshed: the counter moves above the numbers it has
    assert f"        reason: {replay}" in shown
    [counter] = await world.node_rows("select last_sequence from node_sequence")
    assert counter["last_sequence"] == 5

    # An out-of-date rule set: finance changes a mapping on the hub after the node's sync.
    world.graphql(
        world.hub_url,
        world.tokens["fiona"],
        'mutation { mapAccounts(input: {entity: "SE", accounts: ["3041"], line: "IS.TI.SALES", '
        'effectiveFrom: "2030", reason: "services from 2030"}) { __typename } }',
    )
    world.node("send", "--period", "2023")
    world.node("deliver")
    shown = world.node("status")
    assert re.search(
        r"        reason: rule set [0-9a-f]{12}… is out of date: the network's current one is "
        r"[0-9a-f]{12}…; update the node's reference data and send again",
        shown,
    ), shown
    assert re.search(r"^\s+6  refused   statements 2023", shown, re.M)
    assert world.node("sync").endswith("(1 mapping rows added)\n")
    world.node("send", "--period", "2023")
    assert world.node("deliver") == (
        "envelope 7 (SE statements 2023 version 1): accepted as version 1 on the hub\n"
        "nothing queued\n"
    )

    outcomes = await world.hub_rows(
        "select sequence, entity_code, outcome from envelope order by received_at"
    )
    assert [tuple(r) for r in outcomes] == [
        (1, "SE", "accepted"),
        (2, "SE", "accepted"),
        (3, "SE", "refused"),
        (4, "SE", "refused"),
        (5, "DE", "refused"),
        (1, "SE", "refused"),
        (6, "SE", "refused"),
        (7, "SE", "accepted"),
    ]
    node_side = await world.node_rows("select sequence, status from node_outbox order by id")
    assert [tuple(r) for r in node_side] == [
        (1, "accepted"),
        (2, "accepted"),
        (3, "refused"),
        (4, "refused"),
        (5, "refused"),
        (1, "refused"),
        (6, "refused"),
        (7, "accepted"),
    ]
    assert await world.hub_value("select count(*) from submission where entity_code = 'SE'") == 3


async def _submitted(world: World, period: str) -> None:
    """Where the hub leaves an accepted envelope's version a draft, its node user submits it
    (where the hub submits it on receipt, it is submitted already)."""
    settings = Settings(database_url=None, data_dir=world.tmp, config_dir=world.config)
    async with open_hub(settings, world.hub_db, pool_size=2) as hub:
        async with hub.db.pool.acquire() as connection:
            status = await connection.fetchval(
                "select status from report where entity_code = 'SE' and period = $1", period
            )
            node_user = await principal_by_name(connection, node_user_name("SE"))
        assert node_user is not None
        if status == Status.DRAFT.value:
            await transition_report(
                hub,
                node_user,
                entity="SE",
                period=period,
                dataset=Dataset.STATEMENTS,
                action=ReportAction.SUBMIT,
            )


async def test_d_finances_return_and_approval_reach_the_node(world: World) -> None:
    transition = (
        "mutation($input: TransitionInput!) { transitionReport(input: $input) { __typename } }"
    )
    for period, action, reason in (
        ("2025", "RETURN", "the bank balance does not match the bank statement"),
        ("2024", "APPROVE", None),
    ):
        await _submitted(world, period)
        world.graphql(
            world.hub_url,
            world.tokens["fiona"],
            transition,
            input={
                "entity": "SE",
                "period": period,
                "dataset": "STATEMENTS",
                "action": action,
                "reason": reason,
            },
        )
    shown = world.node("status")
    assert shown.startswith(f"refreshed from the hub at {world.hub_url}\n")
    assert re.search(r"^reference data: rule set [0-9a-f]{12}…, fetched \d{4}-", shown, re.M)
    assert re.search(
        r"^\s+1  returned  statements 2025 version 1 -> hub version 1; made .*, returned as of ",
        shown,
        re.M,
    ), shown
    assert "        finance's reason: the bank balance does not match the bank statement" in shown
    assert re.search(r"^\s+2  approved  statements 2024 version 1 -> hub version 1", shown, re.M)
    rows = await world.node_rows(
        "select sequence, status, reasons from node_outbox where sequence in (1, 2) "
        "and status <> 'refused' order by sequence"
    )
    assert [tuple(r) for r in rows] == [
        (1, "returned", ["the bank balance does not match the bank statement"]),
        (2, "approved", []),
    ]
    as_json = json.loads(world.node("status", "--json"))
    assert as_json["refreshed"] is True
    shown_json = {(e["sequence"], e["period"], e["status"]) for e in as_json["envelopes"]}
    assert {(1, "2025", "returned"), (2, "2024", "approved")} <= shown_json


async def test_e_the_node_serves_its_team_which_sends_and_the_loop_delivers(world: World) -> None:
    made = world.node("user", "add", "anna")
    token = made.splitlines()[0]
    assert "created user anna (national of SE) on the node" in made
    port = free_port()
    serving = RunningHub(
        ["node", "serve", "--port", str(port), "--node-dir", str(world.node_dir)],
        world.node_env(),
        world.tmp / "node-serve.log",
    )
    url = f"http://127.0.0.1:{port}"
    try:
        banner = serving.wait_for("Press Ctrl-C to stop.")
        assert f"The node of SE is running at {url}" in banner
        saved = world.graphql(
            url,
            token,
            "mutation($input: StatementsInput!) { saveStatements(input: $input) { __typename } }",
            input={
                "entity": "SE",
                "period": "2022",
                "trialBalance": [
                    {"account": "1930", "amount": "1000.00", "currency": "SEK"},
                    {"account": "3041", "amount": "-1000.00", "currency": "SEK"},
                ],
            },
        )
        assert saved == {"saveStatements": {"__typename": "ReportSaved"}}
        sent = world.graphql(
            url, token, 'mutation { sendToNetwork(period: "2022") { sequence status } }'
        )
        assert sent == {"sendToNetwork": {"sequence": 8, "status": "QUEUED"}}
        deadline = time.monotonic() + 30
        listed: list[dict[str, Any]] = []
        while time.monotonic() < deadline:
            listed = world.graphql(
                url, token, "{ networkEnvelopes { sequence status hubVersion } }"
            )["networkEnvelopes"]
            if listed[-1]["status"] != "QUEUED":
                break
            await asyncio.sleep(0.2)
        assert listed[-1] == {"sequence": 8, "status": "ACCEPTED", "hubVersion": 1}
        log = serving.interrupt()
        assert "envelope 8 (SE statements 2022 version 1): accepted as version 1 on the hub" in log
        assert "HTTP Request" not in log
    finally:
        if serving.process.poll() is None:
            os.kill(serving.process.pid, signal.SIGKILL)
    assert (
        await world.hub_value(
            "select count(*) from submission where entity_code = 'SE' and period = '2022'"
        )
        == 1
    )
