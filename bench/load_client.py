"""A load client in its own Python process, for machines without `hey`: the same options
(-n, -c, -m, -H, -D) and hey's `-o csv` columns on stdout, one line per request.

    python -m bench.load_client -n 100 -c 4 -m POST -D body.json -H 'Authorization: ...' URL
"""

from __future__ import annotations

import argparse
import http.client
import threading
import time
import urllib.parse
from pathlib import Path

COLUMNS = (
    "response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset"
)


def worker(
    url: str,
    method: str,
    body: bytes | None,
    headers: dict[str, str],
    count: int,
    start: float,
    out: list[tuple[float, int, float]],
) -> None:
    parts = urllib.parse.urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    connection = http.client.HTTPConnection(parts.netloc, timeout=300)
    for _ in range(count):
        began = time.perf_counter()
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        out.append((time.perf_counter() - began, response.status, began - start))
    connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("-c", type=int, default=1)
    parser.add_argument("-m", default="GET")
    parser.add_argument("-H", action="append", default=[])
    parser.add_argument("-D", type=Path, default=None)
    parser.add_argument("url")
    arguments = parser.parse_args()
    headers = dict(h.split(": ", 1) for h in arguments.H)
    body = arguments.D.read_bytes() if arguments.D else None
    if body is not None:
        headers["Content-Type"] = "application/json"
    shares = [
        arguments.n // arguments.c + (i < arguments.n % arguments.c) for i in range(arguments.c)
    ]
    out: list[tuple[float, int, float]] = []
    start = time.perf_counter()
    threads = [
        threading.Thread(
            target=worker, args=(arguments.url, arguments.m, body, headers, share, start, out)
        )
        for share in shares
        if share
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(COLUMNS)
    for latency, status, offset in out:
        print(f"{latency:.4f},0,0,0,0,0,{status},{offset:.4f}")


if __name__ == "__main__":
    main()
