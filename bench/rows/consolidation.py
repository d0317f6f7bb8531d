"""Row 4: the consolidation of a period with its prior period present, on ANALYZEd tables,
against one plain SQL aggregate over the same approved trial-balance rows (both periods),
interleaved in this process. The network and both works come from bench/consolidation.py's
`measure` (built, loaded for both periods, ANALYZEd and dropped there); a tree without it
reports the row as not measured."""

from __future__ import annotations

import statistics
from collections.abc import Awaitable, Callable

from bench import consolidation as network
from bench.stage import Stage
from bench.table import Row, Spread, Target, progress, unmeasured

TARGET = Target("<=", 2.5)

Measure = Callable[..., Awaitable[tuple[list[float], list[float]]]]


async def run(stage: Stage) -> list[Row]:
    options = stage.options
    entities = 6 if options.quick else 30
    measure: Measure | None = getattr(network, "measure", None)
    if measure is None:
        reason = "bench/consolidation.py has no measure() (the prior period and ANALYZE)"
        return [unmeasured("4", "consolidation with its prior period", TARGET, reason)]
    progress(
        f"row 4: loading {entities} entities x {options.accounts:,} trial-balance lines "
        "through the hub's services"
    )
    hub_times, plain_times = await measure(
        entities=entities, accounts=options.accounts, runs=options.runs
    )
    progress(f"row 4: consolidation median {statistics.median(hub_times) * 1000:.0f} ms")
    return [
        Row(
            "4",
            f"consolidation, {entities} entities x {options.accounts:,} lines / SQL aggregate",
            Spread.of(hub_times, "ms", 1000),
            Spread.of(plain_times, "ms", 1000),
            TARGET,
        )
    ]
