"""Finance's page in a real browser (Debian's Chromium, headless) against a real `hub demo`
process. Before finance signs in, Sweden's team corrects its 2024 trial balance with two accounts
BAS leaves out of the statements, and submits it (over the API, as a script would). Finance then
signs in with the keyboard, sees the status grid with Austria *not started* for the current year,
approves Sweden's report, maps the two accounts in one step, runs the 2024 consolidation, drills a
figure down to Sweden's accounts and signs the year off; then imports the ECB's zip and is refused
an override of a rate the signed-off year used. Screenshots at 1280 and 375 px go to
tests/web/screenshots/ (and docs/pages/ with HUB_UPDATE_SCREENSHOTS=1)."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any

import httpx
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from hub.demo.ledgers import trial_balance
from hub.fx.demo import excerpt
from hub.services import load_network
from hub.settings import Settings
from tests.web.browser import keep_screenshot
from tests.web.conftest import DemoHub
from tests.web.test_dashboard import OVERFLOWING, severe_console_messages
from tests.web.test_sign_in_pages import (
    WAIT,
    WIDTHS,
    type_and_submit,
    wait_for,
    wait_for_path,
)

LINE = "BS.A.CA.VII.A"  # A. Trade receivables
REASON = "a statistical pair booked by mistake, nets to zero"


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


def sweden_submits_a_trial_balance_with_unmapped_accounts(hub: DemoHub, settings: Settings) -> None:
    """SE 2024 statements version 2: the demo's trial balance plus 120 SEK on a statistical
    account of class 0 against class 9, both outside the statements in BAS."""
    _gql(
        hub,
        "finance",
        'mutation { transitionReport(input: {entity: "SE", period: "2024", dataset: STATEMENTS,'
        ' action: REOPEN, reason: "Sweden corrects its trial balance"}) { status } }',
    )
    network = load_network(settings)
    chart = network.countries["SE"].profile.chart_of_accounts
    lines = [
        {
            "account": line.account,
            "amount": str(line.amount),
            "currency": line.currency,
            "label": line.label,
            "partner": line.partner,
        }
        for line in trial_balance("SE", "2024", "SEK", chart, network.group_chart)
    ]
    lines += [
        {"account": "0351", "amount": "120", "currency": "SEK", "label": "Statistik"},
        {"account": "9999", "amount": "-120", "currency": "SEK", "label": "Motkonto"},
    ]
    saved = _gql(
        hub,
        "national-se",
        """mutation($input: StatementsInput!) { saveStatements(input: $input) {
             __typename ... on ReportSaved { submission { version } } } }""",
        input={
            "entity": "SE",
            "period": "2024",
            "trialBalance": lines,
            "options": {"baseVersion": 1, "comment": "statistical pair"},
        },
    )
    assert saved["saveStatements"] == {"__typename": "ReportSaved", "submission": {"version": 2}}
    _gql(
        hub,
        "national-se",
        'mutation { transitionReport(input: {entity: "SE", period: "2024", dataset: STATEMENTS,'
        ' action: SUBMIT, reason: "the statistical pair nets to zero"}) { status } }',
    )


def shoot(driver: webdriver.Chrome) -> None:
    """At 1280 px the top of the page (grid and report) on a tall window, at 375 px the
    consolidation's drill-down; nothing may stick out sideways at either width."""
    for width in WIDTHS:
        driver.set_window_size(width, 1500 if width == max(WIDTHS) else 900)
        assert driver.execute_script(OVERFLOWING) == [], f"finance at {width} px"
        if width == max(WIDTHS):
            driver.execute_script("window.scrollTo(0, 0)")
        else:
            driver.execute_script("document.getElementById('drill-title').scrollIntoView()")
        keep_screenshot(driver, f"finance-{width}")
    driver.set_window_size(1280, 900)


def until_text(driver: webdriver.Chrome, element_id: str, text: str) -> str:
    WebDriverWait(driver, WAIT).until(lambda d: text in d.find_element(By.ID, element_id).text)
    return str(driver.find_element(By.ID, element_id).text)


