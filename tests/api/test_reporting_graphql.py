"""Submitting and reading KPI values through GraphQL over HTTP, against a real PostgreSQL."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from hub.services import Hub
from tests.api.graphql_client import data, error_messages, gql

SUBMIT = """
mutation Save($input: KpiReportInput!) {
  saveKpiValues(input: $input) {
    __typename
    ... on ReportSaved { unchanged replayed
                         submission { id entity period version author source } }
    ... on ReportRejected { errors { field message } errorCount }
    ... on ReportConflict { message latestVersion status }
  }
}
"""

TRANSITION = """
mutation Move($input: TransitionInput!) {
  transitionReport(input: $input) { status latestVersion approvedVersion }
}
"""

VALUES = """
query Values($entity: [String!], $period: [String!], $kpi: [String!], $version: Int) {
  kpiValues(entity: $entity, period: $period, kpi: $kpi, version: $version) {
    entity period kpi amount currency unit version provenance
  }
}
"""


def de_2024(**overrides: Any) -> dict[str, Any]:
    submission: dict[str, Any] = {
        "entity": "DE",
        "period": "2024",
        "values": [
            {"kpi": "turnover", "amount": "5985000", "currency": "EUR"},
            {"kpi": "users", "amount": "302"},
            {"kpi": "staff_fte", "amount": "6.7"},
        ],
    }
    submission.update(overrides)
    return submission


async def stored_values(hub: Hub) -> int:
    async with hub.db.pool.acquire() as connection:
        count: int = await connection.fetchval("select count(*) from kpi_value")
        return count


async def save(
    client: AsyncTestClient[Any], token: str, submission: dict[str, Any]
) -> dict[str, Any]:
    result: dict[str, Any] = data(await gql(client, token, SUBMIT, input=submission))[
        "saveKpiValues"
    ]
    return result


async def move(
    client: AsyncTestClient[Any], token: str, action: str, reason: str | None = None
) -> dict[str, Any]:
    move_input = {"entity": "DE", "period": "2024", "dataset": "KPI", "action": action}
    body = await gql(client, token, TRANSITION, input={**move_input, "reason": reason})
    result: dict[str, Any] = data(body)["transitionReport"]
    return result


async def test_a_draft_is_seen_by_its_team_and_finance_and_by_the_board_once_approved(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    result = await save(client, tokens["national-de"], de_2024())
    assert result["__typename"] == "ReportSaved"
    submission = result["submission"]
    assert (submission["entity"], submission["period"], submission["version"]) == ("DE", "2024", 1)
    assert submission["author"] == "national-de"
    assert submission["source"] == "graphql"

    expected = [
        {
            "entity": "DE",
            "period": "2024",
            "kpi": "staff_fte",
            "amount": "6.7",
            "currency": None,
            "unit": "FTE",
            "version": 1,
            "provenance": "REPORTED",
        },
        {
            "entity": "DE",
            "period": "2024",
            "kpi": "turnover",
            "amount": "5985000",
            "currency": "EUR",
            "unit": "CURRENCY",
            "version": 1,
            "provenance": "REPORTED",
        },
        {
            "entity": "DE",
            "period": "2024",
            "kpi": "users",
            "amount": "302",
            "currency": None,
            "unit": "PERSONS",
            "version": 1,
            "provenance": "REPORTED",
        },
    ]
    for reader in ("national-de", "finance", "admin"):
        read = data(await gql(client, tokens[reader], VALUES, entity=["DE"], period=["2024"]))
        assert read["kpiValues"] == expected, reader
    for outsider in ("board", "national-se"):
        read = data(await gql(client, tokens[outsider], VALUES, entity=["DE"]))
        assert read["kpiValues"] == [], outsider
        explicit = data(await gql(client, tokens[outsider], VALUES, entity=["DE"], version=1))
        assert explicit["kpiValues"] == [], outsider

    await move(client, tokens["national-de"], "SUBMIT", "offices and rate come with the audit")
    assert (await move(client, tokens["finance"], "APPROVE"))["approvedVersion"] == 1
    for reader in ("board", "national-se"):
        read = data(await gql(client, tokens[reader], VALUES, entity=["DE"], period=["2024"]))
        assert read["kpiValues"] == expected, reader


async def test_a_correction_appends_a_version_and_keeps_the_old_one(
    client: AsyncTestClient[Any], tokens: dict[str, str], hub: Hub
) -> None:
    token = tokens["national-de"]
    await save(client, token, de_2024())
    corrected = de_2024(
        values=[{"kpi": "turnover", "amount": "5985123.45", "currency": "EUR"}],
        options={"baseVersion": 1},
    )
    second = await save(client, token, corrected)
    assert second["submission"]["version"] == 2

    latest = data(await gql(client, tokens["finance"], VALUES, entity=["DE"], kpi=["turnover"]))
    assert [(v["amount"], v["version"]) for v in latest["kpiValues"]] == [("5985123.45", 2)]
    first = data(
        await gql(client, tokens["finance"], VALUES, entity=["DE"], kpi=["turnover"], version=1)
    )
    assert [(v["amount"], v["version"]) for v in first["kpiValues"]] == [("5985000", 1)]

    async with hub.db.pool.acquire() as connection:
        rows = await connection.fetch(
            "select s.version, v.amount from submission s"
            " join kpi_value v on v.submission_id = s.id"
            " where v.kpi_code = 'turnover' order by s.version"
        )
    assert [(r["version"], r["amount"]) for r in rows] == [
        (1, Decimal("5985000")),
        (2, Decimal("5985123.45")),
    ]


async def test_a_stale_or_missing_base_version_is_a_conflict_and_stores_nothing(
    client: AsyncTestClient[Any], tokens: dict[str, str], hub: Hub
) -> None:
    token = tokens["national-de"]
    await save(client, token, de_2024())
    await save(
        client,
        token,
        de_2024(options={"baseVersion": 1}, values=[{"kpi": "users", "amount": "303"}]),
    )
    stale = await save(client, token, de_2024(options={"baseVersion": 1}))
    assert stale == {
        "__typename": "ReportConflict",
        "message": "version 2 was saved since version 1, which your change starts from: "
        "reload, apply your change again and resend",
        "latestVersion": 2,
        "status": "DRAFT",
    }
    missing = await save(client, token, de_2024())
    assert missing["message"] == (
        "the report already has version 2: send the version your change starts from as baseVersion"
    )
    async with hub.db.pool.acquire() as connection:
        assert await connection.fetchval("select count(*) from submission") == 2


async def test_concurrent_writers_from_the_same_version_one_wins_the_others_are_told(
    client: AsyncTestClient[Any], tokens: dict[str, str], hub: Hub
) -> None:
    token = tokens["national-it"]
    inputs: list[dict[str, Any]] = [
        {"entity": "IT", "period": "2024", "values": [{"kpi": "users", "amount": str(n)}]}
        for n in range(1800, 1808)
    ]
    results = await asyncio.gather(*(save(client, token, i) for i in inputs))
    kinds = sorted(r["__typename"] for r in results)
    assert kinds == ["ReportConflict"] * 7 + ["ReportSaved"]
    [winner] = [i for i, r in zip(inputs, results, strict=True) if r["__typename"] == "ReportSaved"]
    async with hub.db.pool.acquire() as connection:
        amounts = await connection.fetch(
            "select v.amount from kpi_value v join submission s on s.id = v.submission_id"
            " where s.entity_code = 'IT'"
        )
    assert [r["amount"] for r in amounts] == [Decimal(winner["values"][0]["amount"])]


async def test_writers_of_different_reports_do_not_wait_for_each_other(
    client: AsyncTestClient[Any], tokens: dict[str, str], hub: Hub
) -> None:
    inputs = [
        (
            tokens[f"national-{code.lower()}"],
            {"entity": code, "period": period, "values": [{"kpi": "users", "amount": "1"}]},
        )
        for code in ("BE", "DE", "AT", "IT", "SE")
        for period in ("2023", "2024")
    ]
    results = await asyncio.gather(*(save(client, token, i) for token, i in inputs))
    assert {r["__typename"] for r in results} == {"ReportSaved"}
    async with hub.db.pool.acquire() as connection:
        assert await connection.fetchval("select count(*) from kpi_value") == 10


async def test_a_retried_save_with_its_idempotency_key_creates_nothing_new(
    client: AsyncTestClient[Any], tokens: dict[str, str], hub: Hub
) -> None:
    token = tokens["national-de"]
    first = await save(client, token, de_2024(options={"idempotencyKey": "upload-42"}))
    retry = await save(client, token, de_2024(options={"idempotencyKey": "upload-42"}))
    assert retry["replayed"] is True
    assert retry["submission"]["id"] == first["submission"]["id"]
    other = await save(
        client,
        token,
        de_2024(
            options={"idempotencyKey": "upload-42", "baseVersion": 1},
            values=[{"kpi": "users", "amount": "1"}],
        ),
    )
    assert other["errors"] == [
        {
            "field": "idempotencyKey",
            "message": "idempotency key 'upload-42' was already used for version 1 with different "
            "content",
        }
    ]
    async with hub.db.pool.acquire() as connection:
        assert await connection.fetchval("select count(*) from submission") == 1


async def test_an_idempotency_key_belongs_to_one_report(
    client: AsyncTestClient[Any], tokens: dict[str, str], hub: Hub
) -> None:
    """The same key for another period is another save: it used to answer "replayed" with the
    first period's submission and store nothing."""
    token = tokens["national-de"]
    first = await save(client, token, de_2024(options={"idempotencyKey": "monthly-upload"}))
    other_period = await save(
        client, token, de_2024(period="2023", options={"idempotencyKey": "monthly-upload"})
    )
    assert other_period["replayed"] is False
    assert other_period["submission"]["period"] == "2023"
    assert other_period["submission"]["id"] != first["submission"]["id"]
    async with hub.db.pool.acquire() as connection:
        periods = await connection.fetch(
            "select period from submission where idempotency_key = 'monthly-upload' order by period"
        )
    assert [row["period"] for row in periods] == ["2023", "2024"]


