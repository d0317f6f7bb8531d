"""REST for nodes: `POST /api/federation/envelopes` with a signed envelope's JSON as the body.
No bearer user: the signature is the credential. Answers: 200 {outcome, version, hash, …} for an
accepted envelope (and for any envelope already stored: its stored receipt, so a retried
delivery is answered the same), 422 with the reasons for a refused one, 400 naming the place
of a body that is not an envelope, 413 for a body over `upload.max_import_bytes`."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
from litestar import Controller, Request, Response, post
from litestar.status_codes import (
    HTTP_200_OK,
    HTTP_400_BAD_REQUEST,
    HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    HTTP_422_UNPROCESSABLE_ENTITY,
)

from hub.federation.envelope import EnvelopeError, open_envelope
from hub.federation.receive import Receipt, receive
from hub.services import Hub


class Problem(msgspec.Struct, frozen=True):
    detail: str


def envelope_controller(max_bytes: int) -> type[Controller]:
    class EnvelopeController(Controller):
        path = "/api/federation"
        request_max_body_size = max_bytes + 1

        @post("/envelopes", status_code=HTTP_200_OK)
        async def deliver(self, request: Request[Any, Any, Any]) -> Response[Receipt | Problem]:
            declared = request.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                return Response(
                    Problem(
                        f"the envelope is {int(declared):,} bytes; the limit is {max_bytes:,} bytes"
                    ),
                    status_code=HTTP_413_REQUEST_ENTITY_TOO_LARGE,
                )
            body = await request.body()
            if len(body) > max_bytes:
                return Response(
                    Problem(f"the envelope is over the limit of {max_bytes:,} bytes"),
                    status_code=HTTP_413_REQUEST_ENTITY_TOO_LARGE,
                )
            try:
                opened = open_envelope(body)
            except EnvelopeError as error:
                return Response(
                    Problem(f"not a signed envelope: {error}"), status_code=HTTP_400_BAD_REQUEST
                )
            hub: Hub = request.app.state.hub
            receipt = await receive(hub, opened, dt.datetime.now(dt.UTC))
            status = HTTP_200_OK if receipt.outcome == "accepted" else HTTP_422_UNPROCESSABLE_ENTITY
            return Response(receipt, status_code=status)

    return EnvelopeController
