"""What the hub tells a node about its envelopes (`POST /api/federation/status`): every envelope
of the entity it stored, with its outcome, and for an accepted one the version it became and
where that version stands in the workflow now.

A version's state is that of its newest workflow event: `draft` or `submitted` while finance
has not decided, `approved`, `locked`, or `returned` when finance's last word on it was a return
(or a reopening), with finance's reason.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import msgspec

from hub.db.pool import Connection

State = Literal["draft", "submitted", "approved", "locked", "returned"]


class EnvelopeStatus(msgspec.Struct, frozen=True, kw_only=True):
    hash: str
    sequence: int
    period: str
    dataset: str
    outcome: Literal["accepted", "refused"]
    reasons: list[str]
    received_at: dt.datetime
    version: int | None  # the hub's version an accepted envelope became
    state: State | None  # that version's state now; None for a refused envelope
    return_reason: str | None  # finance's reason when the state is `returned`


class StatusAnswer(msgspec.Struct, frozen=True, kw_only=True):
    entity: str
    envelopes: list[EnvelopeStatus]
    last_sequence: int | None  # the highest sequence the hub has of the entity


_ENVELOPES = """
    select e.hash, e.sequence, e.outcome, e.reasons, e.received_at,
           e.signed -> 'envelope' -> 'report' ->> 'period' as period,
           e.signed -> 'envelope' -> 'report' ->> 'dataset' as dataset,
           s.version, last.action, last.to_status, last.reason
    from envelope e
    left join submission s on s.id = e.submission_id
    left join lateral (
        select x.action, x.to_status, x.reason from report_event x
        where (x.entity_code, x.period, x.dataset, x.version)
            = (s.entity_code, s.period, s.dataset, s.version)
        order by x.id desc limit 1
    ) last on true
    where e.entity_code = $1
    order by e.sequence, e.received_at
"""

# Finance's decisions that send a version back to the national team, with a reason.
SENT_BACK = ("return", "reopen")


def _state(action: str | None, to_status: str | None) -> State | None:
    if action is None or to_status is None:
        return None
    if action in SENT_BACK:
        return "returned"
    state: State = msgspec.convert(to_status, State)
    return state


async def envelope_statuses(connection: Connection, entity: str) -> StatusAnswer:
    rows = await connection.fetch(_ENVELOPES, entity)
    envelopes = []
    for row in rows:
        state = _state(row["action"], row["to_status"]) if row["outcome"] == "accepted" else None
        envelopes.append(
            EnvelopeStatus(
                hash=row["hash"],
                sequence=row["sequence"],
                period=row["period"],
                dataset=row["dataset"],
                outcome=row["outcome"],
                reasons=list(row["reasons"]),
                received_at=row["received_at"],
                version=row["version"],
                state=state,
                return_reason=row["reason"] if state == "returned" else None,
            )
        )
    return StatusAnswer(
        entity=entity,
        envelopes=envelopes,
        last_sequence=max((e.sequence for e in envelopes), default=None),
    )
