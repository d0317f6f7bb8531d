"""What the rows of `python -m bench` share, built on first use and torn down at the end: the
options, the board network, and the servers (`hub serve` per worker count, the plain
endpoint), each started once in its own process."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import TypeVar

from bench.network import BoardNetwork, board_network
from bench.processes import Server, hub_serve, plain_serve

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Options:
    quick: bool
    runs: int  # interleaved rounds per row
    entities: int
    years: int
    requests: int  # requests per round and side, one client at a time
    upload_rows: int
    accounts: int  # consolidation: trial-balance lines per entity
    load_requests: int  # throughput rows: requests per round at 8 clients
    tail_requests: int  # p50/p99 rows: requests per round at 32 clients

    @classmethod
    def make(cls, quick: bool, runs: int | None) -> Options:
        if quick:
            return cls(True, runs or 3, 6, 5, 10, 3_000, 1_000, 24, 32)
        return cls(False, runs or 7, 30, 10, 30, 100_000, 5_000, 1_200, 960)


class Stage:
    def __init__(self, options: Options, stack: contextlib.AsyncExitStack) -> None:
        self.options = options
        self._stack = stack
        self._network: BoardNetwork | None = None
        self._hubs: dict[int, Server] = {}
        self._plain: Server | None = None

    async def network(self) -> BoardNetwork:
        if self._network is None:
            self._network = await self._stack.enter_async_context(
                board_network(self.options.entities, self.options.years)
            )
        return self._network

    async def hub(self, workers: int = 1) -> Server:
        if workers not in self._hubs:
            network = await self.network()
            self._hubs[workers] = self._stack.enter_context(
                hub_serve(network.url, network.config_dir, network.data_dir, workers)
            )
        return self._hubs[workers]

    async def plain(self) -> Server:
        if self._plain is None:
            network = await self.network()
            self._plain = self._stack.enter_context(plain_serve(network.url))
        return self._plain

    def enter(self, context: contextlib.AbstractContextManager[T]) -> T:
        """A server of one row, stopped with the others at the end."""
        return self._stack.enter_context(context)
