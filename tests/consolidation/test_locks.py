"""Locks that hold: locking stores the run as the signed-off figures; while the period is locked
nothing it used can change (each refusal names the lock), and its queries and exports serve the
stored run. The worked example of test_service.py (Belgium and Sweden, 2023 and 2024, ECB
rates) is the base; every change goes through the real services, PostgreSQL and HTTP."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import msgspec
import pytest
from litestar.testing import AsyncTestClient
from openpyxl import load_workbook

from hub.auth.policy import Principal
from hub.auth.users import principal_for_token
from hub.consolidation import locking
from hub.consolidation import service as consolidation
from hub.consolidation.model import Balance, ConsolidationError, EntityInput
from hub.fx.model import RateType
from hub.fx.service import override_rate
from hub.reporting import service as reporting
from hub.reporting.model import Dataset, StatementsIn
from hub.reporting.workflow import ReportAction
from hub.services import Hub
from hub.signoff import Locked, dependencies
from tests.api.graphql_client import data, error_messages, gql
from tests.consolidation.test_service import ECB, national_lines
from tests.consolidation.worked_example import BELGIUM, SWEDEN

LOCK = """
mutation L($period: String!, $locked: Boolean! = true, $reason: String,
           $entities: [String!]) {
  lockConsolidation(period: $period, locked: $locked, reason: $reason, entities: $entities) {
    id period locked runId digest scope actor at reason
  }
}
"""
SIGNED = """
query S($period: String!, $entities: [String!]) {
  consolidation(period: $period, entities: $entities) {
    locked digest
    signOff { period runId digest scope lockedBy lockedAt reason priorRunId }
    lines { line total prior change values { column amount } }
    translations { entity translationReserve reserveOpening reserveMovement }
    sources { entity version status }
    ratesUsed { entity type rate line }
  }
}
"""
OVERRIDE = """
mutation O($input: ExchangeRateInput!) { overrideExchangeRate(input: $input) { id rate } }
"""
TRANSITION = """
mutation T($entity: String!, $period: String!, $action: ReportAction!, $reason: String) {
  transitionReport(input: {entity: $entity, period: $period, dataset: STATEMENTS,
                           action: $action, reason: $reason}) { status }
}
"""
JOURNAL = """
mutation J($period: String!) {
  postJournal(input: {period: $period, reason: "accrual", lines: [
    {line: "IS.PEC", amount: "1000", entity: "BE"},
    {line: "BS.L.DE.IX.C", amount: "-1000", entity: "BE"}]}) { id }
}
"""
BOTH = ["BE", "SE"]


async def principal(hub: Hub, token: str) -> Principal:
    async with hub.db.pool.acquire() as connection:
        found = await principal_for_token(connection, token)
    assert found is not None
    return found


def day(event: dict[str, Any]) -> str:
    return dt.datetime.fromisoformat(event["at"]).astimezone(dt.UTC).date().isoformat()


def lock_named(event: dict[str, Any]) -> str:
    """How a refusal names the lock."""
    return (
        f"the {event['period']} consolidation is locked (run {event['runId']}, locked by "
        f"{event['actor']} on {day(event)})"
    )


async def lock_2024(client: AsyncTestClient[Any], token: str) -> dict[str, Any]:
    body = await gql(client, token, LOCK, period="2024", reason="signed off", entities=BOTH)
    event: dict[str, Any] = data(body)["lockConsolidation"]
    return event


def scaled(example: EntityInput, factor: int) -> EntityInput:
    """The same trial balance times `factor`: still balanced, other figures."""
    return msgspec.structs.replace(
        example,
        balances=tuple(
            Balance(b.line, b.amount * factor, b.partner, b.investment) for b in example.balances
        ),
    )


async def save_version(
    hub: Hub, national: Principal, example: EntityInput, period: str, base: int
) -> None:
    outcome = await reporting.save_statements(
        hub,
        national,
        StatementsIn(
            entity=example.entity,
            period=period,
            trial_balance=national_lines(hub, example),
            base_version=base,
        ),
    )
    assert isinstance(outcome, reporting.Saved), outcome


async def move(hub: Hub, actor: Principal, entity: str, period: str, action: ReportAction) -> None:
    await reporting.transition_report(
        hub,
        actor,
        entity=entity,
        period=period,
        dataset=Dataset.STATEMENTS,
        action=action,
        reason="correction",
    )


async def correct(
    hub: Hub,
    finance: Principal,
    national: Principal,
    example: EntityInput,
    period: str,
    base: int,
) -> None:
    """Reopen an approved report, save a corrected version, submit and approve it."""
    await move(hub, finance, example.entity, period, ReportAction.REOPEN)
    await save_version(hub, national, example, period, base)
    await move(hub, national, example.entity, period, ReportAction.SUBMIT)
    await move(hub, finance, example.entity, period, ReportAction.APPROVE)


async def test_locking_stores_the_run_it_signs_off(
    client80: AsyncTestClient[Any], worked: dict[str, str], hub80: Hub
) -> None:
    finance = worked["finance"]
    ran = data(
        await gql(
            client80,
            finance,
            'mutation { runConsolidation(period: "2024", entities: ["BE", "SE"]) { id digest } }',
        )
    )["runConsolidation"]
    before = data(await gql(client80, finance, SIGNED, period="2024", entities=BOTH))
    assert before["consolidation"]["locked"] is False
    assert before["consolidation"]["signOff"] is None
    # An open period's digest is the one a run of it stores.
    assert before["consolidation"]["digest"] == ran["digest"]

    event = await lock_2024(client80, finance)
    # The latest stored run is taken: its inputs are still current.
    assert (event["runId"], event["digest"]) == (ran["id"], ran["digest"])
    assert (event["locked"], event["actor"], event["reason"]) == (True, "finance", "signed off")
    assert event["scope"] == BOTH

    after = data(await gql(client80, finance, SIGNED, period="2024", entities=BOTH))
    sign_off = after["consolidation"]["signOff"]
    assert after["consolidation"]["locked"] is True
    assert after["consolidation"]["digest"] == ran["digest"]
    assert sign_off["runId"] == ran["id"]
    assert (sign_off["lockedBy"], sign_off["reason"], sign_off["scope"]) == (
        "finance",
        "signed off",
        BOTH,
    )
    # The comparatives come from a run of 2023 stored at the lock.
    runs_2023 = data(
        await gql(client80, finance, '{ consolidationRuns(period: "2023") { id runBy } }')
    )["consolidationRuns"]
    assert [r["id"] for r in runs_2023] == [sign_off["priorRunId"]]
    # The signed-off figures are the figures.
    assert after["consolidation"]["lines"] == before["consolidation"]["lines"]
    # What the run used, recorded once for every service to ask.
    async with hub80.db.pool.acquire() as connection:
        used = await dependencies(connection, event["runId"])
    assert [(d.kind.value, d.key, d.used) for d in used] == [
        ("journals", ("2024",), None),
        ("rate", ("SEK", "average", "2024", None, None), "11.4325"),
        ("rate", ("SEK", "closing", "2024", None, None), "11.459"),
        ("rate", ("SEK", "opening", "2024", None, None), "11.096"),
        ("report", ("BE", "2024", "statements"), "1"),
        ("report", ("SE", "2024", "statements"), "1"),
    ]

    again = await gql(client80, finance, LOCK, period="2024", reason="twice", entities=BOTH)
    assert error_messages(again) == [f"{lock_named(event)} already"]
    refused = await gql(client80, worked["board"], LOCK, period="2024", entities=BOTH)
    assert error_messages(refused) == [
        "the board role may not run consolidations and post adjustments"
    ]


async def test_a_locked_period_serves_its_stored_run_whatever_changes_around_it(
    client80: AsyncTestClient[Any], worked: dict[str, str], hub80: Hub
) -> None:
    finance_token = worked["finance"]
    finance = await principal(hub80, finance_token)
    sweden = await principal(hub80, worked["national-se"])
    event = await lock_2024(client80, finance_token)
    signed = data(await gql(client80, finance_token, SIGNED, period="2024", entities=BOTH))
    # A lock permits changes to what the period did not use, and the charts are config:
    # - Sweden's 2023 statements corrected (the 2024 comparatives and the CTA opening),
    await correct(hub80, finance, sweden, scaled(SWEDEN, 2), "2023", base=1)
    # - the 2023 closing rate entered by hand,
    await override_rate(
        hub80,
        finance,
        currency="SEK",
        rate_type=RateType.CLOSING,
        period="2023",
        entity=None,
        line=None,
        rate=Decimal("11.5"),
        reason="another source",
    )
    # - a corrected chart maps Sweden's cash to receivables.
    async with hub80.db.pool.acquire() as connection:
        await connection.execute(
            "insert into account_mapping (entity_code, kind, first_account, last_account,"
            " line_code, starts_on, reason) values ('SE', 'account', '1910', '1910',"
            " 'BS.A.CA.VII.A', date '1900-01-01', 'a corrected chart')"
        )
    served = data(await gql(client80, finance_token, SIGNED, period="2024", entities=BOTH))
    assert served == signed
    # Naming no entities asks for the signed-off scope.
    assert data(await gql(client80, finance_token, SIGNED, period="2024")) == signed
    drill = (
        '{ consolidationDrillDown(period: "2024", line: "BS.A.CA.IX") '
        "{ entity account rate groupAmount version } }"
    )
    # The accounts as mapped when it was locked: Sweden's cash is still behind the line.
    assert [
        (r["entity"], r["account"], r["rate"], r["groupAmount"], r["version"])
        for r in data(await gql(client80, finance_token, drill))["consolidationDrillDown"]
    ] == [("BE", "550000", "1", "1980000.00", 1), ("SE", "1910", "11.459", "698141.20", 1)]

    other_scope = await gql(
        client80, finance_token, SIGNED, period="2024", entities=["BE", "SE", "DE"]
    )
    assert error_messages(other_scope) == [
        f"{lock_named(event)} with the entities BE, SE: ask for those (or name none), or "
        "unlock it to consolidate other entities"
    ]

    # Unlocked, the period is recomputed: the same query now shows what changed.
    unlock = await gql(client80, finance_token, LOCK, period="2024", locked=False, reason="redo")
    assert data(unlock)["lockConsolidation"]["locked"] is False
    recomputed = data(await gql(client80, finance_token, SIGNED, period="2024", entities=BOTH))
    lines = {line["line"]: line for line in recomputed["consolidation"]["lines"]}
    signed_lines = {line["line"]: line for line in signed["consolidation"]["lines"]}
    assert signed_lines["BS.A.CA.IX"]["total"] == "2678141.20"
    assert lines["BS.A.CA.IX"]["total"] == "1980000.00"
    assert lines["BS.A"]["prior"] != signed_lines["BS.A"]["prior"]
    assert recomputed["consolidation"]["signOff"] is None


async def test_every_change_to_what_a_locked_run_used_is_refused_naming_the_lock(
    client80: AsyncTestClient[Any], worked: dict[str, str], hub80: Hub
) -> None:
    finance = worked["finance"]
    journal = data(await gql(client80, finance, JOURNAL, period="2024"))["postJournal"]
    # Belgium's 2024 report is reopened before the lock: version 1 stays the published one.
    reopen = await gql(
        client80, finance, TRANSITION, entity="BE", period="2024", action="REOPEN", reason="x"
    )
    assert data(reopen)["transitionReport"]["status"] == "DRAFT"
    event = await lock_2024(client80, finance)
    named = lock_named(event)
    async with hub80.db.pool.acquire() as connection:
        rates_before = await connection.fetchval("select count(*) from fx_rate")

    refused = await gql(
        client80, finance, TRANSITION, entity="SE", period="2024", action="REOPEN", reason="x"
    )
    assert error_messages(refused) == [
        f"{named}: unlock it before reopening SE's statements report for 2024"
    ]
    assert refused["errors"][0]["extensions"]["code"] == "WORKFLOW"
    # Belgium's correction can be saved and submitted, not approved.
    belgium = await principal(hub80, worked["national-be"])
    await save_version(hub80, belgium, scaled(BELGIUM, 3), "2024", base=1)
    await move(hub80, belgium, "BE", "2024", ReportAction.SUBMIT)
    approve = await gql(client80, finance, TRANSITION, entity="BE", period="2024", action="APPROVE")
    assert error_messages(approve) == [
        f"{named}: unlock it before approving a new version of BE's statements report for 2024"
    ]
    for rate, change in (
        (
            {"currency": "SEK", "type": "CLOSING", "period": "2024"},
            "overriding the closing rate for SEK in 2024",
        ),
        (
            {"currency": "SEK", "type": "AVERAGE", "period": "2024"},
            "overriding the average rate for SEK in 2024",
        ),
        (
            {"currency": "SEK", "type": "OPENING", "period": "2024"},
            "overriding the opening rate for SEK in 2024",
        ),
    ):
        body = await gql(client80, finance, OVERRIDE, input={**rate, "rate": "12", "reason": "x"})
        assert error_messages(body) == [f"{named}: unlock it before {change}"]
        assert body["errors"][0]["extensions"]["code"] == "LOCKED"
    posted = await gql(client80, finance, JOURNAL, period="2024")
    assert error_messages(posted) == [f"{named}: unlock it before posting a journal in 2024"]
    reverse = 'mutation R($id: Int!) { reverseJournal(id: $id, reason: "x") { id } }'
    reversal = await gql(client80, finance, reverse, id=journal["id"])
    assert error_messages(reversal) == [
        f"{named}: unlock it before reversing journal {journal['id']}"
    ]
    rerun = await gql(
        client80,
        finance,
        'mutation { runConsolidation(period: "2024", entities: ["BE", "SE"]) { id } }',
    )
    assert error_messages(rerun) == [f"{named}: unlock it before running it again"]
    # Nothing was stored; and what 2024 did not use stays open.
    async with hub80.db.pool.acquire() as connection:
        assert await connection.fetchval("select count(*) from fx_rate") == rates_before
        assert await connection.fetchval("select count(*) from journal") == 1
    permitted = await gql(
        client80,
        finance,
        OVERRIDE,
        input={
            "currency": "SEK",
            "type": "CLOSING",
            "period": "2025",
            "rate": "11.2",
            "reason": "x",
        },
    )
    assert data(permitted)["overrideExchangeRate"]["rate"] == "11.2"
    data(await gql(client80, finance, JOURNAL, period="2023"))
    data(
        await gql(
            client80, finance, TRANSITION, entity="SE", period="2023", action="REOPEN", reason="x"
        )
    )


async def test_an_ecb_import_that_would_change_a_locked_rate_is_refused_whole(
    client80: AsyncTestClient[Any], worked: dict[str, str], hub80: Hub
) -> None:
    """Decision: an import is all or nothing. One that would change a rate a locked run used
    (the ECB revised a day, so a derived closing or average moves) stores nothing and names the
    lock; one that changes no such rate (the same file again, later days) is imported."""
    finance = worked["finance"]
    event = await lock_2024(client80, finance)
    original = ECB.read_bytes()
    header, rest = original.split(b"\n", 1)
    lines = original.split(b"\n")
    [last_day] = [n for n, line in enumerate(lines) if line.startswith(b"2024-12-31,")]
    fields = lines[last_day].split(b",")
    sek = header.split(b",").index(b"SEK")
    assert fields[sek] == b"11.459"
    fields[sek] = b"11.47"
    lines[last_day] = b",".join(fields)
    revised = b"\n".join(lines)

    async def imported(body: bytes) -> Any:
        return await client80.post(
            "/api/fx/ecb", content=body, headers={"Authorization": f"Bearer {finance}"}
        )

    async with hub80.db.pool.acquire() as connection:
        counts = "select (select count(*) from fx_rate), (select count(*) from fx_daily)"
        before = tuple(await connection.fetchrow(counts) or ())
    response = await imported(revised)
    assert response.status_code == 409
    assert response.json()["detail"] == (
        f"{lock_named(event)}: unlock it before importing a file that changes the average rate "
        "for SEK in 2024 (from 11.4325 to 11.4326), the closing rate for SEK in 2024 (from "
        "11.459 to 11.47)"
    )
    async with hub80.db.pool.acquire() as connection:
        assert tuple(await connection.fetchrow(counts) or ()) == before

    assert (await imported(original)).status_code == 200
    later = header + b"\n" + lines[1].replace(b"2025-01-24", b"2025-01-27", 1) + b"\n" + rest
    response = await imported(later)
    assert response.status_code == 200
    assert response.json()["daily_added"] > 0


async def test_unlocking_needs_a_reason_is_audited_and_relocking_signs_off_anew(
    client80: AsyncTestClient[Any], worked: dict[str, str], hub80: Hub
) -> None:
    finance = worked["finance"]
    first = await lock_2024(client80, finance)
    no_reason = await gql(client80, finance, LOCK, period="2024", locked=False)
    assert error_messages(no_reason) == ["reason: unlocking a consolidation needs a reason"]
    board = await gql(client80, worked["board"], LOCK, period="2024", locked=False, reason="x")
    assert error_messages(board) == [
        "the board role may not run consolidations and post adjustments"
    ]
    # 2024 was locked before 2023: it did not open from 2023's sign-off, which may be lifted.
    lock_2023 = await gql(client80, finance, LOCK, period="2023", reason="ok", entities=BOTH)
    assert data(lock_2023)["lockConsolidation"]["locked"] is True
    unlock_2023 = await gql(client80, finance, LOCK, period="2023", locked=False, reason="x")
    assert data(unlock_2023)["lockConsolidation"]["locked"] is False

    unlocked = data(
        await gql(client80, finance, LOCK, period="2024", locked=False, reason="rate corrected")
    )["lockConsolidation"]
    assert (unlocked["locked"], unlocked["runId"], unlocked["reason"]) == (
        False,
        first["runId"],
        "rate corrected",
    )
    data(
        await gql(
            client80,
            finance,
            OVERRIDE,
            input={
                "currency": "SEK",
                "type": "CLOSING",
                "period": "2024",
                "rate": "11.5",
                "reason": "corrected",
            },
        )
    )
    data(await gql(client80, finance, LOCK, period="2023", reason="again", entities=BOTH))
    second = await lock_2024(client80, finance)
    assert second["runId"] != first["runId"]
    assert second["digest"] != first["digest"]
    refused = await gql(client80, finance, LOCK, period="2023", locked=False, reason="x")
    assert error_messages(refused) == [f"{lock_named(second)}: unlock it before unlocking 2023"]
    events = data(
        await gql(
            client80,
            worked["board"],
            '{ consolidationLocks(period: "2024") { locked runId actor reason digest } }',
        )
    )["consolidationLocks"]
    assert events == [
        {
            "locked": True,
            "runId": first["runId"],
            "actor": "finance",
            "reason": "signed off",
            "digest": first["digest"],
        },
        {
            "locked": False,
            "runId": first["runId"],
            "actor": "finance",
            "reason": "rate corrected",
            "digest": first["digest"],
        },
        {
            "locked": True,
            "runId": second["runId"],
            "actor": "finance",
            "reason": "signed off",
            "digest": second["digest"],
        },
    ]
    # Both runs stay stored; the signed-off one is served.
    runs = data(await gql(client80, finance, '{ consolidationRuns(period: "2024") { id } }'))
    assert [r["id"] for r in runs["consolidationRuns"]] == [first["runId"], second["runId"]]
    served = data(await gql(client80, finance, SIGNED, period="2024"))["consolidation"]
    assert served["signOff"]["runId"] == second["runId"]
    # Signed off on 2023's lock: the comparatives are 2023's signed-off run.
    lock_2023_run = data(
        await gql(client80, finance, '{ consolidationLocks(period: "2023") { runId } }')
    )["consolidationLocks"][-1]["runId"]
    assert served["signOff"]["priorRunId"] == lock_2023_run


async def test_the_statements_workbook_prints_the_signed_off_run(
    client80: AsyncTestClient[Any], worked: dict[str, str], hub80: Hub
) -> None:
    finance = worked["finance"]

    async def workbook() -> Any:
        response = await client80.get(
            "/api/consolidation/2024/statements.xlsx",
            params={"entities": BOTH},
            headers={"Authorization": f"Bearer {finance}"},
        )
        assert response.status_code == 200
        return load_workbook(io.BytesIO(response.content))

    open_digest = data(await gql(client80, finance, SIGNED, period="2024", entities=BOTH))[
        "consolidation"
    ]["digest"]
    unsigned = await workbook()
    assert unsigned["Balance sheet"]["A3"].value == (
        f"Not signed off: recomputed from the approved data; digest {open_digest}"
    )
    event = await lock_2024(client80, finance)
    async with hub80.db.pool.acquire() as connection:
        await connection.execute(
            "insert into account_mapping (entity_code, kind, first_account, last_account,"
            " line_code, starts_on, reason) values ('SE', 'account', '1910', '1910',"
            " 'BS.A.CA.VII.A', date '1900-01-01', 'a corrected chart')"
        )
    signed = await workbook()
    at = dt.datetime.fromisoformat(event["at"]).astimezone(dt.UTC)
    line = (
        f"Signed off: run {event['runId']}, digest {event['digest']}, locked by finance on "
        f"{at:%Y-%m-%d %H:%M} UTC"
    )
    assert signed["Balance sheet"]["A3"].value == line
    assert signed["Income statement"]["A3"].value == line
    rows = {r[0].value: r for r in signed["Balance sheet"].iter_rows(min_row=5) if r[0].value}
    assert rows["BS.A.CA.IX"][6].value == pytest.approx(2678141.20)  # not the changed chart
    assert rows["BS.A"][6].value == pytest.approx(2683220.18)
    sheet = signed["Sign-off"]
    assert {
        sheet.cell(row=r, column=1).value: sheet.cell(row=r, column=2).value for r in range(3, 12)
    } == {
        "Period": "2024",
        "Figures": "signed off (the stored run)",
        "Run": event["runId"],
        "Digest (SHA-256 of inputs and result)": event["digest"],
        "Locked by": "finance",
        "Locked at": f"{at:%Y-%m-%d %H:%M} UTC",
        "Reason": "signed off",
        "Entities": "BE, SE",
        "Comparatives from run": sheet.cell(row=11, column=2).value,
    }
    assert isinstance(sheet.cell(row=11, column=2).value, int)


async def test_signed_off_gives_the_next_period_the_stored_run(
    client80: AsyncTestClient[Any], worked: dict[str, str], hub80: Hub
) -> None:
    finance = await principal(hub80, worked["finance"])
    async with hub80.db.pool.acquire() as connection:
        assert await consolidation.signed_off(connection, "2023") is None
    view = await consolidation.view(hub80, finance, "2023", BOTH)
    signed = await locking.lock(hub80, finance, "2023", BOTH, "year end")
    async with hub80.db.pool.acquire() as connection:
        stored = await consolidation.signed_off(connection, "2023")
    assert stored is not None
    inputs, result, sign_off = stored
    assert (inputs, result) == (view.inputs, view.result)
    assert sign_off == signed
    assert consolidation.digest_of(inputs, result) == signed.digest == view.digest


async def test_a_rate_override_racing_a_lock_is_either_used_or_refused(
    worked: dict[str, str], hub80: Hub
) -> None:
    """The lock and the override serialise on the rates lock: whichever commits first, the
    signed-off run used the rate that is effective afterwards."""
    finance = await principal(hub80, worked["finance"])
    outcomes = await asyncio.gather(
        locking.lock(hub80, finance, "2024", BOTH, "race"),
        override_rate(
            hub80,
            finance,
            currency="SEK",
            rate_type=RateType.CLOSING,
            period="2024",
            entity=None,
            line=None,
            rate=Decimal("11.6"),
            reason="race",
        ),
        return_exceptions=True,
    )
    assert not isinstance(outcomes[0], BaseException), outcomes[0]
    async with hub80.db.pool.acquire() as connection:
        stored = await consolidation.signed_off(connection, "2024")
        effective = await connection.fetchval(
            "select rate from fx_rate where currency = 'SEK' and rate_type = 'closing' "
            "and period = '2024' order by id desc limit 1"
        )
    assert stored is not None
    [closing] = [r.rate for r in stored.inputs.rates_used if r.type == "closing"]
    assert closing == effective
    if isinstance(outcomes[1], BaseException):
        assert isinstance(outcomes[1], Locked)
        assert closing == Decimal("11.459")
    else:
        assert closing == Decimal("11.6")


async def test_a_locked_period_refuses_another_scope_in_the_drill_down(
    worked: dict[str, str], hub80: Hub
) -> None:
    finance = await principal(hub80, worked["finance"])
    await locking.lock(hub80, finance, "2024", BOTH, "signed")
    with pytest.raises(ConsolidationError) as raised:
        await consolidation.drill_down(hub80, finance, "2024", "BS.A.CA.IX", ["BE", "SE", "IT"])
    assert raised.value.problems[0].endswith(
        "with the entities BE, SE: ask for those (or name none), or unlock it to consolidate "
        "other entities"
    )


async def test_an_open_period_compares_with_the_signed_off_prior_period(
    client80: AsyncTestClient[Any], worked: dict[str, str], hub80: Hub
) -> None:
    finance = worked["finance"]
    query = (
        '{ consolidation(period: "2024", entities: ["BE", "SE"]) { lines { line prior } '
        "translations { entity reserveOpening } } }"
    )
    before = data(await gql(client80, finance, query))["consolidation"]
    data(await gql(client80, finance, LOCK, period="2023", reason="signed", entities=BOTH))
    async with hub80.db.pool.acquire() as connection:
        await connection.execute(
            "insert into account_mapping (entity_code, kind, first_account, last_account,"
            " line_code, starts_on, reason) values ('SE', 'account', '1910', '1910',"
            " 'BS.A.CA.VII.A', date '1900-01-01', 'a corrected chart')"
        )
    after = data(await gql(client80, finance, query))["consolidation"]
    assert after == before  # 2023 as signed off, not as the corrected chart would give it
    priors = {line["line"]: line["prior"] for line in after["lines"]}
    assert priors["BS.A"] == "2095367.70"
    assert after["translations"][0] == {"entity": "SE", "reserveOpening": "-26400.39"}
