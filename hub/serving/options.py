"""The options `hub serve` gives uvicorn, one process or N workers, in one place: the benchmark
serves its plain baseline with the same ones (bench/plain_server.py), so that a change of HTTP
parser or event loop here counts for both sides of its ratios."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

UVICORN_OPTIONS: Final[Mapping[str, Any]] = {"log_level": "warning"}
