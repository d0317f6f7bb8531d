"""The DATEV EXTF reader over every real DATEV file in tests/data/national/de-datev (a balanced
trial balance to the cent, or a located refusal), and over small files written here for what
the real ones do not show: the 510 header, ',' separators, encodings, dates, lengths."""

from __future__ import annotations

import datetime as dt
import io
import random
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from hub.imports.datev import read
from hub.imports.formats import Source
from hub.imports.model import ImportProblem, Ledger
from hub.imports.readers import FORMATS

NATIONAL = Path(__file__).resolve().parents[1] / "data" / "national"
DATEV = NATIONAL / "de-datev"
JANUARY_2025 = (dt.date(2025, 1, 1), dt.date(2025, 1, 31))
FEBRUARY_2018 = (dt.date(2018, 2, 1), dt.date(2018, 2, 28))
Q1_2025 = (dt.date(2025, 1, 1), dt.date(2025, 3, 31))
SHIFTED = (
    "the header's fields stand 1 place off DATEV's layout (the fiscal year's first day is "
    "field 14, not 13): read from there"
)
NO_NAMES = (
    "no account names (Kontenbeschriftungen, category 20) came with the bookings: the accounts "
    "have no names"
)


def read_files(
    names: list[str], period: tuple[dt.date, dt.date]
) -> tuple[Ledger | None, list[ImportProblem]]:
    return read([Source(name=n, path=DATEV / n) for n in names], *period, None, {})


def balances(ledger: Ledger | None) -> dict[str, Decimal]:
    assert ledger is not None
    assert sum(b.amount for b in ledger.balances) == 0
    return {b.account: b.amount for b in ledger.balances}


def located(problems: list[ImportProblem]) -> list[tuple[int | None, int | None, str]]:
    return [(p.line, p.column, p.message) for p in problems]


# Every real file, read alone: its trial balance for the period, or its refusal.
Refusal = list[tuple[int | None, int | None, str]]
REAL: dict[str, tuple[tuple[dt.date, dt.date], dict[str, str] | Refusal]] = {
    # Bookings of 15.01 and 20.01 (four of ten); the others are later in the year.
    "datev-lint-valid_minimal_700.csv": (
        JANUARY_2025,
        {"1200": "1450.49", "4400": "-250.50", "8400": "-1199.99"},
    ),
    "datev-lint-encoding_utf8_bom.csv": (
        JANUARY_2025,
        {"1200": "350.50", "4400": "-250.50", "8400": "-100.00"},
    ),
    "datev-lint-encoding_windows1252.csv": (
        JANUARY_2025,
        {"1200": "350.50", "4400": "-250.50", "8400": "-100.00"},
    ),
    # 0001200 is 1200 and 0000123 is 0123: accounts have the header's length, 4.
    "datev-lint-leading_zero_konto.csv": (
        JANUARY_2025,
        {"0123": "-250.50", "0456": "250.50", "1200": "100.00", "8400": "-100.00"},
    ),
    "ledermann-EXTF_Buchungsstapel.csv": (
        FEBRUARY_2018,
        {"1200": "-24.95", "4940": "24.95", "8400": "-5950.00", "10000": "5950.00"},
    ),
    "datev-lint-broken_quotes.csv": (
        JANUARY_2025,
        [
            (
                4,
                11,
                'the quote (") that opens field 11 is never closed: the rest of the file would '
                "be one text",
            )
        ],
    ),
    # The text of line 3 is not quoted, so its line break ends the booking: line 4 is a
    # booking of one field.
    "datev-lint-embedded_newlines.csv": (
        JANUARY_2025,
        [
            (
                4,
                None,
                "the line has 1 field, a booking at least 10 (up to its Belegdatum): is a text "
                "with a line break missing its quotes?",
            )
        ],
    ),
    "datev-lint-invalid_fields.csv": (
        JANUARY_2025,
        [
            (4, 2, "the Soll/Haben indicator 'X' is neither S (debit) nor H (credit)"),
            (5, 4, "the account (Konto) is missing"),
        ],
    ),
    "ledermann-EXTF_Stammdaten.csv": (
        FEBRUARY_2018,
        [
            (
                1,
                3,
                "this is a Debitoren/Kreditoren (customer and supplier master data) file, "
                "category 16: it holds no balances. Send the booking batch (Buchungsstapel, "
                "category 21), with the account names (Kontenbeschriftungen, category 20) if "
                "you like",
            )
        ],
    ),
    "ledermann-EXTF_Kontenbeschriftungen.csv": (
        FEBRUARY_2018,
        [
            (
                None,
                None,
                "the account names (Kontenbeschriftungen) hold no bookings: send the booking "
                "batch (Buchungsstapel, category 21) with them",
            )
        ],
    ),
}


