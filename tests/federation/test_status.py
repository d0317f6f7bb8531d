"""What the hub shows about nodes (federationStatus) over HTTP GraphQL with the real app: finance
sees every entity in full, the board every entity without the figures' side, a national team
its own entity only; a node entity is stale when its node is silent too long or its data is
older than an overdue deadline, with the reasons in words; central entities never are. And the
history of reporting modes, for finance and admins."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import msgspec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from litestar.testing import AsyncTestClient

from hub.auth.policy import Principal, Role
from hub.federation import keys
from hub.federation.envelope import Envelope, StatementsReport, open_envelope, seal
from hub.federation.receive import receive
from hub.federation.register import register_key
from hub.federation.ruleset import current_rule_set, rule_set_version
from hub.federation.status import node_statuses
from hub.reporting.model import Dataset
from hub.reporting.rules import load_reporting_rules
from hub.reporting.service import transition_report
from hub.reporting.workflow import ReportAction
from hub.services import Hub, load_network
from hub.settings import Settings
from tests.api.graphql_client import data, gql
from tests.federation.test_receive import envelope as statements_envelope

AS_OF = dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)
T1 = dt.datetime(2026, 11, 18, 9, tzinfo=dt.UTC)  # 12 days before AS_OF
T2 = dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC)
T3 = dt.datetime(2026, 11, 29, 9, tzinfo=dt.UTC)

STATUS = """query($entity: [String!], $asOf: DateTime) {
  federationStatus(entity: $entity, asOf: $asOf) {
    entity mode stale staleReasons publishedAsOf lastContact { at what }
    lastAccepted { sequence period dataset version asOf }
    pending { awaitingFinance { sequence period dataset version asOf }
              refused { sequence receivedAt reasons } refusedCount }
  }
}"""

SILENT = "no contact from SE's node for 12 days (last: envelope 1 on 2026-11-18; stale after 7)"
OVERDUE = (
    "overdue, nothing newer from the node: 2025 KPI (due 2026-04-30), 2025 statements (due "
    "2026-04-30), 2026-Q1 statements (due 2026-04-30), 2026-Q2 statements (due 2026-07-31)"
)


def stamp(moment: dt.datetime) -> str:
    return moment.isoformat()


def with_period(built: Envelope, period: str, bank: str | None = None) -> Envelope:
    """The builders' statements envelope for another period (and another bank balance)."""
    report = built.report
    assert isinstance(report, StatementsReport)
    rows = report.trial_balance
    if bank is not None:
        rows = tuple(
            msgspec.structs.replace(row, amount=Decimal(bank).copy_sign(row.amount)) for row in rows
        )
    return msgspec.structs.replace(
        built, report=msgspec.structs.replace(report, period=period, trial_balance=rows)
    )


async def _node(hub: Hub) -> tuple[Ed25519PrivateKey, str, Principal]:
    key = Ed25519PrivateKey.generate()
    async with hub.db.transaction() as connection:
        admin_id: int = await connection.fetchval(
            "insert into app_user (name, role) values ('ada', 'admin') returning id"
        )
        finance_id: int = await connection.fetchval(
            "insert into app_user (name, role) values ('fiona', 'finance') returning id"
        )
        await register_key(
            connection,
            Principal(admin_id, "ada", Role.ADMIN),
            "SE",
            keys.public_text(key.public_key()),
            dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
            "SE node set up",
        )
        rule_set = await current_rule_set(hub, connection)
    return key, rule_set, Principal(finance_id, "fiona", Role.FINANCE)


async def _deliver(hub: Hub, key: Ed25519PrivateKey, built: Envelope, at: dt.datetime) -> str:
    receipt = await receive(hub, open_envelope(seal(built, key).data), at)
    return receipt.outcome


async def _status(
    client: AsyncTestClient[Any], token: str, **variables: Any
) -> dict[str, dict[str, Any]]:
    body = await gql(client, token, STATUS, asOf=stamp(AS_OF), **variables)
    return {row["entity"]: row for row in data(body)["federationStatus"]}


