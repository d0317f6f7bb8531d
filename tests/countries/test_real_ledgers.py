"""Real ledgers against the national charts: every account of a real Swedish (SIE) or German
(DATEV) ledger, and of a full Belgian, Austrian and Italian chart, maps to a group line or is
listed as unmapped with the chart's reason; only codes outside the chart's format are refused.
Then the same through the API: a real trial balance is saved as is, and `unmappedAccounts` names
exactly the accounts the statements leave out."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from countries import load_profile
from countries.charts import ChartOfAccounts
from tests.api.graphql_client import data, gql
from tests.countries.ledgers import (
    DATEV,
    SIE,
    datev_accounts,
    datev_trial_balance,
    sie_accounts,
    sie_balances,
    sie_files,
    sie_text,
)

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "charts"

SAVE = """
mutation Save($input: StatementsInput!) {
  saveStatements(input: $input) {
    __typename
    ... on ReportSaved { submission { version } findings { severity rule field message } }
    ... on ReportRejected { errors { rule field message } errorCount }
  }
}
"""
UNMAPPED = """
query U($entity: String!, $period: String!) {
  unmappedAccounts(entity: $entity, period: $period) { accounts { account balance reason } }
}
"""


def chart(country: str) -> ChartOfAccounts:
    return load_profile(country).chart_of_accounts


def outcome(chart: ChartOfAccounts, accounts: set[str]) -> tuple[set[str], dict[str, str]]:
    """(refused, unmapped with its reason) of a set of accounts."""
    refused = {a for a in accounts if chart.place(a) is None}
    unmapped = {}
    for account in accounts - refused:
        placed = chart.place(account)
        assert placed is not None
        if placed.line is None:
            unmapped[account] = placed.not_mapped or ""
    return refused, unmapped


def test_every_account_of_real_swedish_ledgers_maps_or_is_listed_as_unmapped() -> None:
    # 13 SIE files of 8 packages (Visma, Norstedts, Mamut, Magenta, XE, BL…): 1,323 accounts.
    accounts = {a for path in sie_files() for a in sie_accounts(path)}
    assert len(accounts) == 1323
    refused, unmapped = outcome(chart("SE"), accounts)
    assert refused == {"DIFF"}  # Sie4.se's "#KONTO DIFF": not a BAS account
    # What BAS leaves to the company (statistical accounts of classes 0 and 9) and the
    # closing of the year's result (899x): 18 accounts, each with its reason.
    assert sorted(unmapped) == [
        "0351", "0353", "0355", "0356", "0399", "0466", "0469", "8990", "8999",
        "9301", "9302", "9399", "9501", "9502", "9599", "9701", "9702", "9799",
    ]  # fmt: skip
    assert {reason.split(":")[0] for reason in unmapped.values()} == {
        "BAS leaves classes 0 and 9 to the company",
        "BAS 899x",
    }


# Accounts named so in the ledgers that declare a BAS chart after 1997 (EUBAS97, BAS2010):
# the older BAS96 numbered otherwise (its 1210 was Kundfordringar).
@pytest.mark.parametrize(
    ("label", "account_class", "line"),
    [
        ("Kundfordringar", "1", "BS.A.CA.VII.A"),
        ("Leverantörsskulder", "2", "BS.L.DE.IX.C"),
        ("Periodiseringsfond", "2", "BS.L.UR"),
        ("Uppskjuten skattefordran", "1", "BS.A.DT"),
        ("Aktiekapital", "2", "BS.L.EQ.I"),
        ("Pågående arbeten", "1", "BS.A.CA.VI.B"),  # work done, not yet billed
        ("Pågående arbeten", "2", "BS.L.DE.IX.D"),  # billed before the work is done
    ],
)
def test_real_swedish_accounts_land_where_their_label_says(
    label: str, account_class: str, line: str
) -> None:
    bas = chart("SE")
    texts = [sie_text(path) for path in sie_files()]
    named = {
        found.group(1)
        for text in texts
        if "#KPTYP" in text and "BAS96" not in text
        for row in text.splitlines()
        if (found := re.match(rf'\s*#KONTO\s+"?({account_class}\d+)"?\s+"?{label}', row))
    }
    assert named
    assert {code: bas.group_line(code) for code in named} == dict.fromkeys(named, line)


def test_every_account_of_real_datev_files_maps_or_is_listed_as_unmapped() -> None:
    accounts = {a for path in DATEV.glob("*.csv") for a in datev_accounts(path)}
    # Postings, an account list, customers and suppliers; leading zeros dropped (0001200 is 1200).
    assert sorted(accounts) == [
        "0123", "0400", "0456", "1000", "10000", "1200", "4400", "4940", "70001", "70002",
        "70003", "8400",
    ]  # fmt: skip
    refused, unmapped = outcome(chart("DE"), accounts)
    assert refused == set()
    # 8400 is revenue in SKR03, which these example files use; SKR04 keeps class 8 free.
    assert unmapped == {
        "8400": "SKR04 leaves class 8 free (cost accounting): outside the statements"
    }
    skr04 = chart("DE")
    assert [skr04.group_line(a) for a in ("10000", "70001", "0400")] == [
        "BS.A.CA.VII.A",
        "BS.L.DE.IX.C",
        "BS.A.FA.III.B",
    ]


def sample(name: str) -> dict[str, str]:
    """A full national chart written from the public structure of the chart: code, label."""
    rows = (line.split(" ", 1) for line in (SAMPLES / name).read_text("utf-8").splitlines())
    return {code: label for code, label in rows if not code.startswith("#")}


@pytest.mark.parametrize(
    ("country", "name", "size", "unmapped", "lines"),
    [
        (
            "BE",
            "be-pcmn.txt",
            280,
            {
                "010000",
                "011000",
                "690000",
                "691000",
                "692000",
                "693000",
                "694000",
                "499000",
                "790000",
                "791000",
                "792000",
                "793000",
                "794000",
            },
            {
                "201000": "BS.A.FA.FE",
                "211000": "BS.A.FA.II",
                "222000": "BS.A.FA.III.A",
                "280000": "BS.A.FA.IV.A",
                "290000": "BS.A.CA.V",
                "320000": "BS.A.CA.VI.A",
                "370000": "BS.A.CA.VI.B",
                "409000": "BS.A.CA.VII.A",
                "412000": "BS.A.CA.VII.B",
                "111000": "BS.L.EQ.II",
                "122000": "BS.L.EQ.III",
                "132000": "BS.L.EQ.IV",
                "150000": "BS.L.EQ.VI",
                "160000": "BS.L.PR.A.1",
                "168000": "BS.L.PR.B",
                "172000": "BS.L.DE.VIII.A",
                "176000": "BS.L.DE.VIII.C",
                "179000": "BS.L.DE.VIII.D",
                "423000": "BS.L.DE.IX.A",
                "439000": "BS.L.DE.IX.B",
                "453000": "BS.L.DE.IX.E",
                "471000": "BS.L.DE.IX.F",
                "493000": "BS.L.DE.X",
                "609000": "IS.PEC",
                "631000": "IS.DEP",
                "650000": "IS.FIN",
                "680000": "IS.TAX.DEF",
                "689000": "IS.APP",
                "712000": "IS.TI.STK",
                "720000": "IS.TI.OWN",
                "770000": "IS.TAX.CUR",
            },
        ),
        (
            "AT",
            "at-ekr.txt",
            220,
            {"8700", "8750", "8800", "8900", "8980", "9800", "9850", "9890", "9900"},
            {
                "0150": "BS.A.FA.II",
                "0210": "BS.A.FA.III.A",
                "0420": "BS.A.FA.III.B",
                "0640": "BS.A.FA.III.C",
                "0810": "BS.A.FA.IV.A",
                "0880": "BS.A.FA.IV.B",
                "0950": "BS.A.FA.IV.C",
                "1300": "BS.A.CA.VI.A",
                "1700": "BS.A.CA.VI.B",
                "2100": "BS.A.CA.VII.A",
                "2470": "BS.A.CA.VII.B",
                "2650": "BS.A.CA.VIII",
                "2810": "BS.A.CA.IX",
                "3010": "BS.L.PR.A.1",
                "3040": "BS.L.PR.B",
                "3150": "BS.L.DE.IX.B",
                "3310": "BS.L.DE.IX.C",
                "3550": "BS.L.DE.IX.E",
                "3800": "BS.L.EQ.VI",
                "4500": "IS.TI.STK",
                "4580": "IS.TI.OWN",
                "5100": "IS.PEC",
                "7020": "IS.DEP",
                "8300": "IS.FIN",
                "8500": "IS.TAX.CUR",
                "9010": "BS.L.EQ.I",
                "9210": "BS.L.EQ.II",
                "9310": "BS.L.EQ.IV",
                "9390": "BS.L.EQ.VY",
            },
        ),
        (
            "IT",
            "it-civil-code.txt",
            190,
            {"90.01.001", "90.02.001", "91.01.001"},
            {
                "01.01.002": "BS.A.FA.FE",
                "01.05.001": "BS.A.FA.II",
                "02.03.001": "BS.A.FA.III.B",
                "02.05.002": "BS.A.FA.III.F",
                "03.02.001": "BS.A.FA.IV.C",
                "04.02.001": "BS.A.CA.VI.A",
                "04.03.001": "BS.A.CA.VI.B",
                "05.02.001": "BS.A.CA.VII.B",
                "05.06.001": "BS.A.DT",
                "06.02.001": "BS.A.CA.VIII",
                "07.02.001": "BS.A.CA.IX",
                "10.02.001": "BS.L.EQ.II",
                "10.03.001": "BS.L.EQ.III",
                "11.01.001": "BS.L.PR.A.1",
                "11.02.002": "BS.L.PR.B",
                "12.01.001": "BS.L.PR.A.1",
                "13.01.001": "BS.L.DE.VIII.A",
                "13.07.002": "BS.L.DE.IX.C",
                "13.12.002": "BS.L.DE.IX.E",
                "20.02.001": "IS.TI.STK",
                "20.04.001": "IS.TI.OWN",
                "30.11.001": "IS.PEC",
                "30.13.001": "IS.DEP",
                "45.19.001": "IS.FIN",
                "50.20.010": "IS.TAX.DEF",
            },
        ),
    ],
)
def test_a_full_national_chart_maps_or_is_listed_as_unmapped(
    country: str, name: str, size: int, unmapped: set[str], lines: dict[str, str]
) -> None:
    accounts = sample(name)
    assert len(accounts) >= size
    refused, found = outcome(chart(country), set(accounts))
    assert refused == set()
    assert set(found) == unmapped
    assert {code: chart(country).group_line(code) for code in lines} == lines


async def save(client: AsyncTestClient[Any], token: str, report: dict[str, Any]) -> Any:
    return data(await gql(client, token, SAVE, input=report))["saveStatements"]


@pytest.mark.parametrize(
    ("name", "unlisted"),
    [
        ("SIE4_Exempelfil_med_underdim.SE", 56),
        ("Bokslut Norstedts SIE 4E.se", 59),
        ("Sie 1.SE", 23),
        ("typ1.se", 35),
    ],
)
async def test_a_real_swedish_trial_balance_goes_in_as_is(
    client: AsyncTestClient[Any], tokens: dict[str, str], name: str, unlisted: int
) -> None:
    balances = sie_balances(SIE / name)
    assert sum(balances.values()) == 0
    # Most of a real ledger's accounts are not among those the chart lists.
    assert len([a for a in balances if chart("SE").account(a) is None]) == unlisted
    rows = [{"account": a, "amount": str(v), "currency": "SEK"} for a, v in balances.items()]
    saved = await save(
        client, tokens["national-se"], {"entity": "SE", "period": "2024", "trialBalance": rows}
    )
    assert saved["__typename"] == "ReportSaved", saved
    # Consolidation maps the accounts with the rules in force (seeded from the chart): the
    # unlisted ones fall in its ranges, so that none is left unmapped.
    listed = data(await gql(client, tokens["finance"], UNMAPPED, entity="SE", period="2024"))
    assert listed["unmappedAccounts"]["accounts"] == []


async def test_a_real_datev_posting_batch_goes_in_as_a_trial_balance(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    balances: dict[str, Decimal] = {}
    for name in ("ledermann-EXTF_Buchungsstapel.csv", "datev-lint-valid_minimal_700.csv"):
        for account, amount in datev_trial_balance(DATEV / name).items():
            balances[account] = balances.get(account, Decimal(0)) + amount
    rows = [{"account": a, "amount": str(v), "currency": "EUR"} for a, v in balances.items()]
    saved = await save(
        client, tokens["national-de"], {"entity": "DE", "period": "2024", "trialBalance": rows}
    )
    assert saved["__typename"] == "ReportSaved", saved
    listed = data(await gql(client, tokens["finance"], UNMAPPED, entity="DE", period="2024"))
    # 5,950.00 (ledermann) + 2,785.23 (datev-lint) credited to 8400, SKR03's revenue account.
    assert listed["unmappedAccounts"]["accounts"] == [
        {
            "account": "8400",
            "balance": "-8735.23",
            "reason": "SKR04 leaves class 8 free (cost accounting): outside the statements",
        }
    ]