def test_every_real_datev_file_is_covered() -> None:
    assert sorted(p.name for p in DATEV.glob("*.csv")) == sorted(REAL)


@pytest.mark.parametrize("name", sorted(REAL))
def test_a_real_datev_file_gives_its_trial_balance_or_a_located_refusal(name: str) -> None:
    period, expected = REAL[name]
    ledger, problems = read_files([name], period)
    if isinstance(expected, dict):
        assert problems == []
        assert balances(ledger) == {a: Decimal(v) for a, v in expected.items()}
    else:
        assert ledger is None
        assert located(problems) == expected


def test_the_minimal_batch_for_january_and_for_the_first_quarter() -> None:
    ledger, _ = read_files(["datev-lint-valid_minimal_700.csv"], JANUARY_2025)
    assert ledger is not None
    assert ledger.format == "DATEV EXTF 700"
    assert ledger.company == "Test Buchungsstapel"
    assert ledger.currency == "EUR"
    assert ledger.fiscal_year == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert ledger.organisation_number is None
    assert ledger.derived_from == "bookings 2025-01-01 to 2025-01-31 (4 bookings)"
    assert ledger.notes == (
        "6 bookings dated after the period's last day (2025-01-31) are left out",
        NO_NAMES,
        SHIFTED,
        "DATEV adviser (Berater) 00001, client (Mandant) 00002",
    )
    quarter, _ = read_files(["datev-lint-valid_minimal_700.csv"], Q1_2025)
    assert quarter is not None
    # All ten: S 100.00, 99.99, 1000.00, 75.25, 500.00, 999.99, 10.00 on 1200 against 8400;
    # H 250.50, 50.00, 123.45 on 4400 against 1200.
    assert balances(quarter) == {
        "1200": Decimal("3209.18"),
        "4400": Decimal("-423.95"),
        "8400": Decimal("-2785.23"),
    }
    assert quarter.derived_from == "bookings 2025-01-01 to 2025-03-31 (10 bookings)"


def test_names_come_from_the_kontenbeschriftungen_sent_with_the_bookings() -> None:
    ledger, problems = read_files(
        ["ledermann-EXTF_Buchungsstapel.csv", "ledermann-EXTF_Kontenbeschriftungen.csv"],
        FEBRUARY_2018,
    )
    assert problems == []
    assert ledger is not None
    assert [(b.account, b.amount, b.name) for b in ledger.balances] == [
        ("1200", Decimal("-24.95"), "Girokonto"),
        ("4940", Decimal("24.95"), None),
        ("8400", Decimal("-5950.00"), None),
        ("10000", Decimal("5950.00"), None),
    ]
    assert ledger.format == "DATEV EXTF 700"
    assert ledger.program == "XY"  # Herkunft
    assert ledger.company == "Beispiel-Buchungen"
    assert ledger.derived_from == "bookings 2018-02-01 to 2018-02-28 (2 bookings)"
    assert ledger.notes == (
        "the bookings start on 2018-02-01, after the fiscal year's first day (2018-01-01): the "
        "balances hold only the bookings sent (opening balances and earlier months come in "
        "their own batches)",
        "1 booking carries a tax key (BU-Schlüssel): DATEV splits the VAT of such bookings onto "
        "the tax accounts; this import keeps their gross amounts on the accounts booked",
        "3 accounts without a name in the Kontenbeschriftungen: 4940, 8400, 10000",
        "DATEV adviser (Berater) 1001, client (Mandant) 456",
    )


def test_a_batch_after_the_period_is_refused() -> None:
    ledger, problems = read_files(
        ["ledermann-EXTF_Buchungsstapel.csv"], (dt.date(2018, 1, 1), dt.date(2018, 1, 31))
    )
    assert ledger is None
    assert located(problems) == [
        (
            1,
            15,
            "the batch starts on 2018-02-01, after the period's last day (2018-01-31): none of "
            "its bookings belong to the period",
        )
    ]


