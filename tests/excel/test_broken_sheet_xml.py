"""A sheet whose XML breaks off after its rows started: a located `corrupt` refusal, nothing
stored. openpyxl meets such XML while the rows are read (hub/excel/reader.py no longer lets it
parse sheets without `<dimension>` when the workbook opens), with or without a dimension."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from hub.excel.layout import TRIAL_BALANCE
from hub.excel.parse import UploadedWorkbook
from hub.services import Hub
from tests.excel.test_bad_workbooks import assert_nothing_stored
from tests.excel.workbooks import download, edit, set_kpis, upload


def broken_trial_balance(data: bytes, limits: Any, *, dimension: bool) -> bytes:
    """The trial balance's part with an unclosed cell after its last row (and without its
    `<dimension>` when asked), every other part as it was."""
    part = UploadedWorkbook(data, limits)._sheet_parts()
    assert part is not None
    name = part[TRIAL_BALANCE.title]
    source = zipfile.ZipFile(io.BytesIO(data))
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == name:
                assert b"<dimension" in content
                if not dimension:
                    content = re.sub(rb"<dimension[^>]*/>", b"", content)
                content = content.replace(
                    b"</sheetData>", b'<row r="9000"><c r="A9000" t="n"</sheetData>'
                )
            archive.writestr(info, content)
    return target.getvalue()


@pytest.mark.parametrize("dimension", [True, False], ids=["with-dimension", "without-dimension"])
async def test_xml_broken_inside_the_trial_balance(
    client: AsyncTestClient[Any], tokens: dict[str, str], hub: Hub, dimension: bool
) -> None:
    token = tokens["national-de"]
    template = await download(client, token, "DE", "2024")
    filled = edit(template, lambda workbook: set_kpis(workbook, {"users": 302}))
    response = await upload(
        client,
        token,
        "DE",
        "2024",
        broken_trial_balance(filled, hub.rules.upload, dimension=dimension),
    )
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["accepted"] is False
    corrupt = [e for e in body["errors"] if e["rule"] == "corrupt"]
    assert len(corrupt) == 1, body["errors"]
    assert (corrupt[0]["sheet"], corrupt[0]["cell"]) == (None, None)
    assert corrupt[0]["message"].startswith(
        "the workbook cannot be read, it may be damaged (ParseError: not well-formed"
    ), corrupt[0]["message"]
    await assert_nothing_stored(hub)
