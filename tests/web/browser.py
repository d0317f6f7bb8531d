"""Debian's Chromium driven by Selenium, headless, for the dashboard tests: nothing is
downloaded (the driver's path is given, so Selenium Manager is not run)."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARGUMENTS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,800",
)


def require_chromium() -> None:
    """Skip when Chromium is not installed, with how to install it; fail instead when the
    environment says a browser is required (CI sets HUB_REQUIRE_BROWSER=1)."""
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.is_file()]
    if not missing:
        return
    reason = (
        f"{' and '.join(missing)} not found: install Debian's browser with "
        "`apt-get install -y chromium chromium-driver`"
    )
    if os.environ.get("HUB_REQUIRE_BROWSER") == "1":
        pytest.fail(f"HUB_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


# Only the machine itself is reachable: other hosts' names do not resolve, and whatever else
# goes to a proxy that does not exist (Chromium never sends loopback to a proxy).
OFFLINE = (
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--proxy-server=http://127.0.0.1:9",
)


@contextmanager
def chromium(profile: Path, *, offline: bool = False) -> Iterator[webdriver.Chrome]:
    """The browser; `offline` cuts it off from the internet and logs every request it makes
    (`driver.get_log("performance")`)."""
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (*ARGUMENTS, *(OFFLINE if offline else ())):
        options.add_argument(argument)
    options.add_argument(f"--user-data-dir={profile}")
    logs = {"browser": "ALL", "performance": "ALL"} if offline else {"browser": "ALL"}
    options.set_capability("goog:loggingPrefs", logs)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
DOCS_PAGES = Path(__file__).resolve().parents[2] / "docs" / "pages"


def keep_screenshot(driver: webdriver.Chrome, name: str) -> Path:
    """The window as `tests/web/screenshots/<name>.png` (git-ignored), and as docs/pages/<name>.png
    for docs/web.md only when HUB_UPDATE_SCREENSHOTS=1: a test run leaves the tracked pictures
    alone (they change with every demo password and timestamp)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{name}.png"
    assert driver.save_screenshot(str(target))
    if os.environ.get("HUB_UPDATE_SCREENSHOTS") == "1":
        DOCS_PAGES.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(target, DOCS_PAGES / target.name)
    return target


def allow_downloads(driver: webdriver.Chrome, folder: Path) -> Path:
    """Files the page downloads are saved in `folder`, without asking."""
    folder.mkdir(parents=True, exist_ok=True)
    driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)}
    )
    return folder


def downloaded(folder: Path, name: str, seconds: float = 30) -> bytes:
    """The file `name` once the browser has finished saving it in `folder`."""
    target = folder / name
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if target.is_file() and not list(folder.glob("*.crdownload")):
            return target.read_bytes()
        time.sleep(0.2)
    held = sorted(path.name for path in folder.iterdir())
    pytest.fail(f"{name} was not downloaded; {folder} holds {held}")
