"""The workbooks judged as printed: each exported by the command line from the demo network,
printed to PDF by LibreOffice, read back as text and pictures (one conversion per workbook).
The pictures land in tests/exports/pages/ (and docs/pages/ with HUB_UPDATE_SCREENSHOTS=1)."""

from __future__ import annotations

import asyncio
import io
import itertools
import os
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import asyncpg
import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from hub.board.pack import colour_of
from hub.demo.load import load_demo
from hub.services import open_hub
from hub.settings import Settings
from tests.conftest import REPO, with_database
from tests.exports.rendering import page_texts, pages, picture, read_ppm, to_pdf
from tests.test_cli import env

COUNTRIES = ("Belgium", "Germany", "Austria", "Italy", "Sweden")
PAGES = Path(__file__).parent / "pages"
RESOLUTION = 80  # dpi: an A4 landscape page is 935 x 661 pixels


@dataclass(frozen=True)
class Printed:
    workbook: Workbook
    pdf: Path
    texts: list[str]


@dataclass(frozen=True)
class Exports:
    folder: Path
    board: Printed
    consolidation: Printed
    monitoring: Printed
    statements: Printed


def keep_page(png: Path, name: str) -> None:
    """A rendered page for people to look at; the copy in docs/pages/ only when asked for."""
    PAGES.mkdir(exist_ok=True)
    shutil.copyfile(png, PAGES / f"{name}.png")
    if os.environ.get("HUB_UPDATE_SCREENSHOTS") == "1":
        shutil.copyfile(png, REPO / "docs" / "pages" / f"{name}.png")


def export(url: str, folder: Path, *args: str) -> Path:
    target = folder / f"{args[0]}.xlsx"
    done = subprocess.run(
        [sys.executable, "-m", "hub", "export", *args, "--output", str(target)],
        env=env(HUB_DATABASE_URL=url),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return target


@pytest.fixture(scope="module")
async def exports(
    server_url: str, template_db: str, settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Exports]:
    folder = tmp_path_factory.mktemp("printed")
    name = f"hub_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(server_url)
    await admin.execute(f'create database "{name}" template "{template_db}"')
    url = with_database(server_url, name)
    try:
        async with open_hub(settings, url, pool_size=2) as hub:
            await load_demo(hub)
        files = [
            await asyncio.to_thread(export, url, folder, *args)
            for args in (
                ("board-pack", "--period", "2024"),
                ("consolidation", "--period", "2024"),
                ("monitoring", "--period", "2024"),
                ("statements", "--entity", "SE", "--period", "2024"),
            )
        ]
        pdfs = await asyncio.to_thread(to_pdf, files, folder)
        board, consolidation, monitoring, statements = (
            Printed(load_workbook(io.BytesIO(file.read_bytes())), pdf, page_texts(pdf))
            for file, pdf in zip(files, pdfs, strict=True)
        )
        yield Exports(folder, board, consolidation, monitoring, statements)
    finally:
        await admin.execute(f'drop database if exists "{name}" with (force)')
        await admin.close()


def sheet_of(texts: list[str], title: str) -> list[str]:
    """The pages of the sheet `title` (its name stands in each page's footer)."""
    footer = re.compile(rf"^\s*{re.escape(title)}\s+Page \d+ of", re.M)
    return [text for text in texts if footer.search(text)]


def test_the_board_pack_prints_each_sheet_on_one_page(exports: Exports) -> None:
    board = exports.board
    assert board.workbook.sheetnames == ["Network", "Turnover trend", "BE", "DE", "AT", "IT", "SE"]
    assert pages(board.pdf) == len(board.workbook.sheetnames) == 7
    for number, (name, text) in enumerate(
        zip(board.workbook.sheetnames, board.texts, strict=True), start=1
    ):
        assert re.search(rf"^\s*{name}\s+Page {number} of 7\s*$", text, re.M), text[-300:]
    trend = board.texts[1]
    assert trend.lstrip().startswith("Turnover over the years (EUR)")  # the page header
    assert "Turnover by country (EUR, logarithmic scale)" in trend
    for text in board.texts:
        assert "###" not in text


def test_the_board_pack_shows_every_figure_with_thousands_separators(exports: Exports) -> None:
    network, trend = exports.board.texts[:2]
    # The 2024 turnover of each country (EUR), and the network's, stored as values.
    figures = ["197,677,870", "5,985,000", "1,534,000", "6,686,000", "2,607,000"]
    for figure in figures:
        assert figure in network
        assert figure in trend
    assert "214,489,870" in network  # 197,677,870 + 5,985,000 + ... + 2,607,000.04
    sheet = exports.board.workbook["Network"]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=4, values_only=True) if row[0]}
    assert rows["Network"][7] == 214489870.04
    assert sum(Decimal(str(rows[name][7])) for name in rows if name.startswith("Smart")) == (
        Decimal("214489870.04")
    )
    # Only the years that have turnover: 2023 and 2024, no empty 2015-2022 rows.
    years = re.findall(r"^\s*(20\d\d)\s+\d[\d,]*,\d{3}\s", trend, re.M)
    assert years == ["2023", "2024"]
    header = next(line for line in trend.splitlines() if "Year" in line and "Belgium" in line)
    assert header.split() == ["Year", *COUNTRIES]


