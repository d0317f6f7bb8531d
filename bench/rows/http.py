"""What the HTTP rows share: the hub's GraphQL request as the clients send it, one checked
answer before timing, and a latency row from interleaved client runs."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

from bench.client import Load, Request, interleaved
from bench.processes import Server
from bench.table import Row, Spread, Target


def graphql(server: Server, token: str, query: str, variables: dict[str, Any]) -> Request:
    body = json.dumps({"query": query, "variables": variables}).encode()
    headers = {"Authorization": f"Bearer {token}"}
    return Request(f"{server.base}/graphql", "POST", body, headers)


def answer(request: Request) -> Any:
    """One request, its JSON answer; a GraphQL error stops the row."""
    sent = urllib.request.Request(
        request.url,
        data=request.body,
        method=request.method,
        headers={**request.headers, "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(sent, timeout=300) as response:
        body = json.loads(response.read())
    if isinstance(body, dict) and body.get("errors"):
        raise AssertionError(f"{request.url}: {body['errors'][:2]}")
    return body


def all_latencies(loads: list[Load]) -> list[float]:
    return [latency for load in loads for latency in load.latencies]


def latency_row(
    key: str,
    what: str,
    hub: Request,
    peer: Request,
    target: Target,
    rounds: int,
    requests: int,
    note: str = "",
) -> Row:
    """Both sides interleaved, one client at a time: every request's latency, in ms."""
    hub_loads, peer_loads = interleaved([hub, peer], rounds, requests, 1, what=f"row {key}")
    return Row(
        key,
        what,
        Spread.of(all_latencies(hub_loads), "ms", 1000),
        Spread.of(all_latencies(peer_loads), "ms", 1000),
        target,
        note,
    )
