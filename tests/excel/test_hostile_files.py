"""Hostile files: each is refused fast with its cause and place, never a 5xx, nothing stored.

The corpus is made from the hub's own template by tests/excel/hostile.py.
"""

from __future__ import annotations

import io
import re
import time
import zlib
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from openpyxl import load_workbook

from hub.excel.layout import KPIS, TRIAL_BALANCE
from hub.services import Hub
from tests.excel.hostile import (
    BILLION_LAUGHS,
    GiB,
    MiB,
    Part,
    archive,
    content,
    million_rows,
    padded,
    parts_of,
    replaced,
    sheet_part,
    with_dtd,
    xxe,
)
from tests.excel.test_bad_workbooks import assert_nothing_stored
from tests.excel.workbooks import download, edit, row_of, set_accounts, upload

SECONDS = 5.0


async def refused(
    client: AsyncTestClient[Any], token: str, data: bytes, **options: Any
) -> tuple[Any, float]:
    started = time.perf_counter()
    response = await upload(client, token, "DE", "2024", data, **options)
    took = time.perf_counter() - started
    assert response.status_code == 422, response.text[:500]
    assert took < SECONDS, f"answered in {took:.1f} s"
    return response, took


def only_error(response: Any) -> tuple[str | None, str | None, str, str]:
    [error] = response.json()["errors"]
    return error["sheet"], error["cell"], error["rule"], error["message"]


@pytest.fixture
async def template(client: AsyncTestClient[Any], tokens: dict[str, str]) -> bytes:
    return await download(client, tokens["national-de"], "DE", "2024")


async def test_a_zip_bomb_is_refused_from_its_declared_size(
    client: AsyncTestClient[Any], tokens: dict[str, str], hub: Hub, template: bytes
) -> None:
    name = sheet_part(template, TRIAL_BALANCE.title)
    bomb = replaced(template, {name: padded(name, content(template, name), b"<sheetData", 1024)})
    assert len(bomb) < 2 * MiB
    response, _ = await refused(client, tokens["national-de"], bomb)
    assert only_error(response) == (
        None,
        None,
        "inflated-size",
        f"the part {name} inflates to 1 GiB; the limit is 128 MiB per part",
    )
    await assert_nothing_stored(hub)


async def test_a_part_that_lies_about_its_size_is_caught_while_it_inflates(
    client: AsyncTestClient[Any], tokens: dict[str, str], hub: Hub, template: bytes
) -> None:
    """Its headers say 20 KB; it inflates to 1 GiB. Inflation stops at the declared size and
    the part's checksum gives it away."""
    name = sheet_part(template, TRIAL_BALANCE.title)
    xml = content(template, name)
    liar = padded(name, xml, b"<sheetData", 1024, declared=len(xml))
    response, _ = await refused(client, tokens["national-de"], replaced(template, {name: liar}))
    assert only_error(response) == (
        None,
        None,
        "corrupt",
        f"the workbook is damaged: its part {name} fails (Bad CRC-32 for file '{name}')",
    )
    await assert_nothing_stored(hub)


async def test_a_sheet_padded_with_blanks_is_refused_by_its_compression_ratio(
    client: AsyncTestClient[Any], tokens: dict[str, str], hub: Hub, template: bytes
) -> None:
    """The review's file: 64 MiB of blanks between two tags, under the size limits."""
    name = sheet_part(template, KPIS.title)
    part = padded(name, content(template, name), b"</sheetData>", 64)
    ratio = part.size // len(part.deflated)
    response, _ = await refused(client, tokens["national-de"], replaced(template, {name: part}))
    assert only_error(response) == (
        None,
        None,
        "compression-ratio",
        f"the part {name} inflates {ratio:,} times its compressed size (to 64 MiB); "
        "the limit is 100 times",
    )
    await assert_nothing_stored(hub)


async def test_an_archive_listing_too_many_parts_is_refused_before_it_is_listed(
    client: AsyncTestClient[Any], tokens: dict[str, str], hub: Hub, template: bytes
) -> None:
    parts = parts_of(template)
    flood = archive(parts, directory_copies=2000)
    response, _ = await refused(client, tokens["national-de"], flood)
    assert only_error(response) == (
        None,
        None,
        "archive-members",
        f"the archive lists {min(len(parts) * 2000, 0xFFFF):,} parts; the limit is 1,000",
    )
    await assert_nothing_stored(hub)


DTD_PARTS = ["[Content_Types].xml", "xl/workbook.xml", "xl/styles.xml", "docProps/core.xml"]