def test_the_trend_chart_draws_five_visible_lines(exports: Exports) -> None:
    ppm, png = picture(exports.board.pdf, 2, RESOLUTION, exports.folder / "board-pack-trend")
    keep_page(png, "board-pack-trend")
    page = read_ppm(ppm)
    colours = [colour_of(index) for index in range(len(COUNTRIES))]
    found = page.positions(colours)
    for country, colour in zip(COUNTRIES, colours, strict=True):
        columns = {x for x, _ in found[colour]}
        # A legend key is some 20 pixels wide; a line from 2023 to 2024 spans hundreds.
        assert len(found[colour]) > 300, f"{country}'s line ({colour}): {len(found[colour])} px"
        assert len(columns) > 150, f"{country}'s line ({colour}) spans {len(columns)} columns"
    # Five lines apart: each country's middle pixel row at least 5 pixels (1.6 mm) from any
    # other's. On a linear axis the four partners lie within a line's width of zero.
    heights = sorted(
        sorted(y for _, y in found[colour])[len(found[colour]) // 2] for colour in colours
    )
    assert all(b - a >= 5 for a, b in itertools.pairwise(heights)), heights


def test_every_sheet_is_set_up_to_print(exports: Exports) -> None:
    printed_sets = (exports.board, exports.consolidation, exports.monitoring, exports.statements)
    for printed in printed_sets:
        for sheet in printed.workbook.worksheets:
            if sheet.sheet_state != "visible":
                continue  # the template's own data
            where = f"{printed.pdf.stem}/{sheet.title}"
            assert sheet.page_setup.orientation == "landscape", where
            assert sheet.page_setup.fitToWidth == 1, where
            assert sheet.sheet_properties.pageSetUpPr.fitToPage, where
            assert sheet.oddFooter.right.text == "Page &P of &N", where
            assert sheet.oddHeader.center.text, where
            if sheet.title not in ("Sign-off", "Instructions"):
                assert sheet.print_title_rows, where
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", f"{where}!{cell.coordinate} is a formula"


def test_the_statements_print_one_page_wide_with_their_headers(exports: Exports) -> None:
    printed = exports.consolidation
    balance = printed.workbook["Balance sheet"]
    total_column = next(c.column for c in balance[4] if c.value == "Total")
    lines = {row[0].value: row[total_column - 1].value for row in balance.iter_rows(min_row=5)}
    texts = sheet_of(printed.texts, "Balance sheet")
    assert texts, "no page of the balance sheet"
    for text in texts:
        assert "Change %" in text  # the header row, on every page: all columns, repeated
        assert "###" not in text
    assert f"{lines['BS.A']:,.2f}" in texts[0]  # total fixed assets, with separators
    for text in printed.texts:
        assert "###" not in text
    _ppm, png = picture(printed.pdf, 1, RESOLUTION, exports.folder / "consolidation")
    keep_page(png, "consolidation-balance-sheet")


def test_the_monitoring_workbook_prints_every_amount(exports: Exports) -> None:
    printed = exports.monitoring
    sheet = printed.workbook["Contributions 2024"]
    texts = sheet_of(printed.texts, "Contributions 2024")
    assert len(texts) == 1
    amounts = [
        cell.value
        for row in sheet.iter_rows(min_row=2)
        for cell in row
        if isinstance(cell.value, int | float | Decimal) and cell.number_format.startswith("#,##0")
    ]
    assert len(amounts) > 10
    for amount in amounts:
        assert f"{abs(Decimal(str(amount))):,.2f}" in texts[0], amount
    for text in printed.texts:
        assert "###" not in text
    _ppm, png = picture(printed.pdf, 1, RESOLUTION, exports.folder / "monitoring")
    keep_page(png, "monitoring-contributions")


def test_an_entitys_reporting_workbook_prints_its_figures(exports: Exports) -> None:
    printed = exports.statements
    sheet = printed.workbook["Trial balance"]
    texts = sheet_of(printed.texts, "Trial balance")
    assert texts
    headers = [cell.value for cell in sheet[1]]
    for text in texts:
        assert all(word in text for word in ("Account", "Amount", "Partner"))  # repeated
        assert "###" not in text
    amounts = [
        row[headers.index("Amount")]
        for row in sheet.iter_rows(min_row=2, values_only=True)
        if isinstance(row[headers.index("Amount")], int | float)
    ]
    assert len(amounts) > 5
    printed_text = "".join(texts)
    for amount in amounts:
        assert f"{abs(Decimal(str(amount))):,.2f}" in printed_text, amount
    for text in printed.texts:
        assert "###" not in text
