"""The board pack over REST."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.params import FromPath

from hub.auth.request import authenticate
from hub.board.service import ComparisonError, board_pack_for
from hub.excel.http import XLSX
from hub.services import Hub, reads_for


class BoardPackController(Controller):
    path = "/api/board/{period:str}/board-pack.xlsx"

    @get()
    async def download(
        self, request: Request[Any, Any, Any], period: FromPath[str]
    ) -> Response[Any]:
        hub: Hub = request.app.state.hub
        principal = await authenticate(request, hub, ide_page_allowed=False)
        try:
            content = await board_pack_for(reads_for(hub, principal), principal, period)
        except ComparisonError as error:
            return Response({"detail": str(error)}, status_code=400)
        return Response(
            content,
            media_type=XLSX,
            headers={"Content-Disposition": f'attachment; filename="board-pack-{period}.xlsx"'},
        )
