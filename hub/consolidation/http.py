"""The consolidated statements workbook over REST."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.params import FromPath, FromQuery

from hub.auth.request import authenticate
from hub.consolidation.export import statements_file
from hub.consolidation.model import ConsolidationError
from hub.excel.http import XLSX
from hub.services import Hub


class ConsolidationController(Controller):
    path = "/api/consolidation/{period:str}/statements.xlsx"

    @get()
    async def download(
        self,
        request: Request[Any, Any, Any],
        period: FromPath[str],
        entities: FromQuery[list[str] | None] = None,
    ) -> Response[Any]:
        hub: Hub = request.app.state.hub
        principal = await authenticate(request, hub, ide_page_allowed=False)
        try:
            consolidated, content = await statements_file(hub, principal, period, entities)
        except ConsolidationError as error:
            return Response({"detail": str(error), "problems": error.problems}, status_code=422)
        return Response(
            content,
            media_type=XLSX,
            headers={
                "Content-Disposition": f'attachment; filename="consolidated-{consolidated}.xlsx"'
            },
        )
