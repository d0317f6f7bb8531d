"""How long a node waits before it tries an undelivered envelope again: exponential backoff with
jitter. Pure.

After the n-th failed attempt the nominal wait is 1 s doubled n-1 times, at most 5 minutes; the
wait is drawn between half of it and all of it, so nodes that lost the hub at the same moment do
not all come back at the same second.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

FIRST = 1.0  # seconds after the first failure
CAP = 300.0  # 5 minutes


def nominal_delay(attempts: int) -> float:
    """Seconds before the next attempt after `attempts` failed ones (>= 1), without jitter."""
    if attempts < 1:
        return 0.0
    # 2**9 s is beyond the cap already: no need for huge powers.
    return min(CAP, FIRST * float(2 ** min(attempts - 1, 16)))


def delay(attempts: int, draw: Callable[[], float] = random.random) -> float:
    """`draw` gives a number in [0, 1): half the nominal delay plus up to another half."""
    nominal = nominal_delay(attempts)
    return nominal / 2 + nominal / 2 * draw()


def next_attempt(
    failed_at: dt.datetime, attempts: int, draw: Callable[[], float] = random.random
) -> dt.datetime:
    return failed_at + dt.timedelta(seconds=delay(attempts, draw))