def cells(driver: webdriver.Chrome, css: str) -> list[list[str]]:
    return [
        [cell.text for cell in row.find_elements(By.CSS_SELECTOR, "th, td")]
        for row in driver.find_elements(By.CSS_SELECTOR, css)
    ]


def test_finance_approves_maps_consolidates_and_signs_off(
    demo_hub: DemoHub, browser: webdriver.Chrome, settings: Settings, tmp_path: Path
) -> None:
    sweden_submits_a_trial_balance_with_unmapped_accounts(demo_hub, settings)
    browser.set_window_size(1280, 900)
    browser.get(f"{demo_hub.url}/finance")
    wait_for_path(browser, demo_hub, "/sign-in?next=%2Ffinance")
    type_and_submit(browser, "finance", demo_hub.passwords["finance"])
    wait_for_path(browser, demo_hub, "/finance")
    wait_for(browser, "body[data-ready]")
    assert wait_for(browser, "#signed-in-as").text == "finance (finance)"

    # The grid: Austria has not started the current year; every section has its heading.
    year = str(dt.date.today().year)
    austria = wait_for(
        browser, f'#status-grid button[data-entity="AT"][data-period="{year}"][data-dataset]'
    )
    assert austria.get_attribute("data-state") == "NOT_STARTED"
    assert austria.text.startswith("not started\ndue ")
    headings = [
        e.get_attribute("textContent")
        for e in browser.find_elements(By.CSS_SELECTOR, "section > h2")
    ]
    assert headings == [
        "Who has reported what",
        "Report",
        "Nodes",
        "Exchange rates",
        "Consolidation",
        "Mappings",
        "Ownership",
    ]

    # Sweden's corrected report waits for approval: its versions, then approve.
    wait_for(browser, '#waiting button[data-entity="SE"][data-period="2024"]').click()
    assert until_text(browser, "report-title", "SE financial statements 2024")
    WebDriverWait(browser, WAIT).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, '#report-versions tr[data-version="2"]')
    )
    version = cells(browser, '#report-versions tr[data-version="2"]')[0]
    assert version[:2] == ["2", "national-se"]
    assert version[4] == "statistical pair"
    assert browser.switch_to.active_element.get_attribute("id") == "report-title"
    wait_for(browser, '#report-actions button[value="APPROVE"]').click()
    until_text(browser, "report-notice", "SE financial statements 2024 is approved.")
    assert wait_for(browser, '#report-actions button[value="LOCK"]').is_displayed()
    reports = _gql(
        demo_hub,
        "finance",
        '{ reports(entity: ["SE"], period: ["2024"], dataset: [STATEMENTS]) '
        "{ status approvedVersion } }",
    )
    assert reports["reports"] == [{"status": "APPROVED", "approvedVersion": 2}]

    # The 2024 consolidation is blocked by the two accounts, named.
    period = browser.find_element(By.ID, "consolidation-period")
    period.clear()
    period.send_keys("2024")
    browser.find_element(By.CSS_SELECTOR, '#consolidation-form button[value="view"]').click()
    blocked = until_text(browser, "consolidation-error", "0351")
    assert blocked == (
        "SE: accounts with a balance are not mapped to the group chart: 0351 (120), 9999 (-120)"
    )

    # Mappings: both accounts listed with their names and mapped in one step.
    Select(browser.find_element(By.ID, "mappings-entity")).select_by_value("SE")
    field = browser.find_element(By.ID, "mappings-period")
    field.clear()
    field.send_keys("2024")
    browser.find_element(By.CSS_SELECTOR, "#mappings-form button[type=submit]").click()
    wait_for(browser, '#unmapped tr[data-account="9999"]')
    assert [row[1:4] for row in cells(browser, "#unmapped tbody tr")] == [
        ["0351", "Statistik", "120.00"],
        ["9999", "Motkonto", "\u2212120.00"],
    ]
    Select(browser.find_element(By.ID, "map-line")).select_by_value(LINE)
    browser.find_element(By.ID, "map-reason").send_keys(REASON)
    browser.find_element(By.CSS_SELECTOR, "#map-form button[type=submit]").click()
    notice = until_text(browser, "map-notice", "mapped to")
    assert notice == f"0351, 9999 of SE mapped to A. Trade receivables ({LINE}) from 2024."
    assert wait_for(browser, "#unmapped-none").text == (
        "Every account of version 2 with a balance is mapped."
    )
    unmapped = _gql(
        demo_hub,
        "finance",
        '{ unmappedAccounts(entity: "SE", period: "2024") { accounts { account } } }',
    )
    assert unmapped["unmappedAccounts"]["accounts"] == []

    # Run, drill the line down to Sweden's two accounts of version 2, sign off.
    browser.find_element(By.CSS_SELECTOR, '#consolidation-form button[value="run"]').click()
    until_text(browser, "consolidation-notice", "of 2024 is stored.")
    assert not browser.find_element(By.ID, "consolidation-error").is_displayed()
    assert "Open: not signed off." in browser.find_element(By.ID, "consolidation-state").text
    wait_for(browser, f'#consolidation-lines button[data-line="{LINE}"]').click()
    wait_for(browser, '#drill-table tr[data-account="0351"]')
    swedish = [
        row
        for row in cells(browser, '#drill-table tr[data-entity="SE"]')
        if row[1] in ("0351", "9999")
    ]
    assert swedish == [
        ["SE", "0351", "Statistik", "", "120.00 SEK", "11.459", "10.47", "2"],
        ["SE", "9999", "Motkonto", "", "\u2212120.00 SEK", "11.459", "\u221210.47", "2"],
    ]
    assert browser.switch_to.active_element.get_attribute("id") == "drill-title"
    shoot(browser)

    browser.find_element(By.ID, "lock-button").click()
    until_text(browser, "consolidation-notice", "2024 is signed off.")
    assert browser.find_element(By.ID, "consolidation-state").text.startswith(
        "Signed off by finance on "
    )
    assert browser.find_element(By.ID, "lock-button").text == "Reopen"
    locks = _gql(demo_hub, "finance", '{ consolidationLocks(period: "2024") { locked actor } }')
    assert locks["consolidationLocks"][-1] == {"locked": True, "actor": "finance"}

    # Rates: the ECB's zip imports (the demo has its rates already); overriding a rate the
    # signed-off year used is refused in place.
    archive = tmp_path / "eurofxref-hist.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as packed:
        packed.writestr("eurofxref-hist.csv", excerpt())
    browser.find_element(By.ID, "ecb-file").send_keys(str(archive))
    browser.find_element(By.CSS_SELECTOR, "#ecb-form button[type=submit]").click()
    imported = until_text(browser, "ecb-result", "unchanged")
    assert imported == (
        "eurofxref-hist.zip: Imported 568 days (2012-12-03 to 2025-01-24) of 34 currencies: "
        "17,118 daily rates, 0 new; 3,406 closing, average and opening rates, 0 added, "
        "3,406 unchanged."
    )
    browser.find_element(By.ID, "rates-period").send_keys("2024")
    browser.find_element(By.CSS_SELECTOR, "#rates-form button[type=submit]").click()
    sek = wait_for(browser, '#rates-table tr[data-currency="SEK"][data-type="CLOSING"]')
    assert [cell.text for cell in sek.find_elements(By.CSS_SELECTOR, "th, td")][:3] == [
        "SEK",
        "closing",
        "11.459",
    ]
    sek.find_element(By.CSS_SELECTOR, "button").click()
    assert browser.switch_to.active_element.get_attribute("id") == "override-rate"
    browser.switch_to.active_element.send_keys("11.5")
    browser.find_element(By.ID, "override-reason").send_keys("a typo in the ECB file")
    browser.find_element(By.CSS_SELECTOR, "#override-form button[type=submit]").click()
    refused = until_text(browser, "override-error", "2024")
    assert refused.startswith("the 2024 consolidation is locked (run ")
    assert ", locked by finance on " in refused
    assert refused.endswith("): unlock it before overriding the closing rate for SEK in 2024")

    # The console's only errors: /auth/me's 401 before signing in, the blocked consolidation.
    messages = severe_console_messages(browser)
    assert all(" 401 " in m for m in messages), messages
