"""The dashboard in a real browser (Debian's Chromium, headless) against a real `hub demo`
process: the published 2024 network table, its charts, another year, a phone's width (turnover,
change and rank in view), the board pack's download, and who sees which drafts. Screenshots are
kept in artifacts/ (and tests/web/screenshots/, docs/pages/ with HUB_UPDATE_SCREENSHOTS=1)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.command import Command
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.board.test_pack import rows_by_name
from tests.web.browser import allow_downloads, downloaded, keep_screenshot
from tests.web.conftest import DemoHub

WAIT = 20  # seconds

# What the 2024 annual report publishes, as the page shows it: turnover in EUR, the change vs
# 2023 (with the page's minus sign, U+2212), rank by turnover.
PUBLISHED_2024 = {
    "BE": ("197,677,870", "+2.02 %", "1"),
    "DE": ("5,985,000", "+30.00 %", "3"),
    "AT": ("1,534,000", "\u22129.76 %", "5"),
    "IT": ("6,686,000", "+1.30 %", "2"),
    "SE": ("2,607,000", "\u221219.42 %", "4"),
}

# Elements wider than the viewport, except inside the boxes that scroll sideways.
OVERFLOWING = """
const limit = document.documentElement.clientWidth;
return [...document.querySelectorAll("body *")]
  .filter((el) => !el.parentElement.closest(".scroll"))
  .filter((el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.right > limit + 1;
  })
  .map((el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : ""));
"""


def sign_in(driver: webdriver.Chrome, hub: DemoHub, token: str) -> None:
    if not driver.current_url.startswith(hub.url):
        driver.get(f"{hub.url}/")
    field = WebDriverWait(driver, WAIT).until(lambda d: d.find_element(By.ID, "token"))
    WebDriverWait(driver, WAIT).until(lambda _: field.is_displayed())
    field.send_keys(token)
    driver.find_element(By.CSS_SELECTOR, "#login-form button[type=submit]").click()


def wait_for_year(driver: webdriver.Chrome, year: str) -> WebElement:
    return WebDriverWait(driver, WAIT).until(
        lambda d: d.find_element(By.CSS_SELECTOR, f'#network-table[data-year="{year}"]')
    )


def cell(driver: webdriver.Chrome, entity: str, column: str) -> WebElement:
    return driver.find_element(
        By.CSS_SELECTOR, f'#network-table tr[data-entity="{entity}"] [data-col="{column}"]'
    )


def figure(driver: webdriver.Chrome, entity: str, column: str) -> str:
    return cell(driver, entity, column).find_element(By.CLASS_NAME, "value").text


def row_order(driver: webdriver.Chrome) -> list[str | None]:
    rows = driver.find_elements(By.CSS_SELECTOR, "#network-table tbody tr")
    return [row.get_attribute("data-entity") for row in rows]


def years_offered(driver: webdriver.Chrome) -> tuple[list[str], str]:
    select = Select(driver.find_element(By.ID, "period"))
    return [option.text for option in select.options], select.first_selected_option.text


def text_content(element: WebElement) -> str:
    return str(element.get_attribute("textContent")).strip()


def save_full_page(driver: webdriver.Chrome, path: Path) -> None:
    """The whole page, not only the viewport: the window grows to the page's height."""
    size = driver.get_window_size()
    height = int(driver.execute_script("return document.documentElement.scrollHeight"))
    driver.set_window_size(size["width"], max(height, size["height"]))
    assert driver.save_screenshot(str(path))
    driver.set_window_size(size["width"], size["height"])


def drawn_width(driver: webdriver.Chrome, chart: str) -> int:
    """The width a chart was drawn for: its viewBox's."""
    view_box = str(driver.find_element(By.CSS_SELECTOR, chart).get_dom_attribute("viewBox"))
    return int(view_box.split()[2])


def severe_console_messages(driver: webdriver.Chrome) -> list[str]:
    """The browser console's errors since the last call."""
    entries: list[dict[str, Any]] = driver.execute(Command.GET_LOG, {"type": "browser"})["value"]
    return [entry["message"] for entry in entries if entry["level"] == "SEVERE"]


# The figures a board member looks for first, and where the table puts them when it does not fit.
BOARD_FIGURES = ("turnover", "change", "rank")

