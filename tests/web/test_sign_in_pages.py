"""Signing in and the admins' page in a real browser (Debian's Chromium, headless) against a real
`hub demo` process: a page asked for without a session leads to /sign-in and back, the keyboard
alone signs in, a wrong password is shown in place, the header shows who is signed in and signs
out; an admin adds a user and resets a password, and that user signs in with it. Screenshots of
both pages at 1280 and 375 px go to tests/web/screenshots/ (docs/pages/ with
HUB_UPDATE_SCREENSHOTS=1)."""

from __future__ import annotations

import httpx
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.web.browser import keep_screenshot
from tests.web.conftest import DemoHub
from tests.web.test_dashboard import OVERFLOWING, severe_console_messages

WAIT = 20  # seconds
WIDTHS = (1280, 375)


def shoot(driver: webdriver.Chrome, page: str) -> None:
    """The page at each width, into the screenshots folder (`keep_screenshot`);
    nothing may stick out sideways at either width."""
    for width in WIDTHS:
        driver.set_window_size(width, 900)
        assert driver.execute_script(OVERFLOWING) == [], f"{page} at {width} px"
        keep_screenshot(driver, f"{page}-{width}")
    driver.set_window_size(1280, 900)


def _shown(driver: webdriver.Chrome, css: str) -> WebElement | bool:
    found = [e for e in driver.find_elements(By.CSS_SELECTOR, css) if e.is_displayed()]
    return found[0] if found else False


def wait_for(driver: webdriver.Chrome, css: str) -> WebElement:
    """The first element shown that matches `css`, once there is one."""
    found = WebDriverWait(driver, WAIT).until(lambda d: _shown(d, css))
    assert isinstance(found, WebElement)
    return found


def wait_for_path(driver: webdriver.Chrome, hub: DemoHub, path: str) -> None:
    WebDriverWait(driver, WAIT).until(lambda d: d.current_url == f"{hub.url}{path}")


def type_and_submit(driver: webdriver.Chrome, name: str, password: str) -> None:
    """With the keyboard only: the user name field has the focus when the page opens."""
    wait_for(driver, "#sign-in-form")
    WebDriverWait(driver, WAIT).until(
        lambda d: d.switch_to.active_element.get_attribute("id") == "username"
    )
    focused = driver.switch_to.active_element
    focused.send_keys(Keys.CONTROL, "a")
    focused.send_keys(name, Keys.TAB)
    driver.switch_to.active_element.send_keys(password, Keys.ENTER)


def signed_in_as(driver: webdriver.Chrome) -> str:
    return wait_for(driver, "#signed-in-as").text


def test_sign_in_with_the_keyboard_wrong_password_next_header_and_sign_out(
    demo_hub: DemoHub, browser: webdriver.Chrome
) -> None:
    assert set(demo_hub.passwords) >= {"admin", "finance", "national-se", "board"}
    browser.set_window_size(1280, 900)
    browser.get(f"{demo_hub.url}/admin")
    wait_for_path(browser, demo_hub, "/sign-in?next=%2Fadmin")
    shoot(browser, "sign-in")

    type_and_submit(browser, "admin", "not-the-password")
    error = wait_for(browser, "#sign-in-error")
    assert error.text == "wrong user name or password"
    assert error.get_attribute("role") == "alert"
    assert browser.current_url == f"{demo_hub.url}/sign-in?next=%2Fadmin"
    assert browser.switch_to.active_element.get_attribute("id") == "password"

    browser.refresh()
    type_and_submit(browser, "admin", demo_hub.passwords["admin"])
    wait_for_path(browser, demo_hub, "/admin")
    assert signed_in_as(browser) == "admin (admin)"
    links = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "#hub-header nav a")]
    assert links == ["Users", "Dashboard"]
    cookies = {c["name"]: c for c in browser.get_cookies()}
    assert cookies["hub_session"]["httpOnly"] is True
    assert cookies["hub_session"]["sameSite"] == "Lax"
    assert browser.execute_script("return document.cookie").count("hub_session") == 0

    wait_for(browser, "#sign-out").click()
    wait_for_path(browser, demo_hub, "/sign-in")
    me = browser.execute_script(
        "return fetch('/auth/me').then(async r => [r.status, (await r.json()).detail])"
    )
    assert me == [401, "you are not signed in"]
    # The console's only errors are the answers 401 of /auth/me and the wrong password.
    assert all("401" in m for m in severe_console_messages(browser))


