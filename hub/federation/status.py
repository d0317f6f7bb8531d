"""What the hub shows about each entity's node: nothing waits for a node, so the hub says what
it has and how old it is. Per entity: its reporting mode, the last envelope it accepted (and
the version it became, "as of" its receipt), the node's last contact, what is pending (versions
awaiting finance, envelopes refused since the last accepted one), and whether the entity is
stale, with the reasons in words.

An entity reported by its node is stale when its node has not reached the hub for longer than
`[federation] stale_after_days` (config/reporting.toml), or when a report is overdue and the
node's newest data for it is older than its deadline (nothing arrived, or only what arrived
before the deadline and went back to draft). A central entity is never stale here: its team
works on the hub, and the to-do list shows what is overdue.

Who sees what is decided by the caller (hub/federation/status_graphql.py): the figures' side
(what was accepted, what is pending) follows the right to read the entity's drafts."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import asyncpg

from hub.db.pool import Connection
from hub.federation.contact import last_contacts
from hub.registry.model import ReportingMode
from hub.reporting.due import ReportingState
from hub.reporting.model import Dataset
from hub.reporting.status import StatusRow, status_rows
from hub.services import Hub

# Refused envelopes listed per entity (the newest); `refused_count` counts them all.
LISTED_REFUSALS = 20

DATASET_WORDS = {Dataset.KPI: "KPI", Dataset.STATEMENTS: "statements"}


@dataclass(frozen=True, slots=True)
class AcceptedEnvelope:
    """An accepted envelope and the report version it became, as of its receipt."""

    sequence: int
    hash: str
    period: str
    dataset: Dataset
    version: int
    received_at: dt.datetime


@dataclass(frozen=True, slots=True)
class RefusedEnvelope:
    sequence: int
    hash: str
    received_at: dt.datetime
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Contact:
    at: dt.datetime
    what: str


@dataclass(frozen=True, slots=True)
class NodeStatus:
    entity: str
    mode: ReportingMode
    last_accepted: AcceptedEnvelope | None
    # When the newest published figures the node sent arrived: the board's "figures as of".
    published_as_of: dt.datetime | None
    last_contact: Contact | None
    awaiting_finance: tuple[AcceptedEnvelope, ...]
    refused: tuple[RefusedEnvelope, ...]  # since the last accepted one, newest first
    refused_count: int
    stale_reasons: tuple[str, ...] = field(default=())

    @property
    def stale(self) -> bool:
        return bool(self.stale_reasons)


_LAST_ACCEPTED = """
select distinct on (e.entity_code) e.entity_code, e.sequence, e.hash, e.received_at,
       s.period, s.dataset, s.version
from envelope e join submission s on s.id = e.submission_id
where e.outcome = 'accepted' and e.entity_code = any($1::text[])
order by e.entity_code, e.sequence desc
"""

# The newest accepted envelope of each report (what the node sent last for it).
_NEWEST_PER_REPORT = """
select distinct on (s.entity_code, s.period, s.dataset) s.entity_code, s.period, s.dataset,
       e.received_at
from envelope e join submission s on s.id = e.submission_id
where e.outcome = 'accepted' and e.entity_code = any($1::text[])
order by s.entity_code, s.period, s.dataset, e.received_at desc
"""

_PUBLISHED_AS_OF = """
select e.entity_code, max(e.received_at) as as_of
from envelope e join publication p on p.submission_id = e.submission_id
where e.outcome = 'accepted' and e.entity_code = any($1::text[])
group by e.entity_code
"""

# Versions a node sent that finance has not reviewed yet: the report's latest version, submitted.
_AWAITING = """
select distinct on (s.id) e.entity_code, e.sequence, e.hash, e.received_at,
       s.period, s.dataset, s.version
from envelope e
join submission s on s.id = e.submission_id
join report r on (r.entity_code, r.period, r.dataset) = (s.entity_code, s.period, s.dataset)
where e.outcome = 'accepted' and r.status = 'submitted' and r.latest_version = s.version
  and e.entity_code = any($1::text[])
order by s.id, e.sequence desc
"""

_REFUSED_SINCE_ACCEPTED = """
select e.entity_code, e.sequence, e.hash, e.received_at, e.reasons
from envelope e
where e.outcome = 'refused' and e.entity_code = any($1::text[])
  and e.received_at > coalesce(
      (select max(a.received_at) from envelope a
       where a.entity_code = e.entity_code and a.outcome = 'accepted'),
      '-infinity')
