"""Row 2: the board's `comparison` in its `series` shape, the selection docs/board.md documents
(one object per entity and KPI), over every period, against the same plain endpoint."""

from __future__ import annotations

from bench.rows.blocks import plain_request
from bench.rows.http import answer, graphql, latency_row
from bench.stage import Stage
from bench.table import Row, Target

TARGET = Target("<=", 3.0)

QUERY = """
query S($periods: [String!]!) { comparison(periods: $periods) {
  periods series { entity kpi currency values valuesEur rates rateTypes changes changePercents
                   ranks provenances } } }
"""


async def run(stage: Stage) -> list[Row]:
    network, hub = await stage.network(), await stage.hub(1)
    request = graphql(hub, network.token, QUERY, {"periods": network.periods})
    series = answer(request)["data"]["comparison"]["series"]
    assert sum(len(one["valuesEur"]) for one in series) == network.values
    options = stage.options
    return [
        latency_row(
            "2",
            f"comparison series, {network.values:,} values / plain endpoint",
            request,
            await plain_request(stage),
            TARGET,
            options.runs,
            options.requests,
        )
    ]
