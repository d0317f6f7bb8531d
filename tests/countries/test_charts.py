"""The national charts of accounts: every account lands on a reportable group line, and every
reportable group line can be reached from every chart."""

from __future__ import annotations

from itertools import combinations

import pytest

from countries import load_profile
from countries.charts import ChartOfAccounts
from hub.registry.group_chart import GroupChart, load_group_chart
from tests.conftest import REPO

COUNTRIES = ("BE", "DE", "AT", "IT", "SE")

PrefixRange = tuple[str, str]


@pytest.fixture(scope="module")
def group() -> GroupChart:
    return load_group_chart(REPO / "config" / "group_chart.toml")


def chart_of(country: str) -> ChartOfAccounts:
    return load_profile(country).chart_of_accounts


def reportable(group: GroupChart) -> set[str]:
    """Lines a national entity fills: leaves that consolidation does not compute."""
    return {
        code
        for code, line in group.lines.items()
        if not line.is_total and not line.consolidation_only
    }


def ranges_overlap(first: PrefixRange, second: PrefixRange) -> bool:
    """Whether some account code can fall in both prefix ranges.

    A code is in `(low, high)` when `code[:len(low)] >= low` and `code[:len(high)] <= high`, that
    is when it sorts between `low` and `high` followed by the greatest characters. A low end lies
    under such a high end exactly when its first `len(high)` characters sort at or before `high`;
    two ranges share a code when both low ends lie under both high ends.
    """
    lows, highs = (first[0], second[0]), (first[1], second[1])
    return all(low[: len(high)] <= high for low in lows for high in highs)


@pytest.mark.parametrize(
    ("first", "second", "overlap"),
    [
        (("20", "21"), ("21", "22"), True),
        (("20", "21"), ("22", "23"), False),
        (("28", "28"), ("280", "281"), True),
        (("280", "281"), ("282", "288"), False),
        (("1", "2"), ("25", "30"), True),
        (("30", "39"), ("4", "4"), False),
        (("2081", "2084"), ("2085", "2089"), False),
        (("02.04", "02.04"), ("02.05", "02.07"), False),
        (("02", "03"), ("02.07", "02.07"), True),
        (("40", "49"), ("5", "4"), False),  # an empty range overlaps nothing
    ],
)
def test_the_overlap_helper(first: PrefixRange, second: PrefixRange, overlap: bool) -> None:
    assert ranges_overlap(first, second) is overlap
    assert ranges_overlap(second, first) is overlap


@pytest.mark.parametrize("country", COUNTRIES)
def test_every_account_maps_to_a_reportable_line(group: GroupChart, country: str) -> None:
    chart = chart_of(country)
    lines = reportable(group)
    wrong = {
        account.code: chart.group_line(account.code)
        for account in chart.accounts
        if chart.group_line(account.code) not in lines
    }
    assert wrong == {}


# What a national chart has no account for, because its GAAP has no such item (docs/charts.md).
ABSENT = {
    # Belgian statutory accounts recognise no deferred tax assets and no taxes payable after
    # more than a year; Belgian untaxed reserves are equity reserves (account 132).
    "BE": {"BS.A.DT", "BS.L.DE.VIII.E", "BS.L.UR"},
    # HGB forbids capitalising formation expenses and revaluing; SKR04 has no account for the
    # year's result (the balance sheet shows the income statement's) nor for tax instalments.
    "DE": {"BS.A.FA.FE", "BS.L.DE.VIII.E", "BS.L.EQ.III", "BS.L.EQ.VY", "IS.APP"},
    # UGB: no formation expenses, no revaluation, untaxed reserves abolished in 2016; the EKR
    # does not split debts by remaining term (the listed accounts say it where it matters).
    "AT": {
        "BS.A.FA.FE",
        "BS.L.DE.VIII.B",
        "BS.L.DE.VIII.C",
        "BS.L.DE.VIII.D",
        "BS.L.DE.VIII.E",
        "BS.L.EQ.III",
        "BS.L.PR.A.3",
        "BS.L.PR.A.4",
        "BS.L.UR",
        "IS.APP",
    },
    # Civil code: grants are deferred income (OIC 16), provisions are pensions, taxes, derivatives
    # or "altri"; amounts due after the next year are named by sub-account where they occur.
    "IT": {
        "BS.L.DE.VIII.B",
        "BS.L.DE.VIII.C",
        "BS.L.DE.VIII.D",
        "BS.L.EQ.VI",
        "BS.L.PR.A.3",
        "BS.L.PR.A.4",
        "BS.L.UR",
        "IS.APP",
    },
    # K2/K3: no formation expenses, grants reduce the asset; BAS 23 holds loans and "other".
    "SE": {
        "BS.A.FA.FE",
        "BS.L.DE.VIII.B",
        "BS.L.DE.VIII.C",
        "BS.L.DE.VIII.E",
        "BS.L.EQ.VI",
        "BS.L.PR.A.3",
        "BS.L.PR.A.4",
    },
}


