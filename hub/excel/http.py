"""REST for the workbook: file transfer is the one thing GraphQL is the wrong tool for."""

from __future__ import annotations

import asyncio
from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.status_codes import (
    HTTP_200_OK,
    HTTP_400_BAD_REQUEST,
    HTTP_409_CONFLICT,
    HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    HTTP_422_UNPROCESSABLE_ENTITY,
    HTTP_503_SERVICE_UNAVAILABLE,
)

from hub.auth.policy import Principal
from hub.auth.request import authenticate
from hub.excel.annotate import annotate
from hub.excel.gate import Busy, gate_of
from hub.excel.service import BadRequest, UploadReport, template_for, upload_workbook
from hub.services import Hub

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Problem(msgspec.Struct, frozen=True):
    detail: str


def _status(report: UploadReport) -> int:
    if report.accepted:
        return HTTP_200_OK
    if any(e.rule == "size-limit" for e in report.errors):
        return HTTP_413_REQUEST_ENTITY_TOO_LARGE
    if any(d.outcome == "conflict" for d in report.datasets):
        return HTTP_409_CONFLICT
    return HTTP_422_UNPROCESSABLE_ENTITY


class WorkbookController(Controller):
    path = "/api/reports/{entity:str}/{period:str}/workbook"

    @get()
    async def download(
        self, request: Request[Any, Any, Any], entity: FromPath[str], period: FromPath[str]
    ) -> Response[Any]:
        """The reporting workbook of the entity for the period."""
        hub: Hub = request.app.state.hub
        principal = await authenticate(request, hub, ide_page_allowed=False)
        try:
            content = await template_for(hub, principal, entity, period)
        except BadRequest as error:
            return Response(Problem(str(error)), status_code=HTTP_400_BAD_REQUEST)
        return Response(
            content,
            media_type=XLSX,
            headers={
                "Content-Disposition": f'attachment; filename="{entity}-{period}-report.xlsx"'
            },
        )

    @post(status_code=HTTP_200_OK)
    async def upload(
        self,
        request: Request[Any, Any, Any],
        entity: FromPath[str],
        period: FromPath[str],
        annotated: FromQuery[bool] = False,
    ) -> Response[Any]:
        """Check and save a filled workbook (the request body). The answer lists every problem
        by sheet and cell; `?annotated=true` answers with the workbook itself, marked up."""
        hub: Hub = request.app.state.hub
        principal = await authenticate(request, hub, ide_page_allowed=False)
        limit = hub.rules.upload.max_bytes
        declared = int(request.headers.get("content-length") or 0)
        if declared > limit:
            return Response(
                Problem(f"the file is {declared:,} bytes; the limit is {limit:,} bytes"),
                status_code=HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        try:
            async with gate_of(request.app, hub).slot():
                return await self._check(request, hub, principal, entity, period, annotated)
        except Busy as busy:
            return Response(
                Problem(str(busy)),
                status_code=HTTP_503_SERVICE_UNAVAILABLE,
                headers={"Retry-After": str(busy.retry_after)},
            )

    async def _check(
        self,
        request: Request[Any, Any, Any],
        hub: Hub,
        principal: Principal,
        entity: str,
        period: str,
        annotated: bool,
    ) -> Response[Any]:
        data = await request.body()
        try:
            report = await upload_workbook(
                hub, principal, entity, period, data, request.headers.get("idempotency-key")
            )
        except BadRequest as error:
            return Response(Problem(str(error)), status_code=HTTP_400_BAD_REQUEST)
        if annotated:
            marked = await asyncio.to_thread(annotate, data, report)
            return Response(
                marked,
                media_type=XLSX,
                status_code=_status(report),
                headers={
                    "Content-Disposition": f'attachment; filename="{entity}-{period}-checked.xlsx"',
                    "X-Hub-Accepted": str(report.accepted).lower(),
                },
            )
        return Response(report, status_code=_status(report))
