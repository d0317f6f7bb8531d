"""Refusals in a real browser (Debian's Chromium, headless) against a real `hub demo` process, as
the person on the page meets them: a session left idle past `[sessions] idle_minutes` sends the
person from the page they are on to /sign-in with the reason, and back to the same page after
signing in again; a forged CSRF token (the `csrftoken` cookie replaced) is refused in place on
/team and on /finance, nothing changes, and reloading the page (as the message says) is enough
to try again."""

from __future__ import annotations

import shutil
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from hub.web.sessions import CSRF_REFUSED
from tests.web.conftest import REPO, DemoHub, running_demo
from tests.web.test_dashboard import severe_console_messages
from tests.web.test_sign_in_pages import WAIT, type_and_submit, wait_for, wait_for_path

IDLE_SECONDS = 6
EXPIRED = "your session has expired: sign in again"
# Well formed (a 64-digit secret and a 64-digit hash), but not signed with the hub's secret.
FORGED = "0" * 64 + "f" * 64


@pytest.fixture
def quick_demo_hub(database_url: str, tmp_path: Path) -> Iterator[DemoHub]:
    """`hub demo` whose sessions expire after IDLE_SECONDS without a request."""
    config = tmp_path / "config"
    shutil.copytree(REPO / "config", config)
    auth = config / "auth.toml"
    text = auth.read_text().replace("idle_minutes = 30", f"idle_minutes = {IDLE_SECONDS / 60}")
    assert f"idle_minutes = {IDLE_SECONDS / 60}" in text
    auth.write_text(text)
    with running_demo(database_url, tmp_path, HUB_CONFIG_DIR=str(config)) as hub:
        yield hub


def _gql(hub: DemoHub, user: str, query: str) -> dict[str, Any]:
    response = httpx.post(
        f"{hub.url}/graphql",
        json={"query": query},
        headers={"Authorization": f"Bearer {hub.tokens[user]}"},
        timeout=60,
    )
    body = response.json()
    assert not body.get("errors"), body
    data: dict[str, Any] = body["data"]
    return data


def _sweden_q1(hub: DemoHub) -> dict[str, Any]:
    """Sweden's 2025-Q1 statements (the demo imported them from its SIE export: a draft)."""
    data = _gql(
        hub,
        "finance",
        '{ reports(entity: ["SE"], period: ["2025-Q1"], dataset: [STATEMENTS]) '
        "{ status latestVersion events { action actor } } }",
    )
    [report] = data["reports"]
    return dict(report)


def _forge_csrf(driver: webdriver.Chrome) -> None:
    driver.add_cookie({"name": "csrftoken", "value": FORGED, "path": "/"})
    assert driver.execute_script("return document.cookie").count(FORGED) == 1


def test_an_idle_session_expires_and_the_page_sends_the_person_to_sign_in_and_back(
    quick_demo_hub: DemoHub, browser: webdriver.Chrome
) -> None:
    hub = quick_demo_hub
    browser.set_window_size(1280, 900)
    browser.get(f"{hub.url}/team")
    wait_for_path(browser, hub, "/sign-in?next=%2Fteam")
    assert not browser.find_element(By.ID, "sign-in-reason").is_displayed()
    type_and_submit(browser, "national-se", hub.passwords["national-se"])
    wait_for_path(browser, hub, "/team")
    row = wait_for(browser, '#due tr[data-period="2025-Q1"]')

    # The person reads the page longer than the idle time, then chooses a period.
    time.sleep(IDLE_SECONDS + 2)
    row.find_element(By.CSS_SELECTOR, "button").click()
    WebDriverWait(browser, WAIT).until(lambda d: "/sign-in?" in d.current_url)
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(browser.current_url).query)
    assert query == {"next": ["/team?period=2025-Q1"], "reason": [EXPIRED]}
    reason = wait_for(browser, "#sign-in-reason")
    assert reason.text == EXPIRED
    me = browser.execute_script(
        "return fetch('/auth/me').then(async r => [r.status, (await r.json()).detail])"
    )
    assert me == [401, "you are not signed in"]  # the dead session's cookie was cleared

    # Signing in again brings the person back to the period they chose.
    type_and_submit(browser, "national-se", hub.passwords["national-se"])
    wait_for_path(browser, hub, "/team?period=2025-Q1")
    WebDriverWait(browser, WAIT).until(
        lambda d: "2025-Q1" in d.find_element(By.ID, "workbook-title").text
    )
    assert wait_for(browser, "#report-statements")


def test_a_forged_csrf_token_is_refused_in_place_and_nothing_changes(
    demo_hub: DemoHub, browser: webdriver.Chrome
) -> None:
    assert _sweden_q1(demo_hub)["status"] == "DRAFT"
    browser.set_window_size(1280, 900)

    # Sweden's team submits its 2025-Q1 statements with a forged token: refused in place.
    browser.get(f"{demo_hub.url}/sign-in?next=%2Fteam%3Fperiod%3D2025-Q1")
    type_and_submit(browser, "national-se", demo_hub.passwords["national-se"])
    wait_for_path(browser, demo_hub, "/team?period=2025-Q1")
    wait_for(browser, "#comment-statements-0").send_keys("BE's loan, named in the next upload")
    _forge_csrf(browser)
    submit = 'form.submit-form[data-dataset="STATEMENTS"] button[type="submit"]'
    browser.find_element(By.CSS_SELECTOR, submit).click()
    refused = wait_for(browser, "#report-statements [role=alert]")
    assert refused.text == CSRF_REFUSED
    assert refused.text == (
        "this page's security token (CSRF) is missing or wrong: reload the page and try again"
    )
    assert browser.current_url == f"{demo_hub.url}/team?period=2025-Q1"
    report = _sweden_q1(demo_hub)
    assert report["status"] == "DRAFT"
    assert [e["action"] for e in report["events"]] == ["save"]

    # As the message says: the reloaded page has a good token again, and the submission goes.
    browser.refresh()
    assert FORGED not in browser.execute_script("return document.cookie")
    wait_for(browser, "#comment-statements-0").send_keys("BE's loan, named in the next upload")
    browser.find_element(By.CSS_SELECTOR, submit).click()
    WebDriverWait(browser, WAIT).until(
        lambda d: "is with finance for review" in d.find_element(By.ID, "report-statements").text
    )
    report = _sweden_q1(demo_hub)
    assert report["status"] == "SUBMITTED"
    assert report["events"][-1] == {"action": "submit", "actor": "national-se"}

    # Finance approves it with a forged token: refused in place, the report still waits.
    browser.delete_all_cookies()
    browser.get(f"{demo_hub.url}/sign-in?next=%2Ffinance")
    type_and_submit(browser, "finance", demo_hub.passwords["finance"])
    wait_for_path(browser, demo_hub, "/finance")
    wait_for(browser, "body[data-ready]")
    wait_for(browser, '#waiting button[data-entity="SE"][data-period="2025-Q1"]').click()
    approve = wait_for(browser, '#report-actions button[value="APPROVE"]')
    _forge_csrf(browser)
    approve.click()
    assert wait_for(browser, "#report-error").text == CSRF_REFUSED
    assert not browser.find_element(By.ID, "report-notice").is_displayed()
    report = _sweden_q1(demo_hub)
    assert report["status"] == "SUBMITTED"
    assert report["events"][-1] == {"action": "submit", "actor": "national-se"}

    # The console's only errors: /auth/me's 401 before signing in, the two refusals' 403.
    messages = severe_console_messages(browser)
    assert all(" 401 " in m or " 403 " in m for m in messages), messages
