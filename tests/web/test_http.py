"""The dashboard over HTTP: the page, every asset it loads (all from the hub itself), and the API
routes beside it."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from hub.assembly.app import create_app
from hub.settings import Settings

ASSET_TYPES = {
    ".js": "text/javascript",
    ".css": "text/css",
    ".svg": "image/svg+xml",
}
SVG_NAMESPACE = "http://www.w3.org/2000/svg"


@pytest.fixture
async def web(settings: Settings, database_url: str) -> AsyncIterator[AsyncTestClient[Any]]:
    app = create_app(settings, database_url)
    async with AsyncTestClient(app=app) as client:
        yield client


async def test_the_page_is_served_at_the_root_under_a_strict_policy(
    web: AsyncTestClient[Any],
) -> None:
    response = await web.get("/", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert '<script type="module" src="/static/js/dashboard.js"></script>' in response.text
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "script-src 'self';" in policy
    assert "connect-src 'self';" in policy
    assert response.headers["x-content-type-options"] == "nosniff"


def _references(path: str, text: str) -> set[str]:
    """The hub paths a page or script loads: src/href attributes, and relative ES imports."""
    found = set(re.findall(r'(?:src|href)="(/[^"]*)"', text))
    folder = path.rsplit("/", 1)[0]
    for module in re.findall(r'from "\./([^"]+)"', text):
        found.add(f"{folder}/{module}")
    return found


async def test_every_asset_the_page_loads_comes_from_the_hub(web: AsyncTestClient[Any]) -> None:
    page = (await web.get("/")).text
    pending, seen = _references("/", page), set()
    while pending:
        path = pending.pop()
        seen.add(path)
        response = await web.get(path)
        assert response.status_code == 200, path
        if not path.startswith("/static/"):  # a link to another page of the hub (/sign-in)
            assert response.headers["content-type"].startswith("text/html"), path
            continue
        suffix = path[path.rfind(".") :]
        assert response.headers["content-type"].startswith(ASSET_TYPES[suffix]), path
        # Offline: nothing is fetched from elsewhere (the SVG namespace is a name, not a fetch).
        assert re.findall(r"https?://[^\s\"'`]+", response.text.replace(SVG_NAMESPACE, "")) == []
        pending |= _references(path, response.text) - seen
    assert {
        "/static/dashboard.css",
        "/static/favicon.svg",
        "/static/js/dashboard.js",
        "/static/js/api.js",
        "/static/js/charts.js",
        "/static/js/comparison.js",
        "/static/js/dom.js",
        "/static/js/format.js",
        "/static/js/monitoring.js",
        "/static/js/session.js",
        "/static/js/header.js",
        "/sign-in?next=%2F",
    } <= seen


async def test_the_api_still_answers_beside_the_page(web: AsyncTestClient[Any]) -> None:
    assert (await web.get("/health")).json()["status"] == "ok"
    refused = await web.post("/graphql", json={"query": "{ me { name } }"})
    assert refused.status_code == 401
    assert (await web.get("/static/js/missing.js")).status_code == 404
    assert (await web.get("/static/../http.py")).status_code == 404
    assert (await web.get("/static/%2E%2E/http.py")).status_code == 404
