"""REST for nodes, signed with their key (hub/federation/node_request.py), no bearer user:

- `GET /api/federation/reference`: the network's reference data and its rule-set version
  (hub/federation/reference.py);
- `POST /api/federation/status`: the entity's envelopes, their outcome and their versions'
  state in the workflow (hub/federation/envelope_status.py).

A request the hub cannot take as the entity's node's is answered 401 with one line saying why.
Each verified request is the node's contact (hub/federation/contact.py).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.status_codes import HTTP_200_OK, HTTP_401_UNAUTHORIZED

from hub.federation.contact import record_contact
from hub.federation.envelope_status import StatusAnswer, envelope_statuses
from hub.federation.http import Problem
from hub.federation.node_request import RequestRefused, Verified, verify
from hub.federation.reference import Reference, read_config_files, reference
from hub.federation.register import node_keys
from hub.services import Hub

# A status request carries no more than an empty JSON object.
MAX_STATUS_BODY = 64 * 1024


UNAUTHORIZED = {"WWW-Authenticate": "HubNode"}


async def _verified(request: Request[Any, Any, Any], body: bytes, what: str) -> Verified | str:
    """The node that signed the request, or why the hub does not take it as a node's."""
    hub: Hub = request.app.state.hub
    now = dt.datetime.now(dt.UTC)
    async with hub.db.transaction() as connection:
        registered = [key.registered() for key in await node_keys(connection)]
        try:
            verified = verify(
                request.headers,
                request.method,
                request.url.path,
                body,
                registered=registered,
                entities=hub.registry.entities,
                now=now,
            )
        except RequestRefused as refused:
            return str(refused)
        await record_contact(connection, verified.entity, now, what)
    return verified


def node_controller(config_dir: Path) -> type[Controller]:
    """The config texts are read once, as the hub read them at start-up."""
    files = read_config_files(config_dir)

    class NodeController(Controller):
        path = "/api/federation"

        @get("/reference")
        async def reference_data(
            self, request: Request[Any, Any, Any]
        ) -> Response[Reference | Problem]:
            verified = await _verified(request, await request.body(), "reference data")
            if isinstance(verified, str):
                return Response(
                    Problem(verified), status_code=HTTP_401_UNAUTHORIZED, headers=UNAUTHORIZED
                )
            hub: Hub = request.app.state.hub
            return Response(await reference(hub, files, dt.datetime.now(dt.UTC)))

        @post("/status", status_code=HTTP_200_OK, request_max_body_size=MAX_STATUS_BODY)
        async def status(self, request: Request[Any, Any, Any]) -> Response[StatusAnswer | Problem]:
            verified = await _verified(request, await request.body(), "status")
            if isinstance(verified, str):
                return Response(
                    Problem(verified), status_code=HTTP_401_UNAUTHORIZED, headers=UNAUTHORIZED
                )
            hub: Hub = request.app.state.hub
            async with hub.db.pool.acquire() as connection:
                answer = await envelope_statuses(connection, verified.entity)
            return Response(answer)

    return NodeController
