"""Consolidating 30 entities x 5,000 trial-balance lines for one period, against one plain SQL
aggregate over the same rows, side by side in one run.

    python -m bench.consolidation [--entities 30] [--accounts 5000] [--runs 5]

The network is synthetic: 30 entities sharing the five country modules (EUR and SEK), each
with a balanced trial balance of sub-accounts of its national chart, saved, submitted and
approved through the hub's own services, at the ECB rates of the project's excerpt. Prints both
times and the ratio (target: at most 3x).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import itertools
import shutil
import statistics
import string
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from bench.common import REPO, bench_database
from hub.auth.policy import Principal, Role
from hub.auth.users import principal_for_token, upsert_user
from hub.consolidation import service as consolidation
from hub.consolidation.register import service as register
from hub.consolidation.register.repository import LineAmount, OpeningLine
from hub.consolidation.translation import carried_equity_lines
from hub.fx.service import import_ecb
from hub.registry.model import ConsolidationMethod
from hub.reporting import service
from hub.reporting.model import Dataset, StatementsIn, TrialBalanceLineIn
from hub.reporting.workflow import ReportAction
from hub.services import Hub, open_hub
from hub.settings import Settings

PERIOD = "2024"
PRIOR = "2023"
PERIODS = (PRIOR, PERIOD)  # the prior first: the consolidation of PERIOD compares with it
MODULES = ("be", "de", "at", "it", "se")
ECB = REPO / "hub" / "fx" / "data" / "eurofxref-hist-excerpt.csv"


def codes(count: int) -> list[str]:
    pairs = ("".join(p) for p in itertools.product(string.ascii_uppercase, repeat=2))
    return ["BE", *itertools.islice((p for p in pairs if p != "BE"), count - 1)]


def synthetic_config(folder: Path, entities: list[str]) -> Settings:
    for name in ("group_chart.toml", "reporting.toml", "limits.toml"):
        shutil.copy(REPO / "config" / name, folder / name)
    network = (REPO / "config" / "network.toml").read_text(encoding="utf-8")
    head = network[: network.index("[[entities]]")]
    kpis = network[network.index("[[kpis]]") :]
    blocks = []
    for index, code in enumerate(entities):
        module = MODULES[index % len(MODULES)]
        parent = "" if code == "BE" else 'parent = "BE"\n'
        method = "parent" if code == "BE" else ("full" if index % 3 else "aggregation")
        share = "ownership_share = 0.75\n" if method == "full" else ""
        blocks.append(
            f'[[entities]]\ncode = "{code}"\nname = "Entity {code}"\ncountry = "{module}"\n'
            f'legal_form = "Cooperative"\nlegal_form_local = "Cooperative"\nfounded = 2015\n'
            f'offices = ["Office"]\ncurrency = "{"SEK" if module == "se" else "EUR"}"\n'
            f'{parent}consolidation = "{method}"\n{share}country_module = "{module}"\n'
        )
    (folder / "network.toml").write_text(head + "\n".join(blocks) + "\n" + kpis, encoding="utf-8")
    return Settings(database_url=None, data_dir=folder, config_dir=folder)


def trial_balance(
    hub: Hub, entity: str, accounts: int, prior: bool = False
) -> list[TrialBalanceLineIn]:
    """A balanced trial balance of `accounts` lines: every listed account of the chart once,
    then sub-accounts of them (where the chart admits one: a DATEV extension of a four-digit
    account is a debtor or creditor account). The `prior` year's amounts differ but for the
    carried equity lines (so that a subsidiary's equity has not moved since its acquisition)."""
    config = hub.registry.entities[entity]
    chart = hub.countries[entity].profile.chart_of_accounts
    carried = carried_equity_lines(hub.group_chart)
    listed = [
        a
        for a in chart.accounts
        if not a.intra_network and not a.investment and chart.group_line(a.code)
    ]
    lines, total = [], Decimal(0)
    for index in range(accounts - 1):
        base = listed[index % len(listed)].code
        suffix = f".{index:05d}" if "." in base else f"{index:05d}"
        account = base if index < len(listed) else base + suffix
        amount = Decimal((index * 7919) % 2_000_000) / 100 - Decimal(10_000)
        if prior and chart.group_line(account) not in carried:
            amount = Decimal((index * 6007) % 2_000_000) / 100 - Decimal(10_000)
        total += amount
        lines.append(TrialBalanceLineIn(account=account, amount=amount, currency=config.currency))
    balancing = next(
        code
        for a in listed
        if (line := chart.group_line(code := a.code + ("." if "." in a.code else "") + "99999"))
        and line not in carried
    )
    lines.append(TrialBalanceLineIn(account=balancing, amount=-total, currency=config.currency))
    return lines


async def user(hub: Hub, name: str, role: Role, entity: str | None = None) -> Principal:
    async with hub.db.transaction() as connection:
        token = await upsert_user(connection, name, role, entity)
        principal = await principal_for_token(connection, token)
    assert principal is not None
    return principal


async def populate(hub: Hub, accounts: int, periods: tuple[str, ...] = PERIODS) -> None:
    """Every entity's statements of each period saved, submitted and approved through the
    hub's services; the acquisitions and the partners' openings registered."""
    finance = await user(hub, "bench-finance", Role.FINANCE)
    await import_ecb(hub, ECB.read_bytes(), finance.user_id)
    for code in hub.registry.entities:
        national = await user(hub, f"bench-{code}", Role.NATIONAL, code)
        for period in periods:
            lines = trial_balance(hub, code, accounts, prior=period != periods[-1])
            outcome = await service.save_statements(
                hub, national, StatementsIn(entity=code, period=period, trial_balance=lines)
            )
            assert isinstance(outcome, service.Saved), outcome
            for actor, action in (
                (national, ReportAction.SUBMIT),
                (finance, ReportAction.APPROVE),
            ):
                await service.transition_report(
                    hub,
                    actor,
                    entity=code,
                    period=period,
                    dataset=Dataset.STATEMENTS,
                    action=action,
                    reason="benchmark",
                )
        await register_equity(hub, finance, code, lines, periods)


async def register_equity(
    hub: Hub,
    finance: Principal,
    code: str,
    lines: list[TrialBalanceLineIn],
    periods: tuple[str, ...],
) -> None:
    """A subsidiary's acquisition, its equity as it stands (nothing moved since); an
    independent partner outside the group currency, its opening at the 31 Dec 2012 rate."""
    config = hub.registry.entities[code]
    chart = hub.countries[code].profile.chart_of_accounts
    carried = carried_equity_lines(hub.group_chart)
    equity: dict[str, Decimal] = {}
    for line in lines:
        group_line = chart.group_line(line.account)
        if group_line in carried:
            equity[group_line] = equity.get(group_line, Decimal(0)) + line.amount
    equity = {line: amount for line, amount in equity.items() if amount}
    if config.consolidation is ConsolidationMethod.FULL:
        await register.record_acquisition(
            hub,
            finance,
            register.AcquisitionIn(
                subsidiary=code,
                acquired_on=dt.date(2012, 12, 31),
                share=Decimal("0.75"),
                consideration=Decimal(0),
                consideration_currency=hub.registry.group_currency,
                equity=tuple(LineAmount(line, amount) for line, amount in equity.items()),
                reason="benchmark",
            ),
        )
    elif config.currency != hub.registry.group_currency:
        for period in periods:
            await register.record_opening(
                hub,
                finance,
                register.OpeningIn(
                    entity=code,
                    period=period,
                    lines=tuple(
                        OpeningLine(line=line, local=amount, translated=amount / Decimal("8.582"))
                        for line, amount in equity.items()
                    ),
                    reason="benchmark",
                ),
            )


class Network(NamedTuple):
    rows: int  # approved trial-balance rows of both periods
    plain: Callable[[], Awaitable[object]]
    consolidate: Callable[[], Awaitable[object]]


@asynccontextmanager
async def network(entity_count: int, accounts: int) -> AsyncIterator[Network]:
    """The synthetic network loaded for both periods and analysed (as autovacuum would), with
    the two things to time: the consolidation of PERIOD (with PRIOR's comparatives) and one
    plain SQL aggregate over the approved rows of both periods."""
    folder = Path(tempfile.mkdtemp(prefix="hub-bench-consolidation-"))
    settings = synthetic_config(folder, codes(entity_count))
    async with bench_database(folder) as url, open_hub(settings, url, pool_size=4) as hub:
        started = time.perf_counter()
        await populate(hub, accounts)
        finance = await user(hub, "bench-finance", Role.FINANCE)
        async with hub.db.pool.acquire() as connection:
            await connection.execute("analyze")
            ids = [
                r["id"]
                for r in await connection.fetch(
                    "select s.id from report r join submission s on (s.entity_code, s.period,"
                    " s.dataset, s.version) = (r.entity_code, r.period, r.dataset,"
                    " r.approved_version) where r.period = any($1::text[])"
                    " and r.dataset = 'statements'",
                    list(PERIODS),
                )
            ]
            rows = await connection.fetchval(
                "select count(*) from tb_line where submission_id = any($1::bigint[])", ids
            )
        print(
            f"{entity_count} entities x {accounts:,} approved trial-balance lines x "
            f"{len(PERIODS)} periods loaded and analysed in {time.perf_counter() - started:.1f} s",
            file=sys.stderr,
        )

        async def plain() -> None:
            """The least a consolidation must do: read every approved row once and sum."""
            async with hub.db.pool.acquire() as connection:
                await connection.fetch(
                    "select s.entity_code, s.period, sum(t.amount) from tb_line t "
                    "join submission s on s.id = t.submission_id "
                    "where t.submission_id = any($1::bigint[]) group by 1, 2",
                    ids,
                )

        async def consolidate() -> None:
            current = await consolidation.view(hub, finance, PERIOD)
            assert all(check.ok for check in current.result.checks)
            assert current.prior is not None, current.prior_problems

        yield Network(rows, plain, consolidate)


async def interleaved(runs: int, *works: Callable[[], Awaitable[object]]) -> list[list[float]]:
    """Each work's times, the works run in turn `runs` times (after one warm-up round)."""
    for work in works:
        await work()
    times: list[list[float]] = [[] for _ in works]
    for _ in range(runs):
        for work, kept in zip(works, times, strict=True):
            start = time.perf_counter()
            await work()
            kept.append(time.perf_counter() - start)
    return times


async def measure(
    entities: int = 30, accounts: int = 5000, runs: int = 5
) -> tuple[list[float], list[float]]:
    """(consolidation times, plain aggregate times) in seconds, interleaved, for `python -m
    bench`: the network built, analysed and dropped here."""
    async with network(entities, accounts) as built:
        hub_times, baseline_times = await interleaved(runs, built.consolidate, built.plain)
    return hub_times, baseline_times


def _spread(times: list[float]) -> str:
    ms = sorted(t * 1000 for t in times)
    return f"min {ms[0]:8.1f}  median {statistics.median(ms):8.1f}  max {ms[-1]:8.1f} ms"


async def main(entity_count: int, accounts: int, runs: int) -> None:
    async with network(entity_count, accounts) as built:
        hub_times, baseline_times = await interleaved(runs, built.consolidate, built.plain)
        rows = built.rows
    ratio = statistics.median(hub_times) / statistics.median(baseline_times)
    print(f"plain SQL aggregate ({rows:,} rows, {len(PERIODS)} periods): {_spread(baseline_times)}")
    print(f"consolidation of {PERIOD} with {PRIOR}'s comparatives: {_spread(hub_times)}")
    print(f"ratio of medians consolidation / aggregate: {ratio:6.2f}x (target <= 2.5x)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=30)
    parser.add_argument("--accounts", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.entities, arguments.accounts, arguments.runs))
