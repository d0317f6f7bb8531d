"""The demo's trial balances as the national teams submitted them: Belgium's gives its published
statements to the euro, every intra-network row names its partner, what is not published says
so; and a network the register entries do not fit is refused before anything is written."""

from __future__ import annotations

import re
import shutil
from collections import defaultdict
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any

import pytest

from hub.demo.load import DemoLoadError, load_demo
from hub.demo.statements import BELGIUM
from hub.mappings import service as mappings
from hub.reporting.reconcile import line_amounts
from hub.services import Hub, open_hub
from hub.settings import Settings
from tests.conftest import REPO

APPROVED_TRIAL_BALANCE = """
    select s.entity_code, t.account_code, t.partner_entity, t.amount, t.currency, t.label,
           t.chart_account
    from report r
    join submission s on (s.entity_code, s.period, s.dataset) = (r.entity_code, r.period, r.dataset)
     and s.version = r.approved_version
    join tb_line t on t.submission_id = s.id
    where r.dataset = 'statements' and r.period = $1
    order by s.entity_code, t.position
"""


async def approved_trial_balance(hub: Hub, period: str) -> list[dict[str, Any]]:
    """The approved trial-balance rows of the period with the line and intra-network flag the
    mapping in force for the period gives them."""
    async with hub.db.pool.acquire() as connection:
        rows = await connection.fetch(APPROVED_TRIAL_BALANCE, period)
        placers = {
            code: await mappings.placer(hub, connection, code, period)
            for code in {r["entity_code"] for r in rows}
        }
    found = []
    for r in rows:
        placed = placers[r["entity_code"]].place_key(r["chart_account"])
        found.append({**dict(r), "line_code": placed.line, "intra_network": placed.intra_network})
    return found


def _euro(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal(1), rounding=ROUND_HALF_EVEN)


@pytest.mark.parametrize(("period", "column"), [("2023", 1), ("2024", 2)])
async def test_belgium_s_trial_balance_gives_every_published_line_to_the_euro(
    hub: Hub, period: str, column: int
) -> None:
    await load_demo(hub)
    rows = [r for r in await approved_trial_balance(hub, period) if r["entity_code"] == "BE"]
    async with hub.db.pool.acquire() as connection:
        reported = await connection.fetch(
            """select l.line_code, l.amount from statement_line l
               join submission s on s.id = l.submission_id
               join report r on (r.entity_code, r.period, r.dataset)
                             = (s.entity_code, s.period, s.dataset)
                and s.version = r.approved_version
               where s.entity_code = 'BE' and s.period = $1""",
            period,
        )
    published = {row[0]: Decimal(row[column]) for row in BELGIUM}
    # The statement lines are the published ones, as they were.
    assert {r["line_code"]: r["amount"] for r in reported} == published
    assert sum(r["amount"] for r in rows) == 0  # to the cent
    by_line: dict[str, Decimal] = defaultdict(Decimal)
    for r in rows:
        by_line[r["line_code"]] += r["amount"]
    derived = line_amounts(hub.group_chart, by_line)
    # Every published line, leaf or total, is the ledger's figure rounded to the euro; no leaf
    # is more than the cents of its rounding away.
    assert {line: _euro(derived[line]) for line in published} == published
    assert max(abs(derived[line] - amount) for line, amount in published.items()) < Decimal("0.5")
    # The network's part is carved out of the published lines, named and flagged illustrative.
    network = {
        (r["account_code"], r["partner_entity"]): r["amount"] for r in rows if r["intra_network"]
    }
    loans = {"2023": (1_400_000, 1_300_000), "2024": (1_500_000, 1_300_000)}[period]
    assert {key: amount for key, amount in network.items() if key[0] < "7"} == {
        ("280000", "SE"): 120_000,
        ("281000", "DE"): loans[0],
        ("281000", "SE"): loans[1],
    }
    recharges = {k[1]: -v for k, v in network.items() if k[0] == "703100"}
    assert sorted(recharges) == ["AT", "DE", "IT", "SE"]
    carved = "[illustrative, carved out of the published line"
    assert all(carved in r["label"] for r in rows if r["intra_network"])


async def test_belgium_s_findings_are_roundings_and_the_published_result_difference(
    hub: Hub,
) -> None:
    await load_demo(hub)
    async with hub.db.pool.acquire() as connection:
        findings = await connection.fetch(
            """select s.period, f.severity, f.rule, count(*) from validation_finding f
               join submission s on s.id = f.submission_id
               where s.dataset = 'statements' and s.entity_code = 'BE'
               group by 1, 2, 3 order by 1, 2, 3"""
        )
    assert [tuple(f) for f in findings] == [
        ("2023", "notice", "lines-vs-trial-balance", 19),
        ("2023", "notice", "rounding-difference", 4),
        ("2023", "warning", "result-of-the-year", 1),
        ("2024", "notice", "lines-vs-trial-balance", 13),
        ("2024", "notice", "rounding-difference", 3),
        ("2024", "warning", "change-vs-previous-period", 14),
    ]


async def test_every_row_on_an_intra_network_account_names_its_partner(hub: Hub) -> None:
    await load_demo(hub)
    for period in ("2023", "2024"):
        rows = await approved_trial_balance(hub, period)
        assert {r["entity_code"] for r in rows} == {"BE", "DE", "AT", "IT", "SE"}
        for r in rows:
            assert (r["partner_entity"] is not None) == r["intra_network"], r
            assert r["line_code"] is not None, r
        # The partners' books say what is not published.
        partners = [r for r in rows if r["entity_code"] != "BE"]
        assert all("illustrative" in r["label"] for r in partners)
        assert {r["currency"] for r in rows if r["entity_code"] == "SE"} == {"SEK"}
        per_entity: dict[str, Decimal] = defaultdict(Decimal)
        for r in rows:
            per_entity[r["entity_code"]] += r["amount"]
        assert set(per_entity.values()) == {Decimal(0)}


async def test_a_network_where_sweden_is_not_a_subsidiary_is_refused_before_anything_is_written(
    tmp_path: Path, database_url: str
) -> None:
    """The demo records Sweden's acquisition by Belgium: a network adding Sweden line by line
    (`aggregation`) has no acquisition register for it; nothing is written."""
    for name in ("group_chart.toml", "reporting.toml", "limits.toml"):
        shutil.copy(REPO / "config" / name, tmp_path / name)
    network = (REPO / "config" / "network.toml").read_text(encoding="utf-8")
    blocks = re.split(r"(?m)^(?=\[\[)", network)
    custom = "".join(
        b.replace('consolidation = "full"', 'consolidation = "aggregation"').replace(
            "ownership_share = 1.00\n", ""
        )
        if 'code = "SE"' in b
        else b
        for b in blocks
    )
    assert custom != network
    (tmp_path / "network.toml").write_text(custom, encoding="utf-8")
    settings = Settings(database_url=None, data_dir=tmp_path, config_dir=tmp_path)
    async with open_hub(settings, database_url) as hub:
        with pytest.raises(DemoLoadError) as refused:
            await load_demo(hub)
        async with hub.db.pool.acquire() as connection:
            written = await connection.fetchval(
                "select (select count(*) from app_user) + (select count(*) from submission)"
            )
    assert str(refused.value) == (
        "the demo data describes the Smart network of the 2024 annual report and does not fit "
        "this configuration (SE is consolidated as aggregation here; the demo records its "
        "acquisition by BE, in full): run `hub serve` for your own network"
    )
    assert written == 0
