"""The dashboard (`/`) with the session of a person who signed in at /sign-in, in a real browser
(Debian's Chromium, headless) against a real `hub demo` process: no token is typed, the board
follows the page's "Sign in" link, signs in with its password, comes back to the dashboard and
sees the published comparison and downloads the board pack with its session; signing out ends
the session and the token form is back."""

from __future__ import annotations

from pathlib import Path

from selenium import webdriver
from selenium.webdriver.common.by import By

from tests.web.browser import allow_downloads, downloaded
from tests.web.conftest import DemoHub
from tests.web.test_dashboard import (
    check_2024_board_pack,
    check_2024_table,
    download_board_pack,
    severe_console_messages,
    wait_for_year,
)
from tests.web.test_sign_in_pages import type_and_submit, wait_for, wait_for_path


def test_the_board_signs_in_with_its_password_and_sees_the_comparison(
    browser: webdriver.Chrome, demo_hub: DemoHub, tmp_path: Path
) -> None:
    browser.set_window_size(1280, 900)
    browser.get(f"{demo_hub.url}/")
    link = wait_for(browser, "#sign-in-link")
    assert browser.find_element(By.ID, "token").is_displayed()  # the token form stays
    assert link.text == "Sign in"
    assert link.get_attribute("href") == f"{demo_hub.url}/sign-in?next=%2F"
    link.click()
    wait_for_path(browser, demo_hub, "/sign-in?next=%2F")
    type_and_submit(browser, "board", demo_hub.passwords["board"])
    wait_for_path(browser, demo_hub, "/")

    wait_for_year(browser, "2024")
    assert browser.find_element(By.ID, "who").text == "board (board)"
    assert not browser.find_element(By.ID, "login").is_displayed()
    check_2024_table(browser)
    assert "Published (approved) figures only." in browser.find_element(By.ID, "audience").text
    assert browser.execute_script("return sessionStorage.length") == 0  # no token kept
    assert not browser.find_element(By.ID, "pages").is_displayed()  # the board has one page

    # The board pack, with the session cookie (no token in the page).
    folder = allow_downloads(browser, tmp_path / "downloads")
    assert download_board_pack(browser) == "Downloaded board-pack-2024.xlsx."
    check_2024_board_pack(downloaded(folder, "board-pack-2024.xlsx"), demo_hub)

    # Reloaded, the session still holds; signing out ends it and the token form is back.
    browser.refresh()
    wait_for_year(browser, "2024")
    logout = browser.find_element(By.ID, "logout")
    assert logout.text == "Sign out"
    logout.click()
    wait_for_path(browser, demo_hub, "/sign-in")
    browser.get(f"{demo_hub.url}/")
    wait_for(browser, "#token")
    assert not browser.find_element(By.ID, "dashboard").is_displayed()

    # The console's only errors: /auth/me's 401 while nobody was signed in.
    messages = severe_console_messages(browser)
    assert messages
    assert all("/auth/me" in m and " 401 " in m for m in messages), messages


def test_finance_signed_in_sees_the_dashboard_with_its_other_page(
    browser: webdriver.Chrome, demo_hub: DemoHub
) -> None:
    browser.set_window_size(375, 800)
    browser.get(f"{demo_hub.url}/sign-in?next=%2F")
    type_and_submit(browser, "finance", demo_hub.passwords["finance"])
    wait_for_path(browser, demo_hub, "/")
    wait_for_year(browser, "2024")
    assert browser.find_element(By.ID, "who").text == "finance (finance)"
    pages = browser.find_elements(By.CSS_SELECTOR, "#pages a")
    assert [(a.text, a.get_attribute("href")) for a in pages] == [
        ("Finance", f"{demo_hub.url}/finance")
    ]
