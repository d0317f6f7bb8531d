"""GraphQL for consolidation: statements with comparatives, their journals, runs, drill-down."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry

import hub.api.enums  # noqa: F401  (registers the enums)
from hub.api.context import Info
from hub.api.presentation import present
from hub.consolidation import model, repository, service
from hub.consolidation.model import ADJUSTMENTS, ELIMINATIONS, TOTAL
from hub.registry.group_chart import Statement
from hub.services import Hub


@strawberry.type
class ColumnValue:
    column: str
    amount: Decimal


@strawberry.type
class ConsolidatedLine:
    line: str
    label: str
    statement: Statement
    depth: int
    is_total: bool
    values: list[ColumnValue] = strawberry.field(
        description="Per entity (translated), eliminations, adjustments, total."
    )
    total: Decimal
    prior: Decimal | None
    change: Decimal | None
    change_percent: Decimal | None


@strawberry.type
class Elimination:
    kind: str
    line: str
    amount: Decimal = strawberry.field(description="Debit positive, credit negative.")
    entity: str | None
    partner: str | None
    note: str | None


@strawberry.type
class IntraNetworkDifference:
    entity: str
    partner: str
    statement: str
    amount: Decimal
    cause: str
    beyond_tolerance: bool


@strawberry.type
class Translation:
    entity: str
    currency: str
    closing_rate: Decimal
    average_rate: Decimal
    historical_rate: Decimal
    translation_reserve: Decimal
    reserve_opening: Decimal | None = strawberry.field(description="The prior period's reserve.")
    reserve_movement: Decimal | None


@strawberry.type
class ConsolidationCheck:
    name: str
    ok: bool
    difference: Decimal


@strawberry.type
class ConsolidationSource:
    entity: str
    submission_id: int
    version: int
    status: str


@strawberry.type
class RateUsed:
    entity: str
    currency: str
    type: str
    rate: Decimal
    line: str | None


@strawberry.type
class JournalLine:
    line: str
    entity: str | None
    amount: Decimal


@strawberry.type
class JournalType:
    id: int
    period: str
    reason: str
    author: str
    created_at: dt.datetime
    reverses: int | None
    reversed_by: int | None
    lines: list[JournalLine]

    @classmethod
    def of(cls, row: repository.JournalRow) -> JournalType:
        return cls(
            id=row.id,
            period=row.period,
            reason=row.reason,
            author=row.author,
            created_at=row.created_at,
            reverses=row.reverses,
            reversed_by=row.reversed_by,
            lines=[
                JournalLine(line=line, entity=entity, amount=amount)
                for line, entity, amount in row.entries
            ],
        )


@strawberry.type
class ConsolidatedStatements:
    period: str
    scope: list[str]
    columns: list[str]
    lines: list[ConsolidatedLine]
    prior_period: str
    prior_available: bool
    prior_problems: list[str]
    eliminations: list[Elimination]
    differences: list[IntraNetworkDifference]
    translations: list[Translation]
    checks: list[ConsolidationCheck]
    net_result_non_controlling: Decimal
    net_result_group: Decimal
    sources: list[ConsolidationSource]
    rates_used: list[RateUsed]
    journals: list[JournalType]
    locked: bool


def statements_of(
    hub: Hub, view: service.View, journals: list[repository.JournalRow]
) -> ConsolidatedStatements:
    result, chart = view.result, hub.group_chart
    columns = [*(e.entity for e in view.inputs.entities), ELIMINATIONS, ADJUSTMENTS]
    prior_total = None if view.prior is None else view.prior.columns[TOTAL]
    lines = []
    for code, group_line in chart.lines.items():
        total = result.columns[TOTAL][code]
        prior = None if prior_total is None else prior_total[code]
        change = None if prior is None else total - prior
        percent = None
        if change is not None and prior:
            percent = present(change / abs(prior) * 100)
        lines.append(
            ConsolidatedLine(
                line=code,
                label=group_line.label,
                statement=group_line.statement,
                depth=group_line.depth,
                is_total=group_line.is_total,
                values=[
                    ColumnValue(column=c, amount=present(result.columns[c][code])) for c in columns
                ],
                total=present(total),
                prior=None if prior is None else present(prior),
                change=None if change is None else present(change),
                change_percent=percent,
            )
        )
    movements = {m.entity: m for m in view.cta}
    net = result.columns[TOTAL][chart.roles.net_result]
    return ConsolidatedStatements(
        period=view.period,
        scope=view.scope,
        columns=[*columns, TOTAL],
        lines=lines,
        prior_period=view.prior_period,
        prior_available=view.prior is not None,
        prior_problems=view.prior_problems,
        eliminations=[
            Elimination(
                kind=e.kind.value,
                line=e.line,
                amount=present(e.amount),
                entity=e.entity,
                partner=e.partner,
                note=e.note,
            )
            for e in result.eliminations
        ],
        differences=[
            IntraNetworkDifference(
                entity=d.entity,
                partner=d.partner,
                statement=d.statement,
                amount=present(d.amount),
                cause=d.cause.value,
                beyond_tolerance=d.beyond_tolerance,
            )
            for d in result.differences
        ],
        translations=[_translation(t, movements[t.entity]) for t in result.translations],
        checks=[
            ConsolidationCheck(name=c.name, ok=c.ok, difference=present(c.difference))
            for c in result.checks
        ],
        net_result_non_controlling=present(result.nci_result),
        net_result_group=present(net - result.nci_result),
        sources=[
            ConsolidationSource(
                entity=s.entity,
                submission_id=s.submission_id,
                version=s.version,
                status=s.status.value,
            )
            for s in view.inputs.sources
        ],
        rates_used=[
            RateUsed(entity=r.entity, currency=r.currency, type=r.type, rate=r.rate, line=r.line)
            for r in view.inputs.rates_used
        ],
        journals=[JournalType.of(j) for j in journals],
        locked=view.locked,
    )


def _translation(t: model.Translation, movement: service.CtaMovement) -> Translation:
    return Translation(
        entity=t.entity,
        currency=t.currency,
        closing_rate=t.closing,
        average_rate=t.average,
        historical_rate=t.historical,
        translation_reserve=present(t.cta),
        reserve_opening=None if movement.opening is None else present(movement.opening),
        reserve_movement=None if movement.movement is None else present(movement.movement),
    )


@strawberry.type
class ConsolidationRun:
    id: int
    period: str
    scope: list[str]
    run_by: str
    run_at: dt.datetime
    digest: str


@strawberry.type
class DrillDownRow:
    entity: str
    account: str
    label: str | None
    partner: str | None
    local_amount: Decimal
    currency: str
    rate: Decimal
    group_amount: Decimal
    submission_id: int
    version: int


@strawberry.type
class UnmappedAccount:
    account: str
    balance: Decimal
    reason: str | None = strawberry.field(
        description="Why the chart leaves the account out of the statements, when it says so "
        "(e.g. BAS class 9: internal accounts); none when no range of the chart holds it."
    )


@strawberry.type
class UnmappedAccounts:
    entity: str
    version: int | None
    accounts: list[UnmappedAccount]


def _run(run: service.Run) -> ConsolidationRun:
    return ConsolidationRun(
        id=run.id,
        period=run.period,
        scope=run.scope,
        run_by=run.run_by,
        run_at=run.run_at,
        digest=run.digest,
    )


@strawberry.type
class ConsolidationQuery:
    @strawberry.field(
        description="Consolidated balance sheet and income statement of approved data, with "
        "entity columns, eliminations, adjustments, the prior period and the change."
    )
    async def consolidation(
        self, info: Info, period: str, entities: list[str] | None = None
    ) -> ConsolidatedStatements:
        hub, caller = info.context.hub, info.context.caller
        current = await service.view(hub, caller, period, entities)
        journals = await service.journals(hub, caller, period)
        return statements_of(hub, current, journals)

    @strawberry.field(description="The national accounts behind a group figure.")
    async def consolidation_drill_down(
        self,
        info: Info,
        period: str,
        line: str,
        entities: list[str] | None = None,
        entity: str | None = None,
    ) -> list[DrillDownRow]:
        rows = await service.drill_down(
            info.context.hub, info.context.caller, period, line, entities, entity
        )
        return [
            DrillDownRow(
                entity=r.entity,
                account=r.account,
                label=r.label,
                partner=r.partner,
                local_amount=r.local_amount,
                currency=r.currency,
                rate=r.rate,
                group_amount=present(r.group_amount),
                submission_id=r.submission_id,
                version=r.version,
            )
            for r in rows
        ]

    @strawberry.field(
        description="Accounts of the entity's latest statements that map to no group line "
        "(with a balance, they block consolidation)."
    )
    async def unmapped_accounts(self, info: Info, entity: str, period: str) -> UnmappedAccounts:
        version, rows = await service.unmapped_accounts(
            info.context.hub, info.context.caller, entity, period
        )
        return UnmappedAccounts(
            entity=entity,
            version=version,
            accounts=[
                UnmappedAccount(account=r.account, balance=r.balance, reason=r.reason) for r in rows
            ],
        )

    @strawberry.field(description="Stored consolidation runs of a period, oldest first.")
    async def consolidation_runs(self, info: Info, period: str) -> list[ConsolidationRun]:
        return [_run(r) for r in await service.runs(info.context.hub, info.context.caller, period)]


@strawberry.input
class JournalLineInput:
    line: str
    amount: Decimal = strawberry.field(description="Debit positive, credit negative, in EUR.")
    entity: str | None = None


@strawberry.input
class JournalInput:
    period: str
    reason: str
    lines: list[JournalLineInput]


@strawberry.type
class ConsolidationMutation:
    @strawberry.mutation(description="Consolidate the period and keep the run (finance).")
    async def run_consolidation(
        self, info: Info, period: str, entities: list[str] | None = None
    ) -> ConsolidationRun:
        return _run(await service.run(info.context.hub, info.context.caller, period, entities))

    @strawberry.mutation(description="Post a balanced manual adjustment (finance).")
    async def post_journal(self, info: Info, input: JournalInput) -> JournalType:
        row = await service.post_journal(
            info.context.hub,
            info.context.caller,
            input.period,
            input.reason,
            [(line.line, line.entity, line.amount) for line in input.lines],
        )
        return JournalType.of(row)

    @strawberry.mutation(description="Reverse a journal with a new, opposite one (finance).")
    async def reverse_journal(self, info: Info, id: int, reason: str) -> JournalType:
        return JournalType.of(
            await service.reverse_journal(info.context.hub, info.context.caller, id, reason)
        )

    @strawberry.mutation(description="Lock (or reopen, with a reason) a consolidated period.")
    async def lock_consolidation(
        self, info: Info, period: str, locked: bool = True, reason: str | None = None
    ) -> bool:
        return await service.set_lock(info.context.hub, info.context.caller, period, locked, reason)
