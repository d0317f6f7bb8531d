"""One database per installation: commands that read or change the hub's data (users, exports,
imports, rates) use the installation's database and never make a new, empty one. Only starting
the hub (`hub serve`, `hub demo`) and `hub migrate` create it."""

from __future__ import annotations

from pathlib import Path

from hub.db.pool import Database, redact

START_ONCE = "start it once with `hub serve` or `hub demo`, or set HUB_DATA_DIR/HUB_DATABASE_URL"


class NoHubData(Exception):
    """The installation has no database yet; the message says where it looked and what to do."""


def require_embedded_data(data_dir: Path) -> None:
    """The embedded PostgreSQL of `data_dir` exists (initdb ran): checked before it is started,
    which would otherwise create it."""
    if not (data_dir / "pg" / "PG_VERSION").is_file():
        raise NoHubData(f"no hub data in {data_dir}: {START_ONCE}")


async def require_hub_data(url: str, where: str) -> None:
    """The database at `url` holds the hub's tables (its migrations ran); `where` names it in
    the refusal."""
    db = await Database.connect(url, min_size=1, max_size=1)
    try:
        async with db.pool.acquire() as connection:
            found = await connection.fetchval("select to_regclass('schema_migration') is not null")
    finally:
        await db.close()
    if not found:
        raise NoHubData(f"no hub data in {where}: {START_ONCE}")


def database_place(url: str | None, data_dir: Path) -> str:
    """How a refusal names the installation's database."""
    return f"the database at {redact(url)}" if url is not None else str(data_dir)
