"""GraphQL for consolidation: statements with comparatives, their journals, runs, drill-down."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry

import hub.reporting.graphql_enums  # noqa: F401  (registers the enums)
from hub.api.presentation import present
from hub.consolidation import locking, model, repository, service
from hub.consolidation.model import ADJUSTMENTS, ELIMINATIONS, TOTAL
from hub.context import Info
from hub.registry.group_chart import Statement
from hub.services import Hub
from hub.signoff import SignOff


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


@strawberry.type(
    description="An intra-network pair that does not cancel out: `amount` (group currency) = "
    "`fx` (what the rates explain) + `booking` (what one side booked otherwise)."
)
class IntraNetworkDifference:
    entity: str
    partner: str
    statement: str
    lines: list[str] = strawberry.field(description="The entity's lines, then the partner's.")
    amount: Decimal
    cause: str
    beyond_tolerance: bool
    fx: Decimal
    booking: Decimal
    transaction_currency: str | None
    booking_in_transaction_currency: Decimal


@strawberry.type(description="A subsidiary's goodwill, fixed in its currency (IAS 21.47).")
class Goodwill:
    subsidiary: str
    currency: str
    local: Decimal = strawberry.field(description="In its currency, after impairments to date.")
    closing: Decimal = strawberry.field(description="In group currency at the closing rate.")
    at_acquisition: Decimal
    impairment: Decimal = strawberry.field(description="This period's, in group currency.")
    translation: Decimal = strawberry.field(description="In the translation reserve.")
    bargain_purchase: Decimal
    non_controlling_share: Decimal


@strawberry.type
class Translation:
    entity: str
    currency: str
    closing_rate: Decimal
    average_rate: Decimal
    translation_reserve: Decimal
    reserve_opening: Decimal | None = strawberry.field(
        description="At the period start: the opening equity at the prior closing rate, less "
        "its carried value."
    )
    reserve_movement: Decimal | None = strawberry.field(
        description="Closing less opening, each as shown (so the roll-forward adds up)."
    )
    opening_source: str | None = strawberry.field(
        description="Where the equity's carried value comes from: the locked prior run, an "
        "opening position, the acquisition, or the prior year computed."
    )


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
    period: str | None
    day: dt.date | None


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


@strawberry.type(description="The run a locked period was signed off with, and its lock.")
class ConsolidationSignOff:
    period: str
    run_id: int | None = strawberry.field(
        description="Null for a lock made before runs were stored with their lock."
    )
    digest: str | None
    scope: list[str]
    locked_by: str
    locked_at: dt.datetime
    reason: str | None
    prior_run_id: int | None = strawberry.field(
        description="The stored run the comparatives come from (the prior period's)."
    )

    @classmethod
    def of(cls, lock: SignOff) -> ConsolidationSignOff:
        return cls(
            period=lock.period,
            run_id=lock.run_id,
            digest=lock.digest,
            scope=lock.scope,
            locked_by=lock.locked_by,
            locked_at=lock.locked_at,
            reason=lock.reason,
            prior_run_id=lock.prior_run_id,
        )


@strawberry.type(description="A lock or an unlock of a consolidated period.")
class ConsolidationLockEvent:
    id: int
    period: str
    locked: bool
    run_id: int | None = strawberry.field(description="The run signed off (or unlocked).")
    digest: str | None
    scope: list[str]
    actor: str
    at: dt.datetime
    reason: str | None

    @classmethod
    def of(cls, event: locking.LockEvent) -> ConsolidationLockEvent:
        return cls(
            id=event.id,
            period=event.period,
            locked=event.locked,
            run_id=event.run_id,
            digest=event.digest,
            scope=event.scope,
            actor=event.actor,
            at=event.at,
            reason=event.reason,
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
    goodwill: list[Goodwill]
    warnings: list[str]
    checks: list[ConsolidationCheck]
    net_result_non_controlling: Decimal
    net_result_group: Decimal
    sources: list[ConsolidationSource]
    rates_used: list[RateUsed]
    journals: list[JournalType]
    locked: bool
    sign_off: ConsolidationSignOff | None = strawberry.field(
        description="While the period is locked: the signed-off run these figures are."
    )
    digest: str = strawberry.field(
        description="SHA-256 of the inputs and result: the signed-off run's while locked."
    )


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
                lines=list(d.lines),
                amount=present(d.amount),
                cause=d.cause.value,
                beyond_tolerance=d.beyond_tolerance,
                fx=present(d.fx),
                booking=present(d.booking),
                transaction_currency=d.transaction_currency,
                booking_in_transaction_currency=present(d.booking_transaction),
            )
            for d in result.differences
        ],
        translations=[_translation(t) for t in result.translations],
        goodwill=[
            Goodwill(
                subsidiary=g.subsidiary,
                currency=g.currency,
                local=present(g.local),
                closing=present(g.closing),
                at_acquisition=present(g.at_acquisition),
                impairment=present(g.impairment),
                translation=present(g.translation),
                bargain_purchase=present(g.bargain_purchase),
                non_controlling_share=present(g.nci_share),
            )
            for g in result.goodwill
        ],
        warnings=result.warnings,
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
            RateUsed(
                entity=r.entity,
                currency=r.currency,
                type=r.type,
                rate=r.rate,
                line=r.line,
                period=r.period,
                day=r.day,
            )
            for r in view.inputs.rates_used
        ],
        journals=[JournalType.of(j) for j in journals],
        locked=view.locked,
        sign_off=None if view.sign_off is None else ConsolidationSignOff.of(view.sign_off),
        digest=view.digest,
    )


def _translation(t: model.Translation) -> Translation:
    closing = present(t.cta)
    opening = None if t.cta_opening is None else present(t.cta_opening)
    return Translation(
        entity=t.entity,
        currency=t.currency,
        closing_rate=t.closing,
        average_rate=t.average,
        translation_reserve=closing,
        reserve_opening=opening,
        reserve_movement=None if opening is None else closing - opening,
        opening_source=t.opening_source,
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
    name: str | None = strawberry.field(description="The account's name in the trial balance.")
    balance: Decimal
    reason: str | None = strawberry.field(
        description="Why the mapping leaves the account out of the statements, when it says so "
        "(e.g. BAS class 9: internal accounts); none when no mapping rule holds it."
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
                UnmappedAccount(account=r.account, name=r.name, balance=r.balance, reason=r.reason)
                for r in rows
            ],
        )

    @strawberry.field(description="Stored consolidation runs of a period, oldest first.")
    async def consolidation_runs(self, info: Info, period: str) -> list[ConsolidationRun]:
        return [_run(r) for r in await service.runs(info.context.hub, info.context.caller, period)]

    @strawberry.field(description="The locks and unlocks of a consolidated period, oldest first.")
    async def consolidation_locks(self, info: Info, period: str) -> list[ConsolidationLockEvent]:
        events = await locking.lock_events(info.context.hub, info.context.caller, period)
        return [ConsolidationLockEvent.of(e) for e in events]


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

    @strawberry.mutation(
        description="Sign a consolidated period off (finance): its run is stored and served "
        "while it is locked, and nothing it used may change. `locked: false` unlocks it, with "
        "a reason."
    )
    async def lock_consolidation(
        self,
        info: Info,
        period: str,
        locked: bool = True,
        reason: str | None = None,
        entities: list[str] | None = None,
    ) -> ConsolidationLockEvent:
        hub, caller = info.context.hub, info.context.caller
        if locked:
            signed = await locking.lock(hub, caller, period, entities, reason)
            return ConsolidationLockEvent.of(locking.event_of(signed))
        return ConsolidationLockEvent.of(await locking.unlock(hub, caller, period, reason))
