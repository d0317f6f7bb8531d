"""GraphQL for national reporting: reports and their versions, the save mutations, the workflow."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from operator import itemgetter
from typing import Annotated, Any

import asyncpg
import strawberry

import hub.reporting.graphql_enums  # noqa: F401  (registers the enums)
from hub.api.convert import from_model
from hub.api.errors import bad_input
from hub.api.execution import Rows
from hub.auth.policy import Action, Principal, authorize
from hub.context import Info
from hub.imports.graphql import SourceFileType
from hub.registry.group_chart import Statement
from hub.registry.model import KpiUnit
from hub.registry.registry import Registry
from hub.reporting import repository, service
from hub.reporting.loaders import KpiFilter, KpiValueKey
from hub.reporting.model import (
    Change,
    Dataset,
    Finding,
    KpiSubmissionIn,
    KpiValue,
    KpiValueIn,
    Provenance,
    Report,
    ReportEvent,
    Severity,
    StatementLine,
    StatementLineIn,
    StatementsIn,
    Status,
    StoredFinding,
    Submission,
    TrialBalanceLineIn,
)
from hub.reporting.period import PeriodError, parse_period
from hub.reporting.repository import PROVENANCES
from hub.reporting.workflow import ReportAction
from hub.services import Hub


def _input_path(path: str) -> str:
    """The service names parts in snake case; GraphQL inputs are camel case."""
    return path.replace("trial_balance", "trialBalance", 1)


@strawberry.type(name="Finding", description="A validation result, located by its input path.")
class FindingType:
    severity: Severity
    rule: str
    field: str
    message: str
    place: str | None = strawberry.field(
        default=None,
        description="Where a person finds it in the uploaded workbook (e.g. KPIs!E5); null "
        "for a save over GraphQL.",
    )
    comment: str | None = strawberry.field(
        default=None, description="A warning's explanation saved with its line (a KPI's note)."
    )
    needs_comment: bool = strawberry.field(
        default=False,
        description="A warning without a comment: submitting needs one that explains it.",
    )

    @classmethod
    def of(cls, finding: Finding) -> FindingType:
        return cls(
            severity=finding.severity,
            rule=finding.rule,
            field=_input_path(finding.where.path()),
            message=finding.message,
            comment=finding.comment,
            needs_comment=finding.severity is Severity.WARNING and not finding.comment,
        )

    @classmethod
    def stored(cls, finding: StoredFinding) -> FindingType:
        return cls(
            severity=finding.severity,
            rule=finding.rule,
            field=_input_path(finding.location),
            message=finding.message,
            place=finding.place,
            comment=finding.comment,
            needs_comment=finding.needs_comment,
        )


# Where `repository.kpi_value_rows` has each plain field of a KpiValue.
_KPI_VALUE_COLUMNS = {
    "entity": 0,
    "period": 1,
    "version": 2,
    "submission_id": 3,
    "kpi": 4,
    "amount": 5,
    "currency": 6,
    "note": 8,
}
Column = Callable[[Sequence[Any]], list[Any]]


def _column(position: int) -> Column:
    return lambda rows: list(map(itemgetter(position), rows))


@strawberry.type(name="KpiValue", description="One reported KPI figure of one version.")
class KpiValueType:
    entity: str
    period: str
    kpi: str
    amount: Decimal
    currency: str | None = strawberry.field(description="ISO code for amounts of money, else null")
    unit: KpiUnit | None
    provenance: Provenance
    note: str | None
    version: int
    submission_id: strawberry.Private[int]

    @strawberry.field
    async def submission(self, info: Info) -> SubmissionType:
        return SubmissionType.of(await info.context.loaders.submissions.load(self.submission_id))

    @classmethod
    def of_rows(cls, rows: Sequence[asyncpg.Record], registry: Registry) -> Rows[KpiValueType]:
        """From `repository.kpi_value_rows`, thousands at a time. The fast path reads the
        selected fields as columns of the rows; the objects are made only for what needs them
        (`submission`, graphql-core's own completion). The amount stays as asyncpg decoded it
        (5000000 may be Decimal("5.00E+6")): the Decimal scalar writes it without an exponent."""
        units = {code: kpi.unit for code, kpi in registry.kpis.items()}

        def make(row: asyncpg.Record) -> KpiValueType:
            entity, period, number, submission_id, kpi, amount, currency, provenance, note, _ = row
            return cls(
                entity=entity,
                period=period,
                kpi=kpi,
                amount=amount,
                currency=currency,
                unit=units.get(kpi),
                provenance=PROVENANCES[provenance],
                note=note,
                version=number,
                submission_id=submission_id,
            )

        def mapped(position: int, by: Callable[[Any], Any]) -> Column:
            return lambda rows: list(map(by, map(itemgetter(position), rows)))

        return Rows(
            rows,
            make,
            {
                **{name: _column(position) for name, position in _KPI_VALUE_COLUMNS.items()},
                "unit": mapped(4, units.get),
                "provenance": mapped(7, PROVENANCES.__getitem__),
            },
        )

    @classmethod
    def of(cls, value: KpiValue, registry: Registry) -> KpiValueType:
        return cls(
            entity=value.entity,
            period=value.period,
            kpi=value.kpi,
            amount=value.amount,
            currency=value.currency,
            unit=registry.kpis[value.kpi].unit if value.kpi in registry.kpis else None,
            provenance=value.provenance,
            note=value.note,
            version=value.version,
            submission_id=value.submission_id,
        )


@strawberry.type(
    name="Submission",
    description=(
        "One version of an entity's report for a period. Its KPI values: "
        "`kpiValues(entity, period, version)`."
    ),
)
class SubmissionType:
    id: int
    entity: str
    period: str
    dataset: Dataset
    version: int
    author: str
    submitted_at: dt.datetime
    source: str
    comment: str | None

    @strawberry.field(description="Warnings and notices found when this version was saved.")
    async def findings(self, info: Info) -> list[FindingType]:
        stored = await info.context.loaders.findings.load(self.id)
        return [FindingType.stored(f) for f in stored]

    @strawberry.field(description="The national export this version was imported from.")
    async def source_file(self, info: Info) -> SourceFileType | None:
        found = await info.context.loaders.source_files.load(self.id)
        return None if found is None else SourceFileType.of(found)

    @classmethod
    def of(cls, submission: Submission) -> SubmissionType:
        return cls(
            id=submission.id,
            entity=submission.entity,
            period=submission.period,
            dataset=Dataset(submission.dataset),
            version=submission.version,
            author=submission.author,
            submitted_at=submission.submitted_at,
            source=submission.source,
            comment=submission.comment,
        )


@strawberry.type(name="ReportEvent", description="One step of a report's workflow: who, when, why.")
class ReportEventType:
    action: str
    from_status: Status | None
    to_status: Status
    version: int
    actor: str
    at: dt.datetime
    reason: str | None

    @classmethod
    def of(cls, event: ReportEvent) -> ReportEventType:
        return cls(
            action=event.action,
            from_status=event.from_status,
            to_status=event.to_status,
            version=event.version,
            actor=event.actor,
            at=event.at,
            reason=event.reason,
        )


@strawberry.type(name="Report", description="An entity's report (dataset) for a period.")
class ReportType:
    entity: str
    period: str
    dataset: Dataset
    status: Status = strawberry.field(
        description="As the caller sees it: without draft rights, the published version's status "
        "(APPROVED or LOCKED) while a correction is under way."
    )
    latest_version: int = strawberry.field(
        description="The newest version the caller may read (the published one for others)."
    )
    approved_version: int | None = strawberry.field(
        description="The version published last (itself approved; perhaps locked since)."
    )

    @strawberry.field(description="The workflow history, oldest first.")
    async def events(self, info: Info) -> list[ReportEventType]:
        rows = await service.report_events(
            info.context.hub, info.context.caller, [(self.entity, self.period, self.dataset.value)]
        )
        return [ReportEventType.of(row) for row in rows]

    @strawberry.field(description="Every version the caller may read, oldest first.")
    async def versions(self, info: Info) -> list[SubmissionType]:
        rows = await service.submission_history(
            info.context.hub, info.context.caller, [self.entity], self.period, self.dataset
        )
        return [SubmissionType.of(row) for row in rows]

    @classmethod
    def of(cls, report: Report) -> ReportType:
        """`report` as the caller sees it (`repository.reports` applies the visibility rule)."""
        return cls(
            entity=report.entity,
            period=report.period,
            dataset=report.dataset,
            status=report.status,
            latest_version=report.latest_version,
            approved_version=report.approved_version,
        )


@strawberry.type(name="Change", description="An item that differs between two versions.")
class ChangeType:
    item: str
    before: Decimal | None
    after: Decimal | None
    delta: Decimal | None

    @classmethod
    def of(cls, change: Change) -> ChangeType:
        return cls(item=change.item, before=change.before, after=change.after, delta=change.delta)


@strawberry.type(name="StatementLine")
class StatementLineType:
    line: str
    label: str
    statement: Statement
    depth: int
    is_total: bool
    amount: Decimal | None
    currency: str


@strawberry.type(name="TrialBalanceLine")
class TrialBalanceLineType:
    account: str
    label: str | None
    amount: Decimal
    currency: str
    partner: str | None


@strawberry.type(
    description="An entity's financial statements of one version, in group-chart order."
)
class Statements:
    entity: str
    period: str
    version: int
    currency: str
    lines: list[StatementLineType]
    submission_id: strawberry.Private[int]

    @strawberry.field(
        description="Differences within tolerance between parts and their totals, as reported."
    )
    async def rounding_differences(self, info: Info) -> list[FindingType]:
        stored = await info.context.loaders.findings.load(self.submission_id)
        return [FindingType.stored(f) for f in stored if f.severity is Severity.NOTICE]

    @strawberry.field
    async def trial_balance(self, info: Info) -> list[TrialBalanceLineType]:
        async with info.context.hub.db.pool.acquire() as connection:
            rows = await repository.trial_balance(
                connection, self.submission_id, self.entity, self.period, self.version
            )
        return [
            TrialBalanceLineType(
                account=r.account,
                label=r.label,
                amount=r.amount,
                currency=r.currency,
                partner=r.partner,
            )
            for r in rows
        ]


def check_periods(periods: list[str] | None) -> tuple[str, ...] | None:
    if periods is None:
        return None
    normalised = []
    for period in periods:
        try:
            normalised.append(str(parse_period(period)))
        except PeriodError as error:
            raise bad_input("period", str(error)) from error
    return tuple(normalised)


def check_filter(
    registry: Registry, periods: list[str] | None, kpis: list[str] | None
) -> KpiFilter:
    for kpi in kpis or []:
        if kpi not in registry.kpis:
            raise bad_input(
                "kpi", f"unknown KPI {kpi!r}; known: {', '.join(sorted(registry.kpis))}"
            )
    return KpiFilter(periods=check_periods(periods), kpis=None if kpis is None else tuple(kpis))


def entities_to_read(registry: Registry, caller: Principal, asked: list[str] | None) -> list[str]:
    """The entities named (each checked), or every entity when none is named. What the caller
    sees of each (drafts or published versions only) is decided by the repository's filter."""
    if asked is None:
        return list(registry.entities)
    for code in asked:
        if code not in registry.entities:
            known = ", ".join(sorted(registry.entities))
            raise bad_input("entity", f"unknown entity {code!r}; known entities: {known}")
        authorize(caller, Action.READ_FIGURES, code)
    return list(dict.fromkeys(asked))


def _statements(hub: Hub, entity: str, lines: list[StatementLine]) -> Statements | None:
    if not lines:
        return None
    by_code = {line.line: line for line in lines}
    first = lines[0]
    return Statements(
        entity=entity,
        period=first.period,
        version=first.version,
        currency=first.currency,
        submission_id=first.submission_id,
        lines=[
            StatementLineType(
                line=g.code,
                label=g.label,
                statement=g.statement,
                depth=g.depth,
                is_total=g.is_total,
                amount=by_code[g.code].amount if g.code in by_code else None,
                currency=first.currency,
            )
            for g in hub.group_chart.lines.values()
            if g.code in by_code or not g.consolidation_only
        ],
    )


@strawberry.type
class ReportingQuery:
    @strawberry.field(
        description="Reported KPI values: the latest version of each report the caller may read "
        "(the approved one for other entities), or `version`."
    )
    async def kpi_values(
        self,
        info: Info,
        entity: list[str] | None = None,
        period: list[str] | None = None,
        kpi: list[str] | None = None,
        version: int | None = None,
    ) -> Sequence[KpiValueType]:
        registry = info.context.hub.registry
        kpi_filter = check_filter(registry, period, kpi)._replace(version=version)
        entities = entities_to_read(registry, info.context.caller, entity)
        batches = await info.context.loaders.kpi_values.load_many(
            [KpiValueKey(code, kpi_filter) for code in entities]
        )
        return KpiValueType.of_rows([row for batch in batches for row in batch], registry)

    @strawberry.field(description="The versions the caller may read, oldest first.")
    async def submissions(
        self,
        info: Info,
        entity: list[str] | None = None,
        period: str | None = None,
        dataset: Dataset | None = None,
    ) -> list[SubmissionType]:
        hub = info.context.hub
        periods = check_periods(None if period is None else [period])
        entities = entities_to_read(hub.registry, info.context.caller, entity)
        rows = await service.submission_history(
            hub, info.context.caller, entities, periods[0] if periods else None, dataset
        )
        return [SubmissionType.of(row) for row in rows]

    @strawberry.field(description="Reports with their workflow status.")
    async def reports(
        self,
        info: Info,
        entity: list[str] | None = None,
        period: list[str] | None = None,
        dataset: list[Dataset] | None = None,
        status: list[Status] | None = None,
    ) -> list[ReportType]:
        hub, caller = info.context.hub, info.context.caller
        entities = entities_to_read(hub.registry, caller, entity)
        async with hub.db.pool.acquire() as connection:
            rows = await repository.reports(
                connection,
                entities,
                service.drafts_for(hub, caller),
                check_periods(period),
                None if dataset is None else [d.value for d in dataset],
            )
        return [ReportType.of(row) for row in rows if status is None or row.status in status]

    @strawberry.field(description="What changed between two versions of a report.")
    async def report_diff(
        self,
        info: Info,
        entity: str,
        period: str,
        dataset: Dataset,
        from_version: int,
        to_version: int,
    ) -> list[ChangeType]:
        hub = info.context.hub
        entities_to_read(hub.registry, info.context.caller, [entity])
        [normalised] = check_periods([period]) or ()
        changes = await service.diff_versions(
            hub,
            info.context.caller,
            entity=entity,
            period=normalised,
            dataset=dataset,
            from_version=from_version,
            to_version=to_version,
        )
        return [ChangeType.of(change) for change in changes]

    @strawberry.field(
        description="An entity's financial statements (latest readable version, or `version`)."
    )
    async def statements(
        self, info: Info, entity: str, period: str, version: int | None = None
    ) -> Statements | None:
        hub = info.context.hub
        entities_to_read(hub.registry, info.context.caller, [entity])
        periods = check_periods([period])
        async with hub.db.pool.acquire() as connection:
            lines = await repository.statement_lines(
                connection, [entity], service.drafts_for(hub, info.context.caller), periods, version
            )
        return _statements(hub, entity, lines)


# --- mutations ---------------------------------------------------------------------------------


@strawberry.input
class KpiValueInput:
    kpi: str
    amount: Decimal
    currency: str | None = strawberry.field(
        default=None, description="Required for amounts of money: the entity's currency."
    )
    provenance: Provenance = Provenance.REPORTED
    note: str | None = None


@strawberry.input(description="What every save carries besides its content.")
class SaveOptionsInput:
    base_version: int | None = strawberry.field(
        default=None,
        description="The version this change starts from (omit for a report's first version). "
        "A stale one is refused with ReportConflict.",
    )
    idempotency_key: str | None = strawberry.field(
        default=None, description="Resending the same key returns the first result."
    )
    comment: str | None = None


@strawberry.input
class KpiReportInput:
    entity: str
    period: str = strawberry.field(description="2024, 2024-Q3 or 2024-09")
    values: list[KpiValueInput]
    options: SaveOptionsInput | None = None


@strawberry.input
class StatementLineInput:
    line: str = strawberry.field(description="A group-chart line code, e.g. BS.A.FA.II")
    amount: Decimal
    currency: str


@strawberry.input
class TrialBalanceLineInput:
    account: str
    amount: Decimal = strawberry.field(description="Debit positive, credit negative.")
    currency: str
    label: str | None = None
    partner: str | None = strawberry.field(
        default=None, description="The other network entity of an intra-network balance."
    )


@strawberry.input
class StatementsInput:
    entity: str
    period: str
    lines: list[StatementLineInput] = strawberry.field(default_factory=list)
    trial_balance: list[TrialBalanceLineInput] = strawberry.field(default_factory=list)
    options: SaveOptionsInput | None = None


@strawberry.input
class TransitionInput:
    entity: str
    period: str
    dataset: Dataset
    action: ReportAction
    reason: str | None = strawberry.field(
        default=None,
        description="Why: required to return or reopen; on submit, the comment that explains "
        "the version's warnings.",
    )


@strawberry.type
class ReportSaved:
    submission: SubmissionType
    findings: list[FindingType]
    unchanged: bool = strawberry.field(
        description="Same content as the latest version: not saved again."
    )
    replayed: bool = strawberry.field(description="A retry of an earlier save with the same key.")


@strawberry.type(description="Nothing was stored: every error, located.")
class ReportRejected:
    errors: list[FindingType]
    error_count: int
    warnings: list[FindingType]


@strawberry.type(description="The report moved on or refuses changes; nothing was stored.")
class ReportConflict:
    message: str
    latest_version: int
    status: Status


SaveReportResult = Annotated[
    ReportSaved | ReportRejected | ReportConflict, strawberry.union("SaveReportResult")
]


def _result(outcome: service.SaveOutcome) -> ReportSaved | ReportRejected | ReportConflict:
    if isinstance(outcome, service.Saved):
        return ReportSaved(
            submission=SubmissionType.of(outcome.submission),
            findings=[FindingType.of(f) for f in outcome.findings],
            unchanged=outcome.unchanged,
            replayed=outcome.replayed,
        )
    if isinstance(outcome, service.Rejected):
        return ReportRejected(
            errors=[FindingType.of(f) for f in outcome.errors],
            error_count=outcome.error_count,
            warnings=[FindingType.of(f) for f in outcome.warnings],
        )
    return ReportConflict(
        message=outcome.message, latest_version=outcome.latest_version, status=outcome.status
    )


@strawberry.type
class ReportingMutation:
    @strawberry.mutation(
        description="Save the entity's KPI report for a period as a new draft version (the "
        "complete set of values of that version). National teams, own entity only."
    )
    async def save_kpi_values(self, info: Info, input: KpiReportInput) -> SaveReportResult:
        options = input.options or SaveOptionsInput()
        submission = from_model(
            KpiSubmissionIn,
            input,
            options,
            values=tuple(from_model(KpiValueIn, v) for v in input.values),
        )
        return _result(
            await service.save_kpi_values(info.context.hub, info.context.caller, submission)
        )

    @strawberry.mutation(
        description="Save the entity's financial statements for a period (group-chart lines "
        "and/or the national trial balance) as a new draft version."
    )
    async def save_statements(self, info: Info, input: StatementsInput) -> SaveReportResult:
        options = input.options or SaveOptionsInput()
        statements = from_model(
            StatementsIn,
            input,
            options,
            lines=tuple(from_model(StatementLineIn, line) for line in input.lines),
            trial_balance=tuple(from_model(TrialBalanceLineIn, t) for t in input.trial_balance),
        )
        return _result(
            await service.save_statements(info.context.hub, info.context.caller, statements)
        )

    @strawberry.mutation(
        description="Move a report along the workflow: submit, withdraw (national team); "
        "approve, return, lock, reopen (finance)."
    )
    async def transition_report(self, info: Info, input: TransitionInput) -> ReportType:
        report = await service.transition_report(
            info.context.hub,
            info.context.caller,
            entity=input.entity,
            period=input.period,
            dataset=input.dataset,
            action=input.action,
            reason=input.reason,
        )
        return ReportType.of(report)