def test_the_reader_is_registered_as_datev() -> None:
    assert FORMATS["datev"] is read


# --- Files written here --------------------------------------------------------------------

TITLES = (
    "Umsatz (ohne Soll/Haben-Kz);Soll/Haben-Kennzeichen;WKZ Umsatz;Kurs;Basisumsatz;"
    "WKZ Basisumsatz;Konto;Gegenkonto (ohne BU-Schlüssel);BU-Schlüssel;Belegdatum;Belegfeld 1;"
    "Belegfeld 2;Skonto;Buchungstext"
)


def header(
    version: int = 700, category: int = 21, name: str = "Buchungsstapel", **fields: str
) -> str:
    """A header with the fields at DATEV's positions; `f13="..."` sets field 13."""
    values = [""] * 31
    values[:6] = ['"EXTF"', str(version), str(category), f'"{name}"', "13", "20250402093000000"]
    defaults = {
        8: '"RE"',
        11: "1001",
        12: "456",
        13: "20250101",
        14: "4",
        15: "20250101",
        16: "20250331",
        17: '"Buchungen Q1 2025"',
        22: '"EUR"',
        31: '"Hub-Test 1.0"',
    }
    for number, value in defaults.items():
        values[number - 1] = value
    for key, value in fields.items():
        values[int(key[1:]) - 1] = value
    return ";".join(values)


def booking(
    amount: str, side: str, account: str, contra: str, date: str, currency: str = "EUR"
) -> str:
    return f'{amount};"{side}";"{currency}";;;"";{account};{contra};"";{date};"RE1";"";;"Text"'


def source(*lines: str, encoding: str = "cp1252", name: str = "EXTF_Buchungsstapel.csv") -> Source:
    return Source(name=name, data="\r\n".join(lines).encode(encoding) + b"\r\n")


def read_one(
    *lines: str, period: tuple[dt.date, dt.date] = Q1_2025, encoding: str = "cp1252"
) -> tuple[Ledger | None, list[ImportProblem]]:
    return read([source(*lines, encoding=encoding)], *period, None, {})


def test_a_510_header_read_at_its_positions() -> None:
    ledger, problems = read_one(
        header(version=510),
        TITLES,
        booking("1.234,56", "S", "1200", "4400", "1501"),
        booking("34,56", "H", "1200", "400", "3103"),
    )
    assert problems == []
    assert ledger is not None
    assert ledger.format == "DATEV EXTF 510"
    assert ledger.program == "Hub-Test 1.0"  # Anwendungsinformation before Herkunft
    assert ledger.company == "Buchungen Q1 2025"
    assert balances(ledger) == {
        "0400": Decimal("34.56"),
        "1200": Decimal("1200.00"),
        "4400": Decimal("-1234.56"),
    }
    assert SHIFTED not in ledger.notes


def test_comma_separated_utf8_with_umlauts() -> None:
    lines = [
        header(f17='"Müller Rechnungen"').replace(";", ","),
        TITLES.replace(";", ","),
        '"1.000,00","S","EUR",,,"",1200,8400,"","0202","RE1","",,"Büro, Möbel"',
    ]
    ledger, problems = read_one(*lines, encoding="utf-8")
    assert problems == []
    assert ledger is not None
    assert ledger.company == "Müller Rechnungen"
    assert balances(ledger) == {"1200": Decimal("1000.00"), "8400": Decimal("-1000.00")}


def test_utf8_with_bom_and_windows_1252_read_the_same() -> None:
    lines = [header(f17='"Bücher März"'), TITLES, booking("10,00", "S", "1200", "8400", "0103")]
    bom = Source(name="bom.csv", data=b"\xef\xbb\xbf" + "\r\n".join(lines).encode("utf-8"))
    cp1252 = Source(name="ansi.csv", data="\r\n".join(lines).encode("cp1252"))
    for one in (bom, cp1252):
        ledger, problems = read([one], *Q1_2025, None, {})
        assert problems == []
        assert ledger is not None
        assert ledger.company == "Bücher März"


def test_a_byte_that_is_no_windows_1252_character_is_located() -> None:
    text = "\r\n".join([header(), TITLES, booking("10,00", "S", "1200", "8400", "0103")])
    data = text.encode("cp1252").replace(b'"RE1"', b'"\x81"')
    ledger, problems = read([Source(name="x.csv", data=data)], *Q1_2025, None, {})
    assert ledger is None
    assert located(problems) == [
        (3, None, "byte 0x81 is not a character in Windows-1252 (nor is the file UTF-8)")
    ]


