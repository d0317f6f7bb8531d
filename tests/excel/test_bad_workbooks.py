"""Every bad upload gets a located error and stores nothing."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import msoffcrypto  # type: ignore[import-untyped]
import pytest
from litestar.testing import AsyncTestClient
from msoffcrypto.format.ooxml import OOXMLFile  # type: ignore[import-untyped]
from openpyxl import Workbook, load_workbook

from hub.excel.layout import KPIS, TRIAL_BALANCE
from hub.services import Hub
from tests.api.graphql_client import data, gql
from tests.excel.workbooks import download, edit, row_of, set_accounts, set_kpis, upload

Error = tuple[str | None, str | None, str, str]


def encrypted(template: bytes) -> bytes:
    source = OOXMLFile(io.BytesIO(template))
    target = io.BytesIO()
    source.encrypt("secret", target)
    assert msoffcrypto.OfficeFile(io.BytesIO(target.getvalue())).is_encrypted()
    return target.getvalue()


def damaged(template: bytes) -> bytes:
    """Flip bytes inside the compressed data of the first sheet, keeping the zip's layout."""
    start = template.index(b"xl/worksheets/sheet1.xml") + 200
    return (
        template[:start]
        + bytes(b ^ 0xFF for b in template[start : start + 64])
        + template[start + 64 :]
    )


def kpi_row(workbook: Workbook, code: str) -> int:
    return row_of(workbook, KPIS.title, code)


def text_in_number(workbook: Workbook) -> None:
    set_kpis(workbook, {"turnover": "5,985k", "users": 302})


def date_in_number(workbook: Workbook) -> None:
    set_kpis(workbook, {"turnover": dt.datetime(2024, 12, 31), "users": 302})


def formula_without_value(workbook: Workbook) -> None:
    set_kpis(workbook, {"users": 302})
    workbook[TRIAL_BALANCE.title]["D2"] = "=1000+1"


def merged_cells(workbook: Workbook) -> None:
    set_kpis(workbook, {"users": 302})
    workbook[KPIS.title].merge_cells("E3:F3")


def moved_columns(workbook: Workbook) -> None:
    sheet = workbook[TRIAL_BALANCE.title]
    sheet["C1"], sheet["D1"] = "Amount", "Previous period"
    set_kpis(workbook, {"users": 302})


def missing_sheet(workbook: Workbook) -> None:
    workbook.remove(workbook[TRIAL_BALANCE.title])


def date_as_text(workbook: Workbook) -> None:
    workbook["Instructions"]["B6"] = "31/12/2024"
    set_kpis(workbook, {"users": 302})


def every_row(workbook: Workbook) -> None:
    workbook[TRIAL_BALANCE.title]["A1048576"] = "9999"


def amount_of(sheet: str, code: str) -> Callable[[Workbook], str]:
    layout = {"KPIs": KPIS}[sheet]
    return lambda wb: f"{layout.letter('amount')}{row_of(wb, sheet, code)}"


EDITS: list[tuple[str, Callable[[Workbook], None], list[tuple[str | None, Any, str, str]]]] = [
    (
        "text in a number cell",
        text_in_number,
        [
            (
                "KPIs",
                amount_of("KPIs", "turnover"),
                "number",
                "text '5,985k' where a number is expected",
            )
        ],
    ),
    (
        "a date in a number cell",
        date_in_number,
        [
            (
                "KPIs",
                amount_of("KPIs", "turnover"),
                "number",
                "a date (2024-12-31 00:00:00) where a number is expected",
            )
        ],
    ),
    (
        "a formula without its value",
        formula_without_value,
        [
            (
                "Trial balance",
                lambda wb: "D2",
                "formula-without-value",
                "a formula whose value was never computed: open the workbook in Excel or "
                "LibreOffice "
                "and save it, or type the value",
            )
        ],
    ),
    (
        "merged cells over data",
        merged_cells,
        [("KPIs", lambda wb: "E3:F3", "merged-cells", "merged cells over the data: unmerge them")],
    ),
    (
        "moved columns",
        moved_columns,
        [
            (
                "Trial balance",
                lambda wb: "C1",
                "columns",
                "expected the column 'Previous period' here, found 'Amount': do not move, insert "
                "or rename columns",
            ),
            (
                "Trial balance",
                lambda wb: "D1",
                "columns",
                "expected the column 'Amount' here, found 'Previous period': do not move, insert "
                "or rename columns",
            ),
        ],
    ),
    (
        "a missing sheet",
        missing_sheet,
        [
            (
                "Trial balance",
                lambda wb: None,
                "missing-sheet",
                "the workbook has no sheet 'Trial balance' (it has: Instructions, KPIs, "
                "Statements, "
                "_hub); download the hub's template",
            )
        ],
    ),
    (
        "a date typed as text",
        date_as_text,
        [
            (
                "Instructions",
                lambda wb: "B6",
                "closing-date",
                "'31/12/2024' is text, not a date: enter the closing date as a date (2024-12-31)",
            )
        ],
    ),
    (
        "1,048,576 rows",
        every_row,
        [
            (
                "Trial balance",
                lambda wb: None,
                "row-limit",
                "the Trial balance sheet reaches row 1,048,576; at most 200,000 rows below the "
                "header are accepted",
            )
        ],
    ),
]


