"""Statements checked as a group auditor would: the lines against the trial balance of the same
submission, the balance sheet's result against the income statement's, stocks and other lines of
the complete group chart, and accounts the chart does not list."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from hub.mappings import service as mappings
from hub.services import Hub
from tests.api.graphql_client import data, gql
from tests.api.test_statements_graphql import belgian_lines

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
  unmappedAccounts(entity: $entity, period: $period) { version accounts { account balance reason } }
}
"""

# Sweden, 2024, in SEK: a trial balance before closing (debit positive) and the statements
# published from it, rounded to the krona. 1465 (stocks) and 2098 are not listed in the chart:
# its ranges map them.
#   bank 1,000,000.40 + stocks 200,000 = assets 1,200,000.40
#   capital 300,000 + suppliers 150,000.40 + result 750,000 = 1,200,000.40
#   result: turnover 2,000,000 - materials 500,000 - members' wages 750,000 = 750,000
TRIAL_BALANCE = [
    ("1930", "1000000.40"),
    ("1465", "200000"),
    ("2081", "-300000"),
    ("2098", "0"),
    ("2440", "-150000.40"),
    ("3041", "-2000000"),
    ("4010", "500000"),
    ("7010", "750000"),
]
LINES = {
    "BS.A": "1200000",
    "BS.A.CA": "1200000",
    "BS.A.CA.VI": "200000",
    "BS.A.CA.VI.A": "200000",
    "BS.A.CA.IX": "1000000",
    "BS.L": "1200000",
    "BS.L.EQ": "1050000",
    "BS.L.EQ.I": "300000",
    "BS.L.EQ.VY": "750000",
    "BS.L.DE": "150000",
    "BS.L.DE.IX": "150000",
    "BS.L.DE.IX.C": "150000",
    "IS.TI.PE.ACT": "2000000",
    "IS.PEC": "-1250000",
    "IS.NET": "750000",
}


def statements(
    lines: dict[str, str], trial_balance: list[tuple[str, str]], period: str = "2024"
) -> dict[str, Any]:
    return {
        "entity": "SE",
        "period": period,
        "lines": [{"line": k, "amount": v, "currency": "SEK"} for k, v in lines.items()],
        "trialBalance": [{"account": a, "amount": v, "currency": "SEK"} for a, v in trial_balance],
    }


async def save(client: AsyncTestClient[Any], token: str, report: dict[str, Any]) -> Any:
    return data(await gql(client, token, SAVE, input=report))["saveStatements"]


def rounding(line: str, label: str, said: str, gives: str, difference: str) -> tuple[str, ...]:
    return (
        "NOTICE",
        f"lines.{line}",
        f"{line} {label}: the statements say {said}, the trial balance gives {gives} SEK "
        f"(difference {difference}): rounding",
    )


