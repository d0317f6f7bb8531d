"""GraphQL for reported KPI values: queries, the submit mutation, and their types."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

import strawberry

import hub.api.enums  # noqa: F401  (registers the enums)
from hub.api.context import Info
from hub.api.errors import bad_input
from hub.auth.policy import Action, Principal, authorize, readable_entities
from hub.registry.model import KpiUnit
from hub.registry.registry import Registry
from hub.reporting import service
from hub.reporting.loaders import KpiFilter, KpiValueKey
from hub.reporting.model import (
    KpiSubmissionIn,
    KpiValue,
    KpiValueIn,
    Provenance,
    Submission,
)
from hub.reporting.period import PeriodError, parse_period


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


@strawberry.type(name="Submission", description="One version of an entity's report for a period.")
class SubmissionType:
    id: int
    entity: str
    period: str
    dataset: str
    version: int
    author: str
    submitted_at: dt.datetime
    source: str
    comment: str | None

    @strawberry.field(description="The values of exactly this version.")
    async def values(self, info: Info) -> list[KpiValueType]:
        key = KpiValueKey(self.entity, KpiFilter(periods=(self.period,), version=self.version))
        values = await info.context.loaders.kpi_values.load(key)
        return [KpiValueType.of(v, info.context.hub.registry) for v in values]

    @classmethod
    def of(cls, submission: Submission) -> SubmissionType:
        return cls(
            id=submission.id,
            entity=submission.entity,
            period=submission.period,
            dataset=submission.dataset,
            version=submission.version,
            author=submission.author,
            submitted_at=submission.submitted_at,
            source=submission.source,
            comment=submission.comment,
        )


def check_filter(
    registry: Registry, periods: list[str] | None, kpis: list[str] | None
) -> KpiFilter:
    for period in periods or []:
        try:
            parse_period(period)
        except PeriodError as error:
            raise bad_input("period", str(error)) from error
    for kpi in kpis or []:
        if kpi not in registry.kpis:
            raise bad_input(
                "kpi", f"unknown KPI {kpi!r}; known: {', '.join(sorted(registry.kpis))}"
            )
    return KpiFilter(
        periods=None if periods is None else tuple(str(parse_period(p)) for p in periods),
        kpis=None if kpis is None else tuple(kpis),
    )


def entities_to_read(registry: Registry, caller: Principal, asked: list[str] | None) -> list[str]:
    """The entities named (each checked), or all the caller may read when none is named."""
    if asked is None:
        return readable_entities(caller, list(registry.entities))
    for code in asked:
        if code not in registry.entities:
            known = ", ".join(sorted(registry.entities))
            raise bad_input("entity", f"unknown entity {code!r}; known entities: {known}")
        authorize(caller, Action.READ_FIGURES, code)
    return list(dict.fromkeys(asked))


@strawberry.type
class ReportingQuery:
    @strawberry.field(
        description="Reported KPI values, latest version of each report unless `version` is given."
    )
    async def kpi_values(
        self,
        info: Info,
        entity: list[str] | None = None,
        period: list[str] | None = None,
        kpi: list[str] | None = None,
        version: int | None = None,
    ) -> list[KpiValueType]:
        registry = info.context.hub.registry
        kpi_filter = check_filter(registry, period, kpi)._replace(version=version)
        entities = entities_to_read(registry, info.context.caller, entity)
        batches = await info.context.loaders.kpi_values.load_many(
            [KpiValueKey(code, kpi_filter) for code in entities]
        )
        return [KpiValueType.of(v, registry) for batch in batches for v in batch]

    @strawberry.field(description="The versions submitted, oldest first, with who and when.")
    async def submissions(
        self, info: Info, entity: list[str] | None = None, period: str | None = None
    ) -> list[SubmissionType]:
        registry = info.context.hub.registry
        if period is not None:
            check_filter(registry, [period], None)
        entities = entities_to_read(registry, info.context.caller, entity)
        rows = await service.submission_history(info.context.hub, entities, period)
        return [SubmissionType.of(row) for row in rows]


@strawberry.input
class KpiValueInput:
    kpi: str
    amount: Decimal
    currency: str | None = strawberry.field(
        default=None, description="Required for amounts of money: the entity's currency."
    )
    provenance: Provenance = Provenance.REPORTED
    note: str | None = None


@strawberry.input
class KpiSubmissionInput:
    entity: str
    period: str = strawberry.field(description="2024, 2024-Q3 or 2024-09")
    values: list[KpiValueInput]
    comment: str | None = None


@strawberry.type(description="A located problem with the input; nothing was stored.")
class FieldError:
    field: str
    message: str


@strawberry.type
class KpiSubmissionAccepted:
    submission: SubmissionType


@strawberry.type
class KpiSubmissionRejected:
    errors: list[FieldError]


KpiSubmissionResult = Annotated[
    KpiSubmissionAccepted | KpiSubmissionRejected, strawberry.union("KpiSubmissionResult")
]


@strawberry.type
class ReportingMutation:
    @strawberry.mutation(
        description=(
            "Submit the entity's KPI report for a period as a new version (the complete set of "
            "values of that version). National teams submit for their own entity only."
        )
    )
    async def submit_kpi_values(self, info: Info, input: KpiSubmissionInput) -> KpiSubmissionResult:
        submission = KpiSubmissionIn(
            entity=input.entity,
            period=input.period,
            comment=input.comment,
            source="graphql",
            values=tuple(
                KpiValueIn(
                    kpi=v.kpi,
                    amount=v.amount,
                    currency=v.currency,
                    provenance=v.provenance,
                    note=v.note,
                )
                for v in input.values
            ),
        )
        result = await service.submit_kpi_values(info.context.hub, info.context.caller, submission)
        if isinstance(result, list):
            return KpiSubmissionRejected(
                errors=[FieldError(field=e.field, message=e.message) for e in result]
            )
        return KpiSubmissionAccepted(submission=SubmissionType.of(result))
