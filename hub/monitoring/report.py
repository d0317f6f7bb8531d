"""The monitoring workbook of a period, as the REST route and `hub export monitoring` serve it."""

from __future__ import annotations

import asyncio
import datetime as dt

from hub.auth.policy import Principal
from hub.breakeven.service import break_even
from hub.contributions.service import ContributionError, Report, contributions
from hub.investments.service import loans, programmes
from hub.monitoring.excel import monitoring_workbook
from hub.reporting import repository
from hub.reporting.model import Dataset
from hub.reporting.period import Period, PeriodError, parse_period
from hub.services import Hub


def _has_figures(report: Report, period: str) -> bool:
    return any(
        line.period == period and (line.base_amount is not None or line.gap.booked is not None)
        for line in report.lines
    )


async def monitoring_report(hub: Hub, principal: Principal, period_text: str) -> bytes:
    """Contributions, programmes, loans and break-even for the period, in one workbook.
    Raises ContributionError for a period that is not one."""
    report = await contributions(hub, principal, [period_text])
    return await _workbook(hub, principal, parse_period(period_text), report)


async def _workbook(hub: Hub, principal: Principal, period: Period, report: Report) -> bytes:
    _, end = period.bounds()
    return await asyncio.to_thread(
        monitoring_workbook,
        str(period),
        report,
        await programmes(hub, principal),
        await loans(hub, principal, min(end, dt.date.today())),
        await break_even(hub, principal, period.year),
    )


async def monitoring_export(hub: Hub, principal: Principal, period_text: str) -> bytes:
    """`monitoring_report`, refused for a period whose contributions have no published figure
    (base or booked amount): the message names the periods that have some."""
    try:
        period = str(parse_period(period_text))
    except PeriodError as error:
        raise ContributionError(f"period: {error}") from error
    report = await contributions(hub, principal, [period])
    if not _has_figures(report, period):
        async with hub.db.pool.acquire() as connection:
            candidates = [
                *await repository.published_periods(connection, Dataset.KPI),
                *await repository.published_periods(connection, Dataset.STATEMENTS),
            ]
        ordered = sorted(set(candidates), key=lambda p: (parse_period(p).bounds(), p))
        every = await contributions(hub, principal, ordered) if ordered else None
        having = [p for p in ordered if every is not None and _has_figures(every, p)]
        raise ContributionError(
            f"period {period}: no published figure behind its contributions; "
            + (f"periods with some: {', '.join(having)}" if having else "no period has any yet")
        )
    return await _workbook(hub, principal, parse_period(period), report)
