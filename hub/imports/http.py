"""REST for national exports: `POST /api/reports/{entity}/{period}/import/{format}` with the file
as the body (its name in `X-File-Name`), or several files as multipart/form-data (a DATEV
booking batch with its account names). The body is spooled to disk as it arrives, so memory does
not grow with the file; imports share the workbook uploads' concurrency gate."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import msgspec
from litestar import Controller, Request, Response, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, FromQuery
from litestar.status_codes import (
    HTTP_200_OK,
    HTTP_400_BAD_REQUEST,
    HTTP_409_CONFLICT,
    HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    HTTP_422_UNPROCESSABLE_ENTITY,
    HTTP_503_SERVICE_UNAVAILABLE,
)

from hub.auth.request import authenticate
from hub.excel.gate import Busy, gate_of
from hub.imports.formats import CHUNK, Source
from hub.imports.service import ImportRefused, ImportReport, import_ledger
from hub.services import Hub


class Problem(msgspec.Struct, frozen=True):
    detail: str


def status_of(report: ImportReport) -> int:
    if report.accepted:
        return HTTP_200_OK
    if report.outcome == "conflict":
        return HTTP_409_CONFLICT
    return HTTP_422_UNPROCESSABLE_ENTITY


@contextlib.asynccontextmanager
async def _spooled(request: Request[Any, Any, Any]) -> AsyncIterator[list[Source]]:
    """The request's files on disk, removed afterwards."""
    folder = Path(await asyncio.to_thread(tempfile.mkdtemp, prefix="hub-import-"))
    try:
        sources = []
        content_type = request.headers.get("content-type", "")
        if content_type.startswith("multipart/form-data"):
            form = await request.form()
            for index, (_, value) in enumerate(form.multi_items()):
                if not isinstance(value, UploadFile):
                    continue
                target = folder / f"{index}"
                with target.open("wb") as out:
                    while chunk := await value.read(CHUNK):
                        out.write(chunk)
                sources.append(Source(name=value.filename or f"file {index + 1}", path=target))
        else:
            target = folder / "0"
            with target.open("wb") as out:
                async for chunk in request.stream():
                    out.write(chunk)
            name = request.headers.get("x-file-name") or "upload"
            sources.append(Source(name=name, path=target))
        yield sources
    finally:
        await asyncio.to_thread(shutil.rmtree, folder, True)


def import_controller(max_bytes: int) -> type[Controller]:
    """The controller, its body bounded by `upload.max_import_bytes` (not the workbooks')."""

    class ImportController(Controller):
        path = "/api/reports/{entity:str}/{period:str}/import/{format_name:str}"
        request_max_body_size = max_bytes

        @post(status_code=HTTP_200_OK)
        async def upload(
            self,
            request: Request[Any, Any, Any],
            entity: FromPath[str],
            period: FromPath[str],
            format_name: FromPath[str],
            comment: FromQuery[str | None] = None,
        ) -> Response[Any]:
            """Read a national export and save its trial balance as a draft version of the
            STATEMENTS report: 200 saved (or replayed/unchanged), 422 refused with every
            problem located, 409 conflict."""
            hub: Hub = request.app.state.hub
            principal = await authenticate(request, hub, ide_page_allowed=False)
            declared = int(request.headers.get("content-length") or 0)
            limit = hub.rules.upload.max_import_bytes
            if declared > limit:
                return Response(
                    Problem(f"the file is {declared:,} bytes; the limit is {limit:,} bytes"),
                    status_code=HTTP_413_REQUEST_ENTITY_TOO_LARGE,
                )
            try:
                async with gate_of(request.app, hub).slot(), _spooled(request) as sources:
                    if not sources:
                        return Response(
                            Problem("no file: send it as the body, or as multipart files"),
                            status_code=HTTP_400_BAD_REQUEST,
                        )
                    report = await import_ledger(
                        hub, principal, entity, period, format_name, sources, comment=comment
                    )
            except Busy as busy:
                return Response(
                    Problem(str(busy)),
                    status_code=HTTP_503_SERVICE_UNAVAILABLE,
                    headers={"Retry-After": str(busy.retry_after)},
                )
            except ImportRefused as refused:
                return Response(Problem(str(refused)), status_code=HTTP_400_BAD_REQUEST)
            return Response(report, status_code=status_of(report))

    return ImportController