async def assert_nothing_stored(hub: Hub) -> None:
    async with hub.db.pool.acquire() as connection:
        assert await connection.fetchval("select count(*) from submission") == 0
        assert (
            await connection.fetchval("select count(*) from report where latest_version > 0") == 0
        )


@pytest.mark.parametrize(("name", "change", "expected"), EDITS, ids=[e[0] for e in EDITS])
async def test_a_bad_workbook_is_refused_cell_by_cell(
    client: AsyncTestClient[Any],
    tokens: dict[str, str],
    hub: Hub,
    name: str,
    change: Callable[[Workbook], None],
    expected: list[tuple[str | None, Any, str, str]],
) -> None:
    token = tokens["national-de"]
    template = await download(client, token, "DE", "2024")
    reference = load_workbook(io.BytesIO(template))
    response = await upload(client, token, "DE", "2024", edit(template, change))
    assert response.status_code == 422, response.text
    report = response.json()
    assert report["accepted"] is False
    assert [(e["sheet"], e["cell"], e["rule"], e["message"]) for e in report["errors"]] == [
        (sheet, cell(reference), rule, message) for sheet, cell, rule, message in expected
    ], name
    await assert_nothing_stored(hub)


@pytest.mark.parametrize(
    ("name", "make", "expected"),
    [
        (
            "not an xlsx",
            lambda t: b"entity;period\nDE;2024\n",
            ("not-xlsx", "not an Excel .xlsx file (it is not a zip archive)"),
        ),
        ("an empty file", lambda t: b"", ("not-xlsx", "the file is empty")),
        (
            "password-protected",
            encrypted,
            (
                "encrypted",
                "the file is password-protected (encrypted) or an old .xls workbook: "
                "save it as .xlsx without a password to open",
            ),
        ),
        (
            "truncated",
            lambda t: t[: len(t) // 2],
            (
                "corrupt",
                "the workbook is damaged or incomplete (File is not a zip file): upload it again",
            ),
        ),
    ],
)
async def test_files_that_are_not_a_readable_workbook(
    client: AsyncTestClient[Any],
    tokens: dict[str, str],
    hub: Hub,
    name: str,
    make: Callable[[bytes], bytes],
    expected: tuple[str, str],
) -> None:
    token = tokens["national-de"]
    response = await upload(
        client, token, "DE", "2024", make(await download(client, token, "DE", "2024"))
    )
    assert response.status_code == 422, name
    [problem] = response.json()["errors"]
    assert (problem["sheet"], problem["cell"], problem["rule"], problem["message"]) == (
        None,
        None,
        *expected,
    )
    await assert_nothing_stored(hub)


async def test_a_damaged_workbook(
    client: AsyncTestClient[Any], tokens: dict[str, str], hub: Hub
) -> None:
    token = tokens["national-de"]
    response = await upload(
        client, token, "DE", "2024", damaged(await download(client, token, "DE", "2024"))
    )
    assert response.status_code == 422
    [problem] = response.json()["errors"]
    assert problem["rule"] == "corrupt"
    assert problem["message"].startswith("the workbook is damaged")
    await assert_nothing_stored(hub)


async def test_a_file_over_the_size_limit(
    client: AsyncTestClient[Any], tokens: dict[str, str], hub: Hub
) -> None:
    response = await upload(client, tokens["national-de"], "DE", "2024", b"x" * 25_000_001)
    assert response.status_code == 413
    assert response.json() == {
        "detail": "the file is 25,000,001 bytes; the limit is 25,000,000 bytes"
    }
    await assert_nothing_stored(hub)


async def test_another_entitys_template(
    client: AsyncTestClient[Any], tokens: dict[str, str], hub: Hub
) -> None:
    german = await download(client, tokens["national-de"], "DE", "2024")
    filled = edit(german, lambda wb: set_kpis(wb, {"users": 302}))
    response = await upload(client, tokens["national-be"], "BE", "2024", filled)
    assert response.status_code == 422
    assert [(e["sheet"], e["cell"], e["message"]) for e in response.json()["errors"]] == [
        ("_hub", "B2", "this is DE's template, not BE's: download the template of BE")
    ]
    await assert_nothing_stored(hub)


async def test_a_locked_period_refuses_the_upload(
    client: AsyncTestClient[Any], tokens: dict[str, str], hub: Hub
) -> None:
    token = tokens["national-de"]
    template = await download(client, token, "DE", "2024")
    first = await upload(
        client, token, "DE", "2024", edit(template, lambda wb: set_kpis(wb, {"users": 302}))
    )
    assert first.status_code == 200
    move = "mutation M($i: TransitionInput!) { transitionReport(input: $i) { status } }"
    for who, action in (("national-de", "SUBMIT"), ("finance", "APPROVE"), ("finance", "LOCK")):
        data(
            await gql(
                client,
                tokens[who],
                move,
                i={
                    "entity": "DE",
                    "period": "2024",
                    "dataset": "KPI",
                    "action": action,
                    "reason": "fine",
                },
            )
        )
    fresh = await download(client, token, "DE", "2024")
    again = await upload(
        client, token, "DE", "2024", edit(fresh, lambda wb: set_kpis(wb, {"users": 303}))
    )
    assert again.status_code == 409
    report = again.json()
    assert report["datasets"] == [
        {
            "dataset": "kpi",
            "outcome": "conflict",
            "version": None,
            "message": "the KPI report: the period is locked: finance must reopen the report "
            "before it can change",
        }
    ]
    async with hub.db.pool.acquire() as connection:
        assert await connection.fetchval("select count(*) from submission") == 1


async def test_a_stale_template_is_a_conflict(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    token = tokens["national-de"]
    template = await download(client, token, "DE", "2024")
    first = await upload(
        client, token, "DE", "2024", edit(template, lambda wb: set_kpis(wb, {"users": 302}))
    )
    assert first.status_code == 200
    stale = await upload(
        client, token, "DE", "2024", edit(template, lambda wb: set_kpis(wb, {"users": 303}))
    )
    assert stale.status_code == 409
    message = (
        "the KPI report: this workbook was downloaded before its first version was saved; "
        "version 1 has been saved since. Download the template again (it holds the latest "
        "version) and make your change in it"
    )
    assert stale.json()["datasets"][0]["message"] == message
    assert [(e["sheet"], e["cell"], e["message"]) for e in stale.json()["errors"]] == [
        (None, None, message)
    ]
    assert "baseVersion" not in stale.text


@pytest.mark.parametrize(
    ("path", "status", "detail"),
    [
        (
            "/api/reports/FR/2024/workbook",
            400,
            "unknown entity 'FR'; known entities: BE, DE, AT, IT, SE",
        ),
        (
            "/api/reports/DE/24/workbook",
            400,
            "'24' is not a period: expected YYYY, YYYY-Qn or YYYY-MM (e.g. 2024, 2024-Q3, 2024-09)",
        ),
        (
            "/api/reports/SE/2024/workbook",
            403,
            "national-de (national team of DE) may not report figures for SE: only for DE",
        ),
    ],
)
async def test_wrong_urls_and_other_entities(
    client: AsyncTestClient[Any], tokens: dict[str, str], path: str, status: int, detail: str
) -> None:
    response = await client.post(
        path, content=b"PK", headers={"Authorization": f"Bearer {tokens['national-de']}"}
    )
    assert (response.status_code, response.json()["detail"]) == (status, detail)


async def test_the_annotated_workbook_marks_the_bad_cells(
    client: AsyncTestClient[Any], tokens: dict[str, str]
) -> None:
    token = tokens["national-de"]
    template = await download(client, token, "DE", "2024")
    response = await upload(
        client, token, "DE", "2024", edit(template, text_in_number), annotated=True
    )
    assert response.status_code == 422
    assert response.headers["x-hub-accepted"] == "false"
    marked = load_workbook(io.BytesIO(response.content))
    assert marked.sheetnames[0] == "Upload report"
    assert marked["Upload report"]["A1"].value == "Upload of DE 2024: refused: 1 error(s)"
    cell = marked[KPIS.title][amount_of("KPIs", "turnover")(marked)]
    assert cell.comment.text == "error: text '5,985k' where a number is expected"
    assert cell.fill.fgColor.rgb == "00F4B6B6"


async def test_a_retried_upload_with_its_idempotency_key_stores_nothing_new(
    client: AsyncTestClient[Any], tokens: dict[str, str], hub: Hub
) -> None:
    token = tokens["national-de"]
    filled = edit(
        await download(client, token, "DE", "2024"), lambda wb: set_kpis(wb, {"users": 302})
    )
    key = {"Idempotency-Key": "de-2024-upload-1"}
    first = await upload(client, token, "DE", "2024", filled, headers=key)
    retry = await upload(client, token, "DE", "2024", filled, headers=key)
    assert [d["outcome"] for d in first.json()["datasets"]] == ["saved"]
    assert [d["outcome"] for d in retry.json()["datasets"]] == ["replayed"]
    async with hub.db.pool.acquire() as connection:
        assert await connection.fetchval("select count(*) from submission") == 1


async def test_a_trial_balance_row_with_a_bad_amount_is_located(
    client: AsyncTestClient[Any], tokens: dict[str, str], hub: Hub
) -> None:
    token = tokens["national-se"]
    template = await download(client, token, "SE", "2024")
    row = row_of(load_workbook(io.BytesIO(template)), TRIAL_BALANCE.title, "1930")
    response = await upload(
        client, token, "SE", "2024", edit(template, lambda wb: set_accounts(wb, {"1930": "lots"}))
    )
    assert [(e["cell"], e["message"]) for e in response.json()["errors"]] == [
        (f"D{row}", "text 'lots' where a number is expected")
    ]
    await assert_nothing_stored(hub)
