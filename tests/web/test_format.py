"""The page's number formatting (static/js/format.js), run in the browser: amounts are rounded
half-even on their digits and grouped, and shifted by powers of ten, never passed through a
float."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from selenium import webdriver

from hub.web.http import STATIC

# (function, arguments, expected)
CASES: list[tuple[str, list[Any], str]] = [
    ("formatAmount", ["197677870.00"], "197,677,870"),
    ("formatAmount", ["2607000.04"], "2,607,000"),
    ("formatAmount", ["-628293.98"], "\u2212628,294"),
    ("formatAmount", ["1381154.00", {"plus": True}], "+1,381,154"),
    ("formatAmount", ["0.50"], "0"),
    ("formatAmount", ["1.50"], "2"),
    ("formatAmount", ["2.5"], "2"),
    ("formatAmount", ["-0.4"], "0"),
    ("formatAmount", ["99999999999999999999.5"], "100,000,000,000,000,000,000"),
    ("formatAmount", [None], "\u2014"),
    ("formatQuantity", ["6.70"], "6.7"),
    ("formatQuantity", ["20611"], "20,611"),
    ("formatQuantity", ["256.66"], "256.66"),
    ("formatQuantity", ["10.00"], "10"),
    ("formatPercent", ["7.33"], "7.33 %"),
    ("formatChangePercent", ["-19.42"], "\u221219.42 %"),
    ("formatChangePercent", ["30"], "+30.00 %"),
    ("formatChangePercent", ["0.00"], "0.00 %"),
    ("formatChangePercent", ["2.015"], "+2.02 %"),
    ("formatChangePercent", ["2.025"], "+2.02 %"),
    ("formatChangePercent", ["-0.001"], "0.00 %"),
    ("shiftDecimal", ["80", -2], "0.8"),
    ("shiftDecimal", ["33.333", -2], "0.33333"),
    ("shiftDecimal", ["100", -2], "1"),
    ("shiftDecimal", ["0.8", 2], "80"),
    ("shiftDecimal", ["1", 2], "100"),
    ("shiftDecimal", ["0.00500", 2], "0.5"),
    ("shiftDecimal", ["-12.5", -2], "-0.125"),
    ("shiftDecimal", ["-0.00", 2], "0"),
    ("formatCompact", [50_000_000], "50 M"),
    ("formatCompact", [2_500_000], "2.5 M"),
    ("formatCompact", [500_000], "500 k"),
]

RUN = """
const [cases, done] = arguments;
import("/js/format.js").then((format) => {
  done(cases.map(([name, args]) => {
    try { return format[name](...args); } catch (error) { return `error: ${error.message}`; }
  }));
});
"""


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def static_site() -> Iterator[str]:
    """The dashboard's static folder over HTTP, without a hub."""
    handler = functools.partial(QuietHandler, directory=str(STATIC))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_figures_are_formatted_exactly(browser: webdriver.Chrome, static_site: str) -> None:
    browser.get(f"{static_site}/favicon.svg")
    cases = [[name, args] for name, args, _ in CASES] + [["formatAmount", ["1e5"]]]
    results = browser.execute_async_script(RUN, cases)
    expected = [expected for _, _, expected in CASES] + ["error: not a decimal number: 1e5"]
    assert dict(zip(map(str, cases), results, strict=True)) == dict(
        zip(map(str, cases), expected, strict=True)
    )
