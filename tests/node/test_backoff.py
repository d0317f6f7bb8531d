"""The backoff between delivery attempts, pure: 1 s doubling to a 5-minute cap, with jitter
between half the nominal wait and all of it."""

from __future__ import annotations

import datetime as dt

from hub.node import backoff


def test_the_nominal_wait_doubles_from_one_second_up_to_five_minutes() -> None:
    assert [backoff.nominal_delay(n) for n in range(1, 12)] == [
        1.0,
        2.0,
        4.0,
        8.0,
        16.0,
        32.0,
        64.0,
        128.0,
        256.0,
        300.0,
        300.0,
    ]
    assert backoff.nominal_delay(10_000) == 300.0
    assert backoff.nominal_delay(0) == 0.0


def test_jitter_draws_between_half_the_wait_and_all_of_it() -> None:
    assert backoff.delay(3, lambda: 0.0) == 2.0
    assert backoff.delay(3, lambda: 0.5) == 3.0
    assert backoff.delay(3, lambda: 0.999) < 4.0
    assert backoff.delay(40, lambda: 0.0) == 150.0
    assert backoff.delay(40, lambda: 0.999) < 300.0
    # The real draw stays within the bounds too.
    for attempts in (1, 5, 12):
        nominal = backoff.nominal_delay(attempts)
        assert all(nominal / 2 <= backoff.delay(attempts) < nominal for _ in range(200))


def test_the_next_attempt_is_the_failure_time_plus_the_delay() -> None:
    failed = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)
    assert backoff.next_attempt(failed, 4, lambda: 0.25) == failed + dt.timedelta(seconds=5)