order by e.entity_code, e.received_at desc, e.sequence desc
"""


def _accepted(row: asyncpg.Record) -> AcceptedEnvelope:
    return AcceptedEnvelope(
        sequence=row["sequence"],
        hash=row["hash"],
        period=row["period"],
        dataset=Dataset(row["dataset"]),
        version=row["version"],
        received_at=row["received_at"],
    )


def contact_reason(
    entity: str, contact: Contact | None, now: dt.datetime, stale_after_days: int
) -> str | None:
    if contact is None:
        return f"{entity}'s node has never reached the hub"
    quiet = now - contact.at
    if quiet <= dt.timedelta(days=stale_after_days):
        return None
    return (
        f"no contact from {entity}'s node for {quiet.days} days (last: {contact.what} on "
        f"{contact.at.date().isoformat()}; stale after {stale_after_days})"
    )


def overdue_reason(
    rows: list[StatusRow], newest: dict[tuple[str, Dataset], dt.datetime]
) -> str | None:
    """One line for the entity's overdue reports whose newest data from the node is older than
    their deadline (`newest`: per (period, dataset), when the node's last one arrived)."""
    late = []
    for row in rows:
        if row.state is not ReportingState.OVERDUE or row.deadline is None:
            continue
        arrived = newest.get((row.period, row.dataset))
        if arrived is not None and arrived.date() > row.deadline:
            continue
        what = f"{row.period} {DATASET_WORDS[row.dataset]} (due {row.deadline.isoformat()}"
        what += ")" if arrived is None else f"; the node's is of {arrived.date().isoformat()})"
        late.append(what)
    if not late:
        return None
    return f"overdue, nothing newer from the node: {', '.join(late)}"


async def node_statuses(
    hub: Hub, connection: Connection, codes: list[str], now: dt.datetime
) -> list[NodeStatus]:
    """The status of each entity of `codes`, in their order, whoever asks (see the module)."""
    by_entity: dict[str, AcceptedEnvelope] = {
        row["entity_code"]: _accepted(row) for row in await connection.fetch(_LAST_ACCEPTED, codes)
    }
    published = {
        row["entity_code"]: row["as_of"] for row in await connection.fetch(_PUBLISHED_AS_OF, codes)
    }
    awaiting: dict[str, list[AcceptedEnvelope]] = defaultdict(list)
    for row in await connection.fetch(_AWAITING, codes):
        awaiting[row["entity_code"]].append(_accepted(row))
    refused: dict[str, list[RefusedEnvelope]] = defaultdict(list)
    for row in await connection.fetch(_REFUSED_SINCE_ACCEPTED, codes):
        refused[row["entity_code"]].append(
            RefusedEnvelope(
                sequence=row["sequence"],
                hash=row["hash"],
                received_at=row["received_at"],
                reasons=tuple(row["reasons"]),
            )
        )
    newest: dict[str, dict[tuple[str, Dataset], dt.datetime]] = defaultdict(dict)
    for row in await connection.fetch(_NEWEST_PER_REPORT, codes):
        newest[row["entity_code"]][(row["period"], Dataset(row["dataset"]))] = row["received_at"]
    contacted = await last_contacts(connection)
    contacts = {entity: Contact(at, what) for entity, (at, what) in contacted.items()}
    nodes = [c for c in codes if hub.registry.entities[c].reporting is ReportingMode.NODE]
    due: dict[str, list[StatusRow]] = defaultdict(list)
    if nodes:
        for item in await status_rows(hub, nodes, nodes, None, now.date()):
            due[item.entity].append(item)
    limit = hub.rules.federation.stale_after_days
    statuses = []
    for code in codes:
        mode = hub.registry.entities[code].reporting
        reasons: list[str] = []
        if mode is ReportingMode.NODE:
            for reason in (
                contact_reason(code, contacts.get(code), now, limit),
                overdue_reason(due[code], newest[code]),
            ):
                if reason is not None:
                    reasons.append(reason)
        statuses.append(
            NodeStatus(
                entity=code,
                mode=mode,
                last_accepted=by_entity.get(code),
                published_as_of=published.get(code),
                last_contact=contacts.get(code),
                awaiting_finance=tuple(
                    sorted(awaiting[code], key=lambda a: (a.received_at, a.sequence))
                ),
                refused=tuple(refused[code][:LISTED_REFUSALS]),
                refused_count=len(refused[code]),
                stale_reasons=tuple(reasons),
            )
        )
    return statuses
