"""The monitoring workbook over REST."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from litestar import Controller, Request, Response, get
from litestar.params import FromPath

from hub.api.context import authenticate
from hub.breakeven.service import break_even
from hub.contributions.service import ContributionError, contributions
from hub.excel.http import XLSX
from hub.investments.service import loans, programmes
from hub.monitoring.excel import monitoring_workbook
from hub.reporting.period import parse_period
from hub.services import Hub


class MonitoringController(Controller):
    path = "/api/monitoring/{period:str}/report.xlsx"

    @get()
    async def download(
        self, request: Request[Any, Any, Any], period: FromPath[str]
    ) -> Response[Any]:
        """Contributions, programmes, loans and break-even for the period, in one workbook."""
        hub: Hub = request.app.state.hub
        principal = await authenticate(request, hub, ide_page_allowed=False)
        try:
            report = await contributions(hub, principal, [period])
        except ContributionError as error:
            return Response({"detail": str(error)}, status_code=400)
        _, end = parse_period(period).bounds()
        as_of = min(end, dt.date.today())
        content = await asyncio.to_thread(
            monitoring_workbook,
            str(parse_period(period)),
            report,
            await programmes(hub, principal),
            await loans(hub, principal, as_of),
            await break_even(hub, principal, parse_period(period).year),
        )
        return Response(
            content,
            media_type=XLSX,
            headers={"Content-Disposition": f'attachment; filename="monitoring-{period}.xlsx"'},
        )
