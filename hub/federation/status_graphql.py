"""GraphQL of what the hub shows about nodes (hub/federation/status.py) and of the history of
reporting modes (hub/registry/modes.py).

`federationStatus` is for everyone signed in, each seeing what their role may: finance and
admins every entity in full; a national team its own entity only, in full; the board every
entity without the figures' side (no accepted version, nothing pending: what the node sent and
finance has not published is a draft), but with the mode, the last contact, whether it is stale
and why, and when the published figures it shows arrived. `reportingModeHistory` is for finance
and admins."""

from __future__ import annotations

import datetime as dt

import strawberry

import hub.reporting.graphql_enums  # noqa: F401  (registers the enums)
from hub.api.errors import bad_input
from hub.auth.policy import Action, Principal, Role, allows, authorize
from hub.context import Info
from hub.federation import status
from hub.registry.model import ReportingMode
from hub.registry.modes import ModeRecord, mode_history
from hub.reporting.model import Dataset


@strawberry.type(name="NodeContact", description="When an entity's node last reached the hub.")
class NodeContactType:
    at: dt.datetime
    what: str = strawberry.field(description='What it was: "envelope 7", "reference data"…')


@strawberry.type(
    name="AcceptedEnvelope",
    description="An envelope the hub accepted and the report version it became.",
)
class AcceptedEnvelopeType:
    sequence: int
    hash: str
    period: str
    dataset: Dataset
    version: int
    as_of: dt.datetime = strawberry.field(description="When the hub received it.")

    @classmethod
    def of(cls, accepted: status.AcceptedEnvelope) -> AcceptedEnvelopeType:
        return cls(
            sequence=accepted.sequence,
            hash=accepted.hash,
            period=accepted.period,
            dataset=accepted.dataset,
            version=accepted.version,
            as_of=accepted.received_at,
        )


@strawberry.type(name="RefusedEnvelope", description="An envelope the hub refused, and why.")
class RefusedEnvelopeType:
    sequence: int
    hash: str
    received_at: dt.datetime
    reasons: list[str]


@strawberry.type(name="NodePending", description="What is pending between a node and finance.")
class NodePendingType:
    awaiting_finance: list[AcceptedEnvelopeType] = strawberry.field(
        description="Versions the node sent, submitted and not yet approved or returned."
    )
    refused: list[RefusedEnvelopeType] = strawberry.field(
        description=f"Envelopes refused since the last accepted one, newest first (at most "
        f"{status.LISTED_REFUSALS})."
    )
    refused_count: int = strawberry.field(description="All envelopes refused since then.")


@strawberry.type(
    name="FederationStatus",
    description="What the hub has from an entity and how old it is; nothing waits for a node.",
)
class FederationStatusType:
    entity: str
    mode: ReportingMode
    last_contact: NodeContactType | None = strawberry.field(
        description="The node's last contact (null: never, or a central entity)."
    )
    stale: bool = strawberry.field(
        description="A node entity whose node has been silent too long ([federation] "
        "stale_after_days in config/reporting.toml) or whose data is older than an overdue "
        "deadline; never a central entity."
    )
    stale_reasons: list[str] = strawberry.field(description="Why it is stale, in words.")
    published_as_of: dt.datetime | None = strawberry.field(
        description="When the newest published figures the node sent arrived: what the board's "
        "figures are as of (null: none published from the node)."
    )
    last_accepted: AcceptedEnvelopeType | None = strawberry.field(
        description="The last envelope accepted, as of its receipt. Null for callers who do "
        "not read the entity's unpublished figures (the board), and when there is none."
    )
    pending: NodePendingType | None = strawberry.field(
        description="Null for callers who do not read the entity's unpublished figures."
    )

    @classmethod
    def of(cls, row: status.NodeStatus, full: bool) -> FederationStatusType:
        contact = row.last_contact
        shown = None if contact is None else NodeContactType(at=contact.at, what=contact.what)
        return cls(
            entity=row.entity,
            mode=row.mode,
            last_contact=shown,
            stale=row.stale,
            stale_reasons=list(row.stale_reasons),
            published_as_of=row.published_as_of,
            last_accepted=(
                AcceptedEnvelopeType.of(row.last_accepted)
                if full and row.last_accepted is not None
                else None
            ),
            pending=(
                NodePendingType(
                    awaiting_finance=[AcceptedEnvelopeType.of(a) for a in row.awaiting_finance],
                    refused=[
                        RefusedEnvelopeType(
                            sequence=r.sequence,
                            hash=r.hash,
                            received_at=r.received_at,
                            reasons=list(r.reasons),
                        )
                        for r in row.refused
                    ],
                    refused_count=row.refused_count,
                )
                if full
                else None
            ),
        )


@strawberry.type(
    name="ReportingModeChange",
    description="A change of an entity's reporting mode, recorded when the hub started with it.",
)
class ReportingModeChangeType:
    entity: str
    mode: ReportingMode
    recorded_at: dt.datetime
    network_toml_sha256: str = strawberry.field(description="SHA-256 of the network.toml read.")
    network_toml: str = strawberry.field(description="The network.toml read, as it was.")

    @classmethod
    def of(cls, record: ModeRecord) -> ReportingModeChangeType:
        return cls(
            entity=record.entity,
            mode=record.mode,
            recorded_at=record.recorded_at,
            network_toml_sha256=record.config_sha256,
            network_toml=record.config_text,
        )


def _visible(caller: Principal, codes: list[str]) -> list[str]:
    """A national team sees its own entity's row only; everyone else every entity."""
    if caller.role is Role.NATIONAL:
        return [code for code in codes if code == caller.entity]
    return codes


@strawberry.type
class FederationStatusQuery:
    @strawberry.field(
        name="federationStatus",
        description="Per entity: its reporting mode, the last envelope accepted (as of its "
        "receipt), the node's last contact, what is pending and whether it is stale, and why. "
        "A national team sees its own entity; the board no accepted or pending versions. "
        "`asOf` (default now) is the moment staleness is judged at.",
    )
    async def federation_status(
        self, info: Info, entity: list[str] | None = None, as_of: dt.datetime | None = None
    ) -> list[FederationStatusType]:
        hub = info.context.hub
        caller = info.context.caller
        if as_of is not None and as_of.tzinfo is None:
            raise bad_input("asOf", "give the time with its time zone, e.g. 2026-12-01T00:00:00Z")
        for code in entity or []:
            if code not in hub.registry.entities:
                known = ", ".join(hub.registry.entities)
                raise bad_input("entity", f"unknown entity {code!r}; known entities: {known}")
        asked = list(hub.registry.entities) if entity is None else list(dict.fromkeys(entity))
        codes = _visible(caller, asked)
        async with hub.db.pool.acquire() as connection:
            moment = as_of or dt.datetime.now(dt.UTC)
            rows = await status.node_statuses(hub, connection, codes, moment)
        return [
            FederationStatusType.of(row, full=allows(caller, Action.READ_DRAFTS, row.entity))
            for row in rows
        ]

    @strawberry.field(
        name="reportingModeHistory",
        description="Every change of an entity's reporting mode (all entities: none), oldest "
        "first, with the network.toml that made it. Finance and admins.",
    )
    async def reporting_mode_history(
        self, info: Info, entity: str | None = None
    ) -> list[ReportingModeChangeType]:
        authorize(info.context.caller, Action.READ_FEDERATION)
        async with info.context.hub.db.pool.acquire() as connection:
            return [ReportingModeChangeType.of(r) for r in await mode_history(connection, entity)]
