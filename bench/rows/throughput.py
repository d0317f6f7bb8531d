"""Row 6: `hub serve` under load with 1, 2 and 4 worker processes, all three serving the same
database at once and measured in turn (1, 2, 4, then 4, 2, 1 ...): `comparison` (blocks)
requests per second at 8 concurrent clients (target: 2 workers >= 1.7x one worker; 4 workers
printed for information), and p99 against p50 at 32 concurrent clients for the light
`entities` query and for `comparison` (target: p99 <= 4x p50)."""

from __future__ import annotations

import statistics

from bench.board import QUERY
from bench.client import Load, interleaved
from bench.rows.http import answer, graphql
from bench.stage import Stage
from bench.table import Row, Spread, Target

WORKERS = (1, 2, 4)
SCALING = Target(">=", 1.7)
TAIL = Target("<=", 4.0)
LOAD_CLIENTS, TAIL_CLIENTS = 8, 32

ENTITIES = "{ entities { code name currency } }"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _rates(loads: list[Load]) -> Spread:
    return Spread.of([load.per_second for load in loads], "req/s")


async def run(stage: Stage) -> list[Row]:
    network, options = await stage.network(), stage.options
    servers = [await stage.hub(workers) for workers in WORKERS]
    comparison = [graphql(s, network.token, QUERY, {"periods": network.periods}) for s in servers]
    light = [graphql(s, network.token, ENTITIES, {}) for s in servers]
    for request in (*comparison, *light):
        answer(request)  # each server answers (and warms up) before it is timed
    rounds = max(2, options.runs // 2)
    rates = interleaved(
        comparison, rounds, options.load_requests, LOAD_CLIENTS, what="row 6 throughput"
    )
    rows = [
        Row(
            "6",
            f"comparison req/s at {LOAD_CLIENTS} clients, 2 workers / 1 worker",
            _rates(rates[1]),
            _rates(rates[0]),
            SCALING,
        ),
        Row(
            "6",
            f"comparison req/s at {LOAD_CLIENTS} clients, 4 workers / 1 worker",
            _rates(rates[2]),
            _rates(rates[0]),
            None,
        ),
    ]
    for name, requests, count in (
        ("entities", light, options.tail_requests * 4),
        ("comparison", comparison, options.tail_requests),
    ):
        loads = interleaved(requests, rounds, count, TAIL_CLIENTS, what=f"row 6 p99 {name}")
        for workers, runs in zip(WORKERS, loads, strict=True):
            rows.append(_tail(name, workers, runs))
    return rows


def _tail(name: str, workers: int, loads: list[Load]) -> Row:
    p99 = [percentile(load.latencies, 0.99) for load in loads]
    p50 = [statistics.median(load.latencies) for load in loads]
    plural = "s" if workers > 1 else ""
    return Row(
        "6",
        f"{name} at {TAIL_CLIENTS} clients, {workers} worker{plural}: p99 / p50",
        Spread.of(p99, "ms", 1000),
        Spread.of(p50, "ms", 1000),
        TAIL,
    )
