"""The SIE reader on every real Swedish export of tests/data (63 files of a dozen programs) and
on small files written here for each rule of the format: each real file either gives a trial
balance that sums to zero — and agrees with an independent reading of its `#UB`/`#RES` — or is
refused with a located reason."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest

from hub.imports import sie
from hub.imports.formats import Source
from hub.imports.model import ImportProblem, Ledger
from tests.countries.ledgers import sie_balances, sie_text

DATA = Path(__file__).resolve().parents[1] / "data"
FOLDERS = (DATA / "national" / "se-sie", DATA / "imports" / "se-sie")


def path_of(name: str) -> Path:
    return next(folder / name for folder in FOLDERS if (folder / name).exists())


def read_path(
    path: Path, first: str, last: str, year_start: str | None = None
) -> tuple[Ledger | None, list[ImportProblem]]:
    start = dt.date.fromisoformat(year_start or first)
    return sie.read(
        [Source(name=path.name, path=path)],
        dt.date.fromisoformat(first),
        dt.date.fromisoformat(last),
        None,
        {"fiscal_year_start": start},
    )


def read_text(
    text: str, first: str = "2024-01-01", last: str = "2024-12-31", encoding: str = "cp437"
) -> tuple[Ledger | None, list[ImportProblem]]:
    data = text.encode(encoding) if encoding else text.encode("utf-8")
    return sie.read(
        [Source(name="test.se", data=data)],
        dt.date.fromisoformat(first),
        dt.date.fromisoformat(last),
        None,
        {"fiscal_year_start": dt.date(2024, 1, 1)},
    )


def amounts(ledger: Ledger) -> dict[str, Decimal]:
    return {b.account: b.amount for b in ledger.balances}


# Files that import: the fiscal year read (#RAR 0, or the vouchers' year for type 4I files
# without one), accounts with a balance, and where the trial balance comes from.
IMPORTS = [
    ("BL0001_typ1.SE", "2009-07-01", "2010-06-30", 45, "#UB/#RES of year 0"),
    ("BL0001_typ2.SE", "2009-07-01", "2010-06-30", 45, "#UB/#RES of year 0"),
    ("BL0001_typ3.SE", "2009-07-01", "2010-06-30", 45, "#UB/#RES of year 0"),
    ("BL0001_typ4.SE", "2009-07-01", "2010-06-30", 45, "#UB/#RES of year 0"),
    ("BL0001_typ4I.SI", "2011-01-01", "2011-12-31", 6, "#IB and 1 vouchers"),
    ("BokOrder.si", "2009-01-01", "2009-12-31", 3, "#IB and 1 vouchers"),
    ("Bokslut Norstedts SIE 4E.se", "2009-07-01", "2010-06-30", 90, "#UB/#RES of year 0"),
    ("BokslutSIE1.se", "2010-01-01", "2010-12-31", 66, "#UB/#RES of year 0"),
    ("Exempelbolaget_SIE_110322_B_33.si", "2010-01-01", "2010-12-31", 20, "#IB and 13 vouchers"),
    ("FAKT.SI", "2011-01-01", "2011-12-31", 3, "#IB and 1 vouchers"),
    ("LON Lönekörning.SI", "2011-01-01", "2011-12-31", 11, "#IB and 1 vouchers"),
    ("Lön.si", "2012-01-01", "2012-12-31", 8, "#IB and 1 vouchers"),
    ("MAMUT_SIE1_EXPORT.SE", "2010-01-01", "2010-12-31", 16, "#UB/#RES of year 0"),
    ("MAMUT_SIE2_EXPORT.SE", "2010-01-01", "2010-12-31", 16, "#UB/#RES of year 0"),
    ("MAMUT_SIE3_EXPORT.SE", "2010-01-01", "2010-12-31", 16, "#UB/#RES of year 0"),
    ("MAMUT_SIE4_EXPORT.SE", "2010-01-01", "2010-12-31", 16, "#UB/#RES of year 0"),
    ("Norstedts Bokslut SIE 1.se", "2009-07-01", "2010-06-30", 90, "#UB/#RES of year 0"),
    ("Norstedts Bokslut SIE 4I.si", "2009-07-01", "2010-06-30", 4, "#IB and 2 vouchers"),
    ("Norstedts Revision SIE 1.SE", "2009-07-01", "2010-06-30", 90, "#UB/#RES of year 0"),
    ("SIE-fil från Visma Enskild Firma 2010.se", "2010-01-01", "2010-12-31", 25, "#UB/#RES"),
    ("SIE4 Visma Anläggningsregister.si", "2010-01-01", "2010-12-31", 12, "#IB and 1 vouchers"),
    ("SIE_exempelfil.se", "2011-01-01", "2011-12-31", 48, "#UB/#RES of year 0"),
    ("Sie 1.SE", "2010-01-01", "2010-12-31", 46, "#UB/#RES of year 0"),
    ("Sie 2.SE", "2010-01-01", "2010-12-31", 46, "#UB/#RES of year 0"),
    ("Sie1.se", "2010-01-01", "2010-12-31", 53, "#UB/#RES of year 0"),
    ("Sie4.si", "2010-01-01", "2010-12-31", 49, "#UB/#RES of year 0"),
    ("Test1.SE", "2008-01-01", "2008-12-31", 64, "#UB/#RES of year 0"),
    ("Test2.SE", "2008-01-01", "2008-12-31", 64, "#UB/#RES of year 0"),
    ("Test4.SE", "2008-01-01", "2008-12-31", 64, "#UB/#RES of year 0"),
    ("arsaldo_ovnbolag.se", "2011-01-01", "2011-12-31", 82, "#UB/#RES of year 0"),
    ("live2011.se", "2011-06-01", "2011-12-31", 83, "#UB/#RES of year 0"),
    ("magenta_bokföring_SIE1.se", "2011-01-01", "2011-12-31", 48, "#UB/#RES of year 0"),
    ("magenta_bokföring_SIE2.se", "2011-01-01", "2011-12-31", 48, "#UB/#RES of year 0"),
    ("magenta_bokföring_SIE3.se", "2011-01-01", "2011-12-31", 48, "#UB/#RES of year 0"),
    ("magenta_bokföring_SIE4E.se", "2011-01-01", "2011-12-31", 48, "#UB/#RES of year 0"),
    ("magenta_bokföring_SIE4I.se", "2011-01-01", "2011-12-31", 36, "#IB and 19 vouchers"),
    ("objektsaldo_ovnbolag.se", "2011-01-01", "2011-12-31", 82, "#UB/#RES of year 0"),
    ("periodsaldo_ovnbolag.se", "2011-01-01", "2011-12-31", 82, "#UB/#RES of year 0"),
    ("si.SI", "2010-01-01", "2010-12-31", 15, "#IB and 47 vouchers"),
    ("sie 3.SE", "2011-01-01", "2011-12-31", 35, "#UB/#RES of year 0"),
    ("sie 4.SE", "2011-01-01", "2011-12-31", 35, "#UB/#RES of year 0"),
    ("transaktioner_ovnbolag.se", "2011-01-01", "2011-12-31", 82, "#UB/#RES of year 0"),
    ("typ1.se", "2012-01-01", "2012-12-31", 61, "#UB/#RES of year 0"),
    ("typ2.se", "2012-01-01", "2012-12-31", 61, "#UB/#RES of year 0"),
    ("typ3.se", "2012-01-01", "2012-12-31", 61, "#UB/#RES of year 0"),
    ("typ4.se", "2012-01-01", "2012-12-31", 61, "#UB/#RES of year 0"),
    ("typ4si.si", "2012-01-01", "2012-12-31", 52, "#IB and 81 vouchers"),
    ("urval_ovnbolag.si", "2011-01-01", "2011-12-31", 20, "#IB and 16 vouchers"),
]

# Files refused, each with the line (None: the file as a whole) and the reason.
DISAGREE = "#UB, #IB and #RES of year 0 disagree: the balance sheet moves by"
REFUSALS = [
    ("SIE-fil från Visma Eget Aktiebolag 2010.se", "2010", None, f"{DISAGREE} -3909.00 "),
    ("SIE4_Exempelfil_med_underdim.SE", "2021", 6, "the text is damaged: letters were replaced"),
    ("Sie 1+2.se", "2014", None, f"{DISAGREE} -500 "),
    ("Sie 3 + 4.se", "2014", None, f"{DISAGREE} -500 "),
    ("Sie2.se", "2014", None, f"{DISAGREE} 1553165.56 "),
    ("Sie3.se", "2014", 671, "account 'FEL' is not a number"),
    ("Sie4.se", "2014", 721, "account 'FEL' is not a number"),
    ("Test3.SE", "1997", None, f"{DISAGREE} 578315.11 "),
    ("XE_SIE_1_20151125094750.SE", "2015", None, f"{DISAGREE} 2.00 "),
    ("XE_SIE_2_20151125094903.SE", "2015", None, f"{DISAGREE} 2.00 "),
    ("XE_SIE_3_20151125094952.SE", "2015", None, f"{DISAGREE} 2.00 "),
    (
        "XE_SIE_4_20151125095119.SE",
        "2015",
        1356,
        "voucher 1 1 (2015-09-12) does not balance: debits exceed credits by 2.00",
    ),
    (
        "testWrite.se",
        "2015",
        1368,
        "voucher 1 1 (2015-09-12) does not balance: debits exceed credits by 2.00",
    ),
    (
        "testWrite1.se",
        "2015",
        1368,
        "voucher 1 1 (2015-09-12) does not balance: debits exceed credits by 2.00",
    ),
    (
        "transaktioner_ovnbolag-bad-balance.se",
        "2011",
        3905,
        "voucher B 1 (2011-01-07) does not balance: credits exceed debits by 12771.00",
    ),
]


def test_every_real_file_is_in_one_table() -> None:
    files = {p.name for folder in FOLDERS for p in folder.iterdir() if p.name != "LICENSE"}
    assert len(files) == 63
    listed = [row[0] for row in IMPORTS] + [row[0] for row in REFUSALS]
    assert sorted(listed) == sorted(files)


_OPENING = re.compile(r'^\s*#IB\s+0\s+"?(\d+)"?\s+(-?\d+(?:\.\d+)?)', re.MULTILINE)
_RESULT = re.compile(r'^\s*#RES\s+0\s+"?(\d+)"?\s+(-?\d+(?:\.\d+)?)', re.MULTILINE)


@pytest.mark.parametrize(("name", "first", "last", "accounts", "derived"), IMPORTS)
def test_a_real_export_gives_a_balanced_trial_balance(
    name: str, first: str, last: str, accounts: int, derived: str
) -> None:
    ledger, problems = read_path(path_of(name), first, last)
    assert problems == []
    assert ledger is not None
    assert len(ledger.balances) == accounts
    assert ledger.derived_from.startswith(derived)
    assert sum(b.amount for b in ledger.balances) == 0
    assert all(b.account.isdigit() and b.amount for b in ledger.balances)
    assert ledger.currency == "SEK"
    if not derived.startswith("#UB"):
        return
    # An independent reading (a regex over the text) of the year's closing balances, with the
    # two adjustments the reader announces in its notes.
    text = sie_text(path_of(name))
    expected = {a: v for a, v in sie_balances(path_of(name)).items() if v}
    gap = sum((Decimal(v) for _, v in _OPENING.findall(text)), Decimal(0))
    if any("put on 2098" in note for note in ledger.notes):
        # Earlier years' result not yet in equity: the opening balance sheet's gap, on 2098.
        expected["2098"] = expected.get("2098", Decimal(0)) - gap
    booked = [n for n in ledger.notes if "is booked in equity on" in n]
    if booked:
        # A closed year: the result comes back out of the equity account it was booked on.
        account = booked[0].split(" on ")[1].split()[0]
        result = sum((Decimal(v) for _, v in _RESULT.findall(text)), Decimal(0))
        expected[account] -= result
    assert amounts(ledger) == {a: v for a, v in expected.items() if v}


@pytest.mark.parametrize(("name", "year", "line", "message"), REFUSALS)
def test_a_broken_export_is_refused_with_its_line(
    name: str, year: str, line: int | None, message: str
) -> None:
    path = path_of(name)
    ledger, problems = read_path(path, f"{year}-01-01", f"{year}-12-31")
    if name.startswith(("XE_", "testWrite")):
        ledger, problems = read_path(path, "2015-09-01", "2016-08-31")
    assert ledger is None
    assert problems[0].line == line
    assert message in problems[0].message


def test_the_text_is_cp437_unless_it_proves_utf8() -> None:
    ledger, _ = read_path(path_of("periodsaldo_ovnbolag.se"), "2011-01-01", "2011-12-31")
    assert ledger is not None
    assert ledger.company == "Övningsbolaget AB (Ekonomi 60)"
    assert ledger.program == "Avendo"
    assert ledger.program_version == "5.20"
    assert ledger.organisation_number == "5555555555"
    assert ledger.fiscal_year == (dt.date(2011, 1, 1), dt.date(2011, 12, 31))
    assert ledger.format == "SIE 2"
    names = {b.account: b.name for b in ledger.balances}
    assert names["2440"] == "Leverantörsskulder"
    # The same file in UTF-8, still saying "#FORMAT PC8": its letters prove the encoding.
    utf8 = sie_text(path_of("periodsaldo_ovnbolag.se")).encode("utf-8")
    ledger8, _ = sie.read(
        [Source(name="utf8.se", data=utf8)],
        dt.date(2011, 1, 1),
        dt.date(2011, 12, 31),
        None,
        {},
    )
    assert ledger8 is not None
    assert ledger8.company == "Övningsbolaget AB (Ekonomi 60)"
    assert ledger8.balances == ledger.balances


def test_a_utf8_file_with_a_stray_byte_is_refused_at_its_line() -> None:
    data = (
        '#FLAGGA 0\n#FNAMN "Åkerbolaget AB"\n#RAR 0 20240101 20241231\n'
        '#KONTO 1930 "F\x94retagskonto"\n'
    ).encode("latin-1")
    data = data.replace("Å".encode("latin-1"), "Å".encode())
    ledger, problems = sie.read(
        [Source(name="mixed.se", data=data)], dt.date(2024, 1, 1), dt.date(2024, 12, 31), None, {}
    )
    assert ledger is None
    assert [(p.line, p.message) for p in problems] == [
        (
            4,
            "byte 0x94 is not UTF-8, while the file's earlier letters are UTF-8: the file "
            "mixes encodings; export it again",
        )
    ]


HEAD = (
    '#FLAGGA 0\r\n#FORMAT PC8\r\n#SIETYP 4\r\n#PROGRAM "Testprogram" 1.2\r\n'
    '#FNAMN "Test \\"Citat\\" AB"\r\n#ORGNR 556677-8899\r\n#RAR 0 20240101 20241231\r\n'
    "#RAR -1 20230101 20231231\r\n#VALUTA SEK\r\n"
    '#KONTO 1930 "Företagskonto"\r\n#KONTO 2440 Leverantörsskulder\r\n'
    '#KONTO\t3041\t"Försäljning tjänster"\r\n#KONTO 2099 "Årets resultat"\r\n'
    '#KONTO 6110 "Kontorsmateriel"\r\n#KONTO 2641 "Ingående moms"\r\n'
    "#IB 0 1930 1000.00\r\n#IB 0 2099 -1000.00\r\n"
)


def test_the_format_s_syntax_tabs_quotes_objects_rtrans_btrans() -> None:
    text = HEAD + (
        '#VER A 1 20240115 "Försäljning" 20240116\r\n{\r\n'
        '   #TRANS 1930 {} 1250.00 20240115 "Kund"\r\n'
        '\t#TRANS\t3041\t{1 "Nord" 6 "0001"}\t-1000\r\n'
        '   #TRANS "2641" {} -250.0\r\n}\r\n'
        '#VER "B" "2" "20240320" "Inköp med rättelse"\r\n{\r\n'
        "   #TRANS 6110 {} 400.00\r\n"
        "   #RTRANS 2440 {} -400.00 20240410\r\n"
        "   #TRANS 2440 {} -400.00 20240410\r\n"
        "   #BTRANS 2440 {} -300.00\r\n"
        "}\r\n"
    )
    ledger, problems = read_text(text)
    assert problems == []
    assert ledger is not None
    assert ledger.company == 'Test "Citat" AB'
    assert ledger.program == "Testprogram"
    assert ledger.program_version == "1.2"
    assert ledger.organisation_number == "556677-8899"
    assert amounts(ledger) == {
        "1930": Decimal("2250.00"),  # 1000 opening + 1250
        "2099": Decimal("-1000.00"),
        "2440": Decimal("-400.00"),  # the #RTRANS twin counted once, the #BTRANS not at all
        "2641": Decimal("-250.0"),
        "3041": Decimal("-1000"),
        "6110": Decimal("400.00"),
    }
    assert ledger.derived_from == "#IB and 2 vouchers (5 rows) to 2024-12-31"
    assert {b.account: b.name for b in ledger.balances}["3041"] == "Försäljning tjänster"
    assert "1 removed voucher rows (#BTRANS) are not counted" in ledger.notes


def test_a_quarter_is_taken_from_the_vouchers_to_its_last_day() -> None:
    text = HEAD + (
        "#VER A 1 20240115\n{\n#TRANS 1930 {} 100.00\n#TRANS 3041 {} -100.00\n}\n"
        # A row dated in April in a voucher of March: the voucher's date places it.
        "#VER A 2 20240331\n{\n#TRANS 1930 {} 50.00\n#TRANS 3041 {} -50.00 20240401\n"
        "#TRANS 3041 {} 0.00\n}\n"
        "#VER A 3 20240402\n{\n#TRANS 1930 {} 70.00\n#TRANS 3041 {} -70.00\n}\n"
    )
    ledger, problems = read_text(text, "2024-01-01", "2024-03-31")
    assert problems == []
    assert ledger is not None
    assert amounts(ledger) == {
        "1930": Decimal("1150.00"),
        "2099": Decimal("-1000.00"),
        "3041": Decimal("-150.00"),
    }
    assert ledger.notes[-1] == (
        "voucher rows dated 2024-04 are outside 2024-01-01 to 2024-03-31: left out"
    )


def test_every_problem_is_listed_with_its_line_and_field() -> None:
    text = HEAD + (
        "#VER A 1 20240115\n{\n"
        "#TRANS 1930 {} 12,50\n"  # a decimal comma
        "#TRANS 19X0 {} 10.00\n"  # not a number
        "#TRANS 3041 {} -10.00 20241340\n"  # no 40th of the 13th month
        "}\n"
        "}\n"
        "#TRANS 1930 {} 1.00\n"
        "#VER A 2 2024011\n{\n#TRANS 1930 {} 5.00\n#TRANS 3041 {} -4.00\n}\n"
        "#IB 0 1930 abc\n"
        "Hello\n"
        "#VER A 3 20240201\n{\n#TRANS 1930 {} 5.00\n"
    )
    ledger, problems = read_text(text)
    assert ledger is None
    first = HEAD.count("\n")
    assert [(p.line and p.line - first, p.column, p.message) for p in problems] == [
        (3, 4, "'12,50' is not an amount (digits, '.' for decimals)"),
        (4, 2, "account '19X0' is not a number"),
        (5, 5, "'20241340' is not a date (yyyymmdd)"),
        (7, None, "'}' without its '{'"),
        (8, None, "#TRANS outside a voucher's '{' … '}'"),
        (9, 4, "'2024011' is not a date (yyyymmdd)"),
        (9, None, "voucher A 2 does not balance: debits exceed credits by 1.00"),
        (14, 4, "'abc' is not an amount (digits, '.' for decimals)"),
        (15, 1, "'Hello' is not a SIE label (#…)"),
        (16, None, "voucher A 3 (2024-02-01): its '{' is never closed"),
    ]


def test_balances_that_do_not_agree_are_refused() -> None:
    year_end = HEAD + "#UB 0 1930 1500.00\n#UB 0 2099 -1000.00\n#RES 0 3041 -400.00\n"
    ledger, problems = read_text(year_end)
    assert ledger is None
    assert [p.message for p in problems] == [
        "#UB, #IB and #RES of year 0 disagree: the balance sheet moves by 500.00 (#UB - #IB) "
        "while the result accounts (#RES) sum to -400.00; the two must cancel out "
        "(difference 100.00)"
    ]
    consistent = year_end.replace("#RES 0 3041 -400.00", "#RES 0 3041 -500.00")
    ledger, problems = read_text(consistent)
    assert problems == []
    assert ledger is not None
    assert amounts(ledger) == {
        "1930": Decimal("1500.00"),
        "2099": Decimal("-1000.00"),
        "3041": Decimal("-500.00"),
    }
    # Closed: the 500 profit is booked on 2099 and the balance sheet sums to zero by itself;
    # the trial balance is taken before that booking.
    closed = consistent.replace("#UB 0 2099 -1000.00", "#UB 0 2099 -1500.00")
    ledger, problems = read_text(closed)
    assert problems == []
    assert ledger is not None
    assert amounts(ledger)["2099"] == Decimal("-1000.00")
    assert ledger.notes[0] == (
        "the year's result (500.00 profit) is booked in equity on 2099 in the file; the trial "
        "balance is taken before closing, without it"
    )


def test_the_period_must_lie_in_a_fiscal_year_of_the_file() -> None:
    text = HEAD + "#UB 0 1930 1000.00\n#UB 0 2099 -1000.00\n"
    ledger, problems = read_text(text, "2025-01-01", "2025-12-31")
    assert ledger is None
    assert problems[0].message == (
        "the file's fiscal years do not cover 2025-01-01 to 2025-12-31: #RAR 0 (line 7): "
        "2024-01-01 to 2024-12-31; #RAR -1 (line 8): 2023-01-01 to 2023-12-31"
    )
    ledger, problems = read_text(text, "2024-01-01", "2024-03-31")
    assert ledger is None
    assert problems[0].message == (
        "the file holds year-end balances only (#UB/#RES, SIE type 1); the period ending "
        "2024-03-31 needs monthly balances (#PSALDO, type 2 or 3) or vouchers (type 4)"
    )


def test_a_quarter_from_psaldo() -> None:
    ledger, problems = read_path(path_of("periodsaldo_ovnbolag.se"), "2011-01-01", "2011-03-31")
    assert problems == []
    assert ledger is not None
    assert ledger.derived_from == "#IB and #PSALDO of 201101 to 201103"
    # 1460: #IB 612139.47, #PSALDO -134536.50 (Jan), -37764.30 (Feb), 248861.55 (Mar).
    assert amounts(ledger)["1460"] == Decimal("688700.22")
    assert sum(b.amount for b in ledger.balances) == 0


def test_vouchers_psaldo_and_year_end_balances_of_one_company_agree(tmp_path: Path) -> None:
    """The same company's 2011 three ways: the reader's vouchers path and #PSALDO path give
    the #UB/#RES path's figures."""
    raw = path_of("transaktioner_ovnbolag.se").read_bytes()

    def keep(*dropped: bytes) -> Path:
        lines = [x for x in raw.split(b"\n") if not x.lstrip().startswith(dropped)]
        path = tmp_path / f"without-{len(dropped)}.se"
        path.write_bytes(b"\n".join(lines))
        return path

    year_end, _ = read_path(path_of("transaktioner_ovnbolag.se"), "2011-01-01", "2011-12-31")
    vouchers, _ = read_path(keep(b"#UB", b"#RES", b"#PSALDO"), "2011-01-01", "2011-12-31")
    months, _ = read_path(keep(b"#UB", b"#RES"), "2011-01-01", "2011-12-31")
    assert year_end is not None
    assert vouchers is not None
    assert months is not None
    assert vouchers.derived_from.startswith("#IB and 163 vouchers")
    assert months.derived_from == "#IB and #PSALDO of 201101 to 201112"
    assert amounts(vouchers) == amounts(year_end) == amounts(months)
    quarter_vouchers, _ = read_path(keep(b"#UB", b"#RES", b"#PSALDO"), "2011-01-01", "2011-03-31")
    quarter_months, _ = read_path(keep(b"#UB", b"#RES"), "2011-01-01", "2011-03-31")
    assert quarter_vouchers is not None
    assert quarter_months is not None
    assert amounts(quarter_vouchers) == amounts(quarter_months)


def test_progress_is_reported_as_the_file_is_read(tmp_path: Path) -> None:
    rows = "".join(
        f"#VER A {n} 20240115\n{{\n#TRANS 1930 {{}} 10.00\n#TRANS 3041 {{}} -10.00\n}}\n"
        for n in range(60_000)
    )
    path = tmp_path / "big.se"
    path.write_bytes((HEAD + rows).encode("cp437"))
    seen: list[int] = []
    ledger, problems = sie.read(
        [Source(name="big.se", path=path)],
        dt.date(2024, 1, 1),
        dt.date(2024, 12, 31),
        seen.append,
        {},
    )
    assert problems == []
    assert ledger is not None
    assert amounts(ledger)["1930"] == Decimal("601000.00")
    assert len(seen) >= 2
    assert seen == sorted(seen)
    assert seen[-1] <= path.stat().st_size
