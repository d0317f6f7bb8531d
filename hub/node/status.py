"""Finance's decisions flowing back: the node asks the hub for its envelopes' status (a signed
request) and updates its outbox.

The hub's answer covers every envelope it stored of the entity. For each one the node has (by
hash): refused stays refused with the hub's reasons; an accepted one follows its version in the
hub's workflow: `approved`, `locked`, `returned` with finance's reason, else `accepted` (in
review). An envelope still queued on the node that the hub has (the node was stopped before it
read the hub's answer) takes the hub's outcome. The node's sequence counter moves above the
highest sequence the hub has of the entity (and above any in its own outbox), so a node
restored from an old backup does not keep offering numbers the hub has seen.
"""

from __future__ import annotations

from dataclasses import dataclass

from hub.db.pool import Database
from hub.federation.envelope_status import EnvelopeStatus
from hub.node.hub_client import HubClient
from hub.node.outbox import Status, highest_sequence, raise_sequence, record_state


def node_status(envelope: EnvelopeStatus) -> tuple[Status, list[str]]:
    """The outbox status and reasons of what the hub says of an envelope."""
    if envelope.outcome == "refused":
        return "refused", list(envelope.reasons)
    if envelope.state == "returned":
        return "returned", [envelope.return_reason] if envelope.return_reason else []
    if envelope.state in ("approved", "locked"):
        return envelope.state, []
    return "accepted", []


@dataclass(frozen=True, slots=True)
class Refreshed:
    changed: int  # outbox rows whose status moved
    sequence_raised_to: int | None


async def refresh(database: Database, client: HubClient) -> Refreshed:
    """`HubUnreachable` / `HubRefusedRequest` when the hub cannot tell."""
    answer = await client.status()
    changed = 0
    async with database.transaction() as connection:
        for envelope in answer.envelopes:
            status, reasons = node_status(envelope)
            changed += await record_state(
                connection,
                envelope.hash,
                status=status,
                reasons=reasons,
                hub_version=envelope.version,
                delivered_at=envelope.received_at,
            )
        floor = max(answer.last_sequence or 0, await highest_sequence(connection))
        raised = floor > 0 and await raise_sequence(connection, floor)
    return Refreshed(changed, floor if raised else None)