# For each row of the network table, its turnover, change and rank cells that are not wholly in
# view: outside the window's width, or outside the visible part of the table's scrolling box.
CELLS_OUT_OF_VIEW = """
const width = document.documentElement.clientWidth;
const box = document.querySelector("#network .scroll").getBoundingClientRect();
const left = Math.max(0, box.left);
const right = Math.min(width, box.right);
return [...document.querySelectorAll("#network-table tr[data-entity]")].flatMap((row) =>
  arguments[0]
    .map((column) => [column, row.querySelector(`[data-col="${column}"]`).getBoundingClientRect()])
    .filter(([, cell]) => cell.width === 0 || cell.left < left - 0.5 || cell.right > right + 0.5)
    .map(([column, cell]) => `${row.dataset.entity} ${column}: ${cell.left}..${cell.right}`));
"""


def column_order(driver: webdriver.Chrome) -> list[str | None]:
    headings = driver.find_elements(By.CSS_SELECTOR, "#network-table thead th")
    return [th.get_attribute("data-col") for th in headings]


def download_board_pack(driver: webdriver.Chrome) -> str:
    """Clicks the dashboard's board-pack button; the message shown once it is done."""
    note = driver.find_element(By.ID, "board-pack-note")
    driver.find_element(By.ID, "board-pack").click()
    WebDriverWait(driver, WAIT).until(
        lambda _: note.is_displayed() and not note.text.startswith("Preparing")
    )
    return str(note.text)


def api_board_pack(hub: DemoHub, period: str, token: str) -> httpx.Response:
    return httpx.get(
        f"{hub.url}/api/board/{period}/board-pack.xlsx",
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )


def check_2024_board_pack(data: bytes, hub: DemoHub) -> None:
    """An xlsx with the 2024 pack's sheets and figures, the same as the API's."""
    assert data.startswith(b"PK")
    rows = rows_by_name(data)
    assert rows["Smart Italy"][7] == 6686000
    assert rows["Smart Germany"][7:9] == (5985000, 30.0)
    assert rows["Network"][7] == 214489870.04
    from_api = api_board_pack(hub, "2024", hub.tokens["board"])
    assert from_api.status_code == 200
    assert rows_by_name(from_api.content) == rows


def check_2024_table(driver: webdriver.Chrome) -> None:
    assert row_order(driver) == ["BE", "DE", "AT", "IT", "SE"]
    shown = {
        entity: (
            figure(driver, entity, "turnover"),
            figure(driver, entity, "change"),
            figure(driver, entity, "rank"),
        )
        for entity in PUBLISHED_2024
    }
    assert shown == PUBLISHED_2024
    assert [
        figure(driver, "DE", column)
        for column in ("founded", "offices", "staff_fte", "users", "contribution_rate")
    ] == ["2015", "1", "6.7", "302", "9 %"]
    assert cell(driver, "DE", "offices").find_element(By.CLASS_NAME, "offices").text == "Berlin"
    assert figure(driver, "BE", "legal-form") == "CV, erkend als sociale onderneming"
    assert [figure(driver, "SE", c) for c in ("staff_fte", "users", "contribution_rate")] == [
        "3",
        "273",
        "7.33 %",
    ]
    # Sweden keeps SEK: the euro figure is its SEK turnover at the ECB's 2024 average rate.
    sweden = cell(driver, "SE", "turnover").find_element(By.CLASS_NAME, "sub").text
    assert sweden == "SEK 29,804,528 at 11.4325"
    assert [figure(driver, "total", c) for c in ("turnover", "change", "users", "staff_fte")] == [
        "214,489,870",
        "+2.18 %",
        "23,318",
        "256.66",
    ]
    # Every 2024 figure is published: no derived or illustrative mark in the table.
    assert driver.find_elements(By.CSS_SELECTOR, "#network-table .mark") == []