async def test_racing_the_same_idempotency_key_answers_one_save_and_replays(
    client: AsyncTestClient[Any], tokens: dict[str, str], hub: Hub
) -> None:
    """Eight retries at once of one save, and the same key sent for three other periods at
    once: each report is saved once, the retries are replays, nobody sees a database error."""
    token = tokens["national-de"]
    same = [de_2024(options={"idempotencyKey": "retry-storm"}) for _ in range(8)]
    others = [
        de_2024(period=period, options={"idempotencyKey": "retry-storm"})
        for period in ("2021", "2022", "2023")
    ]
    results = await asyncio.gather(*(save(client, token, i) for i in same + others))
    assert {r["__typename"] for r in results} == {"ReportSaved"}
    retries = results[:8]
    assert sorted(r["replayed"] for r in retries) == [False] + [True] * 7
    assert len({r["submission"]["id"] for r in retries}) == 1
    assert [r["replayed"] for r in results[8:]] == [False, False, False]
    async with hub.db.pool.acquire() as connection:
        assert await connection.fetchval("select count(*) from submission") == 4


async def test_saving_the_same_content_again_makes_no_new_version(
    client: AsyncTestClient[Any], tokens: dict[str, str], hub: Hub
) -> None:
    token = tokens["national-de"]
    await save(client, token, de_2024())
    again = await save(client, token, de_2024(options={"baseVersion": 1}))
    assert (again["unchanged"], again["submission"]["version"]) == (True, 1)
    async with hub.db.pool.acquire() as connection:
        assert await connection.fetchval("select count(*) from submission") == 1


