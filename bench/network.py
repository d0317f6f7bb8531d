"""The synthetic network the board rows share (1, 2, 3 and 6): N entities x Y years x 20 KPIs,
approved, loaded once through the hub's services (bench/board.py's populate) into a benchmark
database, ANALYZEd, with a board user's bearer token for the HTTP clients."""

from __future__ import annotations

import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.board import populate, with_kpis
from bench.common import bench_database
from bench.consolidation import codes, synthetic_config
from bench.table import progress
from hub.auth.policy import Role
from hub.auth.users import upsert_user
from hub.services import open_hub


@dataclass(frozen=True, slots=True)
class BoardNetwork:
    url: str  # the benchmark database
    config_dir: Path
    data_dir: Path
    periods: list[str]  # oldest first
    entities: int
    kpis: int
    token: str  # a board user's bearer token

    @property
    def values(self) -> int:
        return self.entities * len(self.periods) * self.kpis


@asynccontextmanager
async def board_network(entities: int, years: int) -> AsyncIterator[BoardNetwork]:
    folder = Path(tempfile.mkdtemp(prefix="hub-bench-network-"))
    settings = synthetic_config(folder, codes(entities))
    with_kpis(folder)
    numbers = list(range(2025 - years, 2025))
    async with bench_database(folder) as url:
        async with open_hub(settings, url, pool_size=2) as hub:
            kpis = len(hub.registry.kpis)
            progress(
                f"loading {entities} entities x {years} years x {kpis} KPIs "
                f"= {entities * years * kpis:,} approved values through the hub's services"
            )
            started = time.perf_counter()
            await populate(hub, numbers)
            async with hub.db.transaction() as connection:
                token = await upsert_user(connection, "bench-board-http", Role.BOARD)
            async with hub.db.pool.acquire() as connection:
                await connection.execute("analyze")
            progress(f"loaded and analysed in {time.perf_counter() - started:.1f} s")
        data = folder / "data"
        data.mkdir()
        yield BoardNetwork(url, folder, data, [str(y) for y in numbers], entities, kpis, token)
