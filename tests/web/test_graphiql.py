"""The GraphiQL page: served from the hub's own copy of GraphiQL and React (no CDN), under a
policy that allows scripts from the hub only, where it is enabled; in a real browser cut off
from the internet it runs a query against a real `hub demo`."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from hub.assembly.app import create_app
from hub.settings import Settings
from hub.web.graphiql import POLICY
from tests.web.browser import chromium, require_chromium
from tests.web.conftest import DemoHub

GRAPHIQL = Path(__file__).resolve().parents[2] / "hub" / "web" / "static" / "graphiql"
SHIPPED = {
    "graphiql.min.js": "LICENSE-graphiql",
    "graphiql.min.css": "LICENSE-graphiql",
    "react.production.min.js": "LICENSE-react",
    "react-dom.production.min.js": "LICENSE-react-dom",
}
QUERY = '{ entity(code: "DE") { kpiValues(period: ["2024"], kpi: ["turnover"]) { amount } } }'
WAIT = 30  # seconds: 3.5 MB of GraphiQL on a busy machine


@pytest.fixture
async def with_graphiql(
    settings: Settings, database_url: str
) -> AsyncIterator[AsyncTestClient[Any]]:
    app = create_app(replace(settings, graphiql=True), database_url)
    async with AsyncTestClient(app=app) as client:
        yield client


async def test_the_page_loads_only_the_hubs_files_and_no_inline_script(
    with_graphiql: AsyncTestClient[Any],
) -> None:
    page = await with_graphiql.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert page.headers["content-security-policy"] == POLICY
    assert "script-src 'self';" in POLICY
    assert "connect-src 'self';" in POLICY
    assert re.findall(r"https?://", page.text) == []
    scripts = re.findall(r"<script([^>]*)>", page.text)
    assert scripts, page.text
    assert all(re.fullmatch(r' src="/static/graphiql/[\w.-]+\.js"', s) for s in scripts)
    assets = re.findall(r'(?:src|href)="(/[^"]+)"', page.text)
    assert {f"/static/graphiql/{name}" for name in SHIPPED} <= set(assets)
    for asset in assets:
        assert (await with_graphiql.get(asset)).status_code == 200, asset


def test_the_shipped_files_are_the_npm_packages_own_with_their_licences() -> None:
    sources = (GRAPHIQL / "SOURCES.txt").read_text(encoding="utf-8")
    recorded = {
        name: digest for digest, name in re.findall(r"^([0-9a-f]{64})  (\S+)$", sources, re.M)
    }
    assert recorded.keys() == SHIPPED.keys()
    for name, licence in SHIPPED.items():
        assert hashlib.sha256((GRAPHIQL / name).read_bytes()).hexdigest() == recorded[name]
        assert (GRAPHIQL / licence).read_text(encoding="utf-8").startswith("MIT License")


async def test_with_a_token_the_page_is_still_the_page_and_queries_still_run(
    with_graphiql: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    board = {"Authorization": f"Bearer {tokens['board']}"}
    page = await with_graphiql.get("/graphql", headers={"Accept": "text/html", **board})
    assert page.headers["content-security-policy"] == POLICY
    answer = await with_graphiql.post("/graphql", json={"query": QUERY}, headers=board)
    assert answer.json() == {"data": {"entity": {"kpiValues": []}}}


@pytest.fixture
def offline_browser(tmp_path: Path) -> Iterator[webdriver.Chrome]:
    require_chromium()
    with chromium(tmp_path / "chromium-profile", offline=True) as driver:
        yield driver


def browser_log(driver: webdriver.Chrome, kind: str) -> list[dict[str, Any]]:
    """Chromium's log of that kind since the last call (Selenium's method is untyped)."""
    entries: list[dict[str, Any]] = driver.execute("getLog", {"type": kind})["value"]
    return entries


def _result(driver: webdriver.Chrome) -> str:
    value: str = driver.execute_script(
        "return document.querySelector('.result-window .CodeMirror').CodeMirror.getValue()"
    )
    return value


def test_graphiql_runs_a_query_in_a_browser_cut_off_from_the_internet(
    demo_hub: DemoHub, offline_browser: webdriver.Chrome
) -> None:
    driver = offline_browser
    driver.get(f"{demo_hub.url}/graphql")
    WebDriverWait(driver, WAIT).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ".graphiql-query-editor .CodeMirror")
    )
    # Typed as a user would paste them: the token in the Headers tab, the query in the editor.
    driver.execute_script(
        """
        const [headers] = [...document.querySelectorAll('.graphiql-editor-tool .CodeMirror')]
          .filter((e) => !e.parentElement.classList.contains('hidden'));
        headers.CodeMirror.setValue(JSON.stringify({Authorization: 'Bearer ' + arguments[0]}));
        document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror
          .setValue(arguments[1]);
        """,
        demo_hub.tokens["board"],
        QUERY,
    )
    driver.find_element(By.CSS_SELECTOR, ".graphiql-execute-button").click()
    WebDriverWait(driver, WAIT).until(lambda d: "5985000" in _result(d))
    assert json.loads(_result(driver)) == {
        "data": {"entity": {"kpiValues": [{"amount": "5985000"}]}}
    }
    # A dialog: GraphiQL adds its own style element, which the page's policy allows.
    driver.find_element(By.CSS_SELECTOR, "button[aria-label='Open settings dialog']").click()
    WebDriverWait(driver, WAIT).until(lambda d: d.find_elements(By.CSS_SELECTOR, "[role=dialog]"))

    requested = set()
    for entry in browser_log(driver, "performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            requested.add(message["params"]["request"]["url"])
    web = {url for url in requested if url.startswith(("http:", "https:"))}
    assert f"{demo_hub.url}/static/graphiql/graphiql.min.js" in web
    assert {url for url in web if not url.startswith(f"{demo_hub.url}/")} == set()
    console = [entry["message"] for entry in browser_log(driver, "browser")]
    assert [m for m in console if "Content Security Policy" in m] == []
