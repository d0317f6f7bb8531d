"""The table `python -m bench` prints: one row per comparison, each side's min/median/max, the
ratio of the medians, the target and whether it is met. A row whose peer could not be measured
says so and is never counted as met."""

from __future__ import annotations

import statistics
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, TextIO


@dataclass(frozen=True, slots=True)
class Spread:
    """Minimum, median and maximum of repeated measurements, in `unit`."""

    low: float
    median: float
    high: float
    unit: str

    @classmethod
    def of(cls, values: Sequence[float], unit: str, scale: float = 1.0) -> Spread:
        if not values:
            raise ValueError("no measurements")
        return cls(
            min(values) * scale, statistics.median(values) * scale, max(values) * scale, unit
        )

    def text(self) -> str:
        digits = 0 if self.median >= 100 else (1 if self.median >= 10 else 2)
        return f"{self.low:.{digits}f}/{self.median:.{digits}f}/{self.high:.{digits}f} {self.unit}"


@dataclass(frozen=True, slots=True)
class Target:
    """`ratio <= limit` (the hub no slower than `limit` times its peer) or `ratio >= limit`."""

    op: Literal["<=", ">="]
    limit: float

    def met(self, ratio: float) -> bool:
        return ratio <= self.limit if self.op == "<=" else ratio >= self.limit

    def text(self) -> str:
        return f"{self.op} {self.limit:g}x"


@dataclass(frozen=True, slots=True)
class Row:
    """One comparison. `hub` and `peer` are None when that side was not measured (`note` then
    says why); `target` None for a row printed for information."""

    key: str
    what: str
    hub: Spread | None
    peer: Spread | None
    target: Target | None
    note: str = ""

    @property
    def measured(self) -> bool:
        return self.hub is not None and self.peer is not None and self.peer.median > 0

    @property
    def ratio(self) -> float | None:
        if self.hub is None or self.peer is None or self.peer.median <= 0:
            return None
        return self.hub.median / self.peer.median

    @property
    def met(self) -> bool | None:
        """True/False against the target; None for an information row. Not measured: False."""
        if self.target is None:
            return None
        ratio = self.ratio
        return False if ratio is None else self.target.met(ratio)


def unmeasured(key: str, what: str, target: Target | None, reason: str) -> Row:
    return Row(key, what, None, None, target, f"not measured: {reason}")


HEADERS = ("row", "what", "hub (min/median/max)", "peer (min/median/max)", "ratio", "target", "met")


def render(rows: Sequence[Row]) -> str:
    """The table as text: fixed-width columns, one line per row, notes below it."""
    lines = []
    for row in rows:
        ratio = row.ratio
        met = {True: "yes", False: "NO", None: "-"}[row.met]
        if not row.measured and row.target is not None:
            met = "NO (not measured)"
        lines.append(
            (
                row.key,
                row.what,
                row.hub.text() if row.hub else "not measured",
                row.peer.text() if row.peer else "not measured",
                f"{ratio:.2f}x" if ratio is not None else "-",
                row.target.text() if row.target else "-",
                met,
            )
        )
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(HEADERS)]
    out = [
        "  ".join(h.ljust(w) for h, w in zip(HEADERS, widths, strict=True)),
        "  ".join("-" * w for w in widths),
    ]
    for row, line in zip(rows, lines, strict=True):
        out.append("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())
        if row.note:
            out.append(f"{'':{widths[0]}}  ({row.note})")
    judged = [row.met for row in rows if row.target is not None]
    out.append(f"\n{sum(1 for m in judged if m)} of {len(judged)} targets met")
    return "\n".join(out)


def progress(message: str, stream: TextIO = sys.stderr) -> None:
    """A progress line on stderr (the table alone goes to stdout)."""
    print(f"[bench] {message}", file=stream, flush=True)
