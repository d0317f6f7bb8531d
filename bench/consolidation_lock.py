"""Signing off the benchmark network of bench/consolidation.py (30 entities x 5,000 approved
trial-balance lines): the open period recomputed, the lock (run stored with what it used and
the national accounts behind it), then the locked period served from its stored run.

    python -m bench.consolidation_lock [--entities 30] [--accounts 5000] [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from bench.common import bench_database, best_of
from bench.consolidation import PERIOD, codes, populate, synthetic_config, user
from hub.auth.policy import Role
from hub.consolidation import locking
from hub.consolidation import service as consolidation
from hub.services import open_hub


async def main(entity_count: int, accounts: int, runs: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="hub-bench-lock-"))
    settings = synthetic_config(folder, codes(entity_count))
    async with bench_database(folder) as url, open_hub(settings, url, pool_size=4) as hub:
        await populate(hub, accounts)
        finance = await user(hub, "bench-finance", Role.FINANCE)

        async def view() -> None:
            await consolidation.view(hub, finance, PERIOD)

        async def drill() -> None:
            await consolidation.drill_down(hub, finance, PERIOD, "BS.A")

        open_view = await best_of(runs, view)
        open_drill = await best_of(runs, drill)
        started = time.perf_counter()
        signed = await locking.lock(hub, finance, PERIOD, None, "benchmark")
        locking_time = time.perf_counter() - started
        locked_view = await best_of(runs, view)
        locked_drill = await best_of(runs, drill)
        async with hub.db.pool.acquire() as connection:
            kept = await connection.fetchval(
                "select count(*) from consolidation_run_account where run_id = $1", signed.run_id
            )
            used = await connection.fetchval(
                "select count(*) from consolidation_dependency where run_id = $1", signed.run_id
            )
        print(f"{entity_count} entities x {accounts:,} trial-balance lines, period {PERIOD}")
        print(
            f"open period, recomputed:        view {open_view * 1000:8.1f} ms, drill-down "
            f"of BS.A {open_drill * 1000:8.1f} ms"
        )
        print(
            f"lock (run {signed.run_id}: {used} dependencies, {kept:,} accounts kept): "
            f"{locking_time * 1000:8.1f} ms"
        )
        print(
            f"locked period, stored run:      view {locked_view * 1000:8.1f} ms, drill-down "
            f"of BS.A {locked_drill * 1000:8.1f} ms"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=30)
    parser.add_argument("--accounts", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.entities, arguments.accounts, arguments.runs))
