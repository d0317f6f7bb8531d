"""Financial statements over GraphQL: the published Belgian statements, totals and rounding."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from hub.demo.statements import BELGIUM
from hub.services import Hub
from tests.api.graphql_client import data, gql

SAVE = """
mutation Save($input: StatementsInput!) {
  saveStatements(input: $input) {
    __typename
    ... on ReportSaved { submission { version } findings { severity rule field message } }
    ... on ReportRejected { errors { rule field message } errorCount }
  }
}
"""
STATEMENTS = """
query Statements($entity: String!, $period: String!) {
  statements(entity: $entity, period: $period) {
    version currency
    lines { line label amount isTotal depth }
    roundingDifferences { field message }
  }
}
"""


def belgian_lines(period: str, **changes: str) -> list[dict[str, str]]:
    column = {"2023": 1, "2024": 2}[period]
    return [
        {"line": row[0], "amount": changes.get(row[0], str(row[column])), "currency": "EUR"}
        for row in BELGIUM
    ]


async def save(
    client: AsyncTestClient[Any], token: str, statements: dict[str, Any]
) -> dict[str, Any]:
    result: dict[str, Any] = data(await gql(client, token, SAVE, input=statements))[
        "saveStatements"
    ]
    return result


# The published statements round to the euro; checked by hand, these sub-totals differ from
# the sum of their parts by one euro (DOMAIN.md warns of it). Listed in group-chart order.
#   2023 receivables <= 1 year: 23,713,845 + 5,184,215 = 28,898,060, published 28,898,061
#   2023 total liabilities: 39,856,476 + 79,566 + 31,624,089 = 71,560,131, published 71,560,130
#   2023 total income: 193,766,363 + 1,024,973 + 27,297,504 + 283,665 = 222,372,505, pub. ...506
#   2023 EBIT: 5,864,132 + 554,540 - 562,740 - 9,753,652 = -3,897,720, published -3,897,721
#   2024 EBIT: 5,845,497 + 30,408 - 421,901 - 2,468,315 = 2,985,689, published 2,985,688
#   2024 result before taxes: 2,985,688 + 155,780 = 3,141,468, published 3,141,467
#   2024 net result: 3,141,467 - 2,097,051 = 1,044,416, published 1,044,417
ROUNDING = {
    "2023": [
        ("lines.BS.A.CA.VII", "28898060", "28898061", "1"),
        ("lines.BS.L", "71560131", "71560130", "-1"),
        ("lines.IS.EBIT", "-3897720", "-3897721", "-1"),
        ("lines.IS.TI", "222372505", "222372506", "1"),
    ],
    "2024": [
        ("lines.IS.NET", "1044416", "1044417", "1"),
        ("lines.IS.RBT", "3141468", "3141467", "-1"),
        ("lines.IS.EBIT", "2985689", "2985688", "-1"),
    ],
}


@pytest.mark.parametrize("period", ["2023", "2024"])
async def test_the_published_belgian_statements_go_in_with_their_rounding_listed(
    client: AsyncTestClient[Any], tokens: dict[str, str], period: str
) -> None:
    saved = await save(
        client,
        tokens["national-be"],
        {"entity": "BE", "period": period, "lines": belgian_lines(period)},
    )
    assert saved["__typename"] == "ReportSaved"
    notices = [f for f in saved["findings"] if f["severity"] == "NOTICE"]
    expected = [
        (field, f"the parts add up to {parts}, the total says {total} (difference {diff})")
        for field, parts, total, diff in ROUNDING[period]
    ]
    assert [(n["field"], n["message"].split(": ", 1)[1].rsplit(": ", 1)[0]) for n in notices] == (
        expected
    )
    assert all(n["rule"] == "rounding-difference" for n in notices)

    body = data(await gql(client, tokens["finance"], STATEMENTS, entity="BE", period=period))
    statements = body["statements"]
    lines = {line["line"]: line for line in statements["lines"]}
    column = {"2023": 1, "2024": 2}[period]
    assert {code: lines[code]["amount"] for code, *_ in BELGIUM} == {
        row[0]: str(row[column]) for row in BELGIUM
    }
    assert lines["BS.A"]["amount"] == {"2023": "71560130", "2024": "71641320"}[period]
    assert lines["IS.NET"]["amount"] == {"2023": "-5899500", "2024": "1044417"}[period]
    assert (lines["BS.A"]["isTotal"], lines["BS.A.FA.II"]["depth"]) == (True, 2)
    assert [d["field"] for d in statements["roundingDifferences"]] == [
        f for f, *_ in ROUNDING[period]
    ]


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            {"BS.A.FA.II": "3741574"},
            [
                (
                    "parts-add-up",
                    "lines.BS.A.FA",
                    "BS.A.FA Fixed assets: the parts add up to 21119960, the total says 21119860 "
                    "(difference -100), beyond the tolerance of 1",
                ),
            ],
        ),
        (
            {"BS.A": "71641420", "BS.A.CA": "50521560", "BS.A.CA.IX": "13132317"},
            [
                (
                    "balance-sheet-balances",
                    "lines.BS.L",
                    "total assets 71641420 differ from total liabilities and equity 71641320 "
                    "by 100",
                ),
            ],
        ),
    ],
)
async def test_totals_beyond_the_tolerance_are_errors_and_nothing_is_stored(
    client: AsyncTestClient[Any],
    tokens: dict[str, str],
    hub: Hub,
    changes: dict[str, str],
    errors: list[tuple[str, str, str]],
) -> None:
    rejected = await save(
        client,
        tokens["national-be"],
        {"entity": "BE", "period": "2024", "lines": belgian_lines("2024", **changes)},
    )
    assert [(e["rule"], e["field"], e["message"]) for e in rejected["errors"]] == errors
    async with hub.db.pool.acquire() as connection:
        assert await connection.fetchval("select count(*) from statement_line") == 0


async def test_bad_lines_are_named(client: AsyncTestClient[Any], tokens: dict[str, str]) -> None:
    rejected = await save(
        client,
        tokens["national-be"],
        {
            "entity": "BE",
            "period": "2024",
            "lines": [
                {"line": "BS.X", "amount": "1", "currency": "EUR"},
                {"line": "BS.L.EQ.CTA", "amount": "1", "currency": "EUR"},
                {"line": "BS.A.CA.IX", "amount": "1", "currency": "SEK"},
                {"line": "BS.A.CA.IX", "amount": "2", "currency": "EUR"},
            ],
        },
    )
    assert [(e["field"], e["message"]) for e in rejected["errors"]] == [
        ("lines[0].line", "unknown group line 'BS.X'"),
        (
            "lines[1].line",
            "BS.L.EQ.CTA (Translation reserve) is filled by consolidation, not by entities",
        ),
        ("lines[2].currency", "BE reports in EUR, not SEK"),
    ]
    empty = await save(client, tokens["national-be"], {"entity": "BE", "period": "2024"})
    assert [(e["field"], e["message"]) for e in empty["errors"]] == [
        ("statements", "give statement lines, a trial balance, or both")
    ]


async def test_a_trial_balance_names_each_repeated_account(
    client: AsyncTestClient[Any], tokens: dict[str, str], hub: Hub
) -> None:
    def row(account: str, amount: str, partner: str | None = None) -> dict[str, Any]:
        return {"account": account, "amount": amount, "currency": "SEK", "partner": partner}

    rejected = await save(
        client,
        tokens["national-se"],
        {
            "entity": "SE",
            "period": "2024",
            "trialBalance": [
                row("1930", "100"),
                row("1660", "50", "BE"),
                row("1930", "-40"),
                row("1660", "10", "BE"),
                row("1660", "-5", "DE"),
                row("2081", "-115"),
            ],
        },
    )
    assert [(e["field"], e["message"]) for e in rejected["errors"]] == [
        ("trialBalance[2].account", "account 1930 is repeated: one line per account and partner"),
        (
            "trialBalance[3].account",
            "account 1660 with partner BE is repeated: one line per account and partner",
        ),
    ]
    async with hub.db.pool.acquire() as connection:
        assert await connection.fetchval("select count(*) from tb_line") == 0