async def test_a_national_team_cannot_write_another_entity(
    client: AsyncTestClient[Any], tokens: dict[str, str], hub: Hub
) -> None:
    body = await gql(client, tokens["national-se"], SUBMIT, input=de_2024())
    assert body["data"] is None
    assert error_messages(body) == [
        "national-se (national team of SE) may not report figures for DE: only for SE"
    ]
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await stored_values(hub) == 0


@pytest.mark.parametrize("role", ["board", "finance", "admin"])
async def test_only_national_teams_report_figures(
    client: AsyncTestClient[Any], tokens: dict[str, str], hub: Hub, role: str
) -> None:
    body = await gql(client, tokens[role], SUBMIT, input=de_2024())
    assert error_messages(body) == [f"the {role} role may not report figures"]
    assert await stored_values(hub) == 0


async def test_a_national_team_sees_its_own_drafts_and_nobody_elses(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    await save(client, tokens["national-de"], de_2024())
    se = {"entity": "SE", "period": "2024", "values": [{"kpi": "users", "amount": "273"}]}
    await save(client, tokens["national-se"], se)

    own = data(await gql(client, tokens["national-se"], VALUES))
    assert {v["entity"] for v in own["kpiValues"]} == {"SE"}
    nested = data(
        await gql(client, tokens["national-se"], "{ entities { code kpiValues { kpi } } }")
    )
    assert {e["code"]: len(e["kpiValues"]) for e in nested["entities"]} == {
        "BE": 0,
        "DE": 0,
        "AT": 0,
        "IT": 0,
        "SE": 1,
    }
    history = data(
        await gql(client, tokens["national-se"], '{ submissions(entity: ["DE"]) { version } }')
    )
    assert history["submissions"] == []
    reports = data(await gql(client, tokens["national-se"], "{ reports { entity } }"))
    assert reports["reports"] == [{"entity": "SE"}]


REJECTIONS = [
    (
        {"entity": "XX"},
        [("entity", "unknown entity 'XX'; known entities: AT, BE, DE, IT, SE")],
    ),
    (
        {"period": "24"},
        [
            (
                "period",
                "'24' is not a period: expected YYYY, YYYY-Qn or YYYY-MM "
                "(e.g. 2024, 2024-Q3, 2024-09)",
            )
        ],
    ),
    ({"period": "2024-13"}, [("period", "'2024-13': month must be 01 to 12")]),
    ({"period": "2024-Q5"}, [("period", "'2024-Q5': quarter must be Q1 to Q4")]),
    (
        {"values": [{"kpi": "revenue", "amount": "1"}]},
        [
            (
                "values[0].kpi",
                "unknown KPI 'revenue'; known: advisers, contribution_income, "
                "contribution_rate, offices, operating_result, salaried_members, "
                "staff_fte, turnover, users",
            )
        ],
    ),
    (
        {"values": [{"kpi": "users", "amount": "-3"}]},
        [("values[0].amount", "users must not be negative, got -3")],
    ),
    (
        {"values": [{"kpi": "users", "amount": "302.5"}]},
        [("values[0].amount", "users counts persons: a whole number is required, got 302.5")],
    ),
    (
        {"values": [{"kpi": "turnover", "amount": "5985000", "currency": "SEK"}]},
        [("values[0].currency", "DE reports in EUR, not SEK")],
    ),
    (
        {"values": [{"kpi": "turnover", "amount": "5985000"}]},
        [("values[0].currency", "turnover is an amount of money: give its currency (EUR)")],
    ),
    (
        {"values": [{"kpi": "users", "amount": "302", "currency": "EUR"}]},
        [("values[0].currency", "users is measured in persons, not in a currency")],
    ),
    (
        {"values": [{"kpi": "contribution_rate", "amount": "109"}]},
        [("values[0].amount", "contribution_rate is a percentage: at most 100, got 109")],
    ),
    (
        {"values": [{"kpi": "users", "amount": "1"}, {"kpi": "users", "amount": "2"}]},
        [("values[1].kpi", "users is given more than once: one value per KPI")],
    ),
    ({"values": []}, [("values", "at least one KPI value is required")]),
    (
        {
            "period": "2024-99",
            "values": [{"kpi": "users", "amount": "-1"}, {"kpi": "offices", "amount": "1.5"}],
        },
        [
            ("period", "'2024-99': month must be 01 to 12"),
            ("values[0].amount", "users must not be negative, got -1"),
            ("values[1].amount", "offices counts count: a whole number is required, got 1.5"),
        ],
    ),
]


@pytest.mark.parametrize(("change", "expected"), REJECTIONS)
async def test_bad_input_is_rejected_with_located_errors_and_nothing_stored(
    client: AsyncTestClient[Any],
    tokens: dict[str, str],
    hub: Hub,
    change: dict[str, Any],
    expected: list[tuple[str, str]],
) -> None:
    result = await save(client, tokens["national-de"], de_2024(**change))
    assert result["__typename"] == "ReportRejected"
    assert [(e["field"], e["message"]) for e in result["errors"]] == expected
    assert await stored_values(hub) == 0
    async with hub.db.pool.acquire() as connection:
        assert await connection.fetchval("select count(*) from report") == 0


@pytest.mark.parametrize(
    ("amount", "reason"),
    [
        ("abc", "'abc' is not a number: expected digits with an optional '.' fraction"),
        ("NaN", "'NaN' is not a number: expected digits with an optional '.' fraction"),
        ("1e6", "'1e6' is not a number: expected digits with an optional '.' fraction"),
        (
            5985000.5,
            "5985000.5 was sent as a JSON number with a fraction; send amounts as "
            'strings, e.g. "5985000.5", so that they stay exact',
        ),
    ],
)
async def test_a_value_that_is_not_an_exact_number_is_refused_before_anything_runs(
    client: AsyncTestClient[Any], tokens: dict[str, str], hub: Hub, amount: Any, reason: str
) -> None:
    submission = de_2024(values=[{"kpi": "turnover", "amount": amount, "currency": "EUR"}])
    body = await gql(client, tokens["national-de"], SUBMIT, input=submission)
    [message] = error_messages(body)
    assert message.startswith(
        "Variable '$input' has invalid value at .values[0].amount: Expected value of type "
        f"'Decimal', but encountered error '{reason}'"
    )
    assert await stored_values(hub) == 0


async def test_whole_json_numbers_are_exact_and_accepted(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    submission = de_2024(values=[{"kpi": "turnover", "amount": 5985000, "currency": "EUR"}])
    await save(client, tokens["national-de"], submission)
    stored = data(await gql(client, tokens["national-de"], VALUES, entity=["DE"]))["kpiValues"]
    assert [(v["kpi"], v["amount"], v["currency"]) for v in stored] == [
        ("turnover", "5985000", "EUR")
    ]


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"entity": ["XX"]}, "entity: unknown entity 'XX'; known entities: AT, BE, DE, IT, SE"),
        (
            {"kpi": ["revenue"]},
            "kpi: unknown KPI 'revenue'; known: advisers, contribution_income, "
            "contribution_rate, offices, operating_result, salaried_members, "
            "staff_fte, turnover, users",
        ),
        (
            {"period": ["FY24"]},
            "period: 'FY24' is not a period: expected YYYY, YYYY-Qn or "
            "YYYY-MM (e.g. 2024, 2024-Q3, 2024-09)",
        ),
    ],
)
async def test_queries_with_unknown_codes_get_a_located_error(
    client: AsyncTestClient[Any], tokens: dict[str, str], variables: dict[str, Any], message: str
) -> None:
    body = await gql(client, tokens["board"], VALUES, **variables)
    assert error_messages(body) == [message]
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_history_lists_every_version_with_author(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    await save(client, tokens["national-de"], de_2024())
    await save(
        client,
        tokens["national-de"],
        de_2024(options={"baseVersion": 1}, values=[{"kpi": "users", "amount": "303"}]),
    )
    history = data(
        await gql(
            client,
            tokens["finance"],
            '{ submissions(entity: ["DE"], period: "2024") { version author source } }',
        )
    )
    assert [(s["version"], s["author"]) for s in history["submissions"]] == [
        (1, "national-de"),
        (2, "national-de"),
    ]
    # A version's figures: kpiValues(version:).
    counts = [
        len(data(await gql(client, tokens["finance"], VALUES, version=v))["kpiValues"])
        for v in (1, 2)
    ]
    assert counts == [3, 1]