@pytest.mark.parametrize("country", COUNTRIES)
def test_every_line_of_its_gaap_is_reached_from_the_chart(group: GroupChart, country: str) -> None:
    chart = chart_of(country)
    assert reportable(group) - chart.reachable_lines() == ABSENT[country]


def test_every_reportable_line_is_reached_from_some_chart(group: GroupChart) -> None:
    reached = set().union(*(chart_of(country).reachable_lines() for country in COUNTRIES))
    assert sorted(reportable(group) - reached) == []


@pytest.mark.parametrize("country", COUNTRIES)
def test_the_chart_maps_its_whole_account_space(country: str) -> None:
    chart = chart_of(country)
    assert chart.formats
    assert chart.uncovered() == []


@pytest.mark.parametrize("country", COUNTRIES)
def test_listed_accounts_fit_the_format(country: str) -> None:
    chart = chart_of(country)
    assert [a.code for a in chart.accounts if chart.format_of(a.code) is None] == []


@pytest.mark.parametrize("country", COUNTRIES)
def test_the_chart_is_sized_and_glossed(country: str) -> None:
    chart = chart_of(country)
    # The accounts a template lists; the ranges take every other account of the format.
    assert 80 <= len(chart.accounts) <= 100
    # National label followed by an English gloss in parentheses.
    assert [a.code for a in chart.accounts if not a.label.endswith(")")] == []


@pytest.mark.parametrize("country", COUNTRIES)
def test_account_codes_are_unique(country: str) -> None:
    codes = [account.code for account in chart_of(country).accounts]
    assert sorted({code for code in codes if codes.count(code) > 1}) == []


@pytest.mark.parametrize("country", COUNTRIES)
def test_no_two_ranges_overlap(country: str) -> None:
    chart = chart_of(country)
    ranges = [(rule.line, r) for rule in chart.mapping for r in rule.ranges]
    ranges += [(outside.reason, r) for outside in chart.not_mapped for r in outside.ranges]
    # Each range holds some code (an empty one would silently map nothing).
    assert [r for _, r in ranges if not ranges_overlap(r, r)] == []
    overlapping = [
        (first, second)
        for first, second in combinations(ranges, 2)
        if ranges_overlap(first[1], second[1])
    ]
    assert overlapping == []


@pytest.mark.parametrize("country", COUNTRIES)
def test_mapping_names_only_known_lines_and_accounts(group: GroupChart, country: str) -> None:
    chart = chart_of(country)
    assert [rule.line for rule in chart.mapping if rule.line not in reportable(group)] == []
    listed = [code for rule in chart.mapping for code in rule.accounts]
    assert [code for code in listed if chart.account(code) is None] == []
    assert sorted({code for code in listed if listed.count(code) > 1}) == []


# Where each chart keeps its balances and flows with the rest of the network: the parent lends,
# holds participations and recharges the Smart Portal; the partners borrow from it and pay it.
INTRA_LINES = {
    "BE": {"BS.A.FA.IV.A", "BS.A.CA.VII.B", "BS.L.DE.IX.F", "IS.TI.SALES"},
    "DE": {"BS.L.DE.VIII.A", "BS.A.CA.VII.B", "BS.L.DE.IX.F", "IS.SHARED"},
    "AT": {"BS.L.DE.VIII.A", "BS.A.CA.VII.B", "BS.L.DE.IX.F", "IS.SHARED"},
    "IT": {"BS.L.DE.VIII.A", "BS.A.CA.VII.B", "BS.L.DE.IX.F", "IS.SHARED"},
    "SE": {"BS.L.DE.VIII.A", "BS.A.CA.VII.B", "BS.L.DE.IX.F", "IS.SHARED"},
}


