"""Reading trial balances with a column profile: the figures to the cent, and every problem said
where it is (line and field of a CSV file, sheet and cell of a workbook)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import msgspec
from openpyxl import Workbook

from hub.imports.formats import Source
from hub.imports.model import ImportProblem, Ledger, LedgerBalance
from hub.imports.profile import ColumnProfile, amount_pattern, parse_amount, profile_problems
from hub.imports.readers import FORMATS
from tests.imports.tables import AUSTRIAN, BELGIAN, ITALIAN, belgian_workbook

BELGIAN_PROFILE = ColumnProfile(
    encoding="cp1252",
    header_rows=3,
    account="Compte",
    name="Libellé",
    debit="Débit",
    credit="Crédit",
    thousands_separator=".",
)


def read(
    data: bytes, profile: ColumnProfile, name: str = "tb.csv"
) -> tuple[Ledger | None, list[ImportProblem]]:
    return FORMATS["csv"](
        [Source(name=name, data=data)],
        dt.date(2024, 1, 1),
        dt.date(2024, 12, 31),
        None,
        {"profile": profile},
    )


def test_the_belgian_balance_is_read_to_the_cent() -> None:
    ledger, problems = read(BELGIAN.encode("cp1252"), BELGIAN_PROFILE)
    assert problems == []
    assert ledger == Ledger(
        format="CSV",
        program=None,
        program_version=None,
        organisation_number=None,
        company=None,
        currency=None,
        fiscal_year=None,
        balances=(
            LedgerBalance(account="100000", amount=Decimal("-18600.00"), name="Capital souscrit"),
            LedgerBalance(account="140000", amount=Decimal("-2150.35"), name="Bénéfice reporté"),
            LedgerBalance(account="400000", amount=Decimal("12400.50"), name="Clients"),
            LedgerBalance(account="440000", amount=Decimal("-3210.15"), name="Fournisseurs"),
            LedgerBalance(
                account="550000", amount=Decimal("9871.00"), name="Banque — compte courant"
            ),
            LedgerBalance(
                account="604000", amount=Decimal("1250.00"), name="Achats de marchandises"
            ),
            LedgerBalance(
                account="610000", amount=Decimal("2439.00"), name="Services et biens divers"
            ),
            LedgerBalance(account="700000", amount=Decimal("-2000.00"), name="Chiffre d'affaires"),
        ),
        derived_from="trial balance rows 4..12",
        notes=("total rows skipped: lines 6, 13",),
    )
    assert sum(b.amount for b in ledger.balances) == 0


def test_a_file_on_disk_is_streamed_with_progress(tmp_path: Path) -> None:
    path = tmp_path / "balance.csv"
    rows = "".join(f"{400000 + i};Client {i};1.000,01;\r\n" for i in range(60_000))
    path.write_bytes(("Compte;Libellé;Débit;Crédit\r\n" + rows).encode("cp1252"))
    seen: list[int] = []
    profile = msgspec.structs.replace(BELGIAN_PROFILE, header_rows=1)
    ledger, problems = FORMATS["csv"](
        [Source(name=path.name, path=path)],
        dt.date(2024, 1, 1),
        dt.date(2024, 12, 31),
        seen.append,
        {"profile": profile},
    )
    assert problems == []
    assert ledger is not None
    assert len(ledger.balances) == 60_000
    assert sum(b.amount for b in ledger.balances) == Decimal("60000.60") * 1000
    assert seen[-1] == path.stat().st_size
    assert len(seen) >= 2
    assert ledger.derived_from == "trial balance rows 2..60001"


def test_the_austrian_saldo_and_the_italian_dare_avere() -> None:
    austrian = ColumnProfile(
        encoding="utf-8-sig", account="Konto", name="Bezeichnung", balance="Saldo"
    )
    ledger, problems = read(AUSTRIAN.encode(), austrian)
    assert problems == []
    assert ledger is not None
    assert [(b.account, b.amount) for b in ledger.balances] == [
        ("2700", Decimal("1200.00")),
        ("2800", Decimal("37499.45")),
        ("3300", Decimal("-7000.00")),
        ("9390", Decimal("-31699.45")),
    ]
    credit_positive = msgspec.structs.replace(austrian, balance_sign="credit-positive")
    ledger, _ = read(AUSTRIAN.encode(), credit_positive)
    assert ledger is not None
    assert ledger.balances[0].amount == Decimal("-1200.00")
    italian = ColumnProfile(
        account="Conto", name="Descrizione", debit="Dare", credit="Avere",
        thousands_separator=".",
    )  # fmt: skip
    ledger, problems = read(ITALIAN.encode(), italian)
    assert problems == []
    assert ledger is not None
    assert [(b.account, b.amount) for b in ledger.balances] == [
        ("10.01.001", Decimal("1500.00")),
        ("10.02.001", Decimal("24300.10")),
        ("28.01.001", Decimal("-20000.00")),
        ("40.01.001", Decimal("-5800.10")),
    ]
    assert ledger.notes == ("total rows skipped: line 6",)


def test_rows_are_summed_per_account_and_partner_and_zero_balances_left_out() -> None:
    text = (
        "Account,Name,Partner,Balance\n"
        '416100,Receivable from the network,DE,"1,200.00"\n'
        "416100,Receivable from the network,DE,300.50\n"
        "416100,,AT,99.50\n"
        "550000,Bank,,-1600.00\n"
        "610000,,,(12.00)\n"
        "610000,Rent,,12.00\n"
        "\n"
        "Class 6 — costs,,,\n"
    )
    profile = ColumnProfile(
        delimiter=",",
        account="account",
        name="NAME",
        partner="Partner",
        balance="Balance",
        decimal_separator=".",
        thousands_separator=",",
    )
    ledger, problems = read(text.encode(), profile)
    assert problems == []
    assert ledger is not None
    assert ledger.balances == (
        LedgerBalance(
            account="416100",
            amount=Decimal("99.50"),
            name="Receivable from the network",
            partner="AT",
        ),
        LedgerBalance(
            account="416100",
            amount=Decimal("1500.50"),
            name="Receivable from the network",
            partner="DE",
        ),
        LedgerBalance(account="550000", amount=Decimal("-1600.00"), name="Bank"),
    )
    assert ledger.notes == ("1 accounts with a zero balance are left out",)


def test_columns_by_number_and_a_currency_column() -> None:
    text = "1000;Cash;10,00;EUR\n2000;Equity;-10,00;eur\n"
    profile = ColumnProfile(header_rows=0, account="#1", balance="#3", currency="#4")
    ledger, problems = read(text.encode(), profile)
    assert problems == []
    assert ledger is not None
    assert ledger.currency == "EUR"
    mixed, problems = read((text + "3000;Other;0,00;SEK\n").encode(), profile)
    assert mixed is None
    assert problems == [
        ImportProblem(
            line=3,
            column=4,
            message="the row is in SEK, the rows above in EUR: one currency per trial balance",
        )
    ]


def test_every_bad_row_is_located_by_line_and_field() -> None:
    bad = (
        BELGIAN.replace("400000;Clients;12.400,50;", "400000;Clients;12.400,5O;")
        .replace("440000;Fournisseurs;;3.210,15", ";Fournisseurs;;3.210,15")
        .replace("604000;Achats de marchandises;1.250,00", "604000;Achats;1250.00")
    )
    ledger, problems = read(bad.encode("cp1252"), BELGIAN_PROFILE)
    assert ledger is None
    assert problems == [
        ImportProblem(
            line=7,
            column=3,
            message="Débit: '12.400,5O' is not an amount as the profile writes them (decimal "
            "separator ',', '.' between thousands)",
        ),
        ImportProblem(line=8, column=1, message="no account on a row with amounts"),
        ImportProblem(
            line=10,
            column=3,
            message="Débit: '1250.00' is not an amount as the profile writes them (decimal "
            "separator ',', '.' between thousands)",
        ),
    ]


def test_a_quoted_field_over_two_lines_keeps_the_physical_line_numbers() -> None:
    text = 'Konto;Name;Saldo\n1000;"Kasse\nHaupt";x\n2000;Bank;5,00\n'
    ledger, problems = read(text.encode(), ColumnProfile(account="Konto", balance="Saldo"))
    assert ledger is None
    assert problems == [
        ImportProblem(
            line=2,
            column=3,
            message="Saldo: 'x' is not an amount as the profile writes them (decimal "
            "separator ',', no thousands separator)",
        )
    ]


def test_a_file_in_another_encoding_or_with_other_titles_is_refused_clearly() -> None:
    utf8 = msgspec.structs.replace(BELGIAN_PROFILE, encoding="utf-8")
    ledger, problems = read(BELGIAN.encode("cp1252"), utf8)
    assert ledger is None
    assert problems == [
        ImportProblem(
            line=1,
            column=None,
            message="the line is not utf-8 text (byte 0xe9 at byte 22): is the file saved in "
            "another encoding? Detect the profile again or correct its encoding",
        )
    ]
    german = msgspec.structs.replace(BELGIAN_PROFILE, account="Konto")
    ledger, problems = read(BELGIAN.encode("cp1252"), german)
    assert problems == [
        ImportProblem(
            line=3,
            column=None,
            message="no column is titled 'Konto' (the account column); the titles are: "
            "'Compte', 'Libellé', 'Débit', 'Crédit'",
        )
    ]


def test_the_profile_and_the_file_must_agree_and_the_profile_must_be_whole() -> None:
    _ledger, problems = read(belgian_workbook(), BELGIAN_PROFILE, "balance.xlsx")
    assert problems == [
        ImportProblem(
            line=None,
            column=None,
            message="the file is an Excel workbook but the column profile reads CSV files: "
            "detect a profile for this file and save it",
        )
    ]
    assert profile_problems(
        ColumnProfile(header_rows=0, account="Konto", debit="#3", decimal_separator=";")
    ) == [
        "give both a debit and a credit column, or one balance column",
        "the decimal separator is ',' or '.', not ';'",
        "the account column is named by title ('Konto') but the profile has no header row: "
        "name it #N",
    ]
    assert profile_problems(
        ColumnProfile(encoding="utf-16", account="#1", balance="#1", thousands_separator=",")
    ) == [
        "the encoding 'utf-16' is not supported: save the file as UTF-8",
        "the thousands separator is one of . , ' or a space, other than the decimal "
        "separator, or none; not ','",
        "one column is given two roles: #1",
    ]
    _, problems = read(b"x", ColumnProfile(account="#1", balance="#2", delimiter=""))
    assert problems[0].message == "the column profile: the delimiter must be one character, not ''"


def test_amounts_as_the_packages_write_them() -> None:
    comma = amount_pattern(",", ".")
    assert parse_amount("1.234.567,89", ",", ".", comma) == Decimal("1234567.89")
    assert parse_amount("1234,5-", ",", ".", comma) == Decimal("-1234.5")
    assert parse_amount("(12,00)", ",", ".", comma) == Decimal("-12.00")
    assert parse_amount("", ",", ".", comma) == 0
    spaced = amount_pattern(",", " ")
    assert parse_amount("-1\u00a0234,56", ",", " ", spaced) == Decimal("-1234.56")
    swiss = amount_pattern(".", "'")
    assert parse_amount("1'234.50", ".", "'", swiss) == Decimal("1234.50")


# --- Excel -------------------------------------------------------------------------------------

XLSX_PROFILE = ColumnProfile(
    kind="xlsx",
    header_rows=2,
    account="Compte",
    name="Libellé",
    debit="Débit",
    credit="Crédit",
    thousands_separator=".",
)


def test_an_excel_sheet_is_read_to_the_cent() -> None:
    ledger, problems = read(belgian_workbook(), XLSX_PROFILE, "balance.xlsx")
    assert problems == []
    assert ledger is not None
    assert ledger.format == "XLSX"
    assert ledger.derived_from == "trial balance rows 3..7 of sheet Balance"
    assert [(b.account, b.amount, b.name) for b in ledger.balances] == [
        ("100000", Decimal("-18600"), "Capital souscrit"),
        ("400000", Decimal("12400.5"), "Clients"),
        ("550000", Decimal("8199.5"), "Banque"),
        ("604000", Decimal("1250"), "Achats de marchandises"),
        ("700000", Decimal("-3250.00"), "Chiffre d'affaires"),
    ]
    assert ledger.notes == ("total rows skipped: row 8",)


def _workbook(rows: list[list[object]], title: str = "TB") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def test_excel_problems_name_the_sheet_and_cell() -> None:
    data = _workbook(
        [
            ["Konto", "Bezeichnung", "Soll", "Haben"],
            [2700, "Kassa", "zwölf", None],
            [2800, "Bank", dt.date(2024, 12, 31), None],
            [None, "ohne Konto", 5, None],
            [9390, "Gewinn", None, "=C2+C3"],
        ]
    )
    profile = ColumnProfile(kind="xlsx", account="Konto", debit="Soll", credit="Haben")
    ledger, problems = read(data, profile, "saldenliste.xlsx")
    assert ledger is None
    assert [(p.line, p.column, p.message) for p in problems] == [
        (
            2,
            3,
            "TB!C2: Soll: 'zwölf' is not an amount as the profile writes them (decimal "
            "separator ',', no thousands separator)",
        ),
        (3, 3, "TB!C3: 2024-12-31 00:00:00 where an amount (Soll) is expected"),
        (4, 1, "TB!A4: no account on a row with amounts"),
        (
            5,
            4,
            "TB!D5: a formula whose value was never computed: open the workbook in Excel or "
            "LibreOffice and save it",
        ),
    ]
    wrong_sheet = msgspec.structs.replace(profile, sheet="Saldenliste")
    _, problems = read(data, wrong_sheet, "saldenliste.xlsx")
    assert [p.message for p in problems] == [
        "the workbook has no sheet 'Saldenliste' (it has: TB): correct the profile's sheet"
    ]


def test_a_damaged_or_hostile_workbook_is_refused_before_it_is_read() -> None:
    profile = ColumnProfile(kind="xlsx", account="#1", balance="#2", header_rows=0)
    _, problems = read(b"PK\x03\x04 cut short", profile, "tb.xlsx")
    assert [p.message for p in problems] == [
        "the workbook is damaged or incomplete (File is not a zip file): upload it again"
    ]
    _, problems = read(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), profile, "tb.xlsx")
    assert [p.message for p in problems] == [
        "the file is password-protected (encrypted) or an old .xls workbook: save it as .xlsx "
        "without a password to open"
    ]
