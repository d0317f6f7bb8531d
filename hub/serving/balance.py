"""What each worker of `hub serve --workers N` is carrying, so that a crowded one hands
connections on (hub/serving/recycle.py).

The workers accept connections from one socket, and whichever is idle when connections arrive
takes all that are waiting: 32 connections opened at once all went to one of four workers, which
served them alone for 1.5 s while three idled (counted with `ss`; docs/performance.md,
"Workers"). Recycling every 10th request spreads them in the end, but unevenly ([5, 8, 9, 10])
and only after a while. With the loads known, a worker carrying more than its share answers
`Connection: close` at once, and the client's next connection goes to a worker that is waiting
for one.

The loads live in a small file the parent creates and every worker maps (MAP_SHARED): one
32-bit count of requests in flight per worker, each written by its worker only. A worker claims
its slot with an exclusive `flock` on the slot's own file, held for its life: the replacement
of a worker that died takes its slot (and resets its count), and a process beyond the slots (a
restart's new worker, briefly) measures nothing and hands nothing on.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import mmap
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger(__name__)

ENV = "HUB_WORKER_LOADS"
COUNTS = "loads"
SLOT = 4  # bytes: one native int per worker
# A worker hands a connection on when it carries more than this many requests beyond its share
# (the loads' mean, rounded up): one request of slack keeps a balanced set of workers from
# closing connections back and forth.
SLACK = 1


@contextlib.contextmanager
def shared_loads(workers: int) -> Iterator[Path]:
    """The folder of the loads of `workers` workers, removed on exit."""
    folder = Path(tempfile.mkdtemp(prefix="hub-worker-loads-"))
    try:
        (folder / COUNTS).write_bytes(bytes(SLOT * workers))
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class Loads:
    """This worker's view of every worker's requests in flight."""

    def __init__(self, folder: Path) -> None:
        self._file = (folder / COUNTS).open("r+b")
        self._map = mmap.mmap(self._file.fileno(), 0)
        self._counts = memoryview(self._map).cast("i")
        self._claim: int | None = None
        self.slot: int | None = None
        for slot in range(len(self._counts)):
            claim = os.open(folder / f"slot-{slot}", os.O_CREAT | os.O_RDWR, 0o600)
            try:
                fcntl.flock(claim, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(claim)
                continue
            self._claim, self.slot = claim, slot
            self._counts[slot] = 0  # a dead worker's count is not ours
            break

    def started(self) -> None:
        if self.slot is not None:
            self._counts[self.slot] += 1

    def finished(self) -> None:
        if self.slot is not None:
            self._counts[self.slot] -= 1

    def crowded(self) -> bool:
        """Whether this worker carries more than its share of the requests in flight."""
        if self.slot is None:
            return False
        counts = self._counts.tolist()
        share = -(-sum(max(0, c) for c in counts) // len(counts))
        return bool(counts[self.slot] > share + SLACK)

    def close(self) -> None:
        self._counts.release()
        self._map.close()
        self._file.close()
        if self._claim is not None:
            os.close(self._claim)  # releases the slot
            self._claim = self.slot = None


def from_env() -> Loads | None:
    """The loads of the workers this process is one of: None outside `hub serve --workers`, and
    when they cannot be read (the worker then serves, recycling its connections by count only,
    and says so)."""
    folder = os.environ.get(ENV)
    if not folder:
        return None
    try:
        return Loads(Path(folder))
    except (OSError, ValueError) as error:
        log.warning(
            "the workers' loads at %s cannot be read (%s): connections are handed on by count only",
            folder,
            error,
        )
        return None
