"""The tail under load: p50, p90, p99 and p99/p50 at 32 concurrent clients, for `hub serve`
with 1, 2 and 4 workers, with the pool's first-come, first-served gate (hub/db/gate.py) and
without it (HUB_POOL_FAIR=0: asyncpg's own queue decides), side by side in one run.

    python -m bench.tail [--entities 30] [--years 10] [--rounds 3] [--workers 1,2,4]

For each worker count both servers run at once on the same database (the board network of
bench/network.py) and are measured in turn, A B, B A, ... (`--rounds` each); the client is hey
(or bench/load_client.py, HUB_BENCH_CLIENT=python) in its own process. Queries: the light
`entities` one and the board's `comparison` (bench/board.py's QUERY). Target: p99 <= 4x p50.
Percentiles are those of each run; the table shows their min/median/max over the rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from collections.abc import Iterator
from dataclasses import dataclass

from bench.board import QUERY
from bench.client import Load, describe, interleaved
from bench.network import BoardNetwork, board_network
from bench.processes import Server, free_port, serving
from bench.rows.http import answer, graphql
from bench.table import Spread, progress

CLIENTS = 32
TARGET = 4.0
ENTITIES = "{ entities { code name currency } }"
SIDES = (("without gate", "0"), ("with gate", "1"))


@dataclass(frozen=True, slots=True)
class Line:
    workers: int
    query: str
    side: str
    p50: Spread
    p90: Spread
    p99: Spread
    ratio: Spread  # p99 / p50 of each run


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _line(workers: int, query: str, side: str, loads: list[Load]) -> Line:
    def spread(share: float) -> Spread:
        return Spread.of([percentile(load.latencies, share) for load in loads], "ms", 1000)

    ratios = [percentile(load.latencies, 0.99) / percentile(load.latencies, 0.5) for load in loads]
    return Line(
        workers, query, side, spread(0.5), spread(0.9), spread(0.99), Spread.of(ratios, "x")
    )


@contextlib.contextmanager
def _hub(network: BoardNetwork, workers: int, side: str, fair: str) -> Iterator[Server]:
    port = free_port()
    argv = [sys.executable, "-m", "hub", "serve", "--port", str(port), "--workers", str(workers)]
    env = {
        "HUB_DATABASE_URL": network.url,
        "HUB_CONFIG_DIR": str(network.config_dir),
        "HUB_DATA_DIR": str(network.data_dir),
        "HUB_POOL_FAIR": fair,
    }
    name = f"hub serve --workers {workers} ({side})"
    with serving(name, argv, port, env=env, probe="/health") as server:
        yield server


def measure(network: BoardNetwork, workers: int, options: argparse.Namespace) -> list[Line]:
    lines: list[Line] = []
    with contextlib.ExitStack() as stack:
        servers = [stack.enter_context(_hub(network, workers, s, f)) for s, f in SIDES]
        for query, text, variables, count in (
            ("entities", ENTITIES, {}, options.entities_requests),
            ("comparison", QUERY, {"periods": network.periods}, options.comparison_requests),
        ):
            count = -(-count // CLIENTS) * CLIENTS  # hey sends n // c per client
            requests = [graphql(s, network.token, text, variables) for s in servers]
            for request in requests:
                answer(request)  # each answers (and has parsed the query) before it is timed
            loads = interleaved(
                requests, options.rounds, count, CLIENTS, what=f"{workers}w {query}"
            )
            for (side, _), runs in zip(SIDES, loads, strict=True):
                lines.append(_line(workers, query, side, runs))
    return lines


def render(lines: list[Line]) -> str:
    head = ("workers", "query", "", "p50", "p90", "p99", "p99/p50", f"<= {TARGET:g}x")
    rows = [head]
    for line in lines:
        met = "yes" if line.ratio.median <= TARGET else "NO"
        rows.append(
            (
                str(line.workers),
                line.query,
                line.side,
                line.p50.text(),
                line.p90.text(),
                line.p99.text(),
                line.ratio.text(),
                met,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


async def main(options: argparse.Namespace) -> None:
    progress(describe())
    async with board_network(options.entities, options.years) as network:
        lines: list[Line] = []
        for workers in options.workers:
            lines += measure(network, workers, options)
    print(
        f"{CLIENTS} concurrent clients, {options.entities} entities x {options.years} years; "
        f"min/median/max over {options.rounds} interleaved rounds "
        f"({options.entities_requests} requests per round for entities, "
        f"{options.comparison_requests} for comparison)"
    )
    print(render(lines))
    worst = max(
        (line.ratio.median for line in lines if line.side == "with gate"), default=float("nan")
    )
    print(f"with the gate, the worst median p99/p50: {worst:.2f}x (target <= {TARGET:g}x)")


def _workers(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=30)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=_workers, default=[1, 2, 4])
    parser.add_argument("--entities-requests", type=int, default=2016)
    parser.add_argument("--comparison-requests", type=int, default=320)
    return parser.parse_args(argv)


if __name__ == "__main__":
    asyncio.run(main(parse()))