def test_a_quoted_text_with_line_breaks_keeps_the_line_numbers() -> None:
    ledger, problems = read_one(
        header(),
        TITLES,
        '10,00;"S";"EUR";;;"";1200;8400;"";0103;"RE1";"";;"first line\r\nsecond line"',
        booking("5,00", "S", "1200", "8400", "0103"),
        booking("5,00", "X", "1200", "8400", "0103"),
    )
    assert ledger is None
    assert located(problems) == [
        (6, 2, "the Soll/Haben indicator 'X' is neither S (debit) nor H (credit)")
    ]


def test_a_booking_after_the_period_is_left_out_and_counted() -> None:
    ledger, problems = read_one(
        header(),
        TITLES,
        booking("100,00", "S", "1200", "8400", "3101"),
        booking("40,00", "S", "1200", "8400", "0102"),
        booking("2,00", "S", "1200", "8400", "0103"),
        period=JANUARY_2025,
    )
    assert problems == []
    assert ledger is not None
    assert balances(ledger) == {"1200": Decimal("100.00"), "8400": Decimal("-100.00")}
    assert ledger.derived_from == "bookings 2025-01-01 to 2025-01-31 (1 booking)"
    assert ledger.notes[0] == (
        "2 bookings dated after the period's last day (2025-01-31) are left out"
    )


def test_a_fiscal_year_from_july_gives_each_date_its_year() -> None:
    ledger, problems = read_one(
        header(f13="20240701", f15="20240701", f16="20250630"),
        TITLES,
        booking("100,00", "S", "1200", "8400", "1508"),  # 2024-08-15
        booking("30,00", "H", "1200", "8400", "1501"),  # 2025-01-15
        booking("7,00", "S", "1200", "8400", "1502"),  # 2025-02-15: after the period
        period=(dt.date(2025, 1, 1), dt.date(2025, 1, 31)),
    )
    assert problems == []
    assert ledger is not None
    assert ledger.fiscal_year == (dt.date(2024, 7, 1), dt.date(2025, 6, 30))
    assert balances(ledger) == {"1200": Decimal("70.00"), "8400": Decimal("-70.00")}


def test_bad_bookings_are_each_located() -> None:
    ledger, problems = read_one(
        header(),
        TITLES,
        booking("100,00", "S", "123456", "8400", "0101"),
        booking("12.5", "S", "1200", "8400", "0101"),
        booking("-5,00", "H", "1200", "8400", "0101"),
        booking("5,00", "", "12A0", "8400", "0101"),
        booking("5,00", "S", "1200", "8400", "1.1."),
        booking("5,00", "S", "1200", "8400", "3002"),
        booking("5,00", "S", "1200", "8400", "0104"),
        booking("5,00", "S", "1200", "8400", "0101", currency="USD"),
    )
    assert ledger is None
    assert located(problems) == [
        (
            3,
            7,
            "the account (Konto) 123456 has 6 digits: with the header's account length "
            "(Sachkontenlänge) 4, accounts have 4 digits, customers and suppliers 5",
        ),
        (4, 1, "the amount '12.5' is not a number like 1.234,56 (decimal comma, two decimals)"),
        (
            5,
            1,
            "the amount '-5,00' is negative: DATEV amounts are positive, the Soll/Haben "
            "indicator gives the side",
        ),
        (6, 2, "the Soll/Haben indicator is missing: S (debit) or H (credit)"),
        (6, 7, "the account (Konto) '12A0' is not an account number (digits only)"),
        (
            7,
            10,
            "the document date (Belegdatum) '1.1.' is not a day and month (DDMM, e.g. 0103 for "
            "1 March)",
        ),
        (8, 10, "the document date (Belegdatum) '3002' is not a date: day 30 of month 2"),
        (
            9,
            10,
            "the document date (Belegdatum) 0104 (01.04.) is not within the batch's dates "
            "(2025-01-01 to 2025-03-31)",
        ),
        (10, 3, "the booking is in USD, the batch in EUR: a batch holds one currency"),
    ]


def test_at_most_fifty_problems() -> None:
    rows = [booking("5,00", "X", "1200", "8400", "0101") for _ in range(80)]
    ledger, problems = read_one(header(), TITLES, *rows)
    assert ledger is None
    assert len(problems) == 51
    assert problems[-1].message == "more problems follow; these are the first 50"


