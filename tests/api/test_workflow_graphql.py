"""The reporting workflow over GraphQL: every transition, who may take it, and its audit trail."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from hub.services import Hub
from tests.api.graphql_client import data, error_messages, gql

SAVE = """
mutation Save($input: KpiReportInput!) {
  saveKpiValues(input: $input) {
    __typename
    ... on ReportSaved { submission { version } findings { severity rule field message } }
    ... on ReportConflict { message latestVersion status }
  }
}
"""
MOVE = """
mutation Move($input: TransitionInput!) {
  transitionReport(input: $input) { status latestVersion approvedVersion }
}
"""
REPORT = """
{ reports(entity: ["AT"]) { status latestVersion approvedVersion
    events { action fromStatus toStatus version actor reason } } }
"""

COMPLETE = [
    {"kpi": "turnover", "amount": "1534000", "currency": "EUR"},
    {"kpi": "users", "amount": "332"},
    {"kpi": "staff_fte", "amount": "2.96"},
    {"kpi": "offices", "amount": "1"},
    {"kpi": "contribution_rate", "amount": "10"},
]


async def save_at(
    client: AsyncTestClient[Any], token: str, base: int | None = None, users: str = "332"
) -> dict[str, Any]:
    values = [v if v["kpi"] != "users" else {"kpi": "users", "amount": users} for v in COMPLETE]
    body = await gql(
        client,
        token,
        SAVE,
        input={
            "entity": "AT",
            "period": "2024",
            "values": values,
            "options": {"baseVersion": base},
        },
    )
    result: dict[str, Any] = data(body)["saveKpiValues"]
    return result


async def move(
    client: AsyncTestClient[Any], token: str, action: str, reason: str | None = None
) -> dict[str, Any]:
    return await gql(
        client,
        token,
        MOVE,
        input={
            "entity": "AT",
            "period": "2024",
            "dataset": "KPI",
            "action": action,
            "reason": reason,
        },
    )


async def test_the_full_cycle_is_recorded_with_who_and_why(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    national, finance = tokens["national-at"], tokens["finance"]
    assert (await save_at(client, national))["submission"]["version"] == 1
    steps = [
        (national, "SUBMIT", None, "SUBMITTED"),
        (national, "WITHDRAW", None, "DRAFT"),
        (national, "SUBMIT", None, "SUBMITTED"),
        (finance, "RETURN", "users should include the Vienna pilot", "DRAFT"),
    ]
    for token, action, reason, status in steps:
        assert (
            data(await move(client, token, action, reason))["transitionReport"]["status"] == status
        )
    assert (await save_at(client, national, base=1, users="340"))["submission"]["version"] == 2
    for token, action, reason, status in [
        (national, "SUBMIT", None, "SUBMITTED"),
        (finance, "APPROVE", None, "APPROVED"),
        (finance, "LOCK", None, "LOCKED"),
        (finance, "REOPEN", "auditor's correction", "DRAFT"),
    ]:
        assert (
            data(await move(client, token, action, reason))["transitionReport"]["status"] == status
        )

    [report] = data(await gql(client, finance, REPORT))["reports"]
    assert (report["status"], report["latestVersion"], report["approvedVersion"]) == ("DRAFT", 2, 2)
    assert [
        (e["action"], e["fromStatus"], e["toStatus"], e["version"], e["actor"], e["reason"])
        for e in report["events"]
    ] == [
        ("save", None, "DRAFT", 1, "national-at", None),
        ("submit", "DRAFT", "SUBMITTED", 1, "national-at", None),
        ("withdraw", "SUBMITTED", "DRAFT", 1, "national-at", None),
        ("submit", "DRAFT", "SUBMITTED", 1, "national-at", None),
        ("return", "SUBMITTED", "DRAFT", 1, "finance", "users should include the Vienna pilot"),
        ("save", "DRAFT", "DRAFT", 2, "national-at", None),
        ("submit", "DRAFT", "SUBMITTED", 2, "national-at", None),
        ("approve", "SUBMITTED", "APPROVED", 2, "finance", None),
        ("lock", "APPROVED", "LOCKED", 2, "finance", None),
        ("reopen", "LOCKED", "DRAFT", 2, "finance", "auditor's correction"),
    ]


async def test_a_locked_period_refuses_every_change(
    client: AsyncTestClient[Any], tokens: dict[str, str], hub: Hub
) -> None:
    national, finance = tokens["national-at"], tokens["finance"]
    await save_at(client, national)
    for token, action in [(national, "SUBMIT"), (finance, "APPROVE"), (finance, "LOCK")]:
        data(await move(client, token, action))
    refused = await save_at(client, national, base=1, users="333")
    assert refused == {
        "__typename": "ReportConflict",
        "message": "the period is locked: finance must reopen the report before it can change",
        "latestVersion": 1,
        "status": "LOCKED",
    }
    for token, action in [
        (national, "SUBMIT"),
        (national, "WITHDRAW"),
        (finance, "APPROVE"),
        (finance, "LOCK"),
    ]:
        body = await move(client, token, action)
        assert body["errors"][0]["extensions"]["code"] == "WORKFLOW"
        assert "a report that is locked" in error_messages(body)[0]
    async with hub.db.pool.acquire() as connection:
        assert await connection.fetchval("select count(*) from submission") == 1


async def test_a_submitted_report_takes_no_new_version(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    await save_at(client, tokens["national-at"])
    data(await move(client, tokens["national-at"], "SUBMIT"))
    refused = await save_at(client, tokens["national-at"], base=1, users="1")
    assert refused["message"] == (
        "the report is submitted: only a draft takes new versions (withdraw it, or ask finance "
        "to return or reopen it)"
    )


@pytest.mark.parametrize(
    ("role", "action", "message"),
    [
        ("national-at", "APPROVE", "the national role may not approve or return reports"),
        ("national-at", "LOCK", "the national role may not lock or reopen reports"),
        ("board", "SUBMIT", "the board role may not report figures"),
        ("finance", "SUBMIT", "the finance role may not report figures"),
        (
            "national-de",
            "SUBMIT",
            "national-de (national team of DE) may not report figures for AT: only for DE",
        ),
    ],
)
async def test_each_transition_belongs_to_its_role(
    client: AsyncTestClient[Any], tokens: dict[str, str], role: str, action: str, message: str
) -> None:
    await save_at(client, tokens["national-at"])
    body = await move(client, tokens[role], action)
    assert error_messages(body) == [message]
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ("RETURN", "return needs a reason"),
        ("REOPEN", "reopen needs a reason"),
    ],
)
async def test_returning_and_reopening_need_a_reason(
    client: AsyncTestClient[Any], tokens: dict[str, str], action: str, message: str
) -> None:
    await save_at(client, tokens["national-at"])
    data(await move(client, tokens["national-at"], "SUBMIT"))
    if action == "REOPEN":
        data(await move(client, tokens["finance"], "APPROVE"))
    assert error_messages(await move(client, tokens["finance"], action, "  ")) == [message]


async def test_wrong_order_and_missing_reports_are_refused(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    assert error_messages(await move(client, tokens["national-at"], "SUBMIT")) == [
        "AT has no kpi report for 2024 yet"
    ]
    await save_at(client, tokens["national-at"])
    assert error_messages(await move(client, tokens["finance"], "APPROVE")) == [
        "cannot approve a report that is draft: it must be submitted"
    ]
    assert error_messages(await move(client, tokens["finance"], "REOPEN", "x")) == [
        "cannot reopen a report that is draft: it must be approved or locked"
    ]


async def test_warnings_need_a_comment_to_submit(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    national = tokens["national-at"]
    await save_at(client, national)
    data(await move(client, national, "SUBMIT"))
    data(await move(client, tokens["finance"], "APPROVE"))
    grown = {"kpi": "turnover", "amount": "3100000", "currency": "EUR"}
    values = [grown if v["kpi"] == "turnover" else v for v in COMPLETE]
    body = await gql(
        client, national, SAVE, input={"entity": "AT", "period": "2025", "values": values}
    )
    saved = data(body)["saveKpiValues"]
    assert saved["findings"] == [
        {
            "severity": "WARNING",
            "rule": "change-vs-previous-period",
            "field": "values[0].amount",
            "message": "turnover changed by +102.1 % against the previous period "
            "(1534000 -> 3100000); more than 50 % needs a comment",
        }
    ]
    move_2025 = {"entity": "AT", "period": "2025", "dataset": "KPI", "action": "SUBMIT"}
    refused = await gql(client, national, MOVE, input=move_2025)
    assert error_messages(refused) == [
        "version 1 has 1 warning(s) without a comment: submitting needs a comment that explains "
        "them (a KPI's note, the workbook's Note column, explains its own line); first: "
        "values[0].amount: turnover changed by +102.1 % against the previous period "
        "(1534000 -> 3100000); more than 50 % needs a comment"
    ]
    accepted = await gql(
        client, national, MOVE, input={**move_2025, "reason": "two large public contracts"}
    )
    assert data(accepted)["transitionReport"]["status"] == "SUBMITTED"


async def test_the_board_keeps_seeing_the_approved_version_while_a_correction_is_drafted(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    national, finance = tokens["national-at"], tokens["finance"]
    await save_at(client, national)
    data(await move(client, national, "SUBMIT"))
    data(await move(client, finance, "APPROVE"))
    data(await move(client, finance, "REOPEN", "late invoice"))
    await save_at(client, national, base=1, users="399")
    query = '{ kpiValues(entity: ["AT"], kpi: ["users"]) { amount version } }'
    assert data(await gql(client, tokens["board"], query))["kpiValues"] == [
        {"amount": "332", "version": 1}
    ]
    assert data(await gql(client, national, query))["kpiValues"] == [
        {"amount": "399", "version": 2}
    ]
    asked = '{ kpiValues(entity: ["AT"], kpi: ["users"], version: 2) { amount } }'
    assert data(await gql(client, tokens["board"], asked))["kpiValues"] == []


async def test_the_difference_between_two_versions(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    national = tokens["national-at"]
    await save_at(client, national)
    await save_at(client, national, base=1, users="340")
    query = """
    { reportDiff(entity: "AT", period: "2024", dataset: KPI, fromVersion: 1, toVersion: 2)
      { item before after delta } }
    """
    assert data(await gql(client, national, query))["reportDiff"] == [
        {"item": "users", "before": "332", "after": "340", "delta": "8"}
    ]
    unreadable = await gql(client, tokens["board"], query)
    assert error_messages(unreadable) == ["AT kpi 2024 has no version 1 you may read"]
