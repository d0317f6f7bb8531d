"""`hub import-profile detect` and `save`, then `hub import csv`, as real processes."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import asyncpg

from tests.imports.tables import BELGIAN


async def hub(database_url: str, *arguments: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "hub",
        *arguments,
        env={**os.environ, "HUB_DATABASE_URL": database_url},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    assert process.returncode is not None
    return process.returncode, output.decode()


async def test_detect_save_and_import_from_the_command_line(
    database_url: str, tokens: dict[str, str], tmp_path: Path
) -> None:
    file = tmp_path / "balance-2024.csv"
    file.write_bytes(BELGIAN.encode("cp1252"))
    status, output = await hub(
        database_url, "import-profile", "detect", str(file), "--entity", "BE"
    )
    assert status == 0
    assert output.splitlines()[:5] == [
        "BE: proposed column profile",
        "  kind: 'csv'",
        "  encoding: 'cp1252'",
        "  delimiter: ';'",
        "  quote: '\"'",
    ]
    assert "    line 9: 550000 Banque — compte courant 9871.00" in output.splitlines()
    status, output = await hub(
        database_url, "import", "csv", str(file), "--entity", "BE", "--period", "2024",
        "--user", "national-be",
    )  # fmt: skip
    assert status == 1
    assert (
        "  error: no column profile is saved for BE: detect one (detectColumnProfile / hub "
        "import-profile detect FILE) and save it"
    ) in output.splitlines()
    status, output = await hub(
        database_url, "import-profile", "save", "--entity", "BE", "--user", "national-de",
        "--from-detect", str(file),
    )  # fmt: skip
    assert (status, output) == (
        1,
        "error: national-de (national team of DE) may not read or save the column profiles of "
        "trial balance imports for BE: only for DE\n",
    )
    status, output = await hub(
        database_url, "import-profile", "save", "--entity", "BE", "--user", "national-be",
        "--from-detect", str(file),
    )  # fmt: skip
    assert (status, output) == (
        0,
        "Saved the column profile of BE (#1); it reads its next imports\n",
    )
    status, output = await hub(
        database_url, "import", "csv", str(file), "--entity", "BE", "--period", "2024",
        "--user", "national-be",
    )  # fmt: skip
    assert status == 0, output
    assert "BE 2024 (csv): saved: version 1; 8 accounts, trial balance rows 4..12" in output
    connection = await asyncpg.connect(database_url)
    try:
        total = await connection.fetchval(
            "select sum(amount) filter (where amount > 0)::text from tb_line"
        )
    finally:
        await connection.close()
    assert total == "25960.50"
