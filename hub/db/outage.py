"""Which failures mean "the database is unavailable" (an answer of 503, not a bug), and the short
reason a client is told. The operator's log keeps the full error."""

from __future__ import annotations

import asyncpg

from hub.db.errors import DatabaseUnavailable

# Server states that mean it cannot serve now, whether met on connecting or mid-request.
# 57P01 is also what a backend says when its postmaster was killed.
_SERVER_STATES = {
    "57P01": "the database server is shutting down",
    "57P02": "the database server crashed",
    "57P03": "the database server is starting up",
}

# What a failed connection attempt means, by SQLSTATE, by SQLSTATE class, then by error type.
_CONNECT_STATES = {
    **_SERVER_STATES,
    "53300": "the database server has no free connections",
    "55000": "the database is not accepting connections",
    "3D000": "the database does not exist",
}
_CONNECT_CLASSES = {
    "08": "the database server cannot be reached",
    "28": "the database server refused the hub's credentials",
}
_CONNECT_TYPES: dict[type[BaseException], str] = {
    ConnectionRefusedError: "connection refused",
    FileNotFoundError: "no database server is listening on the socket",
    TimeoutError: "the database server does not answer",
}

LOST = "the connection to the database was lost"


def connect_reason(error: BaseException) -> str:
    """The short reason of an error raised while opening a connection."""
    if isinstance(error, asyncpg.PostgresError):
        state = error.sqlstate or ""
        return _CONNECT_STATES.get(state) or _CONNECT_CLASSES.get(
            state[:2], "the database server refused the connection"
        )
    return next(
        (reason for kind, reason in _CONNECT_TYPES.items() if isinstance(error, kind)),
        "the database server cannot be reached",
    )


def outage_reason(error: BaseException) -> str | None:
    """The short reason when `error` (or what caused it) means the database is unavailable;
    None for any other error. The chain matters: a rollback that fails on a dead connection
    raises its own error "during handling of" the one that says why."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        reason = _own_reason(current)
        if reason is not None:
            return reason
        current = current.__cause__ or current.__context__
    return None


def _own_reason(error: BaseException) -> str | None:
    if isinstance(error, DatabaseUnavailable):
        return error.reason
    if isinstance(error, asyncpg.PostgresConnectionError):
        return LOST
    if isinstance(error, asyncpg.PostgresError):
        return _SERVER_STATES.get(error.sqlstate or "")
    if isinstance(error, ConnectionError):  # the hub talks to no other server
        return LOST
    if isinstance(error, asyncpg.InterfaceError) and "connection is closed" in str(error):
        return LOST  # asyncpg's word for a connection its server dropped
    if isinstance(error, RuntimeError) and _CLOSED_TRANSPORT in str(error):
        # uvloop refuses to write to a socket the server closed (asyncio's loop lets asyncpg
        # see the loss instead): a COPY cut off by a dying server ends here.
        return LOST
    return None


_CLOSED_TRANSPORT = "Transport closed=True"
