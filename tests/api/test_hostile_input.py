"""Input no one should send: control characters in text, absurd amounts. Each is a located input
error before anything runs; nothing is stored and no internal error text reaches the caller."""

from __future__ import annotations

import io
from typing import Any

from litestar.testing import AsyncTestClient
from openpyxl import load_workbook

from hub.excel.layout import KPIS
from hub.services import Hub
from tests.api.graphql_client import gql
from tests.excel.workbooks import download, edit, row_of, upload

SAVE = """
mutation Save($input: KpiReportInput!) {
  saveKpiValues(input: $input) {
    __typename ... on ReportRejected { errors { field message } }
  }
}
"""
CREATE = """
mutation C($input: InvestmentProgrammeInput!) { createProgramme(input: $input) { name } }
"""
PROGRAMME = {
    "name": "Digital portal",
    "fundingEntity": "BE",
    "budget": "300000",
    "currency": "EUR",
    "startsOn": "2024-01-01",
    "endsOn": "2024-12-31",
    "purpose": "automation",
}


def kpis(**value: str) -> dict[str, Any]:
    return {
        "entity": "DE",
        "period": "2024",
        "values": [{"kpi": "turnover", "amount": "5985000", "currency": "EUR", **value}],
    }


async def stored(hub: Hub) -> tuple[int, int]:
    async with hub.db.pool.acquire() as connection:
        submissions = await connection.fetchval("select count(*) from submission")
        programmes = await connection.fetchval("select count(*) from investment_programme")
    return submissions, programmes


def only_error(body: dict[str, Any]) -> tuple[str, str, str | None]:
    [error] = body["errors"]
    extensions = error.get("extensions", {})
    return error["message"], extensions.get("code"), extensions.get("field")


async def test_a_nul_byte_in_a_variable_is_a_located_input_error(
    client: AsyncTestClient[Any], tokens: dict[str, str], hub: Hub
) -> None:
    body = await gql(client, tokens["national-de"], SAVE, input=kpis(note="Berl\x00in"))
    assert body["data"] is None
    assert only_error(body) == (
        "$input.values[0].note: contains a NUL byte at character 5: text may hold tabs and "
        "line breaks but no other control characters",
        "BAD_USER_INPUT",
        "$input.values[0].note",
    )
    assert await stored(hub) == (0, 0)


async def test_a_control_character_written_in_the_query_is_located(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    query = '{ exchangeRateHistory(currency: "SE\\u0001K", type: CLOSING) { rate } }'
    body = await gql(client, tokens["board"], query)
    assert only_error(body) == (
        "currency: contains the control character U+0001 at character 3: text may hold tabs "
        "and line breaks but no other control characters",
        "BAD_USER_INPUT",
        "currency",
    )


async def test_tabs_and_line_breaks_are_text(
    client: AsyncTestClient[Any], tokens: dict[str, str], hub: Hub
) -> None:
    body = await gql(
        client, tokens["national-de"], SAVE, input=kpis(note="two regions:\n\tBerlin\r\n\tBonn")
    )
    assert body["data"]["saveKpiValues"]["__typename"] == "ReportSaved"
    assert await stored(hub) == (1, 0)


async def test_control_characters_in_any_mutation_are_refused(
    client: AsyncTestClient[Any], tokens: dict[str, str], hub: Hub
) -> None:
    body = await gql(client, tokens["finance"], CREATE, input={**PROGRAMME, "name": "a\x07b"})
    message, code, field = only_error(body)
    assert (code, field) == ("BAD_USER_INPUT", "$input.name")
    assert message.startswith("$input.name: contains the control character U+0007 at character 2")
    assert await stored(hub) == (0, 0)


async def test_an_absurd_amount_is_refused_in_a_line(
    client: AsyncTestClient[Any], tokens: dict[str, str], hub: Hub
) -> None:
    digits = "9" * 100_000
    response = await client.post(
        "/graphql",
        json={"query": SAVE, "variables": {"input": kpis(amount=digits)}},
        headers={"Authorization": f"Bearer {tokens['national-de']}"},
    )
    assert response.status_code == 200
    assert len(response.content) < 2_000
    [error] = response.json()["errors"]
    assert "a number of 100,000 characters: amounts have at most 28 digits" in error["message"]
    programme = await gql(client, tokens["finance"], CREATE, input={**PROGRAMME, "budget": digits})
    [error] = programme["errors"]
    assert "a number of 100,000 characters: amounts have at most 28 digits" in error["message"]
    literal = await gql(
        client,
        tokens["finance"],
        'mutation { createProgramme(input: {name: "x", fundingEntity: "BE", '
        f'budget: {digits[:5000]}, currency: "EUR", startsOn: "2024-01-01", '
        'endsOn: "2024-12-31", purpose: "x"}) { name } }',
    )
    [error] = literal["errors"]
    assert "a number of more than 28 digits: too large for an amount" in error["message"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert await stored(hub) == (0, 0)


async def test_an_absurd_amount_in_a_workbook_is_a_located_error(
    client: AsyncTestClient[Any], tokens: dict[str, str], hub: Hub
) -> None:
    national = tokens["national-de"]
    template = await download(client, national, "DE", "2024")
    row = row_of(load_workbook(io.BytesIO(template)), KPIS.title, "turnover")

    def fill(workbook: Any) -> None:
        workbook[KPIS.title].cell(row=row, column=KPIS.column("amount")).value = 1e308

    response = await upload(client, national, "DE", "2024", edit(template, fill))
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert {
        "sheet": KPIS.title,
        "cell": f"{KPIS.letter('amount')}{row}",
        "rule": "number",
        "message": "1.000e+308 is too large: amounts have at most 22 digits",
        "severity": "error",
        "comment": None,
        "needsComment": False,
        "explain": None,
    } in errors
    assert await stored(hub) == (0, 0)
