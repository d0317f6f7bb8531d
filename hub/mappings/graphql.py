"""GraphQL for the mapping of national accounts to group lines: the rules in force for a period
with their history (finance, admins, and an entity's own national team), and mapping accounts
(finance)."""

from __future__ import annotations

import datetime as dt
from enum import Enum

import strawberry

from hub.context import Info
from hub.mappings import service
from hub.mappings.model import Rule, RuleKind
from hub.registry.group_chart import Statement
from hub.services import Hub


@strawberry.enum(description="What a mapping rule covers.")
class MappingKind(Enum):
    ACCOUNT = "account"
    RANGE = "range"
    FORMAT = "format"


@strawberry.type(description="One row of a mapping rule: never edited, a change is a new row.")
class MappingVersion:
    line: str | None = strawberry.field(
        description="The group line; none: the accounts are left out of the statements on "
        "purpose (the reason says why)."
    )
    line_label: str | None
    intra_network: bool
    investment: bool
    effective_from: str | None = strawberry.field(
        description="The first period it applies to; none: from the start (seeded from the "
        "chart file)."
    )
    reason: str
    recorded_by: str | None = strawberry.field(description="None: seeded from the chart file.")
    recorded_at: dt.datetime | None
    in_force: bool = strawberry.field(description="Whether this row is the one the period uses.")

    @classmethod
    def of(cls, hub: Hub, rule: Rule, in_force: bool) -> MappingVersion:
        line = None if rule.line is None else hub.group_chart.lines.get(rule.line)
        return cls(
            line=rule.line,
            line_label=None if line is None else line.label,
            intra_network=rule.intra_network,
            investment=rule.investment,
            effective_from=rule.effective_from,
            reason=rule.reason,
            recorded_by=rule.recorded_by,
            recorded_at=rule.recorded_at,
            in_force=in_force,
        )


@strawberry.type(description="A mapping rule in force for a period, with its history.")
class MappingRule:
    kind: MappingKind
    first: str = strawberry.field(
        description="The account, the first account of the range (a prefix: every account "
        "starting with it), or the chart's account format."
    )
    last: str = strawberry.field(description="The last account of the range (same for one).")
    accounts: str = strawberry.field(description="What it covers, in words.")
    current: MappingVersion
    history: list[MappingVersion] = strawberry.field(description="Oldest first.")


def _covers(rule: Rule) -> str:
    if rule.kind is RuleKind.ACCOUNT:
        return f"account {rule.first}"
    if rule.kind is RuleKind.FORMAT:
        return f"accounts of the format {rule.first}"
    if rule.first == rule.last:
        return f"accounts starting with {rule.first}"
    return f"accounts {rule.first} to {rule.last}"


def _rule(hub: Hub, found: service.RuleHistory) -> MappingRule:
    rule = found.rule
    return MappingRule(
        kind=MappingKind(rule.kind.value),
        first=rule.first,
        last=rule.last,
        accounts=_covers(rule),
        current=MappingVersion.of(hub, rule, True),
        history=[MappingVersion.of(hub, r, r.id == rule.id) for r in found.history],
    )


@strawberry.type(description="A line of the group chart, as a mapping may target it.")
class GroupLineType:
    code: str
    label: str
    statement: Statement
    depth: int
    is_total: bool
    mappable: bool = strawberry.field(
        description="Accounts may be mapped to it: not a total, not filled by consolidation."
    )


@strawberry.type
class MappingQuery:
    @strawberry.field(
        name="groupLines",
        description="The group chart's lines in order (a total before its parts), each saying "
        "whether accounts may be mapped to it.",
    )
    def group_lines(self, info: Info) -> list[GroupLineType]:
        return [
            GroupLineType(
                code=line.code,
                label=line.label,
                statement=line.statement,
                depth=line.depth,
                is_total=line.is_total,
                mappable=not line.is_total and not line.consolidation_only,
            )
            for line in info.context.hub.group_chart.lines.values()
        ]

    @strawberry.field(
        description="The entity's mapping rules in force for the period (national account or "
        "range -> group line), each with its history."
    )
    async def mappings(self, info: Info, entity: str, period: str) -> list[MappingRule]:
        hub = info.context.hub
        found = await service.mappings(hub, info.context.caller, entity, period)
        return [_rule(hub, r) for r in found]


@strawberry.input(
    description="Accounts to map to a group line from a period on: `accounts`, a range "
    "(`first` and `last`) or a `prefix`, one of them."
)
class MapAccountsInput:
    entity: str
    accounts: list[str] = strawberry.field(default_factory=list)
    first: str | None = None
    last: str | None = None
    prefix: str | None = None
    line: str
    effective_from: str = strawberry.field(description="A period, e.g. 2025.")
    reason: str
    intra_network: bool | None = strawberry.field(
        default=None, description="Intra-network balances; none: as the accounts are now."
    )
    investment: bool | None = strawberry.field(
        default=None, description="Shares held in a network entity; none: as now."
    )


@strawberry.type
class MappingMutation:
    @strawberry.mutation(
        description="Map accounts (one or many, or a range) to a group line from a period on; "
        "the earlier mapping is kept in the history."
    )
    async def map_accounts(self, info: Info, input: MapAccountsInput) -> list[MappingRule]:
        hub = info.context.hub
        entry = service.MapIn(
            entity=input.entity,
            accounts=tuple(input.accounts),
            first=input.first,
            last=input.last,
            prefix=input.prefix,
            line=input.line,
            effective_from=input.effective_from,
            reason=input.reason,
            intra_network=input.intra_network,
            investment=input.investment,
        )
        added = await service.map_accounts(hub, info.context.caller, entry)
        return [_rule(hub, r) for r in added]