@pytest.mark.parametrize("country", COUNTRIES)
def test_intra_network_accounts_on_both_sides(country: str) -> None:
    chart = chart_of(country)
    intra = [chart.group_line(account.code) for account in chart.accounts if account.intra_network]
    assert any(line is not None and line.startswith("BS.A") for line in intra)
    assert any(line is not None and line.startswith("BS.L") for line in intra)
    assert INTRA_LINES[country] <= set(intra)


def test_the_parent_holds_its_network_participations() -> None:
    chart = chart_of("BE")
    participations = chart.account("280000")
    assert participations is not None
    assert participations.intra_network
    assert chart.group_line("280000") == "BS.A.FA.IV.A"


@pytest.mark.parametrize("country", ["DE", "AT", "IT", "SE"])
def test_partners_book_portal_and_contribution_as_shared_costs(country: str) -> None:
    # The Smart Portal recharge and the common contribution paid to the parent: two accounts.
    chart = chart_of(country)
    shared = [
        account
        for account in chart.accounts
        if account.intra_network and chart.group_line(account.code) == "IS.SHARED"
    ]
    assert len(shared) >= 2


@pytest.mark.parametrize(
    ("country", "code", "line"),
    [
        ("BE", "550000", "BS.A.CA.IX"),  # Kredietinstellingen: rekeningen-courant
        ("BE", "400000", "BS.A.CA.VII.A"),  # Handelsvorderingen: klanten
        ("BE", "440000", "BS.L.DE.IX.C"),  # Leveranciers
        ("BE", "620000", "IS.PEC"),  # wages of members in production units
        ("BE", "620200", "IS.SHARED"),  # wages of support staff
        ("DE", "1800", "BS.A.CA.IX"),  # Bank
        ("DE", "1200", "BS.A.CA.VII.A"),  # Forderungen aus Lieferungen und Leistungen
        ("DE", "3300", "BS.L.DE.IX.C"),  # Verbindlichkeiten aus Lieferungen und Leistungen
        ("DE", "7600", "IS.TAX.CUR"),  # Körperschaftsteuer
        ("AT", "2800", "BS.A.CA.IX"),  # Bankguthaben
        ("AT", "2000", "BS.A.CA.VII.A"),  # Lieferforderungen Inland
        ("AT", "3300", "BS.L.DE.IX.C"),  # Lieferverbindlichkeiten
        ("AT", "7000", "IS.DEP"),  # Abschreibungen auf Sachanlagen
        ("IT", "07.01.001", "BS.A.CA.IX"),  # Depositi bancari e postali
        ("IT", "13.07.001", "BS.L.DE.IX.C"),  # Debiti verso fornitori
        ("IT", "12.01.001", "BS.L.PR.A.1"),  # Trattamento di fine rapporto
        ("IT", "10.09.001", "BS.L.EQ.VY"),  # Utile (perdita) dell'esercizio
        ("SE", "1930", "BS.A.CA.IX"),  # Företagskonto
        ("SE", "1510", "BS.A.CA.VII.A"),  # Kundfordringar
        ("SE", "2440", "BS.L.DE.IX.C"),  # Leverantörsskulder
        ("SE", "2099", "BS.L.EQ.VY"),  # Årets resultat
    ],
)
def test_well_known_accounts(country: str, code: str, line: str) -> None:
    chart = chart_of(country)
    assert chart.account(code) is not None
    assert chart.group_line(code) == line