async def test_lines_within_rounding_of_the_trial_balance_go_in_with_notices(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    saved = await save(client, tokens["national-se"], statements(LINES, TRIAL_BALANCE))
    assert saved["__typename"] == "ReportSaved"
    assert [(f["severity"], f["field"], f["message"]) for f in saved["findings"]] == [
        rounding("BS.A", "Total assets", "1200000", "1200000.40", "-0.40"),
        rounding("BS.A.CA", "Current assets", "1200000", "1200000.40", "-0.40"),
        rounding("BS.A.CA.IX", "IX. Cash at bank and in hand", "1000000", "1000000.40", "-0.40"),
        rounding("BS.L", "Total liabilities and equity", "1200000", "1200000.40", "-0.40"),
        rounding("BS.L.DE", "Debts", "150000", "150000.40", "-0.40"),
        rounding("BS.L.DE.IX", "IX. Debts within one year", "150000", "150000.40", "-0.40"),
        rounding("BS.L.DE.IX.C", "C. Trade debts", "150000", "150000.40", "-0.40"),
    ]


async def test_lines_far_from_the_trial_balance_are_refused_and_nothing_is_stored(
    client: AsyncTestClient[Any], tokens: dict[str, str], hub: Hub
) -> None:
    # Stocks parked on cash: every total still adds up, only the trial balance tells.
    parked = {
        **LINES,
        "BS.A.CA.VI": "100000",
        "BS.A.CA.VI.A": "100000",
        "BS.A.CA.IX": "1100000",
    }
    rejected = await save(client, tokens["national-se"], statements(parked, TRIAL_BALANCE))
    assert rejected["__typename"] == "ReportRejected"
    assert [(e["field"], e["message"]) for e in rejected["errors"]] == [
        (
            "lines.BS.A.CA.VI",
            "BS.A.CA.VI VI. Stocks and contracts in progress: the statements say 100000, the "
            "trial balance gives 200000 SEK (difference -100000), beyond the tolerance of 1",
        ),
        (
            "lines.BS.A.CA.VI.A",
            "BS.A.CA.VI.A A. Stocks (raw materials, work in progress, finished goods, goods for "
            "resale, advance payments): the statements say 100000, the trial balance gives "
            "200000 SEK (difference -100000), beyond the tolerance of 1",
        ),
        (
            "lines.BS.A.CA.IX",
            "BS.A.CA.IX IX. Cash at bank and in hand: the statements say 1100000, the trial "
            "balance gives 1000000.40 SEK (difference 99999.60), beyond the tolerance of 1",
        ),
    ]
    assert {e["rule"] for e in rejected["errors"]} == {"lines-vs-trial-balance"}
    async with hub.db.pool.acquire() as connection:
        assert await connection.fetchval("select count(*) from submission") == 0


async def test_the_result_of_the_year_comes_from_the_income_statement_accounts(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    # The balance sheet's result says 760,000 while the income statement's accounts hold 750,000:
    # the result line is far from the trial balance, and from the net result.
    wrong = {**LINES, "BS.L.EQ.VY": "760000", "BS.L.EQ": "1060000", "BS.L": "1210000"}
    rejected = await save(client, tokens["national-se"], statements(wrong, TRIAL_BALANCE))
    assert [e["field"] for e in rejected["errors"]] == [
        "lines.BS.L",
        "lines.BS.L",
        "lines.BS.L.EQ",
        "lines.BS.L.EQ.VY",
    ]
    assert rejected["errors"][3]["message"] == (
        "BS.L.EQ.VY V. Profit (loss) of the year: the statements say 760000, the trial balance "
        "gives 750000 SEK (difference 10000), beyond the tolerance of 1"
    )


async def test_the_balance_sheet_result_is_checked_against_the_net_result(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    # Belgium's published 2023 statements: the balance sheet's result of the year -5,900,277,
    # the income statement's net result -5,899,500. Accepted (published figures), with a warning
    # that submitting must explain; 2024 agrees (1,044,417 on both).
    token = tokens["national-be"]
    saved = await save(
        client, token, {"entity": "BE", "period": "2023", "lines": belgian_lines("2023")}
    )
    warnings = [f for f in saved["findings"] if f["severity"] == "WARNING"]
    assert [(w["rule"], w["field"], w["message"]) for w in warnings] == [
        (
            "result-of-the-year",
            "lines.BS.L.EQ.VY",
            "the balance sheet's result of the year (BS.L.EQ.VY) is -5900277, the income "
            "statement's net result (IS.NET) -5899500 EUR (difference -777), beyond the "
            "tolerance of 1: explain it in the comment",
        )
    ]
    agreed = await save(
        client, token, {"entity": "BE", "period": "2024", "lines": belgian_lines("2024")}
    )
    assert [f for f in agreed["findings"] if f["rule"] == "result-of-the-year"] == []


async def test_a_belgian_filing_with_stocks_goes_in(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    # Belgium 2024 as published, with 250,000 of its current assets in stocks (VI.A) and
    # 50,000 of contracts in progress (VI.B) taken from cash: the group chart has the lines.
    lines = belgian_lines(
        "2024",
        **{"BS.A.CA.IX": str(13_132_217 - 300_000)},
    )
    lines += [
        {"line": "BS.A.CA.VI", "amount": "300000", "currency": "EUR"},
        {"line": "BS.A.CA.VI.A", "amount": "250000", "currency": "EUR"},
        {"line": "BS.A.CA.VI.B", "amount": "50000", "currency": "EUR"},
    ]
    saved = await save(
        client, tokens["national-be"], {"entity": "BE", "period": "2024", "lines": lines}
    )
    assert saved["__typename"] == "ReportSaved"
    assert [f["field"] for f in saved["findings"] if f["severity"] != "NOTICE"] == []


async def test_accounts_the_chart_does_not_list_map_by_range_or_are_listed_as_unmapped(
    client: AsyncTestClient[Any], tokens: dict[str, str], hub: Hub
) -> None:
    # 1931 (another bank account) and 1465 (stocks) are BAS accounts the chart does not list;
    # 0351 is a statistical account BAS leaves to the company, here with a balance.
    balance = [
        ("1930", "500000"),
        ("1931", "500000.40"),
        ("1465", "200000"),
        ("0351", "120"),
        ("2081", "-300000.40"),
        ("2440", "-150000"),
        ("3041", "-2000000"),
        ("4010", "500000"),
        ("7010", "750000"),
        ("9999", "-120"),
    ]
    saved = await save(client, tokens["national-se"], statements({}, balance))
    assert saved["__typename"] == "ReportSaved"
    assert [(f["severity"], f["field"], f["message"]) for f in saved["findings"]] == [
        (
            "WARNING",
            "trialBalance[3].account",
            "account 0351 maps to no group line (BAS leaves classes 0 and 9 to the company: "
            "internal and statistical accounts, outside the statements): consolidation cannot "
            "use its balance of 120",
        ),
        (
            "WARNING",
            "trialBalance[9].account",
            "account 9999 maps to no group line (BAS leaves classes 0 and 9 to the company: "
            "internal and statistical accounts, outside the statements): consolidation cannot "
            "use its balance of -120",
        ),
    ]
    reason = "BAS leaves classes 0 and 9 to the company: internal and statistical accounts, "
    reason += "outside the statements"
    unmapped = data(await gql(client, tokens["finance"], UNMAPPED, entity="SE", period="2024"))
    assert sorted(
        (a["account"], a["balance"], a["reason"]) for a in unmapped["unmappedAccounts"]["accounts"]
    ) == [("0351", "120", reason), ("9999", "-120", reason)]
    async with hub.db.pool.acquire() as connection:
        placer = await mappings.placer(hub, connection, "SE", "2024")
    assert [(a, placer.place_key(a).line) for a in ["0351", "1465", "1931"]] == [
        ("0351", None),
        ("1465", "BS.A.CA.VI.A"),
        ("1931", "BS.A.CA.IX"),
    ]


async def test_an_account_outside_the_format_is_refused_with_the_format(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    rejected = await save(
        client,
        tokens["national-de"],
        {
            "entity": "DE",
            "period": "2024",
            "trialBalance": [
                {"account": "1800", "amount": "10", "currency": "EUR"},
                {"account": "1800-01", "amount": "-10", "currency": "EUR"},
            ],
        },
    )
    assert [(e["field"], e["message"]) for e in rejected["errors"]] == [
        (
            "trialBalance[1].account",
            "account '1800-01' is not in DE's chart (SKR04 (DATEV standard chart)): accounts "
            "are four digits (SKR04, general-ledger length 4) (e.g. 1800) or five digits "
            "10000-69999 (DATEV customer accounts) (e.g. 10000) or five digits 70000-99999 "
            "(DATEV supplier accounts) (e.g. 70000) or a listed account, optionally followed by "
            "digits of a sub-account",
        )
    ]
