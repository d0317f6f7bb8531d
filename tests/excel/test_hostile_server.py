"""Hostile files against a real `hub serve` process: six bombs at once are each refused within
5 s while a trivial query keeps answering within 1 s, the process's resident memory grows by
less than 200 MB (read from /proc), nothing is stored; uploads beyond the cap wait, then are
told to retry.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import asyncpg
import httpx

from hub.excel.layout import KPIS, TRIAL_BALANCE
from tests.conftest import REPO
from tests.excel.hostile import (
    BILLION_LAUGHS,
    Part,
    archive,
    content,
    million_rows,
    padded,
    parts_of,
    replaced,
    sheet_part,
    with_dtd,
)
from tests.excel.workbooks import edit, set_kpis
from tests.test_cli import RunningHub, env, free_port

ME = {"query": "{ me { name role entity } }"}
MB = 1_000_000


@contextmanager
def serving(
    database_url: str, log: Path, config_dir: Path | None = None
) -> Iterator[tuple[RunningHub, str]]:
    """`hub serve` on the test's database; stopped with Ctrl-C afterwards."""
    port = free_port()
    overrides = {"HUB_DATABASE_URL": database_url}
    if config_dir is not None:
        overrides["HUB_CONFIG_DIR"] = str(config_dir)
    hub = RunningHub(["serve", "--port", str(port)], env(**overrides), log)
    try:
        hub.wait_for("Press Ctrl-C to stop.")
        yield hub, f"http://127.0.0.1:{port}"
    finally:
        hub.interrupt()


def memory_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise KeyError(field)


def reset_peak(pid: int) -> None:
    """Start VmHWM (the peak resident memory) again from the current resident memory."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def six_bombs(template: bytes) -> dict[str, bytes]:
    tb = sheet_part(template, TRIAL_BALANCE.title)
    kpis = sheet_part(template, KPIS.title)
    tb_xml, kpi_xml = content(template, tb), content(template, kpis)
    return {
        "1 GiB": replaced(template, {tb: padded(tb, tb_xml, b"<sheetData", 1024)}),
        "1 GiB, lying header": replaced(
            template, {tb: padded(tb, tb_xml, b"<sheetData", 1024, declared=len(tb_xml))}
        ),
        "64 MiB of blanks": replaced(template, {kpis: padded(kpis, kpi_xml, b"</sheetData>", 64)}),
        "130,000 parts listed": archive(parts_of(template), directory_copies=10_000),
        "billion laughs": replaced(template, {tb: Part.of(tb, with_dtd(tb_xml, BILLION_LAUGHS))}),
        "1,048,576 rows": replaced(template, {tb: Part.of(tb, million_rows())}),
    }


async def count_submissions(database_url: str) -> int:
    connection = await asyncpg.connect(database_url)
    try:
        count: int = await connection.fetchval("select count(*) from submission")
        return count
    finally:
        await connection.close()


async def test_six_bombs_at_once_are_refused_fast_while_others_are_served(
    database_url: str, tokens: dict[str, str], tmp_path: Path
) -> None:
    auth = {"Authorization": f"Bearer {tokens['national-de']}"}
    with serving(database_url, tmp_path / "hub.log") as (hub, base):
        async with httpx.AsyncClient(base_url=base, headers=auth, timeout=60) as http:
            template = (await http.get("/api/reports/DE/2024/workbook")).content
            bombs = await asyncio.to_thread(six_bombs, template)
            assert (await http.post("/graphql", json=ME)).status_code == 200
            pid = hub.process.pid
            before = memory_kb(pid, "VmRSS")
            reset_peak(pid)

            async def send(data: bytes) -> tuple[int, str, float]:
                started = time.perf_counter()
                response = await http.post("/api/reports/DE/2024/workbook", content=data)
                return response.status_code, response.text, time.perf_counter() - started

            uploads = [asyncio.create_task(send(data)) for data in bombs.values()]
            waits = []
            while not all(task.done() for task in uploads):
                started = time.perf_counter()
                response = await http.post("/graphql", json=ME)
                waits.append(time.perf_counter() - started)
                assert response.json() == {
                    "data": {"me": {"name": "national-de", "role": "national", "entity": "DE"}}
                }
                await asyncio.sleep(0.05)
            answers = dict(zip(bombs, [task.result() for task in uploads], strict=True))
            peak = memory_kb(pid, "VmHWM")
    growth_mb = (peak - before) * 1024 / MB
    slowest = max(answer[2] for answer in answers.values())
    print(
        f"\nsix bombs at once: slowest answer {slowest:.2f} s; {{ me }} answered {len(waits)} "
        f"times, slowest {max(waits):.3f} s; RSS {before * 1024 / MB:.0f} MB before, "
        f"peak {peak * 1024 / MB:.0f} MB (+{growth_mb:.0f} MB)"
    )
    for name, (status, text, took) in answers.items():
        assert status == 422, (name, status, text[:300])
        assert took < 5, (name, took)
    assert waits, "no query ran while the bombs were in flight"
    assert max(waits) < 1, waits
    assert growth_mb < 200
    assert await count_submissions(database_url) == 0


def capped_config(folder: Path) -> Path:
    """The repository's config with one upload at a time and a one-second wait."""
    folder.mkdir()
    for source in (REPO / "config").iterdir():
        text = source.read_text(encoding="utf-8")
        if source.name == "reporting.toml":
            text = text.replace("max_concurrent_uploads = 2", "max_concurrent_uploads = 1")
            text = text.replace("upload_wait_seconds = 30", "upload_wait_seconds = 1")
        (folder / source.name).write_text(text, encoding="utf-8")
    return folder


def hold_a_slot(base: str, token: str) -> socket.socket:
    """An upload whose body never finishes arriving: it holds its slot until the socket closes."""
    host, port = base.removeprefix("http://").split(":")
    held = socket.create_connection((host, int(port)))
    held.sendall(
        b"POST /api/reports/DE/2024/workbook HTTP/1.1\r\nHost: hub\r\n"
        b"Authorization: Bearer " + token.encode() + b"\r\n"
        b"Content-Length: 100000\r\n\r\nPK"
    )
    return held


async def test_an_upload_over_the_cap_waits_then_is_told_when_to_retry(
    database_url: str, tokens: dict[str, str], tmp_path: Path
) -> None:
    token = tokens["national-de"]
    auth = {"Authorization": f"Bearer {token}"}
    config = capped_config(tmp_path / "config")
    with serving(database_url, tmp_path / "hub.log", config) as (_hub, base):
        async with httpx.AsyncClient(base_url=base, headers=auth, timeout=60) as http:
            template = (await http.get("/api/reports/DE/2024/workbook")).content
            filled = edit(template, lambda wb: set_kpis(wb, {"users": 302}))
            held = hold_a_slot(base, token)
            await asyncio.sleep(0.3)
            started = time.perf_counter()
            busy = await http.post("/api/reports/DE/2024/workbook", content=filled)
            waited = time.perf_counter() - started
            me = await http.post("/graphql", json=ME)
            held.close()
            await asyncio.sleep(0.3)
            later = await http.post("/api/reports/DE/2024/workbook", content=filled)
    assert busy.status_code == 503
    assert busy.headers["retry-after"] == "1"
    assert busy.json() == {
        "detail": "the hub is checking 1 other upload, its limit "
        "(upload.max_concurrent_uploads); try again in 1 second"
    }
    assert 1 <= waited < 3
    assert me.status_code == 200
    assert later.status_code == 200, later.text
    assert await count_submissions(database_url) == 1
