"""The baseline of the board rows: a plain Litestar app whose one endpoint fetches the approved
KPI figures of some periods with one SQL statement (bench/board.py's PLAIN_SQL: the rows of
kpi_block the hub's comparison reads) and encodes a record per figure with msgspec, served by
uvicorn with the options `hub serve` uses (hub/serving/options.py).

    HUB_BENCH_DATABASE_URL=postgresql://... python -m bench.plain_server --port 8001
"""

from __future__ import annotations

import argparse
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import uvicorn
from litestar import Litestar, Request, get

from bench.board import PLAIN_SQL, plain_answer
from hub.serving.options import server_options


@get("/bench/values", media_type="application/json")
async def values(request: Request[Any, Any, Any], periods: list[str]) -> bytes:
    pool: asyncpg.Pool[asyncpg.Record] = request.app.state.pool
    async with pool.acquire() as connection:
        rows = await connection.fetch(PLAIN_SQL, periods)
    return plain_answer(rows)


@get("/health", media_type="text/plain")
async def health() -> str:
    return "ok"


def plain_app(url: str) -> Litestar:
    @asynccontextmanager
    async def pool(app: Litestar) -> AsyncIterator[None]:
        async with asyncpg.create_pool(url, min_size=1, max_size=10) as created:
            app.state.pool = created
            yield

    return Litestar([values, health], lifespan=[pool])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    arguments = parser.parse_args()
    app = plain_app(os.environ["HUB_BENCH_DATABASE_URL"])
    uvicorn.run(app, host="127.0.0.1", port=arguments.port, **server_options())


if __name__ == "__main__":
    main()
