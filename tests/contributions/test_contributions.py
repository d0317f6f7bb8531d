"""Expected against booked contributions, rate changes from their date, and what-ifs that
change nothing stored."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from hub.assembly.app import create_app
from hub.auth.policy import Role
from hub.auth.users import principal_for_token, upsert_user
from hub.contributions.calc import segments
from hub.demo.load import load_demo
from hub.registry.load import load_registry
from hub.reporting import service
from hub.reporting.model import Dataset, KpiSubmissionIn, KpiValueIn
from hub.reporting.workflow import ReportAction
from hub.services import Hub, open_hub
from hub.settings import Settings
from tests.api.graphql_client import data, error_messages, gql
from tests.conftest import REPO

REPORT = """
query C($period: [String!]!, $entity: [String!]) {
  contributions(period: $period, entity: $entity) {
    lines { entity period component baseAmount ratePercent expected booked gap gapPercent
            flagged computable method }
    network { period expected booked gap counted leftOut }
  }
}
"""


async def test_the_belgian_gap_shows_to_the_cent(client: AsyncTestClient[Any], hub: Hub) -> None:
    board = (await load_demo(hub)).tokens["board"]
    body = data(await gql(client, board, REPORT, period=["2024"], entity=["BE"]))
    on_turnover, on_work_budget = body["contributions"]["lines"]
    # 6.5 % x (122,060,140 activities + 75,368,028 contracts = 197,428,168) = 12,832,830.92;
    # booked 12,831,447: a gap of -1,383.92, -0.0108 % of the expected.
    assert on_turnover == {
        "entity": "BE",
        "period": "2024",
        "component": "on_turnover",
        "baseAmount": "197428168",
        "ratePercent": "6.5000",
        "expected": "12832830.92",
        "booked": "12831447",
        "gap": "-1383.92",
        "gapPercent": "-0.0108",
        "flagged": True,
        "computable": True,
        "method": "6.5 %",
    }
    assert on_work_budget["computable"] is False
    assert on_work_budget["method"] == "the base gross_wages is not reported"
    assert (on_work_budget["booked"], on_work_budget["gap"]) == ("15832048", None)


async def test_every_partner_has_its_rule(client: AsyncTestClient[Any], hub: Hub) -> None:
    board = (await load_demo(hub)).tokens["board"]
    body = data(await gql(client, board, REPORT, period=["2024"], entity=["DE", "AT", "IT", "SE"]))
    expected = {
        line["entity"]: (line["expected"], line["method"])
        for line in body["contributions"]["lines"]
    }
    assert expected == {
        "DE": ("538650.00", "9 %"),  # 9 % of 5,985,000
        "AT": ("153400.00", "10 %"),  # 10 % of 1,534,000
        "IT": ("635170.00", "9.5 %"),  # 9.5 % of 6,686,000
        # Sweden: rates by service type, whose base is not reported: the published average
        # 7.33 % of 29,804,528 SEK = 2,184,671.90 SEK
        "SE": (
            "2184671.90",
            "7.33 % (the published average of the rates by service_type; the "
            "base by service_type is not reported)",
        ),
    }
    network = body["contributions"]["network"][0]
    assert network["counted"] == []  # the partners' booked contributions are not published
    assert len(network["leftOut"]) == 4


@pytest.fixture
def mid_year(tmp_path: Path) -> Settings:
    """Germany's rate goes from 9 % to 10 % on 1 July 2024 (a test rule, not a published one)."""
    for name in ("group_chart.toml", "reporting.toml", "limits.toml"):
        shutil.copy(REPO / "config" / name, tmp_path / name)
    network = (REPO / "config" / "network.toml").read_text(encoding="utf-8")
    german = network.index('entity = "DE"')
    network = network[:german] + network[german:].replace(
        "valid_from = 2024-01-01", "valid_from = 2024-01-01\nvalid_to = 2024-06-30", 1
    )
    network += (
        '\n[[contribution_rules]]\nentity = "DE"\nvalid_from = 2024-07-01\n'
        'description = "10 % of turnover"\n\n[[contribution_rules.components]]\n'
        'name = "on_turnover"\nbase = "turnover"\nbooked_kpi = "contribution_income"\n'
        "rate_percent = 10\n"
    )
    (tmp_path / "network.toml").write_text(network, encoding="utf-8")
    return Settings(database_url=None, data_dir=tmp_path, config_dir=tmp_path)


@pytest.fixture
async def mid_year_hub(mid_year: Settings, database_url: str) -> AsyncIterator[Hub]:
    async with open_hub(mid_year, database_url, pool_size=4) as opened:
        yield opened


