"""`hub rates import-ecb` as a real process, before it is added to the `hub` command."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import asyncpg

from hub.fx.demo import excerpt

COMMAND = [sys.executable, "-c", "from hub.fx.cli import rates; rates()", "import-ecb"]


async def run(database_url: str, file: Path) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        *COMMAND,
        str(file),
        env={**os.environ, "HUB_DATABASE_URL": database_url},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    assert process.returncode is not None
    return process.returncode, output.decode()


async def test_the_command_imports_the_file_and_says_what_it_added(
    database_url: str, tmp_path: Path
) -> None:
    file = tmp_path / "eurofxref-hist.csv"
    file.write_bytes(excerpt())
    status, output = await run(database_url, file)
    assert (status, output) == (
        0,
        "Imported 568 days (2012-12-03 to 2025-01-24) of 34 currencies: 17,118 daily rates, "
        "17,118 new; 3,406 closing, average and opening rates, 3,406 added, 0 unchanged.\n",
    )
    connection = await asyncpg.connect(database_url)
    try:
        row = await connection.fetchrow(
            "select rate, source, created_by from fx_rate "
            "where currency = 'SEK' and rate_type = 'average' and period = '2024'"
        )
    finally:
        await connection.close()
    assert row is not None
    assert (str(row["rate"]), row["source"], row["created_by"]) == (
        "11.4325",
        "ECB (eurofxref-hist.csv)",
        None,
    )
    status, output = await run(database_url, file)
    assert output.endswith(
        "17,118 daily rates, 0 new; 3,406 closing, average and opening "
        "rates, 0 added, 3,406 unchanged.\n"
    )


async def test_a_malformed_file_ends_the_command_with_its_line(
    database_url: str, tmp_path: Path
) -> None:
    file = tmp_path / "rates.csv"
    file.write_text("Date,USD,SEK,\n2024-01-03,1.0919,11.2,\n2024-01-02,1.0956,abc,\n")
    status, output = await run(database_url, file)
    assert (status, output) == (1, f"error: {file}: line 3: 'abc' is not a rate for SEK\n")
