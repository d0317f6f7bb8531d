"""The national team's page in a real browser (Debian's Chromium, headless) against a real
`hub demo` process, as Sweden's team works: it signs in, sees 2025 due, downloads the workbook,
uploads it with an error and sees the cell, fixes it with openpyxl and drops it on the page,
comments the warning and submits; another company's SIE export sent from the page is refused
with its lines named. Screenshots at 1280 and 375 px go to tests/web/screenshots/ and
docs/pages/ with HUB_UPDATE_SCREENSHOTS=1."""

from __future__ import annotations

import base64
import io
import time
from pathlib import Path

from openpyxl import load_workbook
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from hub.excel.layout import KPIS
from tests.excel.workbooks import row_of
from tests.web.browser import keep_screenshot
from tests.web.conftest import REPO, DemoHub
from tests.web.test_dashboard import OVERFLOWING, severe_console_messages
from tests.web.test_sign_in_pages import (
    WAIT,
    WIDTHS,
    type_and_submit,
    wait_for,
    wait_for_path,
)

# Sweden's 2025 KPIs (SEK): users more than double 2024's 273, a warning that needs a comment.
KPIS_2025: dict[str, object] = {
    "turnover": 30_500_000,
    "users": 600,
    "staff_fte": 3,
    "offices": 1,
    "contribution_rate": 7.33,
}

OTHER_COMPANY = REPO / "tests" / "data" / "imports" / "se-sie" / "BL0001_typ4.SE"

DROP = """
const [name, content] = arguments;
const bytes = Uint8Array.from(atob(content), (c) => c.charCodeAt(0));
const file = new File([bytes], name, {
  type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
});
const transfer = new DataTransfer();
transfer.items.add(file);
const zone = document.getElementById("drop-zone");
for (const type of ["dragenter", "dragover", "drop"]) {
  const event = { dataTransfer: transfer, bubbles: true, cancelable: true };
  zone.dispatchEvent(new DragEvent(type, event));
}
"""


def _downloaded(folder: Path, name: str) -> bytes:
    target = folder / name
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if target.is_file() and not list(folder.glob("*.crdownload")):
            return target.read_bytes()
        time.sleep(0.2)
    raise AssertionError(f"{name} was not downloaded: {list(folder.iterdir())}")


def _fill(data: bytes, values: dict[str, object]) -> tuple[bytes, dict[str, int]]:
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook[KPIS.title]
    rows = {code: row_of(workbook, KPIS.title, code) for code in values}
    for code, value in values.items():
        sheet.cell(row=rows[code], column=KPIS.column("amount")).value = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), rows


def _cells(driver: webdriver.Chrome, css: str) -> list[list[str]]:
    return [
        [cell.text for cell in row.find_elements(By.CSS_SELECTOR, "td")]
        for row in driver.find_elements(By.CSS_SELECTOR, css)
    ]