def test_rules_apply_from_their_date() -> None:
    registry = load_registry(REPO / "config" / "network.toml")
    [rule] = registry.contribution_rules("DE")
    assert segments([rule], dt.date(2023, 1, 1), dt.date(2023, 12, 31)) == []
    [part] = segments([rule], dt.date(2023, 7, 1), dt.date(2024, 6, 30))
    assert (part.start, part.days) == (dt.date(2024, 1, 1), 182)


async def test_a_mid_year_rate_change_applies_from_its_date_only(
    mid_year_hub: Hub, mid_year: Settings, database_url: str
) -> None:
    hub = mid_year_hub
    async with hub.db.transaction() as connection:
        board = await upsert_user(connection, "board", Role.BOARD)
        national = await principal_for_token(
            connection, await upsert_user(connection, "national-de", Role.NATIONAL, "DE")
        )
        finance = await principal_for_token(
            connection, await upsert_user(connection, "finance", Role.FINANCE)
        )
    assert national is not None
    assert finance is not None
    for period, turnover in (("2024-03", 500_000), ("2024-09", 600_000), ("2024", 5_985_000)):
        saved = await service.save_kpi_values(
            hub,
            national,
            KpiSubmissionIn(
                entity="DE",
                period=period,
                values=(KpiValueIn(kpi="turnover", amount=Decimal(turnover), currency="EUR"),),
            ),
        )
        assert isinstance(saved, service.Saved), saved
        for actor, action in ((national, ReportAction.SUBMIT), (finance, ReportAction.APPROVE)):
            await service.transition_report(
                hub,
                actor,
                entity="DE",
                period=period,
                dataset=Dataset.KPI,
                action=action,
                reason="monthly figures",
            )
    async with AsyncTestClient(app=create_app(mid_year, database_url)) as client:
        body = data(
            await gql(client, board, REPORT, period=["2024-03", "2024-09", "2024"], entity=["DE"])
        )
    lines = {line["period"]: line for line in body["contributions"]["lines"]}
    assert (lines["2024-03"]["expected"], lines["2024-03"]["method"]) == ("45000.00", "9 %")
    assert (lines["2024-09"]["expected"], lines["2024-09"]["method"]) == ("60000.00", "10 %")
    # The year: 182 days at 9 % and 184 days at 10 % of 366 -> 9.5027 %;
    # 5,985,000 x (182 x 9 + 184 x 10) / 366 / 100 = 568,738.52
    assert lines["2024"]["ratePercent"] == "9.5027"
    assert lines["2024"]["expected"] == "568738.52"
    assert lines["2024"]["method"] == (
        "pro rata temporis: 9 % from 2024-01-01 to 2024-06-30 (182 days); 10 % from 2024-07-01 "
        "to 2024-12-31 (184 days)"
    )


WHAT_IF = """
query W($period: [String!]!, $changes: [RateChangeInput!]!) {
  contributionWhatIf(period: $period, changes: $changes) {
    lines { entity component current simulated difference }
    networkCurrent { expected } networkSimulated { expected }
  }
}
"""


async def counts(hub: Hub) -> dict[str, int]:
    async with hub.db.pool.acquire() as connection:
        tables = [
            r["relname"]
            for r in await connection.fetch(
                "select relname from pg_stat_user_tables order by relname"
            )
        ]
        return {t: await connection.fetchval(f'select count(*) from "{t}"') for t in tables}


async def test_a_what_if_changes_nothing_stored(client: AsyncTestClient[Any], hub: Hub) -> None:
    board = (await load_demo(hub)).tokens["board"]
    before = await counts(hub)
    body = data(
        await gql(
            client,
            board,
            WHAT_IF,
            period=["2024"],
            changes=[{"entity": "DE", "component": "on_turnover", "ratePercent": "10"}],
        )
    )
    result = body["contributionWhatIf"]
    germany = next(line for line in result["lines"] if line["entity"] == "DE")
    assert germany == {
        "entity": "DE",
        "component": "on_turnover",
        "current": "538650.00",
        "simulated": "598500.00",
        "difference": "59850.00",
    }
    current = Decimal(result["networkCurrent"][0]["expected"])
    simulated = Decimal(result["networkSimulated"][0]["expected"])
    assert simulated - current == Decimal("59850.00")
    assert await counts(hub) == before

    wrong = await gql(
        client,
        board,
        WHAT_IF,
        period=["2024"],
        changes=[{"entity": "DE", "component": "on_wages", "ratePercent": "120"}],
    )
    assert error_messages(wrong) == [
        "changes[0].component: DE has no component 'on_wages' (it has on_turnover)"
    ]
