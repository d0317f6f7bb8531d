"""REST for the ECB file: the file is the request body, as for the workbook upload.
It relies on the app's `AccessDenied` handler (403) like `WorkbookController` does.

    curl -s -H "Authorization: Bearer $FINANCE" --data-binary @eurofxref-hist.csv \
         http://127.0.0.1:8000/api/fx/ecb
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, Response, post
from litestar.status_codes import (
    HTTP_200_OK,
    HTTP_409_CONFLICT,
    HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    HTTP_422_UNPROCESSABLE_ENTITY,
)

from hub.auth.policy import Action, authorize
from hub.auth.request import authenticate
from hub.fx.ecb import EcbFormatError
from hub.fx.service import RateInputError, import_ecb_as
from hub.services import Hub
from hub.signoff import Locked


class Problem(msgspec.Struct, frozen=True):
    detail: str


class FxController(Controller):
    path = "/api/fx/ecb"

    @post(status_code=HTTP_200_OK)
    async def import_file(self, request: Request[Any, Any, Any]) -> Response[Any]:
        """Import the ECB's `eurofxref-hist.csv` (the request body): its daily rates and the
        closing, average and opening rates derived from them. Finance only. Answers what was
        added; a malformed file answers 422 with the line and the reason, a file that would change
        a rate a locked consolidation used answers 409 naming the lock; neither stores
        anything."""
        hub: Hub = request.app.state.hub
        principal = await authenticate(request, hub, ide_page_allowed=False)
        authorize(principal, Action.MANAGE_RATES)
        limit = hub.rules.upload.max_bytes
        declared = int(request.headers.get("content-length") or 0)
        if declared > limit:
            return Response(
                Problem(f"the file is {declared:,} bytes; the limit is {limit:,} bytes"),
                status_code=HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        try:
            summary = await import_ecb_as(hub, principal, await request.body())
        except (EcbFormatError, RateInputError) as error:
            return Response(Problem(str(error)), status_code=HTTP_422_UNPROCESSABLE_ENTITY)
        except Locked as error:
            return Response(Problem(str(error)), status_code=HTTP_409_CONFLICT)
        return Response(summary, status_code=HTTP_200_OK)
