"""Operations over HTTP, in the real app against a real PostgreSQL: security headers on every
answer, one log line per refused request, bugs answered with a generic message and a request id,
and 503 while the database is unavailable, until it is back."""

from __future__ import annotations

import asyncio
import logging
import re
import threading
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from hub.assembly.app import create_app
from hub.settings import Settings
from tests.api.test_reporting_graphql import SUBMIT, de_2024
from tests.conftest import database_name

REQUEST_ID = re.compile(r"[0-9a-f]{16}")
UNAVAILABLE = (
    "the database is unavailable (the database is not accepting connections): try again in a moment"
)
TURNOVER = '{ entity(code: "DE") { kpiValues(period: ["2024"], kpi: ["turnover"]) { amount } } }'


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# One request for each route of the app (the test fails when a route has none), and the kind
# of answer it gives: a page, a static asset, or an API answer (JSON or a file).
SAMPLES: list[tuple[str, str, str, str | None, str]] = [
    # route path, method, URL, token of, kind
    ("/graphql", "GET", "/graphql", None, "api"),  # the GraphiQL page, off: 404
    ("/graphql", "POST", "/graphql", "board", "api"),
    ("/graphql", "POST", "/graphql", None, "api"),  # 401
    ("/health", "GET", "/health", None, "api"),
    (
        "/api/reports/{entity:str}/{period:str}/workbook",
        "GET",
        "/api/reports/BE/2024/workbook",
        "national-be",
        "api",
    ),
    (
        "/api/reports/{entity:str}/{period:str}/workbook",
        "POST",
        "/api/reports/BE/2024/workbook",
        "national-be",
        "api",
    ),  # not a workbook: 422
    (
        "/api/consolidation/{period:str}/statements.xlsx",
        "GET",
        "/api/consolidation/2024/statements.xlsx",
        "finance",
        "api",
    ),
    ("/api/fx/ecb", "POST", "/api/fx/ecb", "board", "api"),  # 403
    ("/api/federation/envelopes", "POST", "/api/federation/envelopes", None, "api"),  # 400
    ("/api/federation/reference", "GET", "/api/federation/reference", None, "api"),  # 401
    ("/api/federation/status", "POST", "/api/federation/status", None, "api"),  # 401
    (
        "/api/reports/{entity:str}/{period:str}/import/{format_name:str}",
        "POST",
        "/api/reports/DE/2024/import/datev",
        "board",
        "api",
    ),  # 403
    (
        "/api/monitoring/{period:str}/report.xlsx",
        "GET",
        "/api/monitoring/2024/report.xlsx",
        "finance",
        "api",
    ),
    (
        "/api/board/{period:str}/board-pack.xlsx",
        "GET",
        "/api/board/2024/board-pack.xlsx",
        "board",
        "api",
    ),
    ("/", "GET", "/", None, "page"),
    ("/team", "GET", "/team", None, "page"),
    ("/sign-in", "GET", "/sign-in", None, "page"),
    ("/admin", "GET", "/admin", None, "page"),
    ("/finance", "GET", "/finance", None, "page"),
    ("/auth/me", "GET", "/auth/me", None, "api"),  # 401: nobody signed in
    ("/auth/me", "GET", "/auth/me", "board", "api"),
    ("/auth/sign-in", "POST", "/auth/sign-in", None, "api"),  # 403: no CSRF token
    ("/auth/sign-out", "POST", "/auth/sign-out", None, "api"),  # 204: nothing to end
    ("/static/{file_path:path}", "GET", "/static/dashboard.css", None, "asset"),
    ("/static/{file_path:path}", "GET", "/static/missing.js", None, "api"),  # 404
    ("", "GET", "/no/such/route", None, "api"),  # 404 of no route
    ("", "DELETE", "/health", None, "api"),  # 405
]


