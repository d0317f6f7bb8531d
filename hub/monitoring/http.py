"""The monitoring workbook over REST."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.params import FromPath

from hub.auth.request import authenticate
from hub.contributions.service import ContributionError
from hub.excel.http import XLSX
from hub.monitoring.report import monitoring_report
from hub.services import Hub


class MonitoringController(Controller):
    path = "/api/monitoring/{period:str}/report.xlsx"

    @get()
    async def download(
        self, request: Request[Any, Any, Any], period: FromPath[str]
    ) -> Response[Any]:
        """Contributions, programmes, loans and break-even for the period, in one workbook; a
        period with nothing to monitor is refused, as on the CLI."""
        hub: Hub = request.app.state.hub
        principal = await authenticate(request, hub, ide_page_allowed=False)
        try:
            content = await monitoring_report(hub, principal, period)
        except ContributionError as error:
            return Response({"detail": str(error)}, status_code=400)
        return Response(
            content,
            media_type=XLSX,
            headers={"Content-Disposition": f'attachment; filename="monitoring-{period}.xlsx"'},
        )
