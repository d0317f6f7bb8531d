"""Row 1: the board's `comparison` in its `blocks` shape (bench/board.py's QUERY: matrices per
KPI, EUR, changes, ranks, totals, ratios) over every period, served by `hub serve`, against the
plain Litestar + msgspec endpoint fetching the same values; clients in another process."""

from __future__ import annotations

from bench.board import QUERY
from bench.client import Request
from bench.rows.http import answer, graphql, latency_row
from bench.stage import Stage
from bench.table import Row, Target

TARGET = Target("<=", 2.0)


async def plain_request(stage: Stage) -> Request:
    """The plain endpoint's request for every period, checked to return every value."""
    network, plain = await stage.network(), await stage.plain()
    query = "&".join(f"periods={p}" for p in network.periods)
    request = Request(f"{plain.base}/bench/values?{query}")
    assert len(answer(request)) == network.values
    return request


async def run(stage: Stage) -> list[Row]:
    network, hub = await stage.network(), await stage.hub(1)
    request = graphql(hub, network.token, QUERY, {"periods": network.periods})
    blocks = answer(request)["data"]["comparison"]["blocks"]
    assert sum(len(row) for block in blocks for row in block["valuesEur"]) == network.values
    options = stage.options
    return [
        latency_row(
            "1",
            f"comparison blocks, {network.values:,} values / plain endpoint",
            request,
            await plain_request(stage),
            TARGET,
            options.runs,
            options.requests,
        )
    ]