def check_2024_charts(driver: webdriver.Chrome) -> None:
    chart = driver.find_element(By.CSS_SELECTOR, "#bar-chart svg")
    assert chart.get_attribute("role") == "img"
    assert text_content(chart.find_element(By.TAG_NAME, "title")) == (
        "Turnover by country, 2024 (EUR)"
    )
    bars = {
        bar.get_attribute("data-entity"): float(str(bar.get_attribute("width")))
        for bar in chart.find_elements(By.CSS_SELECTOR, "rect.bar")
    }
    assert len(bars) == 5
    assert sorted(bars, key=lambda entity: -bars[entity]) == ["BE", "IT", "DE", "SE", "AT"]
    labels = [text_content(label) for label in chart.find_elements(By.CLASS_NAME, "bar-label")]
    assert labels == ["Belgium", "Germany", "Austria", "Italy", "Sweden"]
    values = [text_content(value) for value in chart.find_elements(By.CLASS_NAME, "bar-value")]
    assert values == ["197,677,870", "5,985,000", "1,534,000", "6,686,000", "2,607,000"]
    assert "Turnover 2024 (EUR)" in [
        text_content(title) for title in chart.find_elements(By.CLASS_NAME, "axis-title")
    ]

    trend = driver.find_element(By.CSS_SELECTOR, "#trend-chart svg")
    assert trend.get_attribute("role") == "img"
    assert len(trend.find_elements(By.CSS_SELECTOR, "g.series path.line")) == 5
    assert {text_content(t) for t in trend.find_elements(By.CLASS_NAME, "axis-title")} == {
        "Year",
        "Turnover (EUR), log scale",
    }
    # The charts' table alternatives hold the same figures.
    header = driver.find_elements(By.CSS_SELECTOR, "#trend-table thead th")
    assert [text_content(th) for th in header] == ["Country", "2023", "2024"]
    germany = driver.find_elements(By.CSS_SELECTOR, '#trend-table tr[data-entity="DE"] td')
    assert [text_content(td) for td in germany] == ["4,603,846\u2020 (derived)", "5,985,000"]
    sweden = driver.find_elements(By.CSS_SELECTOR, '#bar-table tr[data-entity="SE"] td')
    assert [text_content(td) for td in sweden] == ["2,607,000"]


def check_monitoring(driver: webdriver.Chrome) -> None:
    statuses = {
        row.get_attribute("data-entity"): text_content(
            row.find_element(By.CSS_SELECTOR, "[data-col=status] .badge")
        )
        for row in driver.find_elements(By.CSS_SELECTOR, "#break-even-table tbody tr")
    }
    assert statuses == {"DE": "on track", "AT": "off track", "IT": "on track", "SE": "off track"}
    assert len(driver.find_elements(By.CSS_SELECTOR, "#break-even-table .illustrative")) == 4
    programmes = driver.find_elements(By.CSS_SELECTOR, "#programmes-body .programme")
    assert [text_content(p.find_element(By.TAG_NAME, "h3")) for p in programmes] == [
        "Investment plan 2021-2023 includes illustrative figures",
        "Budget 2024: automation and digitalisation includes illustrative figures",
    ]
    progress = programmes[0].find_element(By.CLASS_NAME, "progress")
    assert progress.get_attribute("role") == "img"
    assert str(progress.get_attribute("aria-label")).startswith(
        "Disbursed 3,210,000 of a budget of 3,300,000 EUR (97 %)"
    )