async def test_every_answer_carries_the_security_headers(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    routes = {route.path for route in client.app.routes}
    assert routes <= {path for path, *_ in SAMPLES}, "a route without a sample request"
    seen_ids = set()
    for _path, method, url, who, kind in SAMPLES:
        headers = {"Accept": "text/html"} | (auth(tokens[who]) if who else {})
        body = {"query": TURNOVER} if url == "/graphql" and method == "POST" else None
        content = b"not a workbook" if url.endswith("workbook") and method == "POST" else None
        response = await client.request(method, url, headers=headers, json=body, content=content)
        answer = response.headers
        where = f"{method} {url} ({response.status_code})"
        assert answer["x-content-type-options"] == "nosniff", where
        assert answer["x-frame-options"] == "DENY", where
        assert "frame-ancestors 'none'" in answer["content-security-policy"], where
        assert answer["referrer-policy"] == "no-referrer", where
        assert answer["cross-origin-resource-policy"] == "same-origin", where
        assert "strict-transport-security" not in answer, where
        assert REQUEST_ID.fullmatch(answer["x-request-id"]), where
        seen_ids.add(answer["x-request-id"])
        policy = answer["content-security-policy"]
        if kind == "api":
            assert answer["cache-control"] == "no-store", where
            assert policy.startswith("default-src 'none';"), where
        elif kind == "page":
            assert "script-src 'self'" in policy, where
        else:
            assert answer["cache-control"] == "no-cache", where  # revalidated, not stored
    assert len(seen_ids) == len(SAMPLES), "request ids are per request"


@pytest.fixture
async def tls_client(settings: Settings, database_url: str) -> AsyncIterator[AsyncTestClient[Any]]:
    app = create_app(replace(settings, behind_tls=True), database_url)
    async with AsyncTestClient(app=app) as test_client:
        yield test_client


async def test_behind_tls_answers_carry_hsts(tls_client: AsyncTestClient[Any]) -> None:
    for url in ("/health", "/", "/static/dashboard.css", "/no/such/route"):
        response = await tls_client.get(url)
        assert response.headers["strict-transport-security"] == "max-age=31536000", url


async def test_a_request_id_from_the_proxy_is_kept_and_a_strange_one_replaced(
    client: AsyncTestClient[Any],
) -> None:
    kept = await client.get("/health", headers={"X-Request-ID": "nginx-4f2a9c1e77d0"})
    assert kept.headers["x-request-id"] == "nginx-4f2a9c1e77d0"
    replaced = await client.get("/health", headers={"X-Request-ID": "x; drop table"})
    assert REQUEST_ID.fullmatch(replaced.headers["x-request-id"])


async def test_there_are_no_openapi_pages(client: AsyncTestClient[Any]) -> None:
    for url in ("/schema", "/schema/openapi.json", "/schema/swagger", "/schema/redoc"):
        assert (await client.get(url)).status_code == 404, url


def hub_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name.startswith(("hub", "litestar", "strawberry"))]


