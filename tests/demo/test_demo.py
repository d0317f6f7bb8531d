"""The demo network: published figures in, through the national teams' own path."""

from __future__ import annotations

import re
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from hub.demo.figures import derive_previous, in_reporting_currency
from hub.demo.load import DemoLoadError, load_demo
from hub.registry.load import ConfigError
from hub.services import Hub, open_hub
from hub.settings import Settings
from tests.api.graphql_client import data, gql
from tests.conftest import REPO


def test_derived_2023_turnover_from_the_published_change() -> None:
    # 5,985,000 / 1.30 = 4,603,846.15...; 1,534,000 / 0.9024 = 1,699,911.35...
    assert derive_previous(Decimal(5_985_000), Decimal(30)) == Decimal(4_603_846)
    assert derive_previous(Decimal(1_534_000), Decimal("-9.76")) == Decimal(1_699_911)
    # Sweden: 2,607,000 / 0.8058 = 3,235,294.12 EUR, at 11.4788 = 37,137,294.xx -> see below
    assert derive_previous(Decimal(2_607_000), Decimal("-19.42")) == Decimal(3_235_294)


def test_sweden_reports_sek_at_the_average_rate() -> None:
    # 2,607,000 x 11.4325 = 29,804,527.5 -> half-even -> 29,804,528 (DOMAIN.md)
    assert in_reporting_currency(Decimal(2_607_000), "SEK", 2024) == Decimal(29_804_528)
    # 3,235,294 x 11.4788 = 37,137,292.77 -> 37,137,293
    assert in_reporting_currency(Decimal(3_235_294), "SEK", 2023) == Decimal(37_137_293)


async def test_the_demo_is_submitted_by_each_national_team_and_loads_once(hub: Hub) -> None:
    first = await load_demo(hub)
    assert first.submitted == [
        "BE 2023",
        "BE 2024",
        *(f"{c} {y}" for c in ("DE", "AT", "IT", "SE") for y in (2021, 2022, 2023, 2024)),
        *(f"{c} statements {y}" for c in ("BE", "DE", "AT", "IT", "SE") for y in (2023, 2024)),
    ]
    assert first.imported == [
        "BE 2025-Q1 from its CSV export (draft version 1, 33 accounts, trial balance rows 3..35)",
        "SE 2025-Q1 from its SIE export (draft version 1, 16 accounts, #IB and 12 vouchers "
        "(24 rows) to 2025-03-31)",
        "DE 2025-Q1 from its DATEV export (draft version 1, 15 accounts, bookings 2025-01-01 "
        "to 2025-03-31 (23 bookings))",
    ]
    second = await load_demo(hub)
    assert second.submitted == []
    assert second.consolidation == []
    assert second.imported == []
    assert len(second.already_there) == 31
    assert first.tokens["board"] != second.tokens["board"]

    async with hub.db.pool.acquire() as connection:
        statuses = await connection.fetch(
            "select period, dataset, status, count(*) from report group by 1, 2, 3 order by 1, 2, 3"
        )
        assert [tuple(r) for r in statuses] == [
            ("2021", "kpi", "locked", 4),
            ("2022", "kpi", "draft", 1),
            ("2022", "kpi", "locked", 3),
            ("2023", "kpi", "locked", 5),
            ("2023", "statements", "locked", 5),
            ("2024", "kpi", "approved", 5),
            ("2024", "statements", "approved", 5),
            ("2025-Q1", "statements", "draft", 3),
        ]
        illustrative = await connection.fetchval(
            "select count(*) from kpi_value where kpi_code = 'operating_result' "
            "and provenance = 'illustrative'"
        )
        assert illustrative == 17  # 16 published, and Italy's 2022 draft correction
    async with hub.db.pool.acquire() as connection:
        rows = await connection.fetch(
            """
            select s.entity_code, s.period, u.name as author, v.amount, v.currency, v.provenance
            from kpi_value v join submission s on s.id = v.submission_id
            join app_user u on u.id = s.author_id
            where v.kpi_code = 'turnover' order by s.entity_code, s.period
            """
        )
    assert [tuple(r) for r in rows] == [
        ("AT", "2023", "national-at", Decimal(1_699_911), "EUR", "derived"),
        ("AT", "2024", "national-at", Decimal(1_534_000), "EUR", "published"),
        ("BE", "2023", "national-be", Decimal(193_766_363), "EUR", "published"),
        ("BE", "2024", "national-be", Decimal(197_677_870), "EUR", "published"),
        ("DE", "2023", "national-de", Decimal(4_603_846), "EUR", "derived"),
        ("DE", "2024", "national-de", Decimal(5_985_000), "EUR", "published"),
        ("IT", "2023", "national-it", Decimal(6_600_197), "EUR", "derived"),
        ("IT", "2024", "national-it", Decimal(6_686_000), "EUR", "published"),
        ("SE", "2023", "national-se", Decimal(37_137_293), "SEK", "derived"),
        ("SE", "2024", "national-se", Decimal(29_804_528), "SEK", "published"),
    ]


