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
import string
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from bench.common import REPO, bench_database, best_of
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


def trial_balance(hub: Hub, entity: str, accounts: int) -> list[TrialBalanceLineIn]:
    config = hub.registry.entities[entity]
    chart = hub.countries[entity].profile.chart_of_accounts
    listed = [
        a
        for a in chart.accounts
        if not a.intra_network and not a.investment and chart.group_line(a.code)
    ]
    lines, total = [], Decimal(0)
    for index in range(accounts - 1):
        base = listed[index % len(listed)].code
        amount = Decimal((index * 7919) % 2_000_000) / 100 - Decimal(10_000)
        total += amount
        suffix = f".{index:05d}" if "." in base else f"{index:05d}"
        lines.append(
            TrialBalanceLineIn(account=base + suffix, amount=amount, currency=config.currency)
        )
    lines.append(
        TrialBalanceLineIn(account=listed[0].code, amount=-total, currency=config.currency)
    )
    return lines


async def user(hub: Hub, name: str, role: Role, entity: str | None = None) -> Principal:
    async with hub.db.transaction() as connection:
        token = await upsert_user(connection, name, role, entity)
        principal = await principal_for_token(connection, token)
    assert principal is not None
    return principal


async def populate(hub: Hub, accounts: int) -> None:
    finance = await user(hub, "bench-finance", Role.FINANCE)
    await import_ecb(hub, ECB.read_bytes(), finance.user_id)
    for code in hub.registry.entities:
        national = await user(hub, f"bench-{code}", Role.NATIONAL, code)
        lines = trial_balance(hub, code, accounts)
        outcome = await service.save_statements(
            hub, national, StatementsIn(entity=code, period=PERIOD, trial_balance=lines)
        )
        assert isinstance(outcome, service.Saved), outcome
        for actor, action in ((national, ReportAction.SUBMIT), (finance, ReportAction.APPROVE)):
            await service.transition_report(
                hub,
                actor,
                entity=code,
                period=PERIOD,
                dataset=Dataset.STATEMENTS,
                action=action,
                reason="benchmark",
            )
        await register_equity(hub, finance, code, lines)


async def register_equity(
    hub: Hub, finance: Principal, code: str, lines: list[TrialBalanceLineIn]
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
        await register.record_opening(
            hub,
            finance,
            register.OpeningIn(
                entity=code,
                period=PERIOD,
                lines=tuple(
                    OpeningLine(line=line, local=amount, translated=amount / Decimal("8.582"))
                    for line, amount in equity.items()
                ),
                reason="benchmark",
            ),
        )


async def main(entity_count: int, accounts: int, runs: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="hub-bench-consolidation-"))
    settings = synthetic_config(folder, codes(entity_count))
    async with bench_database(folder) as url, open_hub(settings, url, pool_size=4) as hub:
        started = time.perf_counter()
        await populate(hub, accounts)
        print(
            f"{entity_count} entities x {accounts:,} approved trial-balance lines loaded "
            f"in {time.perf_counter() - started:.1f} s"
        )
        finance = await user(hub, "bench-finance", Role.FINANCE)
        async with hub.db.pool.acquire() as connection:
            ids = [
                r["id"]
                for r in await connection.fetch(
                    "select s.id from report r join submission s on (s.entity_code, s.period,"
                    " s.dataset, s.version) = (r.entity_code, r.period, r.dataset,"
                    " r.approved_version) where r.period = $1 and r.dataset = 'statements'",
                    PERIOD,
                )
            ]
            rows = await connection.fetchval(
                "select count(*) from tb_line where submission_id = any($1::bigint[])", ids
            )

        async def plain() -> None:
            """The least a consolidation must do: read every approved row once and sum."""
            async with hub.db.pool.acquire() as connection:
                await connection.fetch(
                    "select s.entity_code, sum(t.amount) from tb_line t "
                    "join submission s on s.id = t.submission_id "
                    "where t.submission_id = any($1::bigint[]) group by 1",
                    ids,
                )

        async def consolidate() -> None:
            current = await consolidation.view(hub, finance, PERIOD)
            assert all(check.ok for check in current.result.checks)

        baseline = await best_of(runs, plain)
        hub_time = await best_of(runs, consolidate)
        print(f"plain SQL aggregate, sum per entity ({rows:,} rows): {baseline * 1000:8.1f} ms")
        print(
            f"consolidation (map, translate, eliminate, statements with prior): "
            f"{hub_time * 1000:8.1f} ms"
        )
        print(f"ratio consolidation / aggregate: {hub_time / baseline:8.2f}x (target <= 3x)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=30)
    parser.add_argument("--accounts", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.entities, arguments.accounts, arguments.runs))
