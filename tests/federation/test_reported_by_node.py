"""The one rule of who reports an entity, on every path: Sweden reports through its node
(tests/federation/conftest.py), so its team cannot save, import, upload, submit or withdraw its
reports on the hub, over GraphQL, REST or the `hub import` command's service, and gets one
line that says so; finance still approves, returns and locks its reports. The node user may
save only for a node entity, and nobody may sign in as it."""

from __future__ import annotations

import base64
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from litestar.testing import AsyncTestClient

from hub.auth.model import SYSTEM, UserAdminError
from hub.auth.policy import Principal, Role
from hub.auth.users import UserAdmin
from hub.federation import keys
from hub.federation.envelope import open_envelope, seal
from hub.federation.receive import receive
from hub.federation.register import register_key
from hub.federation.ruleset import current_rule_set
from hub.imports.formats import Source
from hub.imports.service import import_ledger
from hub.reporting.model import KpiSubmissionIn, KpiValueIn
from hub.reporting.service import ReportedElsewhere, save_kpi_values
from hub.services import Hub
from tests.api.graphql_client import data, gql
from tests.api.test_workflow_graphql import COMPLETE
from tests.excel.workbooks import auth, download, upload
from tests.federation.test_receive import envelope
from tests.federation.test_receive_submits import corrected
from tests.imports.test_sie_service import export

LINE = (
    "SE reports through its node: send the report from the node; finance can still approve, "
    "return and lock here"
)
CENTRAL = (
    "DE is reported centrally on the hub, not by a node: ask the hub's admin to switch it in "
    "network.toml"
)
PERIOD = "2026-Q3"

SAVE_KPIS = """mutation($input: KpiReportInput!) { saveKpiValues(input: $input) { __typename } }"""
SAVE_STATEMENTS = """mutation($input: StatementsInput!) {
  saveStatements(input: $input) { __typename } }"""
MOVE = """mutation($input: TransitionInput!) {
  transitionReport(input: $input) { status latestVersion approvedVersion } }"""
IMPORT = """mutation($input: ImportInput!) { importLedger(input: $input) { accepted } }"""


def forbidden(body: dict[str, Any]) -> list[tuple[str, str]]:
    return [(e["extensions"]["code"], e["message"]) for e in body.get("errors", [])]


async def submissions(hub: Hub) -> int:
    async with hub.db.pool.acquire() as connection:
        count: int = await connection.fetchval(
            "select count(*) from submission where entity_code = 'SE'"
        )
    return count