def test_sweden_reports_2025_through_its_page(
    demo_hub: DemoHub, browser: webdriver.Chrome, tmp_path: Path
) -> None:
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    browser.execute_cdp_cmd(
        "Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    browser.set_window_size(1280, 900)
    browser.get(f"{demo_hub.url}/team")
    wait_for_path(browser, demo_hub, "/sign-in?next=%2Fteam")
    type_and_submit(browser, "national-se", demo_hub.passwords["national-se"])
    wait_for_path(browser, demo_hub, "/team")

    # 2025 is due: its year ended, its deadline passed (today's date decides: it is overdue).
    row = wait_for(browser, '#due tr[data-period="2025"]')
    kpi, statements = (cell.text for cell in row.find_elements(By.CSS_SELECTOR, "td")[:2])
    assert kpi.splitlines()[:2] == ["overdue", "due 30 Apr 2026"]
    assert statements.splitlines()[:2] == ["overdue", "due 30 Apr 2026"]
    assert wait_for(browser, "#team-title").text == "Our reports: Smart Sweden"

    row.find_element(By.CSS_SELECTOR, "button").click()
    link = wait_for(browser, "#download")
    assert link.get_attribute("href") == f"{demo_hub.url}/api/reports/SE/2025/workbook"
    link.click()
    template = _downloaded(downloads, "SE-2025-report.xlsx")
    meta = load_workbook(io.BytesIO(template))["_hub"]
    assert (meta["B2"].value, meta["B3"].value) == ("SE", "2025")

    # A figure typed as text: refused, the cell named, nothing saved.
    wrong, rows = _fill(template, {**KPIS_2025, "users": "600 people"})
    first = tmp_path / "SE-2025.xlsx"
    first.write_bytes(wrong)
    browser.find_element(By.ID, "upload-file").send_keys(str(first))
    browser.find_element(By.ID, "upload-button").click()
    verdict = wait_for(browser, "#upload-verdict")
    assert verdict.text == "Nothing was saved: 1 error to fix in the workbook."
    users = f"E{rows['users']}"
    assert _cells(browser, "#upload-errors tbody tr") == [
        [f"KPIs {users}", "text '600 people' where a number is expected"]
    ]
    assert "values[" not in browser.find_element(By.ID, "upload-result").text
    assert "No version yet" in wait_for(browser, "#report-kpi").text

    # Fixed in the workbook, and dropped on the page.
    fixed, _ = _fill(template, KPIS_2025)
    browser.execute_script(DROP, "SE-2025.xlsx", base64.b64encode(fixed).decode())
    until_text(browser, "#upload-verdict", "Checked and saved.")
    assert wait_for(browser, "#upload-verdict").text == (
        "Checked and saved. KPI report: version 1 saved."
    )
    note = f"G{rows['users']}"
    warning = (
        "users changed by +119.8 % against the previous period (273 -> 600); more than 50 % "
        "needs a comment"
    )
    assert _cells(browser, "#upload-warnings tbody tr") == [
        [
            f"KPIs {users}",
            warning,
            f"Needs a comment: write why in the Note column (cell {note} of the KPIs sheet) "
            "and upload again, or comment it when you submit",
        ]
    ]
    box = wait_for(browser, "#comment-kpi-0")
    label = browser.find_element(By.CSS_SELECTOR, 'label[for="comment-kpi-0"]')
    assert label.text == f"Comment on KPIs {users}: {warning}"
    assert "version 1 saved by national-se" in wait_for(
        browser, '#due tr[data-period="2025"] td'
    ).text.replace("\n", " ")
    shoot(browser, "team")

    # The checked workbook, one click away: the warning marked on its cell.
    browser.find_element(By.ID, "annotated").click()
    checked = load_workbook(io.BytesIO(_downloaded(downloads, "SE-2025-checked.xlsx")))
    assert checked["Upload report"]["A1"].value == "Upload of SE 2025: accepted"
    assert checked[KPIS.title][users].comment.text.startswith(f"warning: {warning}")

    # Submitting without the comment is stopped on the page; with it, finance has the report.
    form = browser.find_element(By.CSS_SELECTOR, "#report-kpi form.submit-form")
    form.find_element(By.CSS_SELECTOR, 'button[type="submit"]').click()
    assert wait_for(browser, "#report-kpi [role=alert]").text == (
        f"Write a comment for each warning before submitting: KPIs {users}."
    )
    assert browser.switch_to.active_element == box
    box.send_keys("Two new cities joined in March")
    form.find_element(By.CSS_SELECTOR, 'button[type="submit"]').click()
    until_text(browser, "#report-kpi", "is with finance for review")
    kpi = wait_for(browser, '#due tr[data-period="2025"] td').text
    assert kpi.splitlines()[0] == "submitted"
    versions = _cells(browser, "#versions-kpi tbody tr")
    assert [v[0] for v in versions] == ["national-se"]
    assert versions[0][2:] == ["workbook", ""]
    # A national export sent from the page: another company's SIE file is refused, located.
    wait_for(browser, '#due tr[data-period="2025-Q1"] button').click()
    until_text(browser, "#workbook-title", "2025-Q1")
    export = wait_for(browser, "#export-format")
    assert export.get_attribute("value") == "sie"
    browser.find_element(By.ID, "export-files").send_keys(str(OTHER_COMPANY))
    browser.find_element(By.ID, "export-button").click()
    assert wait_for(browser, "#export-verdict").text == (
        "Nothing was saved: 1 problem in the file."
    )
    assert _cells(browser, "#export-problems tbody tr") == [
        [
            "the file",
            "the file's fiscal years do not cover 2025-01-01 to 2025-03-31: #RAR 0 (line 11): "
            "2009-07-01 to 2010-06-30; #RAR -1 (line 12): 2008-07-01 to 2009-06-30",
        ]
    ]

    # The console's only errors: /auth/me's 401 before signing in, the refused upload's 422.
    messages = severe_console_messages(browser)
    assert all(" 401 " in m or " 422 " in m for m in messages), messages


def shoot(driver: webdriver.Chrome, page: str) -> None:
    """The page at each width (`keep_screenshot`): at 1280 px all of
    it (the window grows to its height), at 375 px the screen from the upload's result down
    (kept small for docs/web.md). Nothing may stick out sideways at either width."""
    for width in WIDTHS:
        driver.set_window_size(width, 900)
        assert driver.execute_script(OVERFLOWING) == [], f"{page} at {width} px"
        if width == max(WIDTHS):
            height = int(driver.execute_script("return document.documentElement.scrollHeight"))
            driver.set_window_size(width, max(height, 900))
            driver.execute_script("window.scrollTo(0, 0)")
        else:
            driver.execute_script("document.getElementById('workbook-title').scrollIntoView()")
        keep_screenshot(driver, f"{page}-{width}")
    driver.set_window_size(1280, 900)


def until_text(driver: webdriver.Chrome, css: str, text: str) -> None:
    WebDriverWait(driver, WAIT).until(
        lambda d: any(text in e.text for e in d.find_elements(By.CSS_SELECTOR, css))
    )
