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


async def monitoring_report(hub: Hub, principal: Principal, period_text: str) -> bytes:
    """Contributions, programmes, loans and break-even for the period, in one workbook, as the
    REST route and `hub export monitoring` serve it. A period with nothing to monitor (no published
    figure behind its contributions and no programme running in it) is refused with a
    ContributionError whose message names the periods that have figures."""
    try:
        period = parse_period(period_text)
    except PeriodError as error:
        raise ContributionError(f"period: {error}") from error
    report = await contributions(hub, principal, [str(period)])
    start, end = period.bounds()
    running = [
        status
        for status in await programmes(hub, principal)
        if status.programme.starts_on <= end and status.programme.ends_on >= start
    ]
    if not running and not _has_figures(report, str(period)):
        raise ContributionError(await _nothing_to_monitor(hub, principal, str(period)))
    return await _workbook(hub, principal, period, report)


async def _nothing_to_monitor(hub: Hub, principal: Principal, period: str) -> str:
    async with hub.db.pool.acquire() as connection:
        candidates = [
            *await repository.published_periods(connection, Dataset.KPI),
            *await repository.published_periods(connection, Dataset.STATEMENTS),
        ]
    ordered = sorted(set(candidates), key=lambda p: (parse_period(p).bounds(), p))
    every = await contributions(hub, principal, ordered) if ordered else None
    having = [p for p in ordered if every is not None and _has_figures(every, p)]
    return (
        f"period {period}: no published figure behind its contributions and no programme "
        "running in it; "
        + (f"periods with figures: {', '.join(having)}" if having else "no period has any yet")
    )
