"""reportingStatus over GraphQL: what is due, not started, overdue; who sees which entity."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from tests.api.graphql_client import data, error_messages, gql

STATUS = """
query S($asOf: Date, $periods: [String!], $entity: [String!]) {
  reportingStatus(asOf: $asOf, periods: $periods, entity: $entity) {
    entity period dataset state status deadline latestVersion
    lastChange { action actor version at reason }
  }
}
"""
SAVE = """
mutation($input: KpiReportInput!) { saveKpiValues(input: $input) {
  __typename ... on ReportSaved { submission { version } findings { severity } } } }
"""
MOVE = "mutation($input: TransitionInput!) { transitionReport(input: $input) { status } }"


def _rows(body: dict[str, Any]) -> list[tuple[str, str, str, str, str | None]]:
    return [
        (r["entity"], r["period"], r["dataset"], r["state"], r["deadline"])
        for r in data(body)["reportingStatus"]
    ]


async def test_a_team_sees_its_own_due_reports_with_their_deadlines(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    se = tokens["national-se"]
    body = await gql(client, se, STATUS, asOf="2026-05-10")
    assert _rows(body) == [
        ("SE", "2025", "KPI", "OVERDUE", "2026-04-30"),
        ("SE", "2025", "STATEMENTS", "OVERDUE", "2026-04-30"),
        ("SE", "2026", "KPI", "NOT_STARTED", "2027-04-30"),
        ("SE", "2026", "STATEMENTS", "NOT_STARTED", "2027-04-30"),
        ("SE", "2026-Q1", "STATEMENTS", "OVERDUE", "2026-04-30"),
        ("SE", "2026-Q2", "STATEMENTS", "NOT_STARTED", "2026-07-31"),
    ]
    # Before its deadline 2025 is due, not yet overdue.
    body = await gql(client, se, STATUS, asOf="2026-02-01", periods=["2025"])
    assert _rows(body) == [
        ("SE", "2025", "KPI", "NOT_STARTED", "2026-04-30"),
        ("SE", "2025", "STATEMENTS", "NOT_STARTED", "2026-04-30"),
    ]


async def test_a_draft_then_a_submission_show_who_and_when(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    se = tokens["national-se"]
    saved = await gql(
        client,
        se,
        SAVE,
        input={"entity": "SE", "period": "2025", "values": [{"kpi": "users", "amount": "273"}]},
    )
    assert data(saved)["saveKpiValues"]["__typename"] == "ReportSaved"
    body = await gql(client, se, STATUS, asOf="2026-02-01", periods=["2025"])
    [kpi, statements] = data(body)["reportingStatus"]
    assert (kpi["state"], kpi["status"], kpi["latestVersion"]) == ("DRAFT", "DRAFT", 1)
    assert (kpi["lastChange"]["action"], kpi["lastChange"]["actor"]) == ("save", "national-se")
    assert (statements["state"], statements["status"], statements["lastChange"]) == (
        "NOT_STARTED",
        None,
        None,
    )
    late = await gql(client, se, STATUS, asOf="2026-05-01", periods=["2025"])
    assert [r["state"] for r in data(late)["reportingStatus"]] == ["OVERDUE", "OVERDUE"]

    move = {"entity": "SE", "period": "2025", "dataset": "KPI", "action": "SUBMIT"}
    data(await gql(client, se, MOVE, input={**move, "reason": "required KPIs follow"}))
    late = await gql(client, se, STATUS, asOf="2026-05-01", periods=["2025"])
    [kpi, _] = data(late)["reportingStatus"]
    assert (kpi["state"], kpi["lastChange"]["action"], kpi["lastChange"]["reason"]) == (
        "SUBMITTED",
        "submit",
        "required KPIs follow",
    )

    # Finance sees every entity, Austria not started; the board sees no work in progress.
    grid = await gql(client, tokens["finance"], STATUS, asOf="2026-02-01", periods=["2025"])
    assert [(r[0], r[2], r[3]) for r in _rows(grid)] == [
        (code, dataset, "SUBMITTED" if (code, dataset) == ("SE", "KPI") else "NOT_STARTED")
        for code in ("BE", "DE", "AT", "IT", "SE")
        for dataset in ("KPI", "STATEMENTS")
    ]
    assert data(await gql(client, tokens["board"], STATUS))["reportingStatus"] == []


async def test_another_entitys_status_and_bad_arguments_are_refused(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    at = tokens["national-at"]
    assert error_messages(await gql(client, at, STATUS, entity=["SE"])) == [
        "national-at (national team of AT) may not read unpublished figures for SE: only for AT"
    ]
    assert error_messages(await gql(client, at, STATUS, periods=["2025-Q5"])) == [
        "periods: '2025-Q5': quarter must be Q1 to Q4"
    ]
    assert error_messages(await gql(client, at, STATUS, entity=["FR"])) == [
        "entity: unknown entity 'FR'; known entities: BE, DE, AT, IT, SE"
    ]
