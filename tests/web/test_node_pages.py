"""A node entity on the pages, in a real browser (Debian's Chromium, headless) against a real
`hub demo` process whose config has Sweden reported by its node (a copy of config/ with
`reporting = "node"` for SE). Sweden's node delivered its 2026-Q3 statements twelve days ago
and has been silent since. Finance sees it in the Nodes section (what was accepted and as of
when, the last contact, the version awaiting approval, a stale badge with its reasons) and
approves it from the page; the board's dashboard flags Sweden, and Sweden only; Sweden's team
is told on its page and refused when it uploads a workbook."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from hub.federation import keys
from hub.federation.envelope import open_envelope, seal
from hub.federation.receive import receive
from hub.federation.ruleset import current_rule_set
from hub.services import open_hub
from hub.settings import Settings
from tests.federation.test_receive import envelope
from tests.node_config import config_with_nodes
from tests.web.browser import keep_screenshot
from tests.web.conftest import DemoHub, running_demo
from tests.web.test_dashboard import OVERFLOWING, sign_in, wait_for_year
from tests.web.test_sign_in_pages import WAIT, type_and_submit, wait_for, wait_for_path

LINE = (
    "SE reports through its node: send the report from the node; finance can still approve, "
    "return and lock here"
)


@dataclasses.dataclass(frozen=True)
class NodeDemo:
    hub: DemoHub
    settings: Settings
    database_url: str


@pytest.fixture
def node_demo(database_url: str, tmp_path: Path, settings: Settings) -> Iterator[NodeDemo]:
    config = config_with_nodes(tmp_path, "SE")
    with running_demo(database_url, tmp_path, HUB_CONFIG_DIR=str(config)) as hub:
        yield NodeDemo(hub, dataclasses.replace(settings, config_dir=config), database_url)


def _gql(hub: DemoHub, user: str, query: str, **variables: Any) -> dict[str, Any]:
    response = httpx.post(
        f"{hub.url}/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {hub.tokens[user]}"},
        timeout=60,
    )
    body = response.json()
    assert not body.get("errors"), body
    data: dict[str, Any] = body["data"]
    return data


def sweden_delivered(demo: NodeDemo, at: dt.datetime) -> None:
    """The admin registers SE's node key on the page's API; the node's envelope arrives `at`
    (received in this process, on the demo's database, with the hub's own code)."""
    key = Ed25519PrivateKey.generate()
    _gql(
        demo.hub,
        "admin",
        'mutation($key: String!, $from: DateTime!) { registerNodeKey(entity: "SE", '
        'publicKey: $key, validFrom: $from, reason: "SE node set up") { fingerprint } }',
        key=keys.public_text(key.public_key()),
        **{"from": (at - dt.timedelta(days=30)).isoformat()},
    )

    async def deliver() -> None:
        async with open_hub(demo.settings, demo.database_url, pool_size=2) as hub:
            async with hub.db.pool.acquire() as connection:
                rule_set = await current_rule_set(hub, connection)
            sealed = seal(envelope(key, rule_set=rule_set), key)
            receipt = await receive(hub, open_envelope(sealed.data), at)
            assert (receipt.outcome, receipt.version) == ("accepted", 1), receipt.reasons

    asyncio.run(deliver())


def cell(driver: webdriver.Chrome, entity: str, column: str) -> str:
    css = f'#nodes-table tr[data-entity="{entity}"] td[data-col="{column}"]'
    return str(driver.find_element(By.CSS_SELECTOR, css).text)


def until(driver: webdriver.Chrome, check: Any) -> None:
    WebDriverWait(driver, WAIT).until(lambda d: check(d))


def test_a_node_entity_on_finances_page_the_dashboard_and_its_teams_page(
    node_demo: NodeDemo, browser: webdriver.Chrome, tmp_path: Path
) -> None:
    hub = node_demo.hub
    seen = dt.datetime.now(dt.UTC) - dt.timedelta(days=12)
    sweden_delivered(node_demo, seen)

    # Finance: the Nodes section, then the version is approved from the page.
    browser.set_window_size(1280, 900)
    browser.get(f"{hub.url}/finance")
    wait_for_path(browser, hub, "/sign-in?next=%2Ffinance")
    type_and_submit(browser, "finance", hub.passwords["finance"])
    wait_for_path(browser, hub, "/finance")
    wait_for(browser, "body[data-ready]")
    wait_for(browser, '#nodes-table tr[data-entity="SE"]')
    assert browser.find_element(By.ID, "nodes-caption").text == (
        "1 of 5 entities report through their nodes; 1 stale."
    )
    assert cell(browser, "SE", "mode") == "its node"
    accepted = cell(browser, "SE", "accepted").splitlines()
    assert accepted[0] == "envelope 1: 2026-Q3 financial statements, version 1"
    assert accepted[1].startswith("as of ")
    assert cell(browser, "SE", "contact").splitlines()[1] == "envelope 1"
    assert cell(browser, "SE", "pending") == (
        "1 awaiting approval: 2026-Q3 financial statements, version 1"
    )
    stale = cell(browser, "SE", "stale").splitlines()
    assert stale[:2] == [
        "stale",
        f"no contact from SE's node for 12 days (last: envelope 1 on {seen.date().isoformat()}; "
        "stale after 7)",
    ]
    assert stale[2].startswith("overdue, nothing newer from the node: ")
    for entity in ("BE", "DE", "AT", "IT"):
        row = browser.find_element(By.CSS_SELECTOR, f'#nodes-table tr[data-entity="{entity}"]')
        assert row.get_attribute("data-stale") == "false"
        assert [c.text for c in row.find_elements(By.TAG_NAME, "td")] == [
            "its team (central)",
            "—",
            "—",
            "—",
            "—",
        ]
    browser.execute_script("document.getElementById('nodes-title').scrollIntoView()")
    keep_screenshot(browser, "finance-nodes-1280")
    browser.set_window_size(375, 900)
    assert browser.execute_script(OVERFLOWING) == [], "finance at 375 px"
    browser.set_window_size(1280, 900)

    wait_for(browser, '#waiting button[data-entity="SE"][data-period="2026-Q3"]').click()
    wait_for(browser, '#report-actions button[value="APPROVE"]').click()
    until(browser, lambda d: "is approved" in d.find_element(By.ID, "report-notice").text)
    until(browser, lambda d: cell(d, "SE", "pending") == "nothing")

    # The board: Sweden flagged, with when its figures arrived and when its node was last seen.
    browser.delete_all_cookies()
    browser.get(f"{hub.url}/")
    sign_in(browser, hub, hub.tokens["board"])
    wait_for_year(browser, "2024")
    flags = browser.find_elements(By.CSS_SELECTOR, "#network-table .badge.stale")
    assert [
        f.find_element(By.XPATH, "ancestor::tr").get_attribute("data-entity") for f in flags
    ] == ["SE"]
    note = browser.find_element(By.CSS_SELECTOR, '#network-table tr[data-entity="SE"] .stale-note')
    assert note.text == f"figures as of {seen.date().isoformat()}; node last seen 12 days ago"
    title = str(flags[0].get_attribute("title"))
    assert title.startswith("no contact from SE's node for 12 days")
    keep_screenshot(browser, "dashboard-stale-1280")

    # Sweden's team: told on its page, and its upload refused with the hub's one line.
    browser.execute_script("sessionStorage.clear()")
    browser.delete_all_cookies()
    response = httpx.get(
        f"{hub.url}/api/reports/SE/2025/workbook",
        headers={"Authorization": f"Bearer {hub.tokens['national-se']}"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    workbook = tmp_path / "SE-2025.xlsx"
    workbook.write_bytes(response.content)
    browser.get(f"{hub.url}/team?period=2025")
    wait_for_path(browser, hub, "/sign-in?next=%2Fteam%3Fperiod%3D2025")
    type_and_submit(browser, "national-se", hub.passwords["national-se"])
    notice = wait_for(browser, "#node-notice")
    assert notice.text == (
        "SE reports through its node: your reports are sent from the node, and here you follow "
        "them; finance approves, returns and locks them here."
    )
    wait_for(browser, "#upload-file")
    browser.find_element(By.ID, "upload-file").send_keys(str(workbook))
    browser.find_element(By.ID, "upload-button").click()
    verdict = wait_for(browser, "#upload-verdict")
    assert verdict.text == f"Not checked: {LINE}"
