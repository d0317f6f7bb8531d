"""GraphQL on a node, for its national team: send a report to the network and follow its
envelopes. On the hub itself (no node) both are refused: reports come to the hub from nodes.

The node's `hub node serve` puts the node (hub/node/folder.py) in the app's state as `node`, and
an event `node_wake` its delivery loop waits on.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from enum import StrEnum

import strawberry

from graphql import GraphQLError
from hub.auth.policy import AccessDenied, Action, authorize
from hub.context import Info
from hub.node import outbox
from hub.node.folder import Node, NodeError
from hub.node.send import send
from hub.reporting.model import Dataset


@strawberry.enum(name="NetworkEnvelopeStatus", description="Where an envelope of the node is.")
class EnvelopeStatus(StrEnum):
    QUEUED = "queued"
    ACCEPTED = "accepted"
    REFUSED = "refused"
    APPROVED = "approved"
    RETURNED = "returned"
    LOCKED = "locked"


@strawberry.type(description="A report the node sent to the network hub, as a signed envelope.")
class NetworkEnvelope:
    sequence: int
    hash: str = strawberry.field(description="SHA-256 of the signed envelope: its identity.")
    entity: str
    period: str
    dataset: Dataset
    version: int = strawberry.field(description="The node's version it carries.")
    status: EnvelopeStatus
    reasons: list[str] = strawberry.field(
        description="The hub's reasons (refused) or finance's reason (returned)."
    )
    hub_version: int | None = strawberry.field(description="The hub's version it became.")
    attempts: int
    last_error: str | None = strawberry.field(description="Why the last attempt got no verdict.")
    created_at: dt.datetime
    delivered_at: dt.datetime | None = strawberry.field(
        description="The hub's time of receipt, with its verdict."
    )
    next_attempt_at: dt.datetime | None = strawberry.field(description="For a queued envelope.")

    @classmethod
    def of(cls, envelope: outbox.OutboxEnvelope) -> NetworkEnvelope:
        return cls(
            sequence=envelope.sequence,
            hash=envelope.hash,
            entity=envelope.entity,
            period=envelope.period,
            dataset=Dataset(envelope.dataset),
            version=envelope.version,
            status=EnvelopeStatus(envelope.status),
            reasons=envelope.reasons,
            hub_version=envelope.hub_version,
            attempts=envelope.attempts,
            last_error=envelope.last_error,
            created_at=envelope.created_at,
            delivered_at=envelope.delivered_at,
            next_attempt_at=envelope.next_attempt_at if envelope.status == "queued" else None,
        )


NOT_A_NODE = "this is the network hub, not a node: reports reach it from national nodes"


def _node(info: Info) -> Node:
    request = info.context.request
    node = None if request is None else getattr(request.app.state, "node", None)
    if not isinstance(node, Node):
        raise AccessDenied(NOT_A_NODE)
    return node


@strawberry.type
class NodeQuery:
    @strawberry.field(
        name="networkEnvelopes",
        description="On a node: the reports it sent to the network hub and where each is. "
        "Its national team and admins.",
    )
    async def network_envelopes(self, info: Info) -> list[NetworkEnvelope]:
        node = _node(info)
        authorize(info.context.caller, Action.READ_DRAFTS, node.entity)
        async with info.context.hub.db.pool.acquire() as connection:
            return [NetworkEnvelope.of(e) for e in await outbox.envelopes(connection)]


@strawberry.type
class NodeMutation:
    @strawberry.mutation(
        name="sendToNetwork",
        description="On a node: seal the node's latest version of a report into a signed "
        "envelope and queue it for the network hub (delivered in the background). Its "
        "national team.",
    )
    async def send_to_network(
        self, info: Info, period: str, dataset: Dataset = Dataset.STATEMENTS
    ) -> NetworkEnvelope:
        node = _node(info)
        authorize(info.context.caller, Action.SUBMIT_FIGURES, node.entity)
        try:
            sent = await send(
                info.context.hub,
                node.entity,
                period,
                dataset,
                node.private_key(),
                dt.datetime.now(dt.UTC),
            )
        except NodeError as error:
            raise GraphQLError(str(error), extensions={"code": "BAD_USER_INPUT"}) from error
        assert info.context.request is not None
        wake = getattr(info.context.request.app.state, "node_wake", None)
        if isinstance(wake, asyncio.Event):
            wake.set()
        return NetworkEnvelope.of(sent)
