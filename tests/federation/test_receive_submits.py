"""An accepted envelope is saved AND submitted by the node user, in one transaction with its
row: finance reviews it like a central submission (and approves, returns and locks it as
always). A submission the workflow refuses refuses the envelope with the workflow's words and
stores nothing but the refused row. The node's contact is recorded for a new envelope its key
signed (accepted or refused), never otherwise."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import msgspec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hub.auth.policy import Principal, Role
from hub.federation import keys
from hub.federation.contact import last_contacts
from hub.federation.envelope import Envelope, KpiReport, open_envelope, seal
from hub.federation.receive import Receipt, receive
from hub.federation.register import register_key
from hub.federation.ruleset import current_rule_set
from hub.reporting.model import Dataset, KpiValueIn, Status
from hub.reporting.service import transition_report
from hub.reporting.workflow import ReportAction
from hub.services import Hub
from tests.federation import builders
from tests.federation.test_receive import envelope as statements_envelope

SEPT = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)
NOW = dt.datetime(2026, 11, 30, 10, tzinfo=dt.UTC)


async def _setup(hub: Hub, key: Ed25519PrivateKey, entity: str = "SE") -> tuple[str, Principal]:
    """The key registered for the entity; the current rule set and a finance user."""
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
            entity,
            keys.public_text(key.public_key()),
            SEPT,
            "node set up",
        )
        rule_set = await current_rule_set(hub, connection)
    return rule_set, Principal(finance_id, "fiona", Role.FINANCE)


def kpis(users: str) -> tuple[KpiValueIn, ...]:
    return (
        KpiValueIn(kpi="turnover", amount=Decimal("2607000"), currency="SEK"),
        KpiValueIn(kpi="users", amount=Decimal(users)),
        KpiValueIn(kpi="staff_fte", amount=Decimal("4.5")),
        KpiValueIn(kpi="offices", amount=Decimal(1)),
        KpiValueIn(kpi="contribution_rate", amount=Decimal("7.33")),
    )


def kpi_envelope(
    key: Ed25519PrivateKey,
    rule_set: str,
    *,
    period: str,
    users: str,
    sequence: int,
    comment: str | None = None,
) -> Envelope:
    return msgspec.structs.replace(
        builders.envelope(key, sequence=sequence, rule_set=rule_set),
        report=KpiReport(period=period, values=kpis(users), comment=comment),
    )


def corrected(key: Ed25519PrivateKey, rule_set: str, *, sequence: int) -> Envelope:
    """The statements envelope with another bank balance (other content: a new version)."""
    built = statements_envelope(key, rule_set=rule_set, sequence=sequence)
    report = built.report
    assert not isinstance(report, KpiReport)
    rows = tuple(
        msgspec.structs.replace(row, amount=Decimal("400000.00").copy_sign(row.amount))
        for row in report.trial_balance
    )
    return msgspec.structs.replace(
        built, report=msgspec.structs.replace(report, trial_balance=rows)
    )


async def _deliver(hub: Hub, key: Ed25519PrivateKey, built: Envelope, at: dt.datetime) -> Receipt:
    return await receive(hub, open_envelope(seal(built, key).data), at)


async def test_an_accepted_envelope_is_submitted_and_finance_reviews_it_as_always(
    hub: Hub,
) -> None:
    key = Ed25519PrivateKey.generate()
    rule_set, finance = await _setup(hub, key)
    built = statements_envelope(key, rule_set=rule_set, period_comment=True)
    receipt = await _deliver(hub, key, built, NOW)
    assert (receipt.outcome, receipt.version) == ("accepted", 1)
    async with hub.db.pool.acquire() as connection:
        events = await connection.fetch(
            "select e.action, e.to_status, e.version, u.name as actor, e.reason "
            "from report_event e join app_user u on u.id = e.actor_id "
            "where e.entity_code = 'SE' and e.period = '2026-Q3' order by e.id"
        )
    assert [tuple(e) for e in events] == [
        ("save", "draft", 1, "node-SE", "corrected"),
        ("submit", "submitted", 1, "node-SE", "corrected"),
    ]
    for action, reason, status in (
        (ReportAction.RETURN, "the bank balance looks wrong", Status.DRAFT),
    ):
        report = await transition_report(
            hub,
            finance,
            entity="SE",
            period="2026-Q3",
            dataset=Dataset.STATEMENTS,
            action=action,
            reason=reason,
        )
        assert report.status is status
    # The node sends its correction: version 2, submitted again; finance approves and locks.
    again = await _deliver(hub, key, corrected(key, rule_set, sequence=2), NOW)
    assert (again.outcome, again.reasons, again.version) == ("accepted", [], 2), again.reasons
    for action, status in (
        (ReportAction.APPROVE, Status.APPROVED),
        (ReportAction.LOCK, Status.LOCKED),
    ):
        report = await transition_report(
            hub,
            finance,
            entity="SE",
            period="2026-Q3",
            dataset=Dataset.STATEMENTS,
            action=action,
            reason="checked",
        )
        assert (report.status, report.approved_version) == (status, 2)


async def test_a_refused_submission_refuses_the_envelope_and_stores_only_its_row(
    hub: Hub,
) -> None:
    key = Ed25519PrivateKey.generate()
    rule_set, finance = await _setup(hub, key)
    first = await _deliver(
        hub, key, kpi_envelope(key, rule_set, period="2026-Q2", users="100", sequence=1), NOW
    )
    assert first.outcome == "accepted", first.reasons
    await transition_report(
        hub,
        finance,
        entity="SE",
        period="2026-Q2",
        dataset=Dataset.KPI,
        action=ReportAction.APPROVE,
        reason="fine",
    )
    # Users tripled against the published previous quarter, and no comment explains it.
    tripled = kpi_envelope(key, rule_set, period="2026-Q3", users="300", sequence=2)
    refused = await _deliver(hub, key, tripled, NOW)
    assert (refused.outcome, refused.version) == ("refused", None)
    assert refused.reasons == [
        "version 1 has 1 warning(s) without a comment: submitting needs a comment that "
        "explains them (a KPI's note, the workbook's Note column, explains its own line); "
        "first: values[1].amount: users changed by +200.0 % against the previous period "
        "(100 -> 300); more than 50 % needs a comment"
    ]
    async with hub.db.pool.acquire() as connection:
        assert (
            await connection.fetchval("select count(*) from submission where period = '2026-Q3'")
            == 0
        )
        assert (
            await connection.fetchval("select count(*) from report where period = '2026-Q3'") == 0
        )
        rows = await connection.fetch("select sequence, outcome from envelope order by sequence")
    assert [tuple(r) for r in rows] == [(1, "accepted"), (2, "refused")]
    # With a comment that explains it, the same report is accepted and submitted.
    explained = kpi_envelope(
        key, rule_set, period="2026-Q3", users="300", sequence=3, comment="a new service"
    )
    accepted = await _deliver(hub, key, explained, NOW)
    assert (accepted.outcome, accepted.version) == ("accepted", 1)


async def test_contact_is_what_the_entitys_key_signed_refused_or_not_and_nothing_else(
    hub: Hub,
) -> None:
    key = Ed25519PrivateKey.generate()
    rule_set, _ = await _setup(hub, key)
    stranger = Ed25519PrivateKey.generate()

    async def contact() -> tuple[dt.datetime, str] | None:
        async with hub.db.pool.acquire() as connection:
            return (await last_contacts(connection)).get("SE")

    assert await contact() is None
    sealed = seal(statements_envelope(key, rule_set=rule_set, sequence=4), key)
    assert (await receive(hub, open_envelope(sealed.data), NOW)).outcome == "accepted"
    assert await contact() == (NOW, "envelope 4")
    later = NOW + dt.timedelta(hours=1)
    # Refused (an older sequence), but signed by SE's key: the node reached the hub.
    replay = await _deliver(
        hub, key, statements_envelope(key, rule_set=rule_set, sequence=2), later
    )
    assert replay.outcome == "refused"
    assert await contact() == (later, "envelope 2")
    # None of these is contact: another key, SE's key signing for DE, a tampered envelope, and
    # the stored envelope delivered again (anyone who caught it could send it).
    after = later + dt.timedelta(hours=1)
    unsigned = [
        seal(statements_envelope(stranger, rule_set=rule_set, sequence=9), stranger).data,
        seal(statements_envelope(key, rule_set=rule_set, sequence=9, entity="DE"), key).data,
        seal(statements_envelope(key, rule_set=rule_set, sequence=9), key).data.replace(
            b'"412345.67"', b'"912345.67"', 1
        ),
        sealed.data,
    ]
    for data in unsigned:
        await receive(hub, open_envelope(data), after)
    assert await contact() == (later, "envelope 2")
    async with hub.db.pool.acquire() as connection:
        assert "DE" not in await last_contacts(connection)


async def test_an_envelope_for_an_entity_reported_centrally_is_refused_and_stores_nothing(
    hub: Hub,
) -> None:
    key = Ed25519PrivateKey.generate()
    rule_set, _ = await _setup(hub, key, entity="DE")  # DE is reported centrally here
    receipt = await _deliver(
        hub, key, statements_envelope(key, rule_set=rule_set, entity="DE"), NOW
    )
    assert (receipt.outcome, receipt.reasons) == (
        "refused",
        [
            "DE is reported centrally on the hub, not by a node: ask the hub's admin to switch "
            "it in network.toml"
        ],
    )
    async with hub.db.pool.acquire() as connection:
        assert await connection.fetchval("select count(*) from submission") == 0
        # Its key signed it: DE's node did reach the hub.
        assert (await last_contacts(connection))["DE"] == (NOW, "envelope 1")
