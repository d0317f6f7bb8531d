"""Row 3: the hub's `kpiValues` (every approved value of some periods: entity period kpi amount
currency), served by `hub serve` with a board user's token, against PostGraphile 4.14 on the same
database fetching the same rows with its auto-generated nested query (each period's KPI
submissions with their values); for the values of the last few periods (30 x 4 x 20 = 2,400
by default) and of all of them (6,000)."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from bench import postgraphile
from bench.client import Request
from bench.network import BoardNetwork
from bench.processes import Server, ServerFailed
from bench.rows.http import answer, graphql, latency_row
from bench.stage import Stage
from bench.table import Row, Target, unmeasured

TARGET = Target("<=", 1.0)

QUERY = """
query K($periods: [String!]!) { kpiValues(period: $periods) { entity period kpi amount currency } }
"""


def peer_query(periods: list[str]) -> str:
    """PostGraphile's equivalent: one aliased collection per period (its conditions are
    equalities), each KPI submission with its values."""
    parts = [
        f'p{period}: allSubmissionsList(condition: {{dataset: "kpi", period: "{period}"}}) '
        "{ entityCode period version kpiValuesBySubmissionIdList { kpiCode amount currency } }"
        for period in periods
    ]
    return "{ " + " ".join(parts) + " }"


def peer_rows(body: Any) -> int:
    return sum(
        len(submission["kpiValuesBySubmissionIdList"])
        for submissions in body["data"].values()
        for submission in submissions
    )


def _what(count: int) -> str:
    return f"kpiValues, {count:,} rows / PostGraphile 4.14"


async def run(stage: Stage) -> list[Row]:
    network = await stage.network()
    shares = sorted({min(4, len(network.periods) - 1), len(network.periods)})
    sizes = [network.entities * n * network.kpis for n in shares]
    try:
        command = postgraphile.install()
        await postgraphile.prepare(network.url)
        peer = stage.enter(postgraphile.postgraphile(command, network.url))
    except (postgraphile.Unavailable, ServerFailed, subprocess.SubprocessError, OSError) as error:
        reason = (str(error).splitlines() or [type(error).__name__])[0]
        print(f"PostGraphile: not available ({reason})", file=sys.stderr, flush=True)
        return [unmeasured("3", _what(size), TARGET, f"PostGraphile: {reason}") for size in sizes]
    hub = await stage.hub(1)
    return [
        _row(stage, network, hub, peer, network.periods[-count:], size)
        for count, size in zip(shares, sizes, strict=True)
    ]


def _row(
    stage: Stage, network: BoardNetwork, hub: Server, peer: Server, periods: list[str], size: int
) -> Row:
    ours = graphql(hub, network.token, QUERY, {"periods": periods})
    assert len(answer(ours)["data"]["kpiValues"]) == size
    theirs = graphql(peer, "", peer_query(periods), {})
    theirs = Request(theirs.url, theirs.method, theirs.body, {})
    assert peer_rows(answer(theirs)) == size
    options = stage.options
    return latency_row("3", _what(size), ours, theirs, TARGET, options.runs, options.requests)
