"""What each entity has to report and where it stands: entity, dataset and period, with the
deadline, including reports not started and overdue (hub/reporting/due.py decides which)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hub.auth.policy import Action, Principal, authorize
from hub.reporting import repository
from hub.reporting.due import (
    ReportingState,
    due_date,
    due_periods,
    in_fiscal_years,
    sort_key,
    state,
)
from hub.reporting.model import Dataset, Report, ReportEvent, Status
from hub.reporting.period import Period, parse_period
from hub.reporting.service import drafts_for
from hub.services import Hub


@dataclass(frozen=True, slots=True)
class StatusRow:
    entity: str
    period: str
    dataset: Dataset
    state: ReportingState
    status: Status | None  # the workflow status; None when no version exists
    deadline: dt.date | None
    latest_version: int | None
    last_event: ReportEvent | None  # the latest step: who saved, submitted, approved, and when


def _entities(hub: Hub, principal: Principal, asked: list[str] | None) -> list[str]:
    """Work in progress is a draft reader's view: a national team sees its own entity only."""
    if asked is None:
        return drafts_for(hub, principal)
    for code in asked:
        authorize(principal, Action.READ_DRAFTS, code)
    return list(dict.fromkeys(asked))


async def reporting_status(
    hub: Hub,
    principal: Principal,
    entities: list[str] | None,
    periods: list[Period] | None,
    today: dt.date,
) -> list[StatusRow]:
    """`entities` and `periods` are checked by the caller; None: the caller's and the due ones."""
    codes = _entities(hub, principal, entities)
    return await status_rows(hub, codes, drafts_for(hub, principal), periods, today)


async def status_rows(
    hub: Hub, codes: list[str], drafts: list[str], periods: list[Period] | None, today: dt.date
) -> list[StatusRow]:
    """The rows of `codes` as a caller reading the drafts of `drafts` sees them; no check of
    who asks (the caller's: `reporting_status`)."""
    deadlines = hub.rules.deadlines
    async with hub.db.pool.acquire() as connection:
        reports = await repository.reports(
            connection, codes, drafts, None if periods is None else [str(p) for p in periods], None
        )
        keys = [(r.entity, r.period, r.dataset.value) for r in reports]
        events = await repository.events(connection, keys, drafts) if keys else []
    by_key: dict[tuple[str, str, Dataset], Report] = {
        (r.entity, r.period, r.dataset): r for r in reports
    }
    last: dict[tuple[str, str, Dataset], ReportEvent] = {
        (e.entity, e.period, e.dataset): e for e in events
    }
    rows = []
    for code in codes:
        start_month = hub.registry.entities[code].fiscal_year_start_month
        wanted = _wanted(code, start_month, periods, reports, today, hub)
        for period, datasets in wanted:
            for dataset in datasets:
                key = (code, str(period), dataset)
                report = by_key.get(key)
                after = deadlines.of(dataset, period)
                deadline = None if after is None else due_date(period, start_month, after)
                status = None if report is None else report.status
                rows.append(
                    StatusRow(
                        entity=code,
                        period=str(period),
                        dataset=dataset,
                        state=state(status, deadline, today),
                        status=status,
                        deadline=deadline,
                        latest_version=None if report is None else report.latest_version,
                        last_event=last.get(key),
                    )
                )
    return rows


def _wanted(
    entity: str,
    start_month: int,
    asked: list[Period] | None,
    reports: list[Report],
    today: dt.date,
    hub: Hub,
) -> list[tuple[Period, list[Dataset]]]:
    """The periods of one entity, oldest first, each with the datasets shown: every dataset of
    a period asked for; of a due period, those with a deadline for it or a report in it."""
    existing: dict[Period, set[Dataset]] = {}
    for report in reports:
        if report.entity == entity:
            existing.setdefault(parse_period(report.period), set()).add(report.dataset)
    if asked is not None:
        return [(p, list(Dataset)) for p in sorted(set(asked), key=sort_key)]
    deadlines = hub.rules.deadlines
    due = due_periods(today, start_month, deadlines)
    years = {p.year for p in due if p.is_year}
    periods = set(due) | {p for p in existing if in_fiscal_years(p, years, start_month)}
    return [
        (
            period,
            [
                d
                for d in Dataset
                if deadlines.of(d, period) is not None or d in existing.get(period, set())
            ],
        )
        for period in sorted(periods, key=sort_key)
    ]