async def test_who_sees_what_of_the_nodes(
    hub: Hub, client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    key, rule_set, finance = await _node(hub)
    stranger = Ed25519PrivateKey.generate()
    assert await _deliver(hub, key, statements_envelope(key, rule_set=rule_set), T1) == "accepted"
    refused = statements_envelope(stranger, rule_set=rule_set, sequence=2)
    assert await _deliver(hub, stranger, refused, T2) == "refused"

    accepted = {
        "sequence": 1,
        "period": "2026-Q3",
        "dataset": "STATEMENTS",
        "version": 1,
        "asOf": stamp(T1),
    }
    se = {
        "entity": "SE",
        "mode": "NODE",
        "stale": True,
        "staleReasons": [SILENT, OVERDUE],
        "publishedAsOf": None,
        "lastContact": {"at": stamp(T1), "what": "envelope 1"},
        "lastAccepted": accepted,
        "pending": {
            "awaitingFinance": [accepted],
            "refused": [
                {
                    "sequence": 2,
                    "receivedAt": stamp(T2),
                    "reasons": [
                        f"key {keys.fingerprint(stranger.public_key())} is not registered for SE"
                    ],
                }
            ],
            "refusedCount": 1,
        },
    }
    central = {
        "mode": "CENTRAL",
        "stale": False,
        "staleReasons": [],
        "publishedAsOf": None,
        "lastContact": None,
        "lastAccepted": None,
        "pending": {"awaitingFinance": [], "refused": [], "refusedCount": 0},
    }
    everyone = await _status(client, tokens["finance"])
    assert list(everyone) == ["BE", "DE", "AT", "IT", "SE"]
    assert everyone["SE"] == se
    assert everyone["DE"] == {"entity": "DE", **central}
    assert await _status(client, tokens["admin"]) == everyone
    # A national team: its own entity only, in full, whatever it asks.
    assert await _status(client, tokens["national-se"]) == {"SE": se}
    assert await _status(client, tokens["national-se"], entity=["DE", "SE"]) == {"SE": se}
    assert await _status(client, tokens["national-de"]) == {"DE": everyone["DE"]}
    # The board: every entity, without what was accepted or is pending.
    board = await _status(client, tokens["board"])
    assert board["SE"] == {**se, "lastAccepted": None, "pending": None}
    assert board["DE"] == {**everyone["DE"], "pending": None}

    # Finance approves: the board's figures are as of the envelope's receipt.
    await transition_report(
        hub,
        finance,
        entity="SE",
        period="2026-Q3",
        dataset=Dataset.STATEMENTS,
        action=ReportAction.APPROVE,
        reason="checked",
    )
    assert (await _status(client, tokens["board"]))["SE"]["publishedAsOf"] == stamp(T1)
    # A new envelope: the node is back in touch, the refusals before it are behind; the overdue
    # reports still make Sweden stale.
    later = with_period(statements_envelope(key, rule_set=rule_set, sequence=3), "2026-Q4")
    assert await _deliver(hub, key, later, T3) == "accepted"
    now = (await _status(client, tokens["finance"]))["SE"]
    assert (now["stale"], now["staleReasons"]) == (True, [OVERDUE])
    assert now["lastContact"] == {"at": stamp(T3), "what": "envelope 3"}
    assert now["lastAccepted"]["sequence"] == 3
    assert now["pending"]["refused"] == []
    assert [a["period"] for a in now["pending"]["awaitingFinance"]] == ["2026-Q4"]


async def test_wrong_arguments_are_named(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    body = await gql(client, tokens["board"], STATUS, entity=["XX"])
    assert [e["message"] for e in body["errors"]] == [
        "entity: unknown entity 'XX'; known entities: BE, DE, AT, IT, SE"
    ]
    body = await gql(client, tokens["board"], STATUS, asOf="2026-11-30T12:00:00")
    assert [e["message"] for e in body["errors"]] == [
        "asOf: give the time with its time zone, e.g. 2026-12-01T00:00:00Z"
    ]


async def test_data_older_than_an_overdue_deadline_is_stale_and_newer_data_is_not(
    hub: Hub,
) -> None:
    """Sweden's 2026-Q2 statements (due 31 July) arrive on 15 July; finance returns them."""
    key, rule_set, finance = await _node(hub)
    q2 = with_period(statements_envelope(key, rule_set=rule_set, sequence=1), "2026-Q2")
    assert await _deliver(hub, key, q2, dt.datetime(2026, 7, 15, tzinfo=dt.UTC)) == "accepted"

    async def send_back() -> None:
        await transition_report(
            hub,
            finance,
            entity="SE",
            period="2026-Q2",
            dataset=Dataset.STATEMENTS,
            action=ReportAction.RETURN,
            reason="the bank balance",
        )

    async def reasons(at: dt.datetime) -> tuple[str, ...]:
        async with hub.db.pool.acquire() as connection:
            [se] = await node_statuses(hub, connection, ["SE"], at)
        return se.stale_reasons

    await send_back()
    on_1_august = dt.datetime(2026, 8, 1, 12, tzinfo=dt.UTC)
    assert await reasons(on_1_august) == (
        "no contact from SE's node for 17 days (last: envelope 1 on 2026-07-15; stale after 7)",
        "overdue, nothing newer from the node: 2025 KPI (due 2026-04-30), 2025 statements (due "
        "2026-04-30), 2026-Q1 statements (due 2026-04-30), 2026-Q2 statements (due 2026-07-31; "
        "the node's is of 2026-07-15)",
    )
    # The correction arrives after the deadline, and is returned again: finance waits for the
    # node, whose data is not older than the deadline any more.
    again = with_period(
        statements_envelope(key, rule_set=rule_set, sequence=2), "2026-Q2", bank="400000.00"
    )
    assert await _deliver(hub, key, again, dt.datetime(2026, 8, 2, tzinfo=dt.UTC)) == "accepted"
    await send_back()
    assert await reasons(dt.datetime(2026, 8, 3, tzinfo=dt.UTC)) == (
        "overdue, nothing newer from the node: 2025 KPI (due 2026-04-30), 2025 statements (due "
        "2026-04-30), 2026-Q1 statements (due 2026-04-30)",
    )


async def test_a_central_entity_is_never_stale(hub: Hub) -> None:
    async with hub.db.pool.acquire() as connection:
        rows = await node_statuses(hub, connection, ["BE", "DE", "SE"], AS_OF)
    assert [(r.entity, r.stale) for r in rows] == [("BE", False), ("DE", False), ("SE", True)]
    assert rows[2].stale_reasons[0] == "SE's node has never reached the hub"


async def test_finance_and_admins_read_the_history_of_reporting_modes(
    hub: Hub, client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    query = """{ reportingModeHistory(entity: "SE") {
        entity mode recordedAt networkTomlSha256 networkToml } }"""
    for role in ("finance", "admin"):
        history = data(await gql(client, tokens[role], query))["reportingModeHistory"]
        # The template database recorded the shipped config; this hub's start switched SE.
        assert [(h["entity"], h["mode"]) for h in history] == [("SE", "CENTRAL"), ("SE", "NODE")]
        assert history[1]["networkTomlSha256"] == hub.registry.source_sha256
        assert history[1]["networkToml"] == hub.registry.source
    for role in ("board", "national-se"):
        body = await gql(client, tokens[role], query)
        assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]


def test_stale_after_days_does_not_change_the_rule_set_version(
    node_settings: Settings, tmp_path: Path
) -> None:
    network = load_network(node_settings)
    config = tmp_path / "reporting.toml"
    text = (node_settings.config_dir / "reporting.toml").read_text()
    assert "stale_after_days = 7" in text
    config.write_text(text.replace("stale_after_days = 7", "stale_after_days = 30"))
    changed = load_reporting_rules(config)
    assert changed.federation.stale_after_days == 30
    versions = {
        rule_set_version(network.group_chart, network.registry, rules, {})
        for rules in (network.rules, changed)
    }
    assert len(versions) == 1
    tighter = msgspec.structs.replace(
        changed,
        tolerances=msgspec.structs.replace(changed.tolerances, rounding=Decimal("0.5")),
    )
    assert rule_set_version(network.group_chart, network.registry, tighter, {}) not in versions
