"""The reverse proxy of docs/deploying.md, tested as written: Debian's nginx terminating TLS (a
self-signed certificate made with openssl) in front of `hub serve --workers 2 --behind-tls` on
its embedded PostgreSQL. A GraphQL request over HTTPS reaches the hub, the client's address and
the proxy's request id reach its log, and the proxy headers of an untrusted sender are not
believed."""

from __future__ import annotations

import re
import shutil
import signal
import ssl
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from tests.test_cli import RunningHub, env, free_port, run_hub

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs" / "deploying.md"
CLIENT = "127.0.0.3"  # the browser's address: a loopback address other than the proxy's


def documented_nginx() -> str:
    """The nginx configuration docs/deploying.md gives (its first `nginx` block)."""
    match = re.search(r"```nginx\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.DOTALL)
    assert match is not None, "docs/deploying.md has no nginx block"
    return match[1]


def replaced(text: str, changes: dict[str, str]) -> str:
    for old, new in changes.items():
        assert old in text, f"docs/deploying.md's nginx block no longer has {old!r}"
        text = text.replace(old, new)
    return text


def self_signed(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "fullchain.pem", folder / "privkey.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", "/CN=hub.example.org",
            "-addext", "subjectAltName=DNS:hub.example.org,IP:127.0.0.1",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def nginx_binary() -> str:
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if found is None:
        pytest.fail("nginx is not installed: apt-get install -y nginx-light (Debian)")
    return found


class Nginx:
    def __init__(self, binary: str, folder: Path, server_blocks: str) -> None:
        for temp in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (folder / temp).mkdir(parents=True)
        conf = folder / "nginx.conf"
        conf.write_text(
            "events {}\n"
            "http {\n"
            f"    access_log {folder / 'access.log'};\n"
            f"    client_body_temp_path {folder / 'body'};\n"
            f"    proxy_temp_path {folder / 'proxy'};\n"
            f"    fastcgi_temp_path {folder / 'fastcgi'};\n"
            f"    uwsgi_temp_path {folder / 'uwsgi'};\n"
            f"    scgi_temp_path {folder / 'scgi'};\n"
            f"{server_blocks}\n"
            "}\n",
            encoding="utf-8",
        )
        self.error_log = folder / "error.log"
        self.process = subprocess.Popen(
            [
                binary, "-p", str(folder), "-c", str(conf), "-e", str(self.error_log),
                "-g", f"daemon off; master_process off; pid {folder / 'nginx.pid'};",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )  # fmt: skip

    def wait_listening(self, port: int) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.error_log.read_text()
            try:
                with httpx.Client(verify=False) as probe:
                    probe.get(f"https://127.0.0.1:{port}/", timeout=2)
                return
            except httpx.HTTPError:
                time.sleep(0.2)
        pytest.fail(f"nginx never listened: {self.error_log.read_text()}")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGQUIT)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def started() -> Iterator[list[RunningHub | Nginx]]:
    running: list[RunningHub | Nginx] = []
    yield running
    for each in reversed(running):
        if isinstance(each, Nginx):
            each.stop()
        elif each.process.poll() is None:
            each.process.send_signal(signal.SIGINT)
            each.process.wait(timeout=60)


def log_line(log: Path, needle: str) -> str:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for line in log.read_text().splitlines():
            if needle in line:
                return line
        time.sleep(0.1)
    pytest.fail(f"{needle!r} not in the hub's log:\n{log.read_text()}")


def test_the_documented_nginx_in_front_of_two_workers(
    tmp_path: Path, nginx_binary: str, started: list[RunningHub | Nginx]
) -> None:
    data = tmp_path / "data"
    environment = env(HUB_DATA_DIR=str(data), HUB_DATABASE_URL=None)
    hub_port, https_port, http_port = free_port(), free_port(), free_port()
    log = tmp_path / "hub.log"
    hub = RunningHub(
        ["serve", "--port", str(hub_port), "--workers", "2", "--behind-tls"], environment, log
    )
    started.append(hub)
    output = hub.wait_for("Press Ctrl-C to stop.")
    assert "Workers  : 2 processes" in output
    workers = [
        child
        for child in psutil.Process(hub.process.pid).children()
        if "spawn_main" in " ".join(child.cmdline())
    ]
    assert len(workers) == 2
    # A one-shot command joins the embedded PostgreSQL the parent started.
    added = run_hub(["user", "add", "ops", "--role", "admin"], environment)
    assert added.returncode == 0, added.stderr
    token = added.stdout.strip()

    cert, key = self_signed(tmp_path)
    blocks = replaced(
        documented_nginx(),
        {
            "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
            "listen 80;": f"listen 127.0.0.1:{http_port};",
            "/etc/letsencrypt/live/hub.example.org/fullchain.pem": str(cert),
            "/etc/letsencrypt/live/hub.example.org/privkey.pem": str(key),
            "proxy_pass http://127.0.0.1:8000;": f"proxy_pass http://127.0.0.1:{hub_port};",
        },
    )
    nginx = Nginx(nginx_binary, tmp_path / "nginx", blocks)
    started.append(nginx)
    nginx.wait_listening(https_port)

    trusted = ssl.create_default_context(cafile=str(cert))
    transport = httpx.HTTPTransport(local_address=CLIENT, verify=trusted)
    with httpx.Client(transport=transport, base_url=f"https://127.0.0.1:{https_port}") as client:
        answer = client.post(
            "/graphql",
            json={"query": "{ me { name role } }"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"data": {"me": {"name": "ops", "role": "admin"}}}
        assert answer.headers["strict-transport-security"] == "max-age=31536000"
        # nginx's $request_id (32 hex digits; the hub makes 16): the proxy's id is the hub's.
        assert re.fullmatch(r"[0-9a-f]{32}", answer.headers["x-request-id"])

        # What a client claims in X-Forwarded-For is not believed: the proxy's view is.
        refused = client.post(
            "/graphql",
            json={"query": "{ me { name } }"},
            headers={"Authorization": "Bearer hub_nope", "X-Forwarded-For": "198.51.100.1"},
        )
        assert refused.status_code == 401
        rid = refused.headers["x-request-id"]
        assert f"request_id={rid} client={CLIENT}: " in log_line(log, rid)

    with httpx.Client() as plain:
        redirected = plain.get(f"http://127.0.0.1:{http_port}/health")
    assert redirected.status_code == 301
    assert redirected.headers["location"] == "https://127.0.0.1/health"

    hub.process.send_signal(signal.SIGINT)
    assert hub.process.wait(timeout=60) == 0
    assert log.read_text().rstrip().endswith("Stopped.")
    assert all(not worker.is_running() for worker in workers)
    assert not (data / "running.json").exists()
    assert not (data / "pg" / "postmaster.pid").exists()


@pytest.mark.parametrize(("trusted", "client"), [(None, "198.51.100.1"), ("10.0.0.5", "127.0.0.1")])
def test_proxy_headers_are_believed_only_from_the_trusted_proxies(
    database_url: str, tmp_path: Path, trusted: str | None, client: str
) -> None:
    """By default the hub believes a proxy on the same machine; HUB_FORWARDED_ALLOW_IPS names
    others, and then a local sender's X-Forwarded-For is ignored."""
    port = free_port()
    log = tmp_path / "hub.log"
    hub = RunningHub(
        ["serve", "--port", str(port)],
        env(HUB_DATABASE_URL=database_url, HUB_FORWARDED_ALLOW_IPS=trusted),
        log,
    )
    try:
        hub.wait_for("Press Ctrl-C to stop.")
        refused = httpx.post(
            f"http://127.0.0.1:{port}/graphql",
            json={"query": "{ me { name } }"},
            headers={"Authorization": "Bearer hub_nope", "X-Forwarded-For": "198.51.100.1"},
        )
        assert refused.status_code == 401
        rid = refused.headers["x-request-id"]
        assert f"request_id={rid} client={client}: " in log_line(log, rid)
    finally:
        hub.interrupt()
