"""The consolidated statements workbook of a period, as the REST route and `hub export
consolidation` serve it."""

from __future__ import annotations

import asyncio

from hub.auth.policy import Principal
from hub.consolidation import service
from hub.consolidation.excel import statements_workbook
from hub.consolidation.model import ConsolidationError
from hub.reporting import repository
from hub.reporting.model import Dataset
from hub.reporting.period import PeriodError, parse_period
from hub.services import Hub


async def statements_file(
    hub: Hub, principal: Principal, period: str, entities: list[str] | None = None
) -> tuple[str, bytes]:
    """(the period as consolidated, the workbook). Raises ConsolidationError naming every
    reason the period cannot be consolidated."""
    current = await service.view(hub, principal, period, entities)
    journals = await service.journals(hub, principal, period)
    content = await asyncio.to_thread(
        statements_workbook, current, hub.group_chart, journals, hub.registry.group_currency
    )
    return current.period, content


async def require_statements(hub: Hub, period_text: str) -> None:
    """Refuse, in one line, a period for which no entity has published statements, naming the
    years that have some (instead of one line per entity)."""
    try:
        period = str(parse_period(period_text))
    except PeriodError as error:
        raise ConsolidationError([str(error)]) from error
    async with hub.db.pool.acquire() as connection:
        published = await repository.published_periods(connection, Dataset.STATEMENTS)
    years = [p for p in published if parse_period(p).is_year]
    if period not in published:
        raise ConsolidationError(
            [
                f"period {period}: no entity has published statements for {period}; "
                + (f"years with some: {', '.join(years)}" if years else "no year has any yet")
            ]
        )