async def _node_delivers(hub: Hub) -> tuple[Ed25519PrivateKey, str]:
    """SE's node delivers its 2026-Q3 statements: version 1, submitted by node-SE. Its key
    and the rule set, for more."""
    key = Ed25519PrivateKey.generate()
    async with hub.db.transaction() as connection:
        admin_id: int = await connection.fetchval(
            "insert into app_user (name, role) values ('ada', 'admin') returning id"
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
    sealed = seal(envelope(key, rule_set=rule_set), key)
    receipt = await receive(hub, open_envelope(sealed.data), dt.datetime.now(dt.UTC))
    assert (receipt.outcome, receipt.version) == ("accepted", 1), receipt.reasons
    return key, rule_set


async def test_graphql_saves_and_the_teams_transitions_are_refused_with_one_line(
    hub: Hub, client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    await _node_delivers(hub)
    team = tokens["national-se"]
    kpis = {"entity": "SE", "period": PERIOD, "values": [{"kpi": "users", "amount": "1"}]}
    statements = {"entity": "SE", "period": PERIOD, "options": {"baseVersion": 1}}
    for query, variables in ((SAVE_KPIS, kpis), (SAVE_STATEMENTS, statements)):
        body = await gql(client, team, query, input=variables)
        assert forbidden(body) == [("FORBIDDEN", LINE)]
    for action in ("SUBMIT", "WITHDRAW"):
        move = {"entity": "SE", "period": PERIOD, "dataset": "STATEMENTS", "action": action}
        body = await gql(client, team, MOVE, input={**move, "reason": "x"})
        assert forbidden(body) == [("FORBIDDEN", LINE)]
    assert await submissions(hub) == 1
    # Another entity's team keeps reporting centrally as always.
    saved = await gql(
        client,
        tokens["national-de"],
        SAVE_KPIS,
        input={"entity": "DE", "period": PERIOD, "values": COMPLETE},
    )
    assert data(saved)["saveKpiValues"]["__typename"] == "ReportSaved"


async def test_finance_returns_approves_and_locks_a_nodes_report(
    hub: Hub, client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    key, rule_set = await _node_delivers(hub)
    move = {"entity": "SE", "period": PERIOD, "dataset": "STATEMENTS"}

    async def finance(action: str) -> dict[str, Any]:
        body = await gql(
            client, tokens["finance"], MOVE, input={**move, "action": action, "reason": "why"}
        )
        result: dict[str, Any] = data(body)["transitionReport"]
        return result

    assert await finance("RETURN") == {
        "status": "DRAFT",
        "latestVersion": 1,
        "approvedVersion": None,
    }
    # Returned, the team still cannot submit it: the node sends its correction.
    body = await gql(
        client, tokens["national-se"], MOVE, input={**move, "action": "SUBMIT", "reason": "x"}
    )
    assert forbidden(body) == [("FORBIDDEN", LINE)]
    sealed = seal(corrected(key, rule_set, sequence=2), key)
    receipt = await receive(hub, open_envelope(sealed.data), dt.datetime.now(dt.UTC))
    assert (receipt.outcome, receipt.version) == ("accepted", 2), receipt.reasons
    assert await finance("APPROVE") == {
        "status": "APPROVED",
        "latestVersion": 2,
        "approvedVersion": 2,
    }
    assert (await finance("LOCK"))["status"] == "LOCKED"
    assert (await finance("REOPEN"))["status"] == "DRAFT"


async def test_the_workbook_upload_and_the_imports_are_refused_with_the_same_line(
    hub: Hub, client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    team = tokens["national-se"]
    # Reading stays open: the team downloads its workbook, and may not upload it.
    workbook = await download(client, team, "SE", PERIOD)
    for annotated in (False, True):
        answer = await upload(client, team, "SE", PERIOD, workbook, annotated=annotated)
        assert (answer.status_code, answer.json()) == (403, {"detail": LINE})
    sie = export(2026)
    answer = await client.post(
        f"/api/reports/SE/{PERIOD}/import/sie",
        content=sie,
        headers={**auth(team), "X-File-Name": "smart.se"},
    )
    assert (answer.status_code, answer.json()) == (403, {"detail": LINE})
    body = await gql(
        client,
        team,
        IMPORT,
        input={
            "entity": "SE",
            "period": PERIOD,
            "format": "sie",
            "files": [{"name": "smart.se", "contentBase64": base64.b64encode(sie).decode()}],
        },
    )
    assert forbidden(body) == [("FORBIDDEN", LINE)]
    # `hub import --user national-se` goes through the same service.
    async with hub.db.pool.acquire() as connection:
        row = await connection.fetchrow("select id from app_user where name = 'national-se'")
    assert row is not None
    person = Principal(row["id"], "national-se", Role.NATIONAL, "SE")
    with pytest.raises(ReportedElsewhere, match=f"^{LINE}$"):
        await import_ledger(hub, person, "SE", PERIOD, "sie", [Source(name="smart.se", data=sie)])
    assert await submissions(hub) == 0


async def test_the_node_user_saves_only_for_a_node_entity(hub: Hub) -> None:
    await _node_delivers(hub)  # creates node-SE
    async with hub.db.transaction() as connection:
        node_de: int = await connection.fetchval(
            "insert into app_user (name, role, entity_code) values ('node-DE', 'national', 'DE') "
            "returning id"
        )
    report = KpiSubmissionIn(
        entity="DE",
        period=PERIOD,
        values=(KpiValueIn(kpi="users", amount=Decimal(1)),),
        source="test",
    )
    with pytest.raises(ReportedElsewhere, match=f"^{CENTRAL}$"):
        await save_kpi_values(hub, Principal(node_de, "node-DE", Role.NATIONAL, "DE"), report)
    async with hub.db.pool.acquire() as connection:
        assert (
            await connection.fetchval("select count(*) from submission where entity_code = 'DE'")
            == 0
        )


async def test_nobody_signs_in_as_a_node_user_nor_takes_its_name(hub: Hub) -> None:
    await _node_delivers(hub)
    refusal = (
        "node-SE is the user a node's signed envelopes are saved by: nobody signs in as it "
        "(no token, no password), and its name is kept for the node"
    )
    async with hub.db.transaction() as connection:
        admin = UserAdmin.of(hub, connection, SYSTEM)
        attempts = [
            admin.issue_token("node-SE", label="x"),
            admin.set_password("node-SE"),
            admin.change_role("node-SE", Role.FINANCE),
            admin.create("node-SE", Role.NATIONAL, "SE"),
        ]
        for attempt in attempts:
            with pytest.raises(UserAdminError) as raised:
                await attempt
            assert (raised.value.field, raised.value.reason) == ("name", refusal)
        assert (
            await connection.fetchval(
                "select count(*) from api_token t join app_user u on u.id = t.user_id "
                "where u.name = 'node-SE'"
            )
            == 0
        )
