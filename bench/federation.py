"""What a signed envelope costs per report, next to saving the same report centrally.

A Swedish statements report with a 5,000-line trial balance: on the node's side, canonical
JSON (RFC 8785) and an Ed25519 signature, then the JSON sent; on the hub's side, decoding that
JSON (every field checked), verifying the signature and hashing the envelope (its idempotency
key). Next to it, interleaved run by run, the hub's central save of the same report
(hub.reporting.service.save_statements: validate, map, store a version) into a benchmark
database. Prints min/median/max of each and the ratio of the medians.

    python -m bench.federation [--lines 5000] [--runs 7]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import time

from bench.common import bench_hub, national
from bench.consolidation import trial_balance
from hub.federation import envelope as envelopes
from hub.federation import keys
from hub.federation.ruleset import current_rule_set
from hub.reporting import service
from hub.reporting.model import StatementsIn

ENTITY = "SE"


def summary(label: str, times: list[float]) -> str:
    return (
        f"{label:<34} min {min(times) * 1000:8.1f} ms   median "
        f"{statistics.median(times) * 1000:8.1f} ms   max {max(times) * 1000:8.1f} ms"
    )


async def main(lines: int, runs: int) -> None:
    async with bench_hub() as hub:
        principal = await national(hub, ENTITY)
        rows = trial_balance(hub, ENTITY, lines)
        async with hub.db.pool.acquire() as connection:
            rule_set = await current_rule_set(hub, connection)
        key = keys.generate()
        public = key.public_key()
        sign_times: list[float] = []
        verify_times: list[float] = []
        save_times: list[float] = []
        size = 0
        for run in range(runs):
            period = f"{2010 + run}"
            started = time.perf_counter()
            sealed = envelopes.seal(
                envelopes.Envelope(
                    entity=ENTITY,
                    sequence=run + 1,
                    report=envelopes.StatementsReport(period=period, trial_balance=tuple(rows)),
                    source_sha256=None,
                    software_version=envelopes.software_version(),
                    rule_set_version=rule_set,
                    created_at=dt.datetime.now(dt.UTC),
                    key_fingerprint=keys.fingerprint(public),
                ),
                key,
            )
            signed_at = time.perf_counter()
            opened = envelopes.open_envelope(sealed.data)
            assert opened.verifies(public)
            assert opened.hash == sealed.hash
            verified_at = time.perf_counter()
            outcome = await service.save_statements(
                hub,
                principal,
                StatementsIn(entity=ENTITY, period=period, trial_balance=rows),
            )
            saved_at = time.perf_counter()
            assert isinstance(outcome, service.Saved), outcome
            size = len(sealed.data)
            sign_times.append(signed_at - started)
            verify_times.append(verified_at - signed_at)
            save_times.append(saved_at - verified_at)
        both = [s + v for s, v in zip(sign_times, verify_times, strict=True)]
        print(f"{ENTITY} statements, {lines:,} trial-balance lines, envelope {size:,} bytes")
        print(summary("node: canonical JSON + sign", sign_times))
        print(summary("hub: decode + verify + hash", verify_times))
        print(summary("signed envelope, both sides", both))
        print(summary("central save (save_statements)", save_times))
        ratio = statistics.median(both) / statistics.median(save_times)
        print(f"signed envelope / central save (medians): {ratio:.2f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=7)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.lines, arguments.runs))
