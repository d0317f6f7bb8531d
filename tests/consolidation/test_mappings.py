"""Mappings in the database, on the worked example (test_service.py): finance maps accounts from
a period on over GraphQL; the consolidation of that period and later ones follows, earlier ones
do not; unmapped accounts are listed with their names and mapped in one step; every change is a
new, attributed row; only finance maps, and refusals speak the form's words."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from litestar.testing import AsyncTestClient

from hub.auth.policy import Principal, Role
from hub.auth.users import principal_for_token
from hub.consolidation import locking
from hub.mappings.repository import seed
from hub.reporting import service as reporting
from hub.reporting.model import StatementsIn, TrialBalanceLineIn
from hub.reporting.workflow import ReportAction
from hub.services import Hub
from tests.api.graphql_client import data, error_messages, gql
from tests.consolidation.test_locks import move
from tests.consolidation.test_service import national_lines, user
from tests.consolidation.worked_example import SWEDEN

MAP = """
mutation M($input: MapAccountsInput!) {
  mapAccounts(input: $input) {
    kind first last accounts
    current { line lineLabel intraNetwork effectiveFrom reason recordedBy inForce }
    history { line effectiveFrom reason recordedBy inForce }
  }
}
"""
MAPPINGS = """
query Q($entity: String!, $period: String!) {
  mappings(entity: $entity, period: $period) {
    kind first last accounts
    current { line effectiveFrom recordedBy }
    history { line effectiveFrom recordedBy inForce }
  }
}
"""
UNMAPPED = """
query U($entity: String!, $period: String!) {
  unmappedAccounts(entity: $entity, period: $period) {
    version accounts { account name balance reason }
  }
}
"""
TOTALS = """
query C($period: String!) {
  consolidation(period: $period, entities: ["BE", "SE"]) {
    lines { line total values { column amount } }
  }
}
"""
DRILL = """
query D($period: String!, $line: String!) {
  consolidationDrillDown(period: $period, line: $line, entities: ["BE", "SE"]) {
    entity account localAmount rate groupAmount version
  }
}
"""


async def principal(hub: Hub, token: str) -> Principal:
    async with hub.db.pool.acquire() as connection:
        found = await principal_for_token(connection, token)
    assert found is not None
    return found


def cash_to_receivables(effective_from: str) -> dict[str, Any]:
    return {
        "entity": "SE",
        "accounts": ["1910"],
        "line": "BS.A.CA.VII.A",
        "effectiveFrom": effective_from,
        "reason": "the cash pool is a claim on Belgium",
    }


async def figures(client: AsyncTestClient[Any], token: str, period: str) -> dict[str, Any]:
    lines = data(await gql(client, token, TOTALS, period=period))["consolidation"]["lines"]
    return {
        line["line"]: (line["total"], {v["column"]: v["amount"] for v in line["values"]})
        for line in lines
    }


async def test_a_mapping_from_2024_changes_2024_and_not_2023(
    client80: AsyncTestClient[Any], worked: dict[str, str], hub80: Hub
) -> None:
    finance = worked["finance"]
    before_2023 = await figures(client80, finance, "2023")
    before_2024 = await figures(client80, finance, "2024")
    assert before_2024["BS.A.CA.IX"][1]["SE"] == "698141.20"

    mapped = data(await gql(client80, finance, MAP, input=cash_to_receivables("2024")))
    assert mapped["mapAccounts"] == [
        {
            "kind": "ACCOUNT",
            "first": "1910",
            "last": "1910",
            "accounts": "account 1910",
            "current": {
                "line": "BS.A.CA.VII.A",
                "lineLabel": hub80.group_chart.lines["BS.A.CA.VII.A"].label,
                "intraNetwork": False,
                "effectiveFrom": "2024",
                "reason": "the cash pool is a claim on Belgium",
                "recordedBy": "finance",
                "inForce": True,
            },
            "history": [
                {
                    "line": "BS.A.CA.VII.A",
                    "effectiveFrom": "2024",
                    "reason": "the cash pool is a claim on Belgium",
                    "recordedBy": "finance",
                    "inForce": True,
                }
            ],
        }
    ]

    # 2023 to the cent as before; 2024 moves Sweden's 8,000,000 SEK (698,141.20 EUR at the
    # closing rate 11.459) from cash to receivables and nothing else.
    assert await figures(client80, finance, "2023") == before_2023
    after_2024 = await figures(client80, finance, "2024")
    assert after_2024["BS.A.CA.IX"][1]["SE"] == "0.00"
    receivables = "BS.A.CA.VII.A"
    assert after_2024[receivables][1]["SE"] == str(
        Decimal(before_2024[receivables][1]["SE"]) + Decimal("698141.20")
    )
    changed = {line for line in after_2024 if after_2024[line] != before_2024[line]}
    leaves = {line for line in changed if not hub80.group_chart.lines[line].is_total}
    assert leaves == {"BS.A.CA.IX", receivables}
    assert after_2024["BS.A"] == before_2024["BS.A"]  # the assets' total does not move
    drill = data(await gql(client80, finance, DRILL, period="2024", line=receivables))
    moved = {
        "entity": "SE",
        "account": "1910",
        "localAmount": "8000000",
        "rate": "11.459",
        "groupAmount": "698141.20",
        "version": 1,
    }
    assert moved in drill["consolidationDrillDown"]
    drill_2023 = data(await gql(client80, finance, DRILL, period="2023", line="BS.A.CA.IX"))
    assert "1910" in {r["account"] for r in drill_2023["consolidationDrillDown"]}

    # The rules in force for each year, with the history of the account.
    rules_2023 = data(await gql(client80, finance, MAPPINGS, entity="SE", period="2023"))
    rules_2024 = data(await gql(client80, finance, MAPPINGS, entity="SE", period="2024"))
    assert not [r for r in rules_2023["mappings"] if r["first"] == "1910"]
    (rule,) = [r for r in rules_2024["mappings"] if r["first"] == "1910"]
    assert rule["current"] == {
        "line": "BS.A.CA.VII.A",
        "effectiveFrom": "2024",
        "recordedBy": "finance",
    }
    (cash,) = [r for r in rules_2023["mappings"] if r["first"] == "19" and r["last"] == "19"]
    assert cash["accounts"] == "accounts starting with 19"
    assert cash["current"] == {"line": "BS.A.CA.IX", "effectiveFrom": None, "recordedBy": None}


async def test_a_later_change_is_a_new_row_and_the_audit_keeps_both(
    client80: AsyncTestClient[Any], worked: dict[str, str], hub80: Hub
) -> None:
    finance = worked["finance"]
    data(await gql(client80, finance, MAP, input=cash_to_receivables("2024")))
    back = cash_to_receivables("2025") | {"line": "BS.A.CA.IX", "reason": "pool closed"}
    history = data(await gql(client80, finance, MAP, input=back))["mapAccounts"][0]["history"]
    assert [(h["line"], h["effectiveFrom"], h["reason"], h["inForce"]) for h in history] == [
        ("BS.A.CA.VII.A", "2024", "the cash pool is a claim on Belgium", False),
        ("BS.A.CA.IX", "2025", "pool closed", True),
    ]
    for period, line in (("2024", "BS.A.CA.VII.A"), ("2025", "BS.A.CA.IX"), ("2026", "BS.A.CA.IX")):
        rules = data(await gql(client80, finance, MAPPINGS, entity="SE", period=period))
        (rule,) = [r for r in rules["mappings"] if r["first"] == "1910"]
        assert rule["current"]["line"] == line
        assert [h["inForce"] for h in rule["history"]] == [period == "2024", period != "2024"]
    async with hub80.db.pool.acquire() as connection:
        rows = await connection.fetch(
            "select m.line_code, m.effective_from, m.reason, u.name from account_mapping m "
            "join app_user u on u.id = m.recorded_by where m.entity_code = 'SE' order by m.id"
        )
        # Rows are never edited: the table refuses it.
        refused = None
        try:
            await connection.execute("update account_mapping set line_code = 'IS.FIN'")
        except Exception as error:
            refused = str(error)
    assert [tuple(r) for r in rows] == [
        ("BS.A.CA.VII.A", "2024", "the cash pool is a claim on Belgium", "finance"),
        ("BS.A.CA.IX", "2025", "pool closed", "finance"),
    ]
    assert refused is not None


async def test_unmapped_accounts_are_listed_with_their_names_and_mapped_in_one_step(
    client80: AsyncTestClient[Any], worked: dict[str, str], hub80: Hub
) -> None:
    """Sweden's corrected 2024 trial balance books 120 SEK on a statistical account of class 0
    against class 9, both left out by BAS; finance maps them to lines for 2024 on."""
    finance = worked["finance"]
    finance_principal = await principal(hub80, finance)
    sweden = await principal(hub80, worked["national-se"])
    extra = (
        TrialBalanceLineIn(account="0351", amount=Decimal("120"), currency="SEK", label="Stat"),
        TrialBalanceLineIn(account="9999", amount=Decimal("-120"), currency="SEK", label="Mot"),
    )
    await move(hub80, finance_principal, "SE", "2024", ReportAction.REOPEN)
    outcome = await reporting.save_statements(
        hub80,
        sweden,
        StatementsIn(
            entity="SE",
            period="2024",
            trial_balance=(*national_lines(hub80, SWEDEN), *extra),
            base_version=1,
        ),
    )
    assert isinstance(outcome, reporting.Saved), outcome
    await move(hub80, sweden, "SE", "2024", ReportAction.SUBMIT)
    await move(hub80, finance_principal, "SE", "2024", ReportAction.APPROVE)

    bas = "BAS leaves classes 0 and 9 to the company: internal and statistical accounts, "
    bas += "outside the statements"
    listed = data(await gql(client80, finance, UNMAPPED, entity="SE", period="2024"))
    assert listed["unmappedAccounts"] == {
        "version": 2,
        "accounts": [
            {"account": "0351", "name": "Stat", "balance": "120", "reason": bas},
            {"account": "9999", "name": "Mot", "balance": "-120", "reason": bas},
        ],
    }
    blocked = await gql(client80, finance, TOTALS, period="2024")
    assert blocked["errors"][0]["extensions"]["problems"] == [
        "SE: accounts with a balance are not mapped to the group chart: 0351 (120), 9999 (-120)"
    ]
    # The team's own page reads the same list.
    team = data(await gql(client80, worked["national-se"], UNMAPPED, entity="SE", period="2024"))
    assert len(team["unmappedAccounts"]["accounts"]) == 2

    both = {
        "entity": "SE",
        "accounts": ["0351", "9999"],
        "line": "BS.A.CA.VII.A",
        "effectiveFrom": "2024",
        "reason": "a statistical pair booked by mistake, nets to zero",
    }
    mapped = data(await gql(client80, finance, MAP, input=both))["mapAccounts"]
    assert [(m["first"], m["current"]["line"]) for m in mapped] == [
        ("0351", "BS.A.CA.VII.A"),
        ("9999", "BS.A.CA.VII.A"),
    ]
    listed = data(await gql(client80, finance, UNMAPPED, entity="SE", period="2024"))
    assert listed["unmappedAccounts"] == {"version": 2, "accounts": []}
    # Their balances are on the line now: 120 / 11.459 = 10.47 each way.
    drill = data(await gql(client80, finance, DRILL, period="2024", line="BS.A.CA.VII.A"))
    assert sorted(
        (r["account"], r["localAmount"], r["groupAmount"], r["version"])
        for r in drill["consolidationDrillDown"]
        if r["entity"] == "SE"
    ) == [("0351", "120", "10.47", 2), ("9999", "-120", "-10.47", 2)]
    # 2023 still leaves class 0 out.
    rules = data(await gql(client80, finance, MAPPINGS, entity="SE", period="2023"))
    assert not [r for r in rules["mappings"] if r["kind"] == "ACCOUNT" and r["first"] == "0351"]


async def test_who_may_read_and_map(
    client80: AsyncTestClient[Any], worked: dict[str, str], hub80: Hub
) -> None:
    team = worked["national-se"]
    assert data(await gql(client80, team, MAPPINGS, entity="SE", period="2024"))["mappings"]
    assert error_messages(await gql(client80, team, MAPPINGS, entity="BE", period="2024")) == [
        "national-se (national team of SE) may not read the mapping of national accounts to "
        "group lines for BE: only for SE"
    ]
    board = await gql(client80, worked["board"], MAPPINGS, entity="SE", period="2024")
    assert error_messages(board) == [
        "the board role may not read the mapping of national accounts to group lines"
    ]
    admin, _ = await user(hub80, "admin", Role.ADMIN)
    assert data(await gql(client80, admin, MAPPINGS, entity="SE", period="2024"))["mappings"]
    for token in (team, admin, worked["board"]):
        refused = await gql(client80, token, MAP, input=cash_to_receivables("2024"))
        assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert "may not map national accounts to group lines" in error_messages(refused)[0]
    async with hub80.db.pool.acquire() as connection:
        count = "select count(*) from account_mapping where recorded_by is not null"
        assert await connection.fetchval(count) == 0


async def test_refusals_name_the_field_in_the_form_s_words(
    client80: AsyncTestClient[Any], worked: dict[str, str], hub80: Hub
) -> None:
    finance = worked["finance"]

    async def problems(**change: Any) -> list[str]:
        body = await gql(client80, finance, MAP, input=cash_to_receivables("2024") | change)
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", body
        found: list[str] = body["errors"][0]["extensions"]["problems"]
        return found

    assert await problems(line="BS.X", effectiveFrom="25", reason=" ") == [
        "line BS.X does not exist in the group chart",
        "effective from must be a period like 2025 (or 2025-Q3, 2025-09), not '25'",
        "reason: say why (it is kept with the mapping)",
    ]
    assert await problems(line="BS.A") == [
        f"line BS.A ({hub80.group_chart.lines['BS.A'].label}) is a total of the group chart: "
        "map to one of its parts"
    ]
    assert await problems(accounts=["AB12", "19101"]) == [
        "account 'AB12' is not in SE's chart (BAS (Swedish standard chart)): accounts are "
        "four digits (BAS) (e.g. 1930) or a listed account, optionally followed by digits of a "
        "sub-account",
        "account 19101 is booked under 1910 (BAS (Swedish standard chart)): map 1910",
    ]
    assert await problems(accounts=[], prefix="19", first="19") == [
        "accounts: give the accounts, a range (first and last account) or a prefix: one of "
        "the three"
    ]
    assert await problems(accounts=[], first="20", last="19") == [
        "first account 20 comes after last account 19"
    ]
    assert await problems(entity="XX") == [
        "entity: 'XX' is not an entity of the network (BE, DE, AT, IT, SE)"
    ]
    # A range and a prefix are taken.
    ranged = cash_to_receivables("2025") | {"accounts": [], "first": "1910", "last": "1919"}
    assert data(await gql(client80, finance, MAP, input=ranged))["mapAccounts"][0]["accounts"] == (
        "accounts 1910 to 1919"
    )


async def test_a_locked_period_refuses_a_mapping_that_would_change_it(
    client80: AsyncTestClient[Any], worked: dict[str, str], hub80: Hub
) -> None:
    finance = worked["finance"]
    finance_principal = await principal(hub80, finance)
    await locking.lock(hub80, finance_principal, "2024", ["BE", "SE"], "signed off")
    refused = await gql(client80, finance, MAP, input=cash_to_receivables("2024"))
    assert refused["errors"][0]["extensions"]["code"] == "LOCKED"
    assert "changing SE's mapping from 2024" in error_messages(refused)[0]
    # From 2025 on, 2024 stays as signed off.
    data(await gql(client80, finance, MAP, input=cash_to_receivables("2025")))


async def test_the_chart_files_seed_once_and_edits_survive_a_restart(
    client80: AsyncTestClient[Any], worked: dict[str, str], hub80: Hub
) -> None:
    async with hub80.db.pool.acquire() as connection:
        seeded = await connection.fetch(
            "select entity_code, count(*) from account_mapping group by 1 order by 1"
        )
    # Every entity was seeded from its chart file at first start, without an author.
    assert {row[0] for row in seeded} == {"AT", "BE", "DE", "IT", "SE"}
    data(await gql(client80, worked["finance"], MAP, input=cash_to_receivables("2024")))
    async with hub80.db.pool.acquire() as connection:
        # What start-up does again: nothing, every entity has its rules.
        assert await seed(connection, hub80.countries) == []
        after = await connection.fetch(
            "select entity_code, count(*) from account_mapping group by 1 order by 1"
        )
    assert {r[0]: r[1] for r in after} == {r[0]: r[1] + (r[0] == "SE") for r in seeded}
