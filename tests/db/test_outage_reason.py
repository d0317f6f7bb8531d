"""Which errors mean the database went away (503, "the connection to the database was lost"),
including the ones uvloop and asyncpg raise when the server dies in the middle of a COPY."""

from __future__ import annotations

import itertools

import asyncpg
import pytest

from hub.db.outage import LOST, outage_reason


def chained(*errors: BaseException) -> BaseException:
    """The last error raised "during handling of" the ones before it, as Python chains them."""
    for earlier, later in itertools.pairwise(errors):
        later.__context__ = earlier
    return errors[-1]


def test_a_copy_cut_off_under_uvloop_is_a_lost_connection() -> None:
    # what the hub's log showed when the postmaster was killed mid-upload, under uvloop
    error = chained(
        RuntimeError(
            "unable to perform operation on <UnixTransport closed=True reading=False "
            "0x7f54b1575f20>; the handler is closed"
        ),
        asyncpg.InterfaceError(
            "cannot call Transaction.__aexit__(): the underlying connection is closed"
        ),
    )
    assert outage_reason(error) == LOST


@pytest.mark.parametrize(
    "error",
    [
        RuntimeError("unable to perform operation on <TCPTransport closed=True>"),
        asyncpg.InterfaceError("connection is closed"),
    ],
)
def test_each_alone_is_a_lost_connection(error: BaseException) -> None:
    assert outage_reason(error) == LOST


@pytest.mark.parametrize(
    "error",
    [
        RuntimeError("dictionary changed size during iteration"),
        asyncpg.InterfaceError("cannot perform operation: another operation is in progress"),
        ValueError("closed=True"),
    ],
)
def test_other_errors_are_not_an_outage(error: BaseException) -> None:
    assert outage_reason(error) is None