def test_the_admin_adds_a_user_resets_its_password_and_the_user_signs_in(
    demo_hub: DemoHub, browser: webdriver.Chrome
) -> None:
    browser.set_window_size(1280, 900)
    browser.get(f"{demo_hub.url}/sign-in?next=%2Fadmin")
    type_and_submit(browser, "admin", demo_hub.passwords["admin"])
    wait_for_path(browser, demo_hub, "/admin")
    wait_for(browser, '#users tr[data-user="national-se"]')
    rows = browser.find_elements(By.CSS_SELECTOR, "#users tbody tr")
    names = [str(r.get_attribute("data-user")) for r in rows]
    assert names == sorted(names)
    assert {"admin", "board", "finance", "national-se", "national-at"} <= set(names)

    browser.find_element(By.ID, "create-name").send_keys("anna.at")
    Select(browser.find_element(By.ID, "create-role")).select_by_visible_text("admin")
    browser.find_element(By.ID, "create-name").send_keys(Keys.ENTER)
    wait_for(browser, "#secret-card")
    first_password = browser.find_element(By.CSS_SELECTOR, '[data-secret="Password"]').text
    token = browser.find_element(By.CSS_SELECTOR, '[data-secret="Bearer token"]').text
    assert token.startswith("hub_")
    assert len(first_password) == 19
    browser.find_element(By.ID, "secret-done").click()
    row = wait_for(browser, '#users tr[data-user="anna.at"]')
    assert row.find_element(By.CSS_SELECTOR, '[data-col="role"]').text == "admin"

    # The same name again is refused in place, in the form's words.
    browser.find_element(By.ID, "create-name").send_keys("anna.at", Keys.ENTER)
    refused = wait_for(browser, "#create-error")
    assert refused.text == "User name: user 'anna.at' already exists (admin)"

    # Change anna's role to Austria's national team, then reset her password.
    row.find_element(By.CSS_SELECTOR, "button").click()
    wait_for(browser, "#manage")
    Select(browser.find_element(By.ID, "manage-role")).select_by_visible_text("national team")
    Select(browser.find_element(By.ID, "manage-entity")).select_by_visible_text("AT")
    browser.find_element(By.CSS_SELECTOR, "#role-form button[type=submit]").click()
    WebDriverWait(browser, WAIT).until(
        lambda d: (
            d.find_element(
                By.CSS_SELECTOR, '#users tr[data-user="anna.at"] [data-col="entity"]'
            ).text
            == "AT"
        )
    )
    browser.find_element(By.ID, "reset-password").click()
    wait_for(browser, "#secret-card")
    password = browser.find_element(By.CSS_SELECTOR, '[data-secret="Password"]').text
    assert password != first_password
    shoot(browser, "admin")
    browser.find_element(By.ID, "secret-done").click()

    # The new user signs in with the reset password (the first one no longer works).
    with httpx.Client(base_url=demo_hub.url) as client:
        client.get("/sign-in")
        csrf = {"X-CSRFToken": client.cookies["csrftoken"]}
        old = client.post(
            "/auth/sign-in", json={"username": "anna.at", "password": first_password}, headers=csrf
        )
        assert (old.status_code, old.json()) == (401, {"detail": "wrong user name or password"})
        new = client.post(
            "/auth/sign-in", json={"username": "anna.at", "password": password}, headers=csrf
        )
        assert (new.status_code, new.json()) == (
            200,
            {"name": "anna.at", "role": "national", "entity": "AT"},
        )
        # And with the token shown at creation, as a script would.
        me = client.get("/auth/me", headers={"Authorization": f"Bearer {token}"})
        assert me.json()["name"] == "anna.at"
