"""The hub receiving a node's signed envelope: decoded, looked up by its hash (a delivery
already stored is answered as stored: exactly once), judged (hub/federation/acceptance.py) with
the registered keys, the entity's last accepted sequence and the current rule set, and stored.

An accepted envelope becomes a new version of its report, saved and SUBMITTED through the same
workflow as a central save and submission, by the entity's node user, in ONE transaction with
the envelope's row, which keeps the signed envelope as the version's provenance: finance reviews
it like any submission. A refused envelope is stored too, with its reasons, for the audit. A
report the workflow refuses (its errors, a report in review or locked, warnings the report's
comment does not explain) refuses the envelope with the workflow's words, and nothing of the
report is stored; content equal to the latest (draft) version is accepted as that version.

A new envelope signed with a key of its entity in force at receipt is the node's contact
(hub/federation/contact.py), whether it is accepted or refused; anything else is not, nor is a
repeated delivery answered from its stored receipt (a captured envelope replayed by someone
else would otherwise make the entity look alive).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Literal

import msgspec

from hub.auth.policy import AccessDenied
from hub.auth.users import principal_by_name
from hub.db.pool import Connection
from hub.federation.acceptance import Received, decide
from hub.federation.contact import record_contact
from hub.federation.envelope import KpiReport, Opened, open_envelope
from hub.federation.register import node_keys, node_user_name
from hub.federation.ruleset import current_rule_set
from hub.reporting import repository
from hub.reporting.model import KpiSubmissionIn, StatementsIn
from hub.reporting.period import PeriodError, parse_period
from hub.reporting.service import (
    Conflict,
    Rejected,
    SaveRequest,
    kpi_request,
    save_in,
    statements_request,
    transition_in,
)
from hub.reporting.workflow import ReportAction, WorkflowRefusal
from hub.services import Hub

Outcome = Literal["accepted", "refused"]


class Receipt(msgspec.Struct, frozen=True, kw_only=True):
    """What the hub answers a node, for a new delivery and a repeated one alike."""

    hash: str
    outcome: Outcome
    reasons: list[str]
    version: int | None  # the report version an accepted envelope became
    received_at: dt.datetime


class _Refused(Exception):
    def __init__(self, reasons: list[str]) -> None:
        self.reasons = reasons


async def stored_receipt(connection: Connection, envelope_hash: str) -> Receipt | None:
    row = await connection.fetchrow(
        "select e.hash, e.outcome, e.reasons, s.version, e.received_at from envelope e "
        "left join submission s on s.id = e.submission_id where e.hash = $1",
        envelope_hash,
    )
    if row is None:
        return None
    return Receipt(
        hash=row["hash"],
        outcome=row["outcome"],
        reasons=list(row["reasons"]),
        version=row["version"],
        received_at=row["received_at"],
    )


async def last_accepted_sequence(connection: Connection, entity: str) -> int | None:
    last: int | None = await connection.fetchval(
        "select max(sequence) from envelope where entity_code = $1 and outcome = 'accepted'",
        entity,
    )
    return last


def _request(hub: Hub, opened: Opened) -> SaveRequest:
    envelope = opened.signed.envelope
    report = envelope.report
    source = f"node envelope {opened.hash[:16]}"
    if isinstance(report, KpiReport):
        return kpi_request(
            hub,
            KpiSubmissionIn(
                entity=envelope.entity,
                period=report.period,
                values=report.values,
                source=source,
                comment=report.comment,
            ),
        )
    return statements_request(
        hub,
        StatementsIn(
            entity=envelope.entity,
            period=report.period,
            lines=report.lines,
            trial_balance=report.trial_balance,
            source=source,
            comment=report.comment,
        ),
    )


async def _latest_version(connection: Connection, request: SaveRequest) -> int | None:
    """The version a node's report follows: the hub's latest one. The node is the only writer
    of its entity's reports, and its envelopes are received one at a time, so nothing can have
    been saved between what the node was told and this save; an envelope carries no base."""
    try:
        period = parse_period(request.period)
    except PeriodError:
        return None  # the save refuses the period, naming it
    latest = await repository.latest_submission_id(
        connection, request.entity, str(period), request.dataset
    )
    return None if latest is None else latest[1]


async def _save_and_submit(hub: Hub, connection: Connection, opened: Opened) -> int:
    """The submission id of the new (or equal latest) version, saved and submitted by the node
    user; _Refused otherwise. Run in a savepoint: a refused submission undoes the save."""
    entity = opened.signed.envelope.entity
    principal = await principal_by_name(connection, node_user_name(entity))
    if principal is None:
        raise _Refused([f"the node user of {entity} is disabled: ask the hub's admin"])
    request = _request(hub, opened)
    request = dataclasses.replace(request, base_version=await _latest_version(connection, request))
    try:
        outcome = await save_in(hub, connection, principal, request)
        if isinstance(outcome, Rejected):
            reasons = [f"{f.where.path()}: {f.message}" for f in outcome.errors]
            more = outcome.error_count - len(outcome.errors)
            if more > 0:
                reasons.append(f"and {more} more errors")
            raise _Refused(reasons)
        if isinstance(outcome, Conflict):
            raise _Refused([outcome.message])
        await transition_in(
            hub,
            connection,
            principal,
            entity=entity,
            period=request.period,
            dataset=request.dataset,
            action=ReportAction.SUBMIT,
            reason=request.comment,
        )
    except (WorkflowRefusal, AccessDenied) as refusal:
        raise _Refused([str(refusal)]) from refusal
    return outcome.submission.id


def _signed_json(opened: Opened) -> str:
    """The signed envelope with the values signed (amounts as their strings): its canonical
    JSON again gives the bytes signed, verifiable later with the registered public key."""
    signature = msgspec.json.encode(opened.signed.signature)
    return (b'{"envelope":' + opened.envelope_bytes + b',"signature":' + signature + b"}").decode()


async def _store(
    connection: Connection,
    opened: Opened,
    reasons: list[str],
    submission_id: int | None,
    received_at: dt.datetime,
) -> None:
    envelope = opened.signed.envelope
    await connection.execute(
        "insert into envelope (hash, entity_code, sequence, signed, outcome, reasons, "
        "submission_id, received_at) values ($1, $2, $3, $4::jsonb, $5, $6, $7, $8)",
        opened.hash,
        envelope.entity,
        envelope.sequence,
        _signed_json(opened),
        "refused" if reasons else "accepted",
        reasons,
        submission_id,
        received_at,
    )


async def receive(hub: Hub, opened: Opened, received_at: dt.datetime) -> Receipt:
    """Judge and store a decoded envelope; a hash already stored gets its stored receipt."""
    entity = opened.signed.envelope.entity
    async with hub.db.transaction() as connection:
        # One envelope of an entity at a time: the last accepted sequence cannot move meanwhile.
        await connection.execute(
            "select pg_advisory_xact_lock(hashtext('envelope:' || $1))", entity
        )
        stored = await stored_receipt(connection, opened.hash)
        if stored is not None:
            return stored
        registered = [key.registered() for key in await node_keys(connection)]
        config = hub.registry.entities.get(entity)
        decision = decide(
            Received(
                signed=opened.signed,
                keys=registered,
                last_accepted_sequence=await last_accepted_sequence(connection, entity),
                current_rule_set=await current_rule_set(hub, connection),
                received_at=received_at,
                envelope_bytes=opened.envelope_bytes,
                reporting=None if config is None else config.reporting,
            )
        )
        reasons = decision.reasons
        submission_id: int | None = None
        if not reasons:
            try:
                async with connection.transaction():
                    submission_id = await _save_and_submit(hub, connection, opened)
            except _Refused as refused:
                reasons = refused.reasons
        await _store(connection, opened, reasons, submission_id, received_at)
        if decision.vouched:
            sequence = opened.signed.envelope.sequence
            await record_contact(connection, entity, received_at, f"envelope {sequence}")
        receipt = await stored_receipt(connection, opened.hash)
    assert receipt is not None
    return receipt


def decode(data: bytes) -> Opened:
    """`open_envelope`: EnvelopeError names the first problem and its place."""
    return open_envelope(data)
