"""The Ownership section of finance's page in a real browser (Debian's Chromium, headless) against
a real `hub demo` process: the register's share held in Sweden today and its history; a change
of the share held typed wrong is refused next to the form in its words, one before the
acquisition and one in the signed-off 2023 are refused by the hub, nothing is stored; then a
sale of 20 % is recorded and seen in the history and as the share held today. Screenshots at
1280 and 375 px go to tests/web/screenshots/ (and docs/pages/ with HUB_UPDATE_SCREENSHOTS=1)."""

from __future__ import annotations

from typing import Any

import httpx
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.web.browser import keep_screenshot
from tests.web.conftest import DemoHub
from tests.web.test_dashboard import OVERFLOWING, severe_console_messages
from tests.web.test_sign_in_pages import WAIT, WIDTHS, type_and_submit, wait_for, wait_for_path

DEMO_REASON = (
    "Demo (illustrative): Smart Sweden incorporated on 31 Dec 2012, its capital paid in by "
    "SmartCoop, with the founders' start-up costs taken over"
)
SALE = "20 % sold to the founders' cooperative"
CHANGES = (
    '{ acquisitionRegister(entity: ["SE"]) { ownershipChanges { effectiveOn share '
    "consideration considerationCurrency reason recordedBy withdrawn } } }"
)


def _changes(hub: DemoHub) -> list[dict[str, Any]]:
    response = httpx.post(
        f"{hub.url}/graphql",
        json={"query": CHANGES},
        headers={"Authorization": f"Bearer {hub.tokens['finance']}"},
        timeout=60,
    )
    body = response.json()
    assert not body.get("errors"), body
    found: list[dict[str, Any]] = body["data"]["acquisitionRegister"]["ownershipChanges"]
    return found


def _history(driver: webdriver.Chrome) -> list[list[str]]:
    return [
        [cell.text for cell in row.find_elements(By.CSS_SELECTOR, "th, td")]
        for row in driver.find_elements(By.CSS_SELECTOR, "#ownership-history-SE tbody tr")
    ]


def _fill(driver: webdriver.Chrome, **values: str) -> None:
    for name, value in values.items():
        field = driver.find_element(By.ID, f"ownership-{name}")
        field.clear()
        field.send_keys(value)
    driver.find_element(By.CSS_SELECTOR, "#ownership-form button[type=submit]").click()


def _refusal(driver: webdriver.Chrome, previous: str) -> str:
    WebDriverWait(driver, WAIT).until(
        lambda d: (
            (box := d.find_element(By.ID, "ownership-error")).is_displayed()
            and box.text != previous
        )
    )
    return str(driver.find_element(By.ID, "ownership-error").text)


def shoot(driver: webdriver.Chrome) -> None:
    """The section at each width; nothing may stick out sideways."""
    for width in WIDTHS:
        driver.set_window_size(width, 900)
        assert driver.execute_script(OVERFLOWING) == [], f"ownership at {width} px"
        driver.execute_script("document.getElementById('ownership-title').scrollIntoView()")
        keep_screenshot(driver, f"finance-ownership-{width}")
    driver.set_window_size(1280, 900)


def test_finance_records_a_change_of_the_share_held_and_sees_it_in_the_history(
    demo_hub: DemoHub, browser: webdriver.Chrome
) -> None:
    browser.set_window_size(1280, 900)
    browser.get(f"{demo_hub.url}/sign-in?next=%2Ffinance")
    type_and_submit(browser, "finance", demo_hub.passwords["finance"])
    wait_for_path(browser, demo_hub, "/finance")
    wait_for(browser, "body[data-ready]")
    browser.find_element(By.CSS_SELECTOR, 'nav.sections a[href="#ownership-title"]').click()

    # The register: Sweden, wholly held since its incorporation (the demo's entry).
    assert wait_for(browser, "#ownership-share-SE").text == (
        "100 % held by BE today, since 31 Dec 2012."
    )
    [acquisition] = _history(browser)
    assert acquisition[:5] == [
        "31 Dec 2012",
        "100 %",
        "120,000.00 EUR",
        "acquisition by BE, full consolidation; illustrative",
        "finance",
    ]
    assert acquisition[6] == DEMO_REASON
    entity = Select(browser.find_element(By.ID, "ownership-entity"))
    assert [o.text for o in entity.options] == ["SE: Smart Sweden"]
    currency = Select(browser.find_element(By.ID, "ownership-currency"))
    assert [o.text for o in currency.options] == ["EUR", "SEK"]

    # Typed wrong: every problem named by its field, nothing sent.
    _fill(browser, **{"from": "2025-02-30", "share": "120", "consideration": "30k", "reason": " "})
    assert _refusal(browser, "") == (
        "From: write the first day of the new share as YYYY-MM-DD, e.g. 2025-07-01; "
        "Share held (%): a percentage above 0 and at most 100, e.g. 80; "
        "Consideration: an amount, e.g. 25000 (paid) or -25000 (received); "
        "Reason: say why (it is kept with the entry)"
    )

    # Refused by the hub, in the form's words: before the acquisition, and in a signed-off year.
    _fill(browser, **{"from": "2012-06-30", "share": "80", "consideration": "-30000"})
    browser.find_element(By.ID, "ownership-reason").send_keys(SALE)
    browser.find_element(By.CSS_SELECTOR, "#ownership-form button[type=submit]").click()
    before = _refusal(browser, "From: write")
    assert before == (
        "From: 2012-06-30 is not after the acquisition (2012-12-31): correct the acquisition "
        "instead"
    )
    _fill(browser, **{"from": "2023-07-01"})
    locked = _refusal(browser, before)
    assert locked.startswith("the 2023 consolidation is locked (run 1, locked by finance on ")
    assert locked.endswith("): unlock it before changing a change of the share held in SE")
    assert _changes(demo_hub) == []
    assert len(_history(browser)) == 1

    # A sale of 20 % from 1 July 2025: recorded, in the history, the share held today.
    _fill(browser, **{"from": "2025-07-01"})
    notice = wait_for(browser, "#ownership-notice")
    assert notice.text == "SE: 80 % held from 1 Jul 2025, recorded."
    assert not browser.find_element(By.ID, "ownership-error").is_displayed()
    assert browser.find_element(By.ID, "ownership-share-SE").text == (
        "80 % held by BE today, since 1 Jul 2025."
    )
    history = _history(browser)
    assert [row[0] for row in history] == ["31 Dec 2012", "1 Jul 2025"]
    sale = history[1]
    assert sale[:5] == [
        "1 Jul 2025",
        "80 %",
        "\u221230,000.00 EUR",
        "change of the share held",
        "finance",
    ]
    assert sale[6] == SALE
    assert _changes(demo_hub) == [
        {
            "effectiveOn": "2025-07-01",
            "share": "0.8",
            "consideration": "-30000",
            "considerationCurrency": "EUR",
            "reason": SALE,
            "recordedBy": "finance",
            "withdrawn": None,
        }
    ]
    assert browser.find_element(By.ID, "ownership-reason").get_attribute("value") == ""
    shoot(browser)

    # The console's only errors: /auth/me's 401 before signing in.
    messages = severe_console_messages(browser)
    assert all(" 401 " in m for m in messages), messages