async def test_each_refused_request_is_one_log_line_without_traceback(
    client: AsyncTestClient[Any], tokens: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    refused = [
        await client.post("/graphql", json={"query": TURNOVER}),
        await client.post("/api/fx/ecb", content=b"x", headers=auth(tokens["board"])),
        await client.get("/api/reports/XX/2024/workbook", headers=auth(tokens["finance"])),
        await client.get("/no/such/route"),
    ]
    assert [r.status_code for r in refused] == [401, 403, 400, 404]
    records = hub_records(caplog)
    assert all(r.exc_info is None and r.levelno == logging.INFO for r in records)
    ids = [r.headers["x-request-id"] for r in refused]
    assert [r.getMessage() for r in records] == [
        f"401 POST /graphql request_id={ids[0]} client=testclient: "
        "missing bearer token: send 'Authorization: Bearer <token>'",
        f"403 POST /api/fx/ecb request_id={ids[1]} client=testclient: "
        "the board role may not import or override exchange rates",
        f"400 GET /api/reports/XX/2024/workbook request_id={ids[2]} client=testclient: "
        "unknown entity 'XX'; known entities: BE, DE, AT, IT, SE",
        f"404 GET /no/such/route request_id={ids[3]} client=testclient: Not Found",
    ]


async def test_a_bug_answers_a_generic_message_and_logs_its_traceback_once(
    client: AsyncTestClient[Any], tokens: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    """A unique index the code does not expect: the second version of a report violates it.
    PostgreSQL's text (the index's name, the key) must not reach the client."""
    token = tokens["national-de"]
    first = await client.post(
        "/graphql", json={"query": SUBMIT, "variables": {"input": de_2024()}}, headers=auth(token)
    )
    assert first.json()["data"]["saveKpiValues"]["__typename"] == "ReportSaved"
    admin = await asyncpg.connect(str(client.app.state.hub.db.url))
    await admin.execute("create unique index ops_one_version on submission (entity_code)")
    await admin.close()
    caplog.set_level(logging.INFO)

    again = de_2024(options={"baseVersion": 1}, values=[{"kpi": "users", "amount": "303"}])
    graphql = await client.post(
        "/graphql", json={"query": SUBMIT, "variables": {"input": again}}, headers=auth(token)
    )
    rid = graphql.headers["x-request-id"]
    assert graphql.status_code == 200
    assert graphql.json()["errors"] == [
        {
            "message": "internal error: the hub could not complete this request; its operators "
            f"find the cause under request id {rid}",
            "locations": [{"line": 3, "column": 3}],
            "path": ["saveKpiValues"],
            "extensions": {"code": "INTERNAL_ERROR", "requestId": rid},
        }
    ]
    assert "ops_one_version" not in graphql.text
    assert "duplicate" not in graphql.text

    workbook = await client.get("/api/reports/DE/2024/workbook", headers=auth(token))
    upload = await client.post(
        "/api/reports/DE/2024/workbook", content=workbook.content, headers=auth(token)
    )
    rest_id = upload.headers["x-request-id"]
    assert upload.status_code == 500
    assert upload.json() == {
        "status_code": 500,
        "detail": "internal error: the hub could not complete this request; its operators "
        f"find the cause under request id {rest_id}",
        "request_id": rest_id,
    }

    records = hub_records(caplog)
    assert [(r.levelno, r.getMessage()) for r in records] == [
        (
            logging.ERROR,
            f"POST /graphql request_id={rid}: unexpected error in GraphQL saveKpiValues",
        ),
        (
            logging.ERROR,
            f"POST /api/reports/DE/2024/workbook request_id={rest_id}: "
            "unexpected error in the request",
        ),
    ]
    for record in records:
        assert record.exc_info is not None
        assert isinstance(record.exc_info[1], asyncpg.UniqueViolationError)


async def _until(admin: asyncpg.Connection[Any], condition: str, *args: object) -> None:
    """Poll the server's own view (pg_stat_activity) until `condition` holds, for 10 s at most."""
    for _ in range(500):
        if await admin.fetchval(condition, *args):
            return
        await asyncio.sleep(0.02)
    pytest.fail(f"never true: {condition}")


async def _refuse_connections(server_url: str, database: str) -> None:
    admin = await asyncpg.connect(server_url)
    try:
        await admin.execute(f'alter database "{database}" allow_connections false')
        await admin.execute(
            "select pg_terminate_backend(pid) from pg_stat_activity where datname = $1", database
        )
        await _until(
            admin, "select count(*) = 0 from pg_stat_activity where datname = $1", database
        )
    finally:
        await admin.close()


async def _allow_connections(server_url: str, database: str) -> None:
    admin = await asyncpg.connect(server_url)
    try:
        await admin.execute(f'alter database "{database}" allow_connections true')
    finally:
        await admin.close()


async def test_while_the_database_refuses_connections_answers_are_503_until_it_is_back(
    client: AsyncTestClient[Any],
    tokens: dict[str, str],
    server_url: str,
    database_url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    database = database_name(database_url)
    board = auth(tokens["board"])
    assert (await client.get("/health")).status_code == 200
    caplog.set_level(logging.INFO)
    await _refuse_connections(server_url, database)
    try:
        await asyncio.sleep(0.2)  # the pool notices its connections were closed
        health = await client.get("/health")
        assert health.status_code == 503
        assert health.json() == {
            "status": "unavailable",
            "database": "the database is not accepting connections",
            "entities": 5,
        }
        graphql = await client.post("/graphql", json={"query": TURNOVER}, headers=board)
        assert graphql.status_code == 503
        assert graphql.json()["detail"] == UNAVAILABLE
        assert graphql.headers["retry-after"] == "5"
        rest = await client.get("/api/board/2024/board-pack.xlsx", headers=board)
        assert rest.status_code == 503
        assert rest.json()["detail"] == UNAVAILABLE
    finally:
        await _allow_connections(server_url, database)
    lines = [r.getMessage() for r in hub_records(caplog)]
    assert len(lines) == 3
    assert all(" 503 " not in line or "Traceback" not in line for line in lines)
    assert lines[0].startswith(f"503 GET /health request_id={health.headers['x-request-id']} ")
    assert "the database is not accepting connections (DatabaseUnavailable: " in lines[0]

    health = await client.get("/health")
    assert health.status_code == 200
    graphql = await client.post("/graphql", json={"query": TURNOVER}, headers=board)
    assert graphql.status_code == 200
    assert graphql.json() == {"data": {"entity": {"kpiValues": []}}}


async def _end_connections_once_one_waits(server_url: str, database: str, keep: int) -> None:
    admin = await asyncpg.connect(server_url)
    try:
        waiting = (
            "select count(*) > 0 from pg_stat_activity "
            "where datname = $1 and wait_event_type = 'Lock'"
        )
        await _until(admin, waiting, database)
        await admin.execute(
            "select pg_terminate_backend(pid) from pg_stat_activity "
            "where datname = $1 and pid <> $2",
            database,
            keep,
        )
    finally:
        await admin.close()


async def test_a_connection_lost_mid_query_is_a_graphql_503(
    client: AsyncTestClient[Any], tokens: dict[str, str], server_url: str, database_url: str
) -> None:
    """The token is checked, then the query waits on a lock while the server ends the hub's
    connections: the resolver's error says the database is unavailable, HTTP 503. (The test
    client blocks this thread while the app answers: the server is watched from another.)"""
    database = database_name(database_url)
    holder = await asyncpg.connect(database_url)
    transaction = holder.transaction()
    await transaction.start()
    await holder.execute("lock table report in access exclusive mode")
    watcher = threading.Thread(
        target=asyncio.run,
        args=(_end_connections_once_one_waits(server_url, database, holder.get_server_pid()),),
    )
    watcher.start()
    try:
        response = await client.post(
            "/graphql", json={"query": TURNOVER}, headers=auth(tokens["board"])
        )
    finally:
        watcher.join()
        await transaction.rollback()
        await holder.close()
    assert response.status_code == 503
    body = response.json()
    assert body["data"] is None
    assert body["errors"][0]["message"] == (
        "the database is unavailable (the connection to the database was lost): "
        "try again in a moment"
    )
    assert body["errors"][0]["extensions"] == {"code": "DATABASE_UNAVAILABLE"}
    again = await client.post("/graphql", json={"query": TURNOVER}, headers=auth(tokens["board"]))
    assert again.status_code == 200
