"""The HTTP client of `python -m bench`, always in another process than the servers: `hey`
(Debian's package, /usr/bin/hey) by default, or bench/load_client.py (a separate Python
process) with HUB_BENCH_CLIENT=python or when hey is missing. Both report every request's
latency and when it started; a request answered with a status other than 200 fails the run."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.table import progress

REPO = Path(__file__).resolve().parent.parent


class ClientFailed(Exception):
    """The client could not run, or a request was answered with an error."""


@dataclass(frozen=True, slots=True)
class Request:
    url: str
    method: str = "GET"
    body: bytes | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Load:
    """One run of the client: each request's latency (s) and the run's throughput (req/s)."""

    latencies: list[float]
    per_second: float


def kind() -> str:
    """'hey' or 'python' (HUB_BENCH_CLIENT; hey when it is on PATH)."""
    chosen = os.environ.get("HUB_BENCH_CLIENT", "").strip().lower()
    if chosen in ("hey", "python"):
        return chosen
    return "hey" if shutil.which("hey") else "python"


def describe() -> str:
    chosen = kind()
    if chosen == "hey" and not shutil.which("hey"):
        return "hey: not available (not on PATH)"
    if chosen == "hey":
        return f"client: hey ({shutil.which('hey')}), in its own process"
    return "client: bench/load_client.py, a separate Python process (HUB_BENCH_CLIENT=python)"


def _parse(text: str) -> Load:
    """hey's `-o csv`: response-time,DNS+dialup,DNS,Request-write,Response-delay,
    Response-read,status-code,offset (seconds); load_client.py writes the same columns."""
    rows = list(csv.DictReader(io.StringIO(text)))
    if not rows:
        raise ClientFailed(f"the client printed no requests: {text[:300]!r}")
    bad = [row["status-code"] for row in rows if row["status-code"] != "200"]
    if bad:
        raise ClientFailed(f"{len(bad)} of {len(rows)} requests failed (status {bad[0]})")
    latencies = [float(row["response-time"]) for row in rows]
    started = [float(row["offset"]) for row in rows]
    span = max(s + t for s, t in zip(started, latencies, strict=True)) - min(started)
    return Load(latencies, len(rows) / span if span > 0 else 0.0)


def run(request: Request, requests: int, concurrency: int = 1) -> Load:
    """`requests` requests, `concurrency` at a time, from a process of their own."""
    with tempfile.NamedTemporaryFile(prefix="hub-bench-body-") as body:
        body.write(request.body or b"")
        body.flush()
        if kind() == "hey":
            argv = ["hey", "-n", str(requests), "-c", str(concurrency), "-m", request.method]
            argv += ["-o", "csv", "-t", "300"]
            for name, value in request.headers.items():
                argv += ["-H", f"{name}: {value}"]
            if request.body is not None:
                argv += ["-D", body.name, "-T", "application/json"]
        else:
            argv = [sys.executable, "-m", "bench.load_client", "-n", str(requests)]
            argv += ["-c", str(concurrency), "-m", request.method]
            for name, value in request.headers.items():
                argv += ["-H", f"{name}: {value}"]
            if request.body is not None:
                argv += ["-D", body.name]
        argv.append(request.url)
        done = subprocess.run(argv, capture_output=True, text=True, cwd=REPO, check=False)
    if done.returncode != 0:
        raise ClientFailed(f"{argv[0]} failed ({done.returncode}): {done.stderr[-500:]}")
    load = _parse(done.stdout)
    if len(load.latencies) != requests:
        raise ClientFailed(f"{len(load.latencies)} of {requests} requests answered")
    return load


def interleaved(
    sides: Sequence[Request], rounds: int, requests: int, concurrency: int = 1, what: str = ""
) -> list[list[Load]]:
    """`rounds` rounds, each running every side once in turn (A, B, A, B ...; the order
    alternates between rounds), so that every side sees the same moments of the machine."""
    loads: list[list[Load]] = [[] for _ in sides]
    for number in range(rounds):
        order = list(range(len(sides)))
        if number % 2:
            order.reverse()
        for index in order:
            loads[index].append(run(sides[index], requests, concurrency))
        progress(f"{what} round {number + 1}/{rounds}")
    return loads
