"""What a national-format reader is given and gives back. A reader is a pure function over the
files' lines: (sources, first day, last day, progress, options) -> (the trial balance, or None
and every problem, located); `hub.imports.readers` lists them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from hub.imports.model import ImportProblem, Ledger

CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class Source:
    """One file of an import: uploaded (its bytes) or on disk (read as a stream)."""

    name: str
    data: bytes | None = None
    path: Path | None = None

    def chunks(self) -> Iterator[bytes]:
        if self.data is not None:
            yield self.data
            return
        assert self.path is not None
        with self.path.open("rb") as stream:
            while chunk := stream.read(CHUNK):
                yield chunk

    def lines(self) -> Iterator[bytes]:
        """The file's lines, with their line ends, streamed."""
        if self.data is not None:
            yield from self.data.splitlines(keepends=True)
            return
        assert self.path is not None
        with self.path.open("rb") as stream:
            yield from stream


Progress = Callable[[int], None]
Reader = Callable[
    [Sequence[Source], dt.date, dt.date, Progress | None, Mapping[str, object]],
    tuple[Ledger | None, list[ImportProblem]],
]
