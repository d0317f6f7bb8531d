"""The hub's listening socket, opened before anything else starts: a port that is taken, or an
address that is not this machine's, stops `hub serve` with one line before the database is
touched (and before `hub demo` renews its users' credentials)."""

from __future__ import annotations

import errno
import socket

BACKLOG = 2048  # uvicorn's default


class CannotListen(Exception):
    """The address cannot be listened on; the message says why, in one line."""


def listen(host: str, port: int) -> socket.socket:
    """A socket bound to host:port and listening (connections wait in its backlog until the
    server accepts them); its workers inherit it."""
    where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
    except OSError as error:
        raise CannotListen(f"cannot listen on {where}: {error.strerror or error}") from error
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(BACKLOG)
    except OSError as error:
        sock.close()
        raise CannotListen(f"cannot listen on {where}: {_reason(error, port)}") from error
    sock.set_inheritable(True)
    return sock


def _reason(error: OSError, port: int) -> str:
    if isinstance(error, socket.gaierror):
        return f"unknown host name ({error.strerror}): check --host"
    if error.errno == errno.EADDRINUSE:
        return (
            f"port {port} is already in use (by another hub or program): stop it, or choose "
            "another --port"
        )
    if error.errno == errno.EACCES:
        return f"port {port} needs privileges this user lacks: choose a port from 1024 up"
    if error.errno == errno.EADDRNOTAVAIL:
        return "the address is not one of this machine's: check --host"
    return error.strerror or str(error)
