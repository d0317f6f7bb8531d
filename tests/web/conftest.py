"""Fixtures of the dashboard tests: a real hub process with the demo loaded, and a browser."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from selenium import webdriver

from tests.test_cli import env, free_port
from tests.web.browser import chromium, require_chromium

HUB = [sys.executable, "-m", "hub"]
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts"


@dataclass(frozen=True, slots=True)
class DemoHub:
    url: str
    tokens: dict[str, str]  # demo user -> bearer token, as printed by `hub demo`
    passwords: dict[str, str] = field(default_factory=dict)  # demo user -> password, likewise


# `hub demo` prints a generated password per demo user, and the page it opens:
# `  national-se  k7mp-2qax-9rtd-vh3e  /team     the team's reports: …`.
PASSWORD_LINE = re.compile(r"^  (\S+)\s+([a-z2-9]{4}(?:-[a-z2-9]{4}){3})(?= |$)", re.MULTILINE)


def _wait_for(process: subprocess.Popen[bytes], log: Path, text: str, seconds: float) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        output = log.read_text()
        if text in output:
            return output
        if process.poll() is not None:
            break
        time.sleep(0.2)
    pytest.fail(f"{text!r} never appeared; output:\n{log.read_text()}")


@contextmanager
def running_demo(database_url: str, folder: Path, **environment: str) -> Iterator[DemoHub]:
    """`hub demo` on a free port, on the test's database (and `environment`, such as
    HUB_CONFIG_DIR); stopped with Ctrl-C afterwards."""
    require_chromium()  # no need for a server the tests would not use
    port = free_port()
    log = folder / "hub.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [*HUB, "demo", "--port", str(port)],
            env=env(HUB_DATABASE_URL=database_url, **environment),
            cwd=REPO,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        output = _wait_for(process, log, "Press Ctrl-C to stop.", seconds=90)
        tokens = dict(re.findall(r"^  (\S+)\s+(hub_\S+)$", output, re.MULTILINE))
        assert {"board", "national-de"} <= tokens.keys(), output
        passwords = dict(PASSWORD_LINE.findall(output))
        yield DemoHub(f"http://127.0.0.1:{port}", tokens, passwords)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def demo_hub(database_url: str, tmp_path: Path) -> Iterator[DemoHub]:
    """`hub demo` with the repository's config."""
    with running_demo(database_url, tmp_path) as hub:
        yield hub


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[webdriver.Chrome]:
    require_chromium()
    with chromium(tmp_path / "chromium-profile") as driver:
        yield driver


@pytest.fixture
def artifacts() -> Path:
    """Screenshots kept after the run (ignored by git)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