def test_the_board_sees_the_published_network_on_a_desktop_and_a_phone(
    browser: webdriver.Chrome, demo_hub: DemoHub, artifacts: Path, tmp_path: Path
) -> None:
    browser.get(f"{demo_hub.url}/")
    assert not browser.find_element(By.ID, "dashboard").is_displayed()
    assert not browser.find_element(By.ID, "session").is_displayed()

    sign_in(browser, demo_hub, "hub_not-a-token")
    error = browser.find_element(By.ID, "login-error")
    WebDriverWait(browser, WAIT).until(lambda _: error.is_displayed())
    assert error.text == (
        "The hub refused this token (HTTP 401: unknown token: check that it was copied whole, "
        "or ask an admin for one)."
    )
    assert not browser.find_element(By.ID, "dashboard").is_displayed()
    # The browser reports the 401s itself: the page asking /auth/me whether a session is there
    # (none: the token form stays), then the unknown token.
    probe, refused = severe_console_messages(browser)
    assert "/auth/me" in probe
    assert "401" in probe
    assert "/graphql" in refused
    assert "401" in refused

    sign_in(browser, demo_hub, demo_hub.tokens["board"])
    wait_for_year(browser, "2024")
    assert not error.is_displayed()
    assert browser.find_element(By.ID, "who").text == "board (board)"
    assert years_offered(browser) == (["2024", "2023"], "2024")
    check_2024_table(browser)
    check_2024_charts(browser)
    check_monitoring(browser)
    save_full_page(browser, artifacts / "dashboard-2024.png")

    Select(browser.find_element(By.ID, "period")).select_by_value("2023")
    wait_for_year(browser, "2023")
    assert figure(browser, "BE", "turnover") == "193,766,363"
    # Germany's 2023 turnover is derived from the published change, and marked so.
    assert figure(browser, "DE", "turnover") == "4,603,846"
    assert cell(browser, "DE", "turnover").find_elements(By.CSS_SELECTOR, ".mark.derived")
    assert figure(browser, "BE", "change") == "\u2014"  # no 2022 turnover to compare with
    header = browser.find_element(By.CSS_SELECTOR, '#network-table thead [data-col="change"]')
    assert header.text == "Change vs 2022"
    bar_title = browser.find_element(By.CSS_SELECTOR, "#bar-chart svg title")
    assert text_content(bar_title) == "Turnover by country, 2023 (EUR)"
    save_full_page(browser, artifacts / "dashboard-2023.png")

    Select(browser.find_element(By.ID, "period")).select_by_value("2024")
    wait_for_year(browser, "2024")
    browser.set_window_size(1280, 800)
    browser.execute_script("document.activeElement.blur()")
    keep_screenshot(browser, "dashboard-1280")
    assert column_order(browser)[-3:] == list(BOARD_FIGURES)  # the annual report's order

    browser.set_window_size(375, 800)
    # The charts are redrawn for the narrower box.
    WebDriverWait(browser, WAIT).until(lambda d: drawn_width(d, "#bar-chart svg") < 375)
    assert browser.execute_script("return window.innerWidth") == 375
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 375
    assert browser.execute_script(OVERFLOWING) == []
    # Turnover, change and rank come right after the entity, every row's in view; the other
    # columns follow in the table's own box, which scrolls sideways.
    WebDriverWait(browser, WAIT).until(lambda d: column_order(d)[1:4] == list(BOARD_FIGURES))
    assert column_order(browser) == [
        "entity",
        *BOARD_FIGURES,
        "legal-form",
        "founded",
        "offices",
        "staff_fte",
        "users",
        "contribution_rate",
    ]
    assert browser.execute_script(CELLS_OUT_OF_VIEW, list(BOARD_FIGURES)) == []
    check_2024_table(browser)
    table_box = browser.find_element(By.CSS_SELECTOR, "#network .scroll")
    assert browser.execute_script(
        "return arguments[0].scrollWidth > arguments[0].clientWidth", table_box
    )
    assert browser.find_element(By.CSS_SELECTOR, "#network .scroll-hint").is_displayed()
    for chart in ("#bar-chart svg", "#trend-chart svg"):
        box = browser.find_element(By.CSS_SELECTOR, chart).rect
        assert box["x"] >= 0, (chart, box)
        assert box["x"] + box["width"] <= 375, (chart, box)
    browser.execute_script("document.getElementById('network').scrollIntoView()")
    keep_screenshot(browser, "dashboard-375")
    browser.execute_script("window.scrollTo(0, 0)")

    # The board pack of the year shown, downloaded by the browser with the page's token: the
    # API's workbook.
    folder = allow_downloads(browser, tmp_path / "downloads")
    assert download_board_pack(browser) == "Downloaded board-pack-2024.xlsx."
    check_2024_board_pack(downloaded(folder, "board-pack-2024.xlsx"), demo_hub)
    save_full_page(browser, artifacts / "dashboard-phone.png")

    assert severe_console_messages(browser) == []


SAVE_KPIS = """
mutation Save($input: KpiReportInput!) {
  saveKpiValues(input: $input) {
    __typename
    ... on ReportSaved { submission { version } }
    ... on ReportRejected { errors { field message } }
  }
}"""


