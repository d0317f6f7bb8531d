"""The node's requests to the hub over HTTP (httpx): the reference data and the status as signed
node requests (hub/federation/node_request.py), and envelopes as their stored bytes.

Failures are said in words a national team reads: `HubUnreachable` when no answer came (or a
5xx: the hub could not decide), `HubRefusedRequest` when the hub would not take a signed request
as the node's (401, with the hub's reason).
"""

from __future__ import annotations

import datetime as dt
import errno
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Literal, TypeVar

import httpx
import msgspec

from hub.federation.envelope_status import StatusAnswer
from hub.federation.node_request import sign_request
from hub.federation.reference import Reference
from hub.node.folder import Node

REFERENCE_PATH = "/api/federation/reference"
STATUS_PATH = "/api/federation/status"
ENVELOPES_PATH = "/api/federation/envelopes"

T = TypeVar("T")

TIMEOUT_SECONDS = 30.0
CONNECT_SECONDS = 10.0


class HubUnreachable(Exception):
    """No verdict from the hub: not reached, no answer in time, or a failure on its side."""


class HubRefusedRequest(Exception):
    """The hub did not take a signed request as the node's (HTTP 401)."""


class Receipt(msgspec.Struct, frozen=True, kw_only=True):
    """The hub's answer to an envelope (hub/federation/receive.py), read leniently: a newer hub
    may add fields."""

    hash: str
    outcome: Literal["accepted", "refused"]
    reasons: list[str]
    version: int | None
    received_at: dt.datetime


class _Problem(msgspec.Struct, frozen=True):
    detail: str


def _why(error: httpx.TransportError) -> str:
    """An OS error's words without its number: 'connection refused'."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, OSError) and cause.errno is not None:
            if cause.errno == errno.ECONNREFUSED:
                return "connection refused"
            if cause.strerror:
                return cause.strerror[0].lower() + cause.strerror[1:]
        cause = cause.__cause__ or cause.__context__
    text = str(error) or type(error).__name__
    return "connection refused" if "refused" in text.lower() else text


def _detail(response: httpx.Response) -> str:
    try:
        return msgspec.json.decode(response.content, type=_Problem).detail
    except msgspec.MsgspecError:
        return response.text.strip().splitlines()[0] if response.text.strip() else ""


class HubClient:
    def __init__(self, node: Node, client: httpx.AsyncClient) -> None:
        self.node = node
        self.client = client

    @property
    def where(self) -> str:
        return f"the hub at {self.node.hub}"

    async def _send(
        self, method: str, path: str, body: bytes, headers: dict[str, str]
    ) -> httpx.Response:
        try:
            response = await self.client.request(
                method, f"{self.node.hub}{path}", content=body, headers=headers
            )
        except httpx.TimeoutException:
            raise HubUnreachable(
                f"{self.where} did not answer within {TIMEOUT_SECONDS:.0f} seconds"
            ) from None
        except httpx.RemoteProtocolError:
            raise HubUnreachable(f"{self.where} closed the connection without an answer") from None
        except httpx.TransportError as error:
            raise HubUnreachable(f"{self.where} is unreachable: {_why(error)}") from None
        if response.status_code >= 500:
            detail = _detail(response)
            raise HubUnreachable(
                f"{self.where} answered {response.status_code} {response.reason_phrase}"
                + (f": {detail}" if detail else "")
            )
        return response

    async def _signed(self, method: str, path: str, body: bytes) -> httpx.Response:
        headers = sign_request(
            self.node.private_key(),
            self.node.entity,
            method,
            path,
            body,
            dt.datetime.now(dt.UTC),
        )
        if body:
            headers["Content-Type"] = "application/json"
        response = await self._send(method, path, body, headers)
        if response.status_code == 401:
            raise HubRefusedRequest(f"{self.where} refused the node's request: {_detail(response)}")
        if response.status_code != 200:
            raise HubUnreachable(
                f"{self.where} answered {response.status_code} {response.reason_phrase} to "
                f"{method} {path}: {_detail(response)}"
            )
        return response

    async def reference(self) -> Reference:
        response = await self._signed("GET", REFERENCE_PATH, b"")
        return _decoded(response, Reference, self.where)

    async def status(self) -> StatusAnswer:
        response = await self._signed("POST", STATUS_PATH, b"{}")
        return _decoded(response, StatusAnswer, self.where)

    async def deliver(self, data: bytes) -> Receipt | str:
        """The hub's verdict: its receipt (accepted or refused, 200/422), or the problem it
        found with the body (400/413), which refuses the envelope too. Anything else is no
        verdict: `HubUnreachable`."""
        response = await self._send(
            "POST", ENVELOPES_PATH, data, {"Content-Type": "application/json"}
        )
        if response.status_code in (200, 422):
            return _decoded(response, Receipt, self.where)
        if response.status_code in (400, 413):
            return _detail(response)
        raise HubUnreachable(
            f"{self.where} answered {response.status_code} {response.reason_phrase}: "
            f"{_detail(response)}"
        )


def _decoded(response: httpx.Response, kind: type[T], where: str) -> T:
    try:
        return msgspec.json.decode(response.content, type=kind)
    except msgspec.MsgspecError as error:
        raise HubUnreachable(f"{where} gave an answer the node cannot read: {error}") from None


@asynccontextmanager
async def hub_client(node: Node) -> AsyncIterator[HubClient]:
    timeout = httpx.Timeout(TIMEOUT_SECONDS, connect=CONNECT_SECONDS)
    async with httpx.AsyncClient(timeout=timeout) as client:
        yield HubClient(node, client)