def test_the_header_is_checked() -> None:
    ledger, problems = read_one(
        header(f14="12", f15="20241201", f22='"EURO"'), TITLES, period=JANUARY_2025
    )
    assert ledger is None
    assert located(problems) == [
        (
            1,
            14,
            "the account length (Sachkontenlänge) '12' is not a number of digits from 4 to 8",
        ),
        (1, 22, "the currency (WKZ) 'EURO' is not an ISO code like EUR"),
        (
            1,
            15,
            "the batch's date 2024-12-01 is outside its fiscal year (2025-01-01 to "
            "2025-12-31): a batch lies within one fiscal year",
        ),
    ]
    ledger, problems = read_one(header(version=300), TITLES)
    assert located(problems) == [
        (1, 2, "DATEV-Format version 300 is not read; export in version 700 (or the older 510)")
    ]


def test_a_period_outside_the_files_fiscal_year_is_refused() -> None:
    ledger, problems = read_one(
        header(), TITLES, booking("5,00", "S", "1200", "8400", "0101"),
        period=(dt.date(2026, 1, 1), dt.date(2026, 1, 31)),
    )  # fmt: skip
    assert ledger is None
    assert located(problems) == [
        (
            1,
            13,
            "the file's fiscal year (2025-01-01 to 2025-12-31) does not hold the period's last "
            "day (2026-01-31)",
        )
    ]


def test_missing_columns_are_named() -> None:
    ledger, problems = read_one(header(), "Umsatz;Konto;Gegenkonto;Buchungstext")
    assert ledger is None
    assert located(problems) == [
        (
            2,
            None,
            "no column titled Soll/Haben-Kennzeichen (S or H), Belegdatum (the document date, "
            "DDMM); line 2 should hold the DATEV column titles, found: Umsatz; Konto; "
            "Gegenkonto; Buchungstext",
        )
    ]


def test_several_batches_and_names_together() -> None:
    january = source(
        header(f15="20250101", f16="20250131"),
        TITLES,
        booking("300,00", "S", "10001", "8400", "1001"),
        name="januar.csv",
    )
    february = source(
        header(f15="20250201", f16="20250228"),
        TITLES,
        booking("300,00", "S", "1200", "10001", "0502"),
        name="februar.csv",
    )
    names = source(
        header(category=20, name="Kontenbeschriftungen", f15="", f16=""),
        "Konto;Kontenbeschriftung;Sprach-ID",
        '1200;"Bank";"de-DE"',
        '8400;"Erlöse 19 % USt";"de-DE"',
        name="konten.csv",
    )
    ledger, problems = read([names, january, february], *Q1_2025, None, {})
    assert problems == []
    assert ledger is not None
    assert [(b.account, b.amount, b.name) for b in ledger.balances] == [
        ("1200", Decimal("300.00"), "Bank"),
        ("8400", Decimal("-300.00"), "Erlöse 19 % USt"),
    ]
    assert ledger.derived_from == "bookings 2025-01-01 to 2025-02-28 (2 bookings)"


def test_problems_of_several_files_name_the_file() -> None:
    bad = source(header(), TITLES, booking("5,00", "S", "1200", "8400", "0101x"), name="a.csv")
    other = source(header(f13="20240101", f15="20240101", f16="20240331"), TITLES, name="b.csv")
    ledger, problems = read([bad, other], *Q1_2025, None, {})
    assert ledger is None
    assert located(problems) == [
        (
            3,
            10,
            "a.csv: the document date (Belegdatum) '0101x' is not a day and month (DDMM, e.g. "
            "0103 for 1 March)",
        )
    ]
    good = source(header(), TITLES, booking("5,00", "S", "1200", "8400", "0101"), name="a.csv")
    ledger, problems = read([good, other], *Q1_2025, None, {})
    assert located(problems) == [
        (
            1,
            13,
            "b.csv: the batch's fiscal year starts on 2024-01-01, the first batch's on "
            "2025-01-01: send the batches of one fiscal year",
        )
    ]


