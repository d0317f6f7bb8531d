"""A column profile proposed from the start of real-looking exports of four packages."""

from __future__ import annotations

from decimal import Decimal

from hub.imports.detect import PreviewRow, detect
from hub.imports.profile import ColumnProfile
from tests.imports.tables import AUSTRIAN, BELGIAN, ITALIAN, belgian_workbook


def test_a_belgian_pcmn_balance_in_cp1252_with_a_title_above_its_titles() -> None:
    detected = detect(BELGIAN.encode("cp1252"), "balance-2024.csv")
    assert detected.profile == ColumnProfile(
        encoding="cp1252",
        delimiter=";",
        header_rows=3,
        account="Compte",
        name="Libellé",
        debit="Débit",
        credit="Crédit",
        decimal_separator=",",
        thousands_separator=".",
    )
    assert detected.headers == ("Compte", "Libellé", "Débit", "Crédit")
    assert detected.notes == (
        "encoding cp1252 (Windows Western European): the file is not UTF-8",
        "delimiter ';': it splits 13 of 13 lines alike",
        "the column titles are on row 3",
        "decimal separator ',' (12 of 12 amounts say so), thousands separator '.'",
    )
    assert detected.undecided == ()
    assert [(r.line, r.account, r.amount) for r in detected.preview] == [
        (4, "100000", Decimal("-18600.00")),
        (5, "140000", Decimal("-2150.35")),
        (7, "400000", Decimal("12400.50")),
        (8, "440000", Decimal("-3210.15")),
        (9, "550000", Decimal("9871.00")),
        (10, "604000", Decimal("1250.00")),
        (11, "610000", Decimal("2439.00")),
        (12, "700000", Decimal("-2000.00")),
    ]
    assert detected.preview[4].name == "Banque — compte courant"


def test_an_austrian_bmd_list_with_a_bom_reads_its_saldo_and_finds_its_sign() -> None:
    detected = detect(AUSTRIAN.encode(), "saldenliste.csv")
    assert detected.profile == ColumnProfile(
        encoding="utf-8-sig",
        header_rows=1,
        account="Konto",
        name="Bezeichnung",
        balance="Saldo",
        balance_sign="debit-positive",
        decimal_separator=",",
        thousands_separator=".",
    )
    assert "the balance is debit positive: debit minus credit on 4 rows" in detected.notes
    assert detected.preview[2] == PreviewRow(
        line=4,
        account="3300",
        name="Lieferverbindlichkeiten",
        partner=None,
        amount=Decimal("-7000.00"),
    )


def test_a_saldo_written_credit_positive_is_found_so() -> None:
    flipped = AUSTRIAN.replace(";1200,00", ";-1200,00").replace(";37499,45", ";-37499,45")
    flipped = flipped.replace(";-7000,00", ";7000,00").replace(";-31699,45", ";31699,45")
    detected = detect(flipped.encode(), "saldenliste.csv")
    assert detected.profile is not None
    assert detected.profile.balance_sign == "credit-positive"
    assert [r.amount for r in detected.preview] == [
        Decimal("1200.00"),
        Decimal("37499.45"),
        Decimal("-7000.00"),
        Decimal("-31699.45"),
    ]


def test_an_italian_dare_avere_balance() -> None:
    detected = detect(ITALIAN.encode(), "bilancio.csv")
    assert detected.profile == ColumnProfile(
        encoding="utf-8",
        account="Conto",
        name="Descrizione",
        debit="Dare",
        credit="Avere",
        decimal_separator=",",
        thousands_separator=".",
    )
    assert [(r.account, r.amount) for r in detected.preview] == [
        ("10.01.001", Decimal("1500.00")),
        ("10.02.001", Decimal("24300.10")),
        ("40.01.001", Decimal("-5800.10")),
        ("28.01.001", Decimal("-20000.00")),
    ]


def test_an_excel_sheet_with_a_title_row_above_its_titles() -> None:
    detected = detect(belgian_workbook(), "balance.xlsx")
    assert detected.profile == ColumnProfile(
        kind="xlsx",
        sheet="Balance",
        header_rows=2,
        account="Compte",
        name="Libellé",
        debit="Débit",
        credit="Crédit",
        decimal_separator=",",
        thousands_separator=".",
    )
    assert [(r.line, r.account, r.amount) for r in detected.preview] == [
        (3, "100000", Decimal("-18600")),
        (4, "400000", Decimal("12400.5")),
        (5, "550000", Decimal("8199.5")),
        (6, "604000", Decimal("1250")),
        (7, "700000", Decimal("-3250.00")),
    ]


def test_without_titles_the_columns_are_proposed_by_number_and_the_guesses_said() -> None:
    text = "1000,Cash,150.25\n2000,Payables,-100.00\n3000,Equity,-50.25\n"
    detected = detect(text.encode(), "tb.csv")
    assert detected.profile == ColumnProfile(
        delimiter=",",
        header_rows=0,
        account="#1",
        name="#2",
        balance="#3",
        decimal_separator=".",
        thousands_separator=",",
    )
    assert detected.undecided == (
        "no row of known column titles: the columns are proposed by number",
        "the sign of the one amount column: debit positive is assumed",
    )


def test_what_cannot_be_decided_is_said_and_nothing_is_proposed() -> None:
    detected = detect(b"just some text\nwithout columns\n", "notes.txt")
    assert detected.profile is None
    assert detected.undecided == ("no delimiter (; tab , |) splits the lines into columns",)
    damaged = detect(b"PK\x03\x04 not really a workbook", "tb.xlsx")
    assert damaged.profile is None
    assert damaged.undecided[0].startswith("the workbook is damaged or incomplete")
