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


@pytest.mark.parametrize("country", COUNTRIES)
def test_every_reportable_line_has_an_account(group: GroupChart, country: str) -> None:
    chart = chart_of(country)
    reached = {chart.group_line(account.code) for account in chart.accounts}
    assert sorted(reportable(group) - reached) == []


@pytest.mark.parametrize("country", COUNTRIES)
def test_the_chart_is_sized_and_glossed(country: str) -> None:
    chart = chart_of(country)
    assert 45 <= len(chart.accounts) <= 80
    # National label followed by an English gloss in parentheses.
    assert [a.code for a in chart.accounts if not a.label.endswith(")")] == []


@pytest.mark.parametrize("country", COUNTRIES)
def test_account_codes_are_unique(country: str) -> None:
    codes = [account.code for account in chart_of(country).accounts]
    assert sorted({code for code in codes if codes.count(code) > 1}) == []


@pytest.mark.parametrize("country", COUNTRIES)
def test_no_two_ranges_overlap(country: str) -> None:
    ranges = [(rule.line, r) for rule in chart_of(country).mapping for r in rule.ranges]
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
    "DE": {"BS.L.DE.VIII", "BS.A.CA.VII.B", "BS.L.DE.IX.F", "IS.SHARED"},
    "AT": {"BS.L.DE.VIII", "BS.A.CA.VII.B", "BS.L.DE.IX.F", "IS.SHARED"},
    "IT": {"BS.L.DE.VIII", "BS.A.CA.VII.B", "BS.L.DE.IX.F", "IS.SHARED"},
    "SE": {"BS.L.DE.VIII", "BS.A.CA.VII.B", "BS.L.DE.IX.F", "IS.SHARED"},
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
        ("DE", "7600", "IS.TAX"),  # Körperschaftsteuer
        ("AT", "2800", "BS.A.CA.IX"),  # Bankguthaben
        ("AT", "2000", "BS.A.CA.VII.A"),  # Lieferforderungen Inland
        ("AT", "3300", "BS.L.DE.IX.C"),  # Lieferverbindlichkeiten
        ("AT", "7000", "IS.DEP"),  # Abschreibungen auf Sachanlagen
        ("IT", "07.01.001", "BS.A.CA.IX"),  # Depositi bancari e postali
        ("IT", "13.07.001", "BS.L.DE.IX.C"),  # Debiti verso fornitori
        ("IT", "12.01.001", "BS.L.PR"),  # Trattamento di fine rapporto
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
