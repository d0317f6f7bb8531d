"""How the hub is served, in one place: every uvicorn server the hub starts (`hub serve`, its
workers, `hub demo`, `hub node serve`) and the benchmark's plain endpoint take their options and
their event loop from here, so that what is measured is what runs.

httptools parses HTTP in C (uvicorn's default h11 is pure Python) and uvloop runs the event loop
on libuv; both cut the time each request spends outside the hub's own code
(docs/performance.md). Where uvloop is missing (Windows) asyncio's own loop serves.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from importlib.util import find_spec
from typing import Any

import uvicorn

HTTP = "httptools"
LOOP = "uvloop" if find_spec("uvloop") is not None else "asyncio"


def server_options(**overrides: Any) -> dict[str, Any]:
    """The keyword arguments of `uvicorn.Config` the hub serves with; `overrides` win."""
    return {"http": HTTP, "loop": LOOP, "log_level": "warning", **overrides}


def server_config(app: Any, **overrides: Any) -> uvicorn.Config:
    """A uvicorn configuration serving `app` (an ASGI app or an import string) the hub's way."""
    return uvicorn.Config(app, **server_options(**overrides))


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """The event loop for a process that runs `uvicorn.Server.serve()` inside its own
    `asyncio` run (uvicorn picks the loop only when it runs the loop itself)."""
    if LOOP != "uvloop":
        return None
    import uvloop

    return uvloop.new_event_loop
