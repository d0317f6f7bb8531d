"""Without Chromium the browser tests are skipped, saying how to install it, except where a
browser is required (CI): there they fail."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web import browser


def test_a_missing_chromium_skips_the_browser_tests_locally(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(browser, "CHROMIUM", tmp_path / "chromium")
    monkeypatch.delenv("HUB_REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install -y chromium chromium-driver"):
        browser.require_chromium()


def test_a_missing_chromium_fails_where_a_browser_is_required(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(browser, "CHROMEDRIVER", tmp_path / "chromedriver")
    monkeypatch.setenv("HUB_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match=r"HUB_REQUIRE_BROWSER=1 but .*chromedriver"):
        browser.require_chromium()
