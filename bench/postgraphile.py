"""PostGraphile 4.14, the peer of row 3: installed with npm into a cache folder
($HUB_BENCH_POSTGRAPHILE_DIR, else ~/.cache/network-hub/bench/postgraphile) when Node is
present, and started on the benchmark's database. When it cannot be, `Unavailable` says why and
the row is reported as not measured."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import asyncpg

from bench.processes import Server, free_port, serving
from bench.table import progress

VERSION = "4.14"


class Unavailable(Exception):
    """PostGraphile cannot run here; the message is the reason."""


def folder() -> Path:
    chosen = os.environ.get("HUB_BENCH_POSTGRAPHILE_DIR")
    if chosen:
        return Path(chosen)
    return Path.home() / ".cache" / "network-hub" / "bench" / "postgraphile"


def node() -> str:
    """Node's executable: $HUB_BENCH_NODE, else `node` on PATH."""
    chosen = os.environ.get("HUB_BENCH_NODE") or shutil.which("node")
    if not chosen or not (os.path.isfile(chosen) and os.access(chosen, os.X_OK)):
        raise Unavailable(f"Node.js not found ({chosen or 'node is not on PATH'})")
    return chosen


def _installed(where: Path) -> Path | None:
    package = where / "node_modules" / "postgraphile" / "package.json"
    try:
        described = json.loads(package.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not str(described.get("version", "")).startswith(VERSION + "."):
        return None
    return package.parent / str(described["bin"]["postgraphile"])


def install() -> list[str]:
    """The command that runs PostGraphile's CLI, installing it first if needed."""
    executable = node()
    where = folder()
    cli = _installed(where)
    if cli is None:
        npm = shutil.which("npm", path=f"{Path(executable).parent}{os.pathsep}{os.environ['PATH']}")
        if npm is None:
            raise Unavailable("npm not found to install it")
        where.mkdir(parents=True, exist_ok=True)
        progress(f"installing postgraphile@{VERSION} into {where} (npm)")
        done = subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", f"postgraphile@{VERSION}"],
            cwd=where,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        cli = _installed(where)
        if done.returncode != 0 or cli is None:
            tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["?"]
            raise Unavailable(f"npm install failed: {tail[0]}")
    return [executable, str(cli)]


async def prepare(url: str) -> None:
    """Hide the tables PostGraphile's inflection cannot name (the journal's self-reference
    gives two fields one name) with a smart comment, on the benchmark database only."""
    connection = await asyncpg.connect(url)
    try:
        await connection.execute("comment on table journal is E'@omit'")
    finally:
        await connection.close()


@contextlib.contextmanager
def postgraphile(command: list[str], url: str) -> Iterator[Server]:
    port = free_port()
    argv = [*command, "-c", url, "--port", str(port), "--host", "127.0.0.1"]
    argv += ["--disable-graphiql", "--disable-query-log", "--simple-collections", "only"]
    argv += ["--disable-default-mutations"]
    with serving(f"PostGraphile {VERSION}", argv, port, probe="/graphql") as server:
        yield server