@pytest.mark.parametrize("where", [*DTD_PARTS, TRIAL_BALANCE.title])
async def test_billion_laughs_anywhere_in_the_package_is_a_located_422(
    client: AsyncTestClient[Any], tokens: dict[str, str], hub: Hub, template: bytes, where: str
) -> None:
    name = where if where in DTD_PARTS else sheet_part(template, where)
    xml = content(template, name)
    if name.startswith("xl/worksheets/"):
        # The entity is used, so that a parser that expands it would meet a billion laughs.
        xml = xml.replace(b"</sheetData>", b'<row r="900"><c r="E900" t="inlineStr">'
                          b"<is><t>&lol9;</t></is></c></row></sheetData>")  # fmt: skip
    bad = Part.of(name, with_dtd(xml, BILLION_LAUGHS))
    response, _ = await refused(client, tokens["national-de"], replaced(template, {name: bad}))
    assert only_error(response) == (
        None,
        None,
        "xml-dtd",
        f"the part {name} declares a document type (<!DOCTYPE lolz>): the hub refuses DTDs and "
        "entities in a workbook; save it again in Excel or LibreOffice",
    )
    await assert_nothing_stored(hub)


async def test_an_external_entity_is_never_read(
    client: AsyncTestClient[Any],
    tokens: dict[str, str],
    hub: Hub,
    template: bytes,
    tmp_path: Path,
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("hub-secret-7f3a")
    name = sheet_part(template, KPIS.title)
    xml = content(template, name).replace(
        b"</sheetData>",
        b'<row r="900"><c r="E900" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData>',
    )
    bad = Part.of(name, with_dtd(xml, xxe(str(secret))))
    response, _ = await refused(
        client, tokens["national-de"], replaced(template, {name: bad}), annotated=True
    )
    assert b"hub-secret-7f3a" not in response.content
    report = load_workbook(io.BytesIO(response.content))
    assert report.sheetnames == ["Upload report"]
    assert [c.value for c in report["Upload report"][4]] == [
        "error",
        None,
        None,
        "xml-dtd",
        f"the part {name} declares a document type (<!DOCTYPE x>): the hub refuses DTDs and "
        "entities in a workbook; save it again in Excel or LibreOffice",
        None,  # the Comment column: a warning's
    ]
    await assert_nothing_stored(hub)


async def test_a_stale_dimension_loses_no_row(
    client: AsyncTestClient[Any], tokens: dict[str, str], hub: Hub, template: bytes
) -> None:
    """Read-only openpyxl believes <dimension>: a sheet saying it ends early was accepted
    with the lines above that end only."""
    amounts = {"0135": 1000, "0240": -1000, "0440": 500, "0520": -200, "0650": -300}
    filled = edit(template, lambda wb: set_accounts(wb, amounts))
    reference = load_workbook(io.BytesIO(filled))
    second = row_of(reference, TRIAL_BALANCE.title, "0240")
    assert all(row_of(reference, TRIAL_BALANCE.title, code) > second for code in ("0440", "0520"))
    name = sheet_part(filled, TRIAL_BALANCE.title)
    xml, stale = re.subn(
        rb'<dimension ref="[^"]+" ?/>', b'<dimension ref="A1:F%d"/>' % second, content(filled, name)
    )
    assert stale == 1
    response = await upload(
        client, tokens["national-de"], "DE", "2024", replaced(filled, {name: Part.of(name, xml)})
    )
    assert response.status_code == 200, response.text
    async with hub.db.pool.acquire() as connection:
        stored = await connection.fetch("select account_code, amount from tb_line")
    assert {row["account_code"]: int(row["amount"]) for row in stored} == amounts


async def test_a_million_rows_behind_a_stale_dimension_are_refused_before_they_are_read(
    client: AsyncTestClient[Any], tokens: dict[str, str], hub: Hub, template: bytes
) -> None:
    name = sheet_part(template, TRIAL_BALANCE.title)
    sheet = Part.of(name, million_rows())
    response, _ = await refused(client, tokens["national-de"], replaced(template, {name: sheet}))
    assert only_error(response) == (
        TRIAL_BALANCE.title,
        None,
        "row-limit",
        "the Trial balance sheet reaches row 200,002; at most 200,000 rows below the header are "
        "accepted",
    )
    await assert_nothing_stored(hub)


async def test_the_annotated_answer_never_opens_a_file_refused_as_a_whole(
    client: AsyncTestClient[Any], tokens: dict[str, str], hub: Hub, template: bytes
) -> None:
    name = sheet_part(template, TRIAL_BALANCE.title)
    sheet = Part.of(name, million_rows())
    response, _ = await refused(
        client, tokens["national-de"], replaced(template, {name: sheet}), annotated=True
    )
    assert response.headers["x-hub-accepted"] == "false"
    report = load_workbook(io.BytesIO(response.content))
    assert report.sheetnames == ["Upload report"]
    assert report["Upload report"]["A1"].value == "Upload of DE 2024: refused: 1 error(s)"
    await assert_nothing_stored(hub)


def test_the_corpus_is_what_it_claims() -> None:
    """The generator's bombs really inflate to what their names say (checked by zlib)."""
    xml = b'<?xml version="1.0"?><worksheet><sheetData></sheetData></worksheet>'
    part = padded("s.xml", xml, b"</sheetData>", 3)
    inflated = zlib.decompress(part.deflated, -15)
    assert len(inflated) == part.size == len(xml) + 3 * MiB
    cut = xml.index(b"</sheetData>")
    assert inflated == xml[:cut] + b" " * (3 * MiB) + xml[cut:]
    assert zlib.crc32(inflated) == part.crc
    assert GiB == 1024 * MiB
