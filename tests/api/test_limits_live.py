"""The review's attacks against a real `hub demo` process over HTTP: each is refused quickly,
and a normal query sent while two clients repeat the attack stays fast.

A real server process, because Litestar's in-process test client runs the app on another
thread's event loop and blocks the test's own while it answers: it cannot send two requests
at once.
"""

from __future__ import annotations

import asyncio
import json
import re
import signal
import subprocess
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from tests.api.test_limits import CYCLE
from tests.conftest import with_database
from tests.test_cli import RunningHub, env, free_port

FAST = 1.0  # seconds: a refusal, and the normal query during an attack
NORMAL = '{ entity(code: "DE") { kpiValues(period: ["2024"], kpi: ["turnover"]) { amount } } }'


@dataclass(frozen=True, slots=True)
class LiveHub:
    url: str
    tokens: dict[str, str]
    log: Path


@pytest.fixture(scope="module")
async def live_hub(
    server_url: str, template_db: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[LiveHub]:
    """`hub demo` on its own database (the demo network, its users), for this module."""
    name = f"hub_test_{uuid.uuid4().hex[:12]}_live"
    admin = await asyncpg.connect(server_url)
    await admin.execute(f'create database "{name}" template "{template_db}"')
    port = free_port()
    log = tmp_path_factory.mktemp("live") / "hub.log"
    hub = RunningHub(
        ["demo", "--port", str(port)], env(HUB_DATABASE_URL=with_database(server_url, name)), log
    )
    try:
        output = hub.wait_for("Press Ctrl-C to stop.")
        tokens = dict(re.findall(r"^  (\S+)\s+(hub_\S+)$", output, re.MULTILINE))
        yield LiveHub(f"http://127.0.0.1:{port}", tokens, log)
    finally:
        hub.process.send_signal(signal.SIGINT)
        try:
            hub.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            hub.process.kill()
            hub.process.wait()
        await admin.execute(f'drop database if exists "{name}" with (force)')
        await admin.close()


@dataclass(frozen=True, slots=True)
class Attack:
    body: bytes
    status: int
    message: str


def graphql_body(query: str, **variables: Any) -> bytes:
    return json.dumps({"query": query, "variables": variables}).encode()


def too_large(body: bytes) -> Attack:
    message = f"the request body is {len(body):,} bytes; the limit for /graphql is 2,000,000 bytes"
    return Attack(body, 413, message)


SAVE_KPIS = "mutation S($input: KpiReportInput!) { saveKpiValues(input: $input) { __typename } }"
SAVE_STATEMENTS = (
    "mutation S($input: StatementsInput!) { saveStatements(input: $input) { __typename } }"
)
TOKENS = "the query has more than 5,000 tokens; the limit is 5,000"

ATTACKS = {
    "the review's cycle, 16 levels deep": Attack(
        graphql_body(CYCLE), 200, "the query is 16 levels deep; the limit is 8"
    ),
    "5,000 aliases": Attack(
        graphql_body("{ " + " ".join(f"a{i}: kpiValues {{ amount }}" for i in range(5_000)) + " }"),
        200,
        TOKENS,
    ),
    "a million tokens": Attack(graphql_body("{a}" * 333_334), 200, TOKENS),
    "one field 400 times": Attack(
        graphql_body("{ " + "kpiValues { amount } " * 400 + "}"),
        200,
        "kpiValues is selected 400 times at the same place; the limit is 10",
    ),
    "200,000 KPI values in one save": too_large(
        graphql_body(
            SAVE_KPIS,
            input={
                "entity": "DE",
                "period": "2025",
                "values": [{"kpi": "users", "amount": "1"}] * 200_000,
            },
        )
    ),
    "200,000 trial-balance lines in one save": too_large(
        graphql_body(
            SAVE_STATEMENTS,
            input={
                "entity": "DE",
                "period": "2025",
                "trialBalance": [{"account": "1", "amount": "1", "currency": "EUR"}] * 200_000,
            },
        )
    ),
    "20,000 trial-balance lines in one save": Attack(
        graphql_body(
            SAVE_STATEMENTS,
            input={
                "entity": "DE",
                "period": "2025",
                "trialBalance": [{"account": "1", "amount": "1", "currency": "EUR"}] * 20_000,
            },
        ),
        200,
        "$input.trialBalance has 20,000 items; the limit for StatementsInput.trialBalance is "
        "10,000",
    ),
    "10,000 periods as a variable": Attack(
        graphql_body(
            "query P($periods: [String!]!) { comparison(periods: $periods) { periods } }",
            periods=[str(year) for year in range(10_000)],
        ),
        200,
        "$periods has 10,000 items; the limit for Query.comparison(periods:) is 100",
    ),
    "10,000 periods written in the query": Attack(
        graphql_body(
            "{ comparison(periods: ["
            + ", ".join(f'"{year}"' for year in range(10_000))
            + "]) { periods } }"
        ),
        200,
        TOKENS,
    ),
    "five consolidations": Attack(
        graphql_body(
            "{ "
            + " ".join(f'c{i}: consolidation(period: "2024") {{ period }}' for i in range(5))
            + " }"
        ),
        200,
        "the query's estimated cost is 25,005; the limit is 20,000",
    ),
}


def first_message(response: httpx.Response) -> str:
    body = response.json()
    message: str = body["errors"][0]["message"] if "errors" in body else json.dumps(body)
    return message.split(" (each field")[0]


@pytest.mark.parametrize("name", ATTACKS)
async def test_an_attack_is_refused_fast_and_a_normal_query_stays_fast_meanwhile(
    live_hub: LiveHub, name: str
) -> None:
    attack = ATTACKS[name]
    headers = {"Authorization": f"Bearer {live_hub.tokens['finance']}"}
    board = {"Authorization": f"Bearer {live_hub.tokens['board']}"}
    refusals: list[tuple[int, str, float]] = []
    latencies: list[float] = []
    stop = asyncio.Event()
    async with httpx.AsyncClient(base_url=live_hub.url, timeout=10) as http:

        async def attacker() -> None:
            while not stop.is_set():
                started = time.perf_counter()
                response = await http.post(
                    "/graphql",
                    content=attack.body,
                    headers={**headers, "Content-Type": "application/json"},
                )
                elapsed = time.perf_counter() - started
                refusals.append((response.status_code, first_message(response), elapsed))

        attackers = [asyncio.create_task(attacker()) for _ in range(2)]
        try:
            await asyncio.sleep(0.2)
            for _ in range(5):
                started = time.perf_counter()
                response = await http.post("/graphql", json={"query": NORMAL}, headers=board)
                latencies.append(time.perf_counter() - started)
                assert response.json() == {
                    "data": {"entity": {"kpiValues": [{"amount": "5985000"}]}}
                }
                await asyncio.sleep(0.1)
        finally:
            stop.set()
            await asyncio.gather(*attackers)
    assert refusals
    assert {(status, message) for status, message, _ in refusals} == {
        (attack.status, attack.message)
    }
    assert max(elapsed for _, _, elapsed in refusals) < FAST
    assert max(latencies) < FAST
    assert "Traceback" not in live_hub.log.read_text()  # refusals are answers, not failures


async def test_a_body_sent_without_its_length_is_refused_as_it_streams_in(
    live_hub: LiveHub,
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(3):
            yield b" " * 1_000_000

    headers = {
        "Authorization": f"Bearer {live_hub.tokens['board']}",
        "Content-Type": "application/json",
    }
    async with httpx.AsyncClient(base_url=live_hub.url, timeout=10) as http:
        response = await http.post("/graphql", content=chunks(), headers=headers)
    assert "content-length" not in response.request.headers
    assert response.status_code == 413
    assert response.json()["detail"] == (
        "the request body is over the limit for /graphql of 2,000,000 bytes"
    )
    assert "Traceback" not in live_hub.log.read_text()
