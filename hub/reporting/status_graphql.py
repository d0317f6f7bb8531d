"""GraphQL for the to-do list: what each entity has to report, by when, and where it stands."""

from __future__ import annotations

import datetime as dt

import strawberry

from hub.api.errors import bad_input
from hub.context import Info
from hub.reporting.due import ReportingState
from hub.reporting.graphql import ReportEventType
from hub.reporting.model import Dataset, Status
from hub.reporting.period import PeriodError, parse_period
from hub.reporting.status import StatusRow, reporting_status

strawberry.enum(ReportingState)


@strawberry.type(
    name="ReportingStatus",
    description="One report an entity has to make (entity, dataset and period), even before "
    "it exists.",
)
class ReportingStatusType:
    entity: str
    period: str
    dataset: Dataset
    state: ReportingState = strawberry.field(
        description="NOT_STARTED (no version yet), DRAFT, OVERDUE (not submitted and the "
        "deadline passed), SUBMITTED, APPROVED or LOCKED."
    )
    status: Status | None = strawberry.field(
        description="The workflow status; null when no version exists."
    )
    deadline: dt.date | None = strawberry.field(
        description="When it is due (config/reporting.toml, [deadlines]); null: no deadline."
    )
    latest_version: int | None
    last_change: ReportEventType | None = strawberry.field(
        description="The latest workflow step: who saved, submitted, approved... and when."
    )

    @classmethod
    def of(cls, row: StatusRow) -> ReportingStatusType:
        return cls(
            entity=row.entity,
            period=row.period,
            dataset=row.dataset,
            state=row.state,
            status=row.status,
            deadline=row.deadline,
            latest_version=row.latest_version,
            last_change=None if row.last_event is None else ReportEventType.of(row.last_event),
        )


@strawberry.type
class ReportingStatusQuery:
    @strawberry.field(
        description="What each entity has to report and where it stands, including reports not "
        "started and overdue. Entities whose drafts the caller reads (a national team: its own); "
        "without `periods`, the due ones: the previous and current fiscal years and the begun "
        "quarters (months) of the current one that have a deadline, and periods of those years "
        "with a report. `asOf` (default today) decides what is due and overdue."
    )
    async def reporting_status(
        self,
        info: Info,
        periods: list[str] | None = None,
        entity: list[str] | None = None,
        as_of: dt.date | None = None,
    ) -> list[ReportingStatusType]:
        hub = info.context.hub
        parsed = None
        if periods is not None:
            parsed = []
            for text in periods:
                try:
                    parsed.append(parse_period(text))
                except PeriodError as error:
                    raise bad_input("periods", str(error)) from error
        for code in entity or []:
            if code not in hub.registry.entities:
                known = ", ".join(hub.registry.entities)
                raise bad_input("entity", f"unknown entity {code!r}; known entities: {known}")
        rows = await reporting_status(
            hub, info.context.caller, entity, parsed, as_of or dt.date.today()
        )
        return [ReportingStatusType.of(row) for row in rows]