async def test_the_demo_shows_a_correction_only_to_those_who_may_see_drafts(
    client: AsyncTestClient[Any], hub: Hub
) -> None:
    loaded = await load_demo(hub)
    assert loaded.corrections == [
        "IT 2022 KPIs: version 2 is a draft correction (operating result -310,000); the board "
        "and the other teams still see the published version 1"
    ]
    query = """{ kpiValues(entity: ["IT"], period: ["2022"]) { amount version }
                 reports(entity: ["IT"], period: ["2022"]) { status latestVersion } }"""
    seen = {}
    for name in ("board", "national-at", "national-it", "finance"):
        answer = data(await gql(client, loaded.tokens[name], query))
        seen[name] = (answer["kpiValues"], answer["reports"])
    published = ([{"amount": "-290000", "version": 1}], [{"status": "LOCKED", "latestVersion": 1}])
    draft = ([{"amount": "-310000", "version": 2}], [{"status": "DRAFT", "latestVersion": 2}])
    assert seen == {
        "board": published,
        "national-at": published,
        "national-it": draft,
        "finance": draft,
    }
    assert (await load_demo(hub)).corrections == []


async def test_a_network_the_demo_does_not_fit_is_refused_before_anything_is_written(
    tmp_path: Path, database_url: str
) -> None:
    """A custom network without Austria, with Sweden in EUR: `hub demo` used to fail with a
    KeyError half-way, leaving users and reports behind."""
    for name in ("group_chart.toml", "reporting.toml", "limits.toml"):
        shutil.copy(REPO / "config" / name, tmp_path / name)
    network = (REPO / "config" / "network.toml").read_text(encoding="utf-8")
    blocks = re.split(r"(?m)^(?=\[\[)", network)
    custom = "".join(b for b in blocks if 'entity = "AT"' not in b and 'code = "AT"' not in b)
    custom = custom.replace('currency = "SEK"', 'currency = "EUR"')
    (tmp_path / "network.toml").write_text(custom, encoding="utf-8")
    settings = Settings(database_url=None, data_dir=tmp_path, config_dir=tmp_path)
    try:
        async with open_hub(settings, database_url) as hub:
            with pytest.raises(DemoLoadError) as refused:
                await load_demo(hub)
            async with hub.db.pool.acquire() as connection:
                written = await connection.fetchval(
                    "select (select count(*) from app_user) + (select count(*) from submission)"
                )
    except ConfigError as error:
        pytest.fail(f"the custom network should load: {error}")
    assert str(refused.value) == (
        "the demo data describes the Smart network of the 2024 annual report and does not fit "
        "this configuration (SE keeps its books in EUR here, the demo's in SEK; the network has "
        "no entity AT): run `hub serve` for your own network"
    )
    assert written == 0