def workbook_bytes() -> bytes:
    book = Workbook()
    book.active["A1"] = "Umsatz"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            (NATIONAL / "se-sie" / "Sie4.se").read_bytes(),
            (
                1,
                None,
                "this is a SIE file (the Swedish standard), not a DATEV-Format file: import it "
                "as SIE",
            ),
        ),
        (
            workbook_bytes(),
            (
                None,
                None,
                "this is an Excel workbook (xlsx) or another zip archive, not a DATEV-Format "
                "file: export the Buchungsstapel from the accounting program as a DATEV CSV "
                "file (EXTF)",
            ),
        ),
        (
            (TITLES + "\r\n" + booking("5,00", "S", "1200", "8400", "0101")).encode("cp1252"),
            (
                1,
                None,
                "the first line holds column titles: the DATEV-Format header "
                '("EXTF";700;21;"Buchungsstapel";...) is missing; export again with it',
            ),
        ),
        (
            b"",
            (
                1,
                None,
                "the file is empty, not a DATEV-Format file (its first line is the EXTF header)",
            ),
        ),
    ],
    ids=["sie", "xlsx", "no-header", "empty"],
)
def test_a_file_that_is_not_extf_says_what_it_is(
    data: bytes, expected: tuple[int | None, int | None, str]
) -> None:
    ledger, problems = read([Source(name="upload", data=data)], *Q1_2025, None, {})
    assert ledger is None
    assert located(problems) == [expected]


def test_progress_is_told_the_bytes_read() -> None:
    rows = [booking("1,00", "S", "1200", "8400", "0101") for _ in range(30_000)]
    one = source(header(), TITLES, *rows)
    told: list[int] = []
    ledger, problems = read([one], *Q1_2025, told.append, {})
    assert problems == []
    assert balances(ledger) == {"1200": Decimal("30000.00"), "8400": Decimal("-30000.00")}
    assert one.data is not None
    assert told[-1] == len(one.data)
    assert len(told) == len(one.data) // (1 << 20) + 1
    assert told == sorted(told)


def test_a_dtvf_batch_without_dates_spans_its_fiscal_year() -> None:
    ledger, problems = read_one(
        header(f15="", f16="").replace('"EXTF"', '"DTVF"', 1),
        TITLES,
        booking("8,00", "H", "1200", "70001", "3112"),
        period=(dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
    )
    assert problems == []
    assert ledger is not None
    assert ledger.format == "DATEV DTVF 700"
    assert balances(ledger) == {"1200": Decimal("-8.00"), "70001": Decimal("8.00")}
    assert ledger.derived_from == "bookings 2025-01-01 to 2025-12-31 (1 booking)"


def test_text_after_a_closing_quote_is_located() -> None:
    ledger, problems = read_one(
        header(),
        TITLES,
        booking("5,00", "S", "1200", "8400", "0101"),
        '5,00;"S";"EUR";;;"";1200;8400;"";0101;"RE"1;"";;"Text"',
    )
    assert ledger is None
    assert located(problems) == [
        (4, 11, 'the quotes (") of field 11 are broken: text follows the closing quote (at line 4)')
    ]


def mutations(data: bytes, seed: int) -> list[bytes]:
    """Damaged copies of `data`: bytes replaced, cut short, lines doubled, quotes and
    separators inserted, line ends changed, a line that never ends."""
    rng = random.Random(seed)
    found = []
    for _ in range(40):
        damaged = bytearray(data)
        for _ in range(rng.randint(1, 6)):
            at = rng.randrange(max(len(damaged), 1))
            damaged[at:at] = rng.choice([b'"', b";", b",", b"\r", b"\n", b"\x00", b"\xff", b"9"])
        found.append(bytes(damaged))
    found += [data[: len(data) // 2], data.replace(b"\n", b"\r"), data + data, data * 2 + b'"']
    found.append(data.replace(b"\r\n", b"").replace(b"\n", b""))
    return found


@pytest.mark.parametrize("name", sorted(REAL))
def test_no_damaged_file_crashes_the_reader(name: str, tmp_path: Path) -> None:
    """In memory and on disk: the two split lines differently (a lone CR)."""
    period = REAL[name][0]
    for index, data in enumerate(mutations((DATEV / name).read_bytes(), seed=len(name))):
        on_disk = tmp_path / f"{index}.csv"
        on_disk.write_bytes(data)
        for one in (
            Source(name="damaged.csv", data=data),
            Source(name="damaged.csv", path=on_disk),
        ):
            ledger, problems = read([one], *period, None, {})
            assert (ledger is None) == bool(problems), (index, problems)
            assert all(p.message for p in problems)