def save_german_draft(hub: DemoHub) -> None:
    """Germany's team saves (and does not submit) its 2025 KPI report."""
    values = [
        {"kpi": "turnover", "amount": "7000000", "currency": "EUR"},
        {"kpi": "users", "amount": "350"},
        {"kpi": "staff_fte", "amount": "7.5"},
        {"kpi": "offices", "amount": "1"},
        {"kpi": "contribution_rate", "amount": "9"},
    ]
    response = httpx.post(
        f"{hub.url}/graphql",
        json={
            "query": SAVE_KPIS,
            "variables": {"input": {"entity": "DE", "period": "2025", "values": values}},
        },
        headers={"Authorization": f"Bearer {hub.tokens['national-de']}"},
        timeout=30,
    )
    saved = response.json()["data"]["saveKpiValues"]
    assert saved == {"__typename": "ReportSaved", "submission": {"version": 1}}, saved


def test_a_national_team_sees_its_own_draft_and_the_board_does_not(
    browser: webdriver.Chrome, demo_hub: DemoHub, artifacts: Path, tmp_path: Path
) -> None:
    save_german_draft(demo_hub)

    sign_in(browser, demo_hub, demo_hub.tokens["national-de"])
    wait_for_year(browser, "2025")
    assert years_offered(browser) == (["2025", "2024", "2023"], "2025")
    assert figure(browser, "DE", "turnover") == "7,000,000"
    assert figure(browser, "DE", "change") == "+16.96 %"  # 7,000,000 / 5,985,000 - 1
    assert cell(browser, "DE", "entity").find_element(By.CLASS_NAME, "draft").text == "draft"
    assert figure(browser, "BE", "turnover") == "\u2014"  # nobody else has reported 2025
    # The 2025 total is Germany's alone: no change against the whole network's 2024 total.
    assert cell(browser, "total", "entity").text == "Network total\n1 of 5 entities"
    assert figure(browser, "total", "turnover") == "7,000,000"
    assert cell(browser, "total", "change").text == (
        "\u2014\nnot comparable: other entities reported in 2024"
    )
    assert "national team of DE" in browser.find_element(By.ID, "audience").text
    save_full_page(browser, artifacts / "dashboard-national-de-2025.png")

    # 2025 has no published figure: no board pack, and the hub's reason is shown.
    folder = allow_downloads(browser, tmp_path / "downloads")
    refusal = api_board_pack(demo_hub, "2025", demo_hub.tokens["national-de"])
    assert refusal.status_code == 400
    reason = refusal.json()["detail"]
    assert reason.startswith("period 2025: no figure is published for 2025; years with some: ")
    assert download_board_pack(browser) == f"The 2025 board pack could not be made: {reason}"
    note = browser.find_element(By.ID, "board-pack-note")
    assert "error" in str(note.get_attribute("class"))
    assert list(folder.iterdir()) == []
    # The console: /auth/me's 401 when the page first opened (no session: the token form), and
    # the refused board pack.
    probe, refused = severe_console_messages(browser)
    assert "/auth/me" in probe
    assert "401" in probe
    assert "/api/board/2025/board-pack.xlsx" in refused
    assert "400" in refused
    # Another year shown: the message goes.
    Select(browser.find_element(By.ID, "period")).select_by_value("2024")
    wait_for_year(browser, "2024")
    assert not note.is_displayed()
    Select(browser.find_element(By.ID, "period")).select_by_value("2025")
    wait_for_year(browser, "2025")

    browser.refresh()  # the token is kept for the tab
    wait_for_year(browser, "2025")
    browser.find_element(By.ID, "logout").click()
    assert browser.find_element(By.ID, "token").is_displayed()
    assert not browser.find_element(By.ID, "dashboard").is_displayed()
    assert not browser.find_element(By.ID, "session").is_displayed()
    assert browser.execute_script("return sessionStorage.length") == 0

    sign_in(browser, demo_hub, demo_hub.tokens["board"])
    wait_for_year(browser, "2024")
    assert years_offered(browser) == (["2024", "2023"], "2024")
    assert figure(browser, "DE", "turnover") == "5,985,000"
    assert browser.find_elements(By.CSS_SELECTOR, "#network-table .draft") == []
    assert severe_console_messages(browser) == []
