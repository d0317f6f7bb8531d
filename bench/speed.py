"""The request path's parts with and without each speed-up, side by side in one run, on the
board benchmark's synthetic network (30 entities x 10 years x 20 KPIs = 6,000 approved values):

- documents: the `entities` query executed with and without the parsed-and-validated cache;
- fast lists: `kpiValues` for all 6,000 values (and for 2,400: four years) executed with and
  without the fast path of hub/api/execution.py;
- encoding: that 6,000-row answer encoded by the standard library and by msgspec.

    python -m bench.speed [--entities 30] [--years 10] [--runs 15]

Each pair is timed interleaved (A, B, A, B, ...) in this process, and printed as min / median /
max of each and the ratio of the medians. Serving (httptools, uvloop) and the tail under load are
measured with `hey` against `hub serve` (docs/performance.md).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bench.board import populate, with_kpis
from bench.common import bench_database
from bench.consolidation import codes, synthetic_config, user
from hub.api.answer_json import encode_answer
from hub.assembly.context import make_loaders
from hub.assembly.schema import build_schema
from hub.auth.policy import Principal, Role
from hub.context import HubContext
from hub.limits.config import Limits, load_limits
from hub.services import Hub, open_hub

ENTITIES = "{ entities { code name currency legalForm country } }"
KPI_VALUES = """
query V($periods: [String!]) {
  kpiValues(period: $periods) { entity period kpi amount currency unit provenance note version }
}
"""


async def pair(
    runs: int, a: Callable[[], Awaitable[object]], b: Callable[[], Awaitable[object]]
) -> tuple[list[float], list[float]]:
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for work, found in ((a, times[0]), (b, times[1])):
            start = time.perf_counter()
            await work()
            found.append(time.perf_counter() - start)
    return times


def line(name: str, before: list[float], after: list[float]) -> str:
    def spread(times: list[float]) -> str:
        ms = [t * 1000 for t in times]
        return f"{min(ms):8.2f} {statistics.median(ms):8.2f} {max(ms):8.2f}"

    ratio = statistics.median(after) / statistics.median(before)
    return f"{name:<34} {spread(before)}  | {spread(after)}  | {ratio:5.2f}x"


async def measure(
    hub: Hub, limits: Limits, principal: Principal, runs: int, years: list[str]
) -> None:
    plain = build_schema(limits, cache_documents=False, fast_lists=False)
    cached = build_schema(limits, cache_documents=True, fast_lists=False)
    fast = build_schema(limits, cache_documents=True, fast_lists=True)

    def run(schema: Any, query: str, variables: dict[str, Any] | None = None) -> Any:
        async def once() -> Any:
            context = HubContext(hub=hub, principal=principal, loaders=make_loaders(hub, principal))
            result = await schema.execute(query, variables, context_value=context)
            assert not result.errors, result.errors
            return result

        return once

    print(
        f"{'':<34} {'without (ms): min, median, max':>26}  | "
        f"{'with: min, median, max':>26}  | ratio"
    )
    print(
        line(
            "documents: entities query",
            *await pair(runs, run(plain, ENTITIES), run(cached, ENTITIES)),
        )
    )
    for periods in (years, years[-4:]):
        variables = {"periods": periods}
        result = await run(fast, KPI_VALUES, variables)()
        count = len(result.data["kpiValues"])
        print(
            line(
                f"fast lists: kpiValues {count:,} rows",
                *await pair(
                    runs, run(cached, KPI_VALUES, variables), run(fast, KPI_VALUES, variables)
                ),
            )
        )
    answer = {"data": (await run(fast, KPI_VALUES, {"periods": years})()).data}

    async def stdlib() -> bytes:
        return json.dumps(answer, separators=(",", ":")).encode()

    async def msgspec_() -> bytes:
        return encode_answer(answer)

    print(
        line(
            f"encoding: {len(answer['data']['kpiValues']):,} rows",
            *await pair(runs, stdlib, msgspec_),
        )
    )


async def main(entity_count: int, year_count: int, runs: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="hub-bench-speed-"))
    settings = synthetic_config(folder, codes(entity_count))
    with_kpis(folder)
    years = list(range(2025 - year_count, 2025))
    async with bench_database(folder) as url, open_hub(settings, url, pool_size=2) as hub:
        await populate(hub, years)
        async with hub.db.pool.acquire() as connection:
            await connection.execute("analyze")
        board = await user(hub, "bench-board-speed", Role.BOARD)
        await measure(hub, load_limits(settings.config_dir), board, runs, [str(y) for y in years])


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=30)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--runs", type=int, default=15)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.entities, arguments.years, arguments.runs))