@pytest.mark.parametrize(
    ("country", "code", "key", "line", "intra"),
    [
        # Unlisted accounts of the format map by their range.
        ("SE", "1931", "1931", "BS.A.CA.IX", False),  # another bank account
        ("SE", "1465", "1465", "BS.A.CA.VI.A", False),  # stocks of goods for resale
        ("SE", "2098", "2098", "BS.L.EQ.V", False),  # result of previous years
        ("SE", "1664", "1664", "BS.A.CA.VII.B", True),  # koncernföretag: the network, by range
        ("SE", "19301", "1930", "BS.A.CA.IX", False),  # a sub-account of a listed account
        ("SE", "193299", "1932", "BS.A.CA.IX", False),  # a sub-account of an unlisted one
        ("BE", "304000", "304000", "BS.A.CA.VI.A", False),  # PCMN 30/36: stocks
        ("BE", "371000", "371000", "BS.A.CA.VI.B", False),  # PCMN 37: contracts in progress
        ("BE", "110100", "110100", "BS.L.EQ.II", False),  # PCMN 11: share premium
        ("BE", "433000", "433000", "BS.L.DE.IX.B", False),  # PCMN 43: financial debts <= 1 year
        ("BE", "400000123", "400000", "BS.A.CA.VII.A", False),
        ("DE", "0400", "0400", "BS.A.FA.III.B", False),  # Technische Anlagen und Maschinen
        ("DE", "3405", "3405", "BS.L.DE.VIII.A", True),  # listed: the loan from the parent
        ("DE", "3410", "3410", "BS.L.DE.VIII.A", False),  # verbundene Unternehmen, > 5 years
        ("DE", "3337", "3337", "BS.L.DE.VIII.B", False),  # trade debts, 1 to 5 years
        ("DE", "10000", "10000", "BS.A.CA.VII.A", False),  # DATEV customer account
        ("DE", "70001", "70001", "BS.L.DE.IX.C", False),  # DATEV supplier account
        ("AT", "1400", "1400", "BS.A.CA.VI.A", False),  # EKR 14: unfertige Erzeugnisse
        ("AT", "9210", "9210", "BS.L.EQ.II", False),  # EKR 92: Kapitalrücklagen
        ("IT", "04.04.001", "04.04.001", "BS.A.CA.VI.A", False),  # C.I.4 prodotti finiti
        ("IT", "10.02.005", "10.02.005", "BS.L.EQ.II", False),  # A.II riserva da soprapprezzo
        ("IT", "13.04.002.01", "13.04.002", "BS.L.DE.IX.A", False),
    ],
)
def test_accounts_of_the_format_land_on_their_line(
    country: str, code: str, key: str, line: str, intra: bool
) -> None:
    placed = chart_of(country).place(code)
    assert placed is not None
    assert (placed.key, placed.line, placed.intra_network) == (key, line, intra)


@pytest.mark.parametrize(
    ("country", "code", "reason"),
    [
        ("SE", "0351", "BAS leaves classes 0 and 9 to the company"),
        ("SE", "9999", "BAS leaves classes 0 and 9 to the company"),
        ("SE", "8999", "BAS 899x: the year's result closed to the balance sheet"),
        ("BE", "010000", "PCMN class 0: rights and commitments off the balance sheet"),
        ("BE", "693000", "PCMN 69 and 79: appropriation of the result"),
        ("DE", "8400", "SKR04 leaves class 8 free (cost accounting)"),
        ("DE", "9000", "SKR04 class 9: carry-forward balances (Saldenvorträge)"),
        ("AT", "9800", "EKR 98-99: opening and closing balance accounts"),
        ("IT", "90.01.001", "memorandum accounts (conti d'ordine)"),
    ],
)
def test_accounts_outside_the_statements_say_why(country: str, code: str, reason: str) -> None:
    placed = chart_of(country).place(code)
    assert placed is not None
    assert placed.line is None
    assert (placed.not_mapped or "").startswith(reason)


@pytest.mark.parametrize(
    ("country", "code"),
    [
        ("SE", "DIFF"),  # a real SIE file's "#KONTO DIFF"
        ("SE", "193"),
        ("SE", "19x"),
        ("BE", "800000"),  # PCMN has no class 8
        ("BE", "40000"),
        ("DE", "A100"),
        ("IT", "13.07.1"),
        ("IT", "1307001"),
    ],
)
def test_codes_outside_the_format_are_not_accounts(country: str, code: str) -> None:
    assert chart_of(country).place(code) is None


def test_the_format_is_told_in_words() -> None:
    assert chart_of("SE").admits() == (
        "four digits (BAS) (e.g. 1930) or a listed account, optionally followed by digits of "
        "a sub-account"
    )
    assert (
        chart_of("DE")
        .admits()
        .startswith(
            "four digits (SKR04, general-ledger length 4) (e.g. 1800) or five digits 10000-69999 "
            "(DATEV customer accounts) (e.g. 10000) or five digits 70000-99999"
        )
    )
