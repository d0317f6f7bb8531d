"""The mapping rules, pure: the rules seeded from a chart file place every account exactly as
the file does (on real ledgers and full national charts, and on every code of the charts'
formats up to six digits); the rule in force for a period is the newest effective on or
before it; an account rule beats a range, a narrower range a wider one."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from countries import load_profile
from countries.charts import ChartOfAccounts
from hub.mappings.model import Placer, Rule, RuleKind, in_force
from hub.mappings.seed import seed_reason, seed_rules
from tests.countries.ledgers import DATEV, datev_accounts, sie_accounts, sie_files
from tests.countries.test_real_ledgers import sample

COUNTRIES = ("AT", "BE", "DE", "IT", "SE")
Y2024 = dt.date(2024, 1, 1)
Y2025 = dt.date(2025, 1, 1)


def chart(country: str) -> ChartOfAccounts:
    return load_profile(country).chart_of_accounts


def seeded(country: str) -> Placer:
    found = chart(country)
    return Placer(found, in_force(seed_rules(found), Y2024))


def codes(country: str) -> set[str]:
    """The listed accounts, sub-accounts of them, every code of up to six digits (one in 7),
    and the accounts of the real ledgers and full charts of the country."""
    found = chart(country)
    result = {a.code for a in found.accounts} | {a.code + "12" for a in found.accounts}
    for length in (2, 3, 4, 5, 6):
        result |= {str(i).zfill(length) for i in range(0, 10**length, 7)}
    if country == "SE":
        result |= {a for path in sie_files() for a in sie_accounts(path)}
    if country == "DE":
        result |= {a for path in DATEV.glob("*.csv") for a in datev_accounts(path)}
    files = {"AT": "at-ekr.txt", "BE": "be-pcmn.txt", "IT": "it-civil-code.txt"}
    if country in files:
        result |= set(sample(files[country]))
    return result


@pytest.mark.parametrize("country", COUNTRIES)
def test_the_seeded_rules_place_every_account_as_the_chart_file_does(country: str) -> None:
    placer = seeded(country)
    file = chart(country)
    differ = [code for code in sorted(codes(country)) if placer.place(code) != file.place(code)]
    assert differ == []


def test_what_the_seed_holds() -> None:
    rules = seed_rules(chart("DE"))
    # DATEV's debtor and creditor accounts keep their line by format.
    assert {(r.first, r.line) for r in rules if r.kind is RuleKind.FORMAT} == {
        ("[1-6]####", "BS.A.CA.VII.A"),
        ("[7-9]####", "BS.L.DE.IX.C"),
    }
    sweden = seed_rules(chart("SE"))
    left_out = [r for r in sweden if r.line is None]
    assert [(r.first, r.last) for r in left_out] == [("0", "0"), ("9", "9"), ("899", "899")]
    assert all(r.effective_from is None and r.recorded_by is None for r in sweden)
    assert {r.reason for r in sweden if r.line is not None} == {seed_reason(chart("SE"))}


def rule(kind: RuleKind, first: str, last: str, line: str, starts: dt.date, id: int) -> Rule:
    return Rule(kind, first, last, line, effective_from=str(starts.year), starts_on=starts, id=id)


def test_the_rule_in_force_is_the_newest_effective_on_or_before_the_period() -> None:
    base = seed_rules(chart("SE"))
    later = [
        rule(RuleKind.ACCOUNT, "1910", "1910", "BS.A.CA.VII.A", Y2025, 1),
        rule(RuleKind.ACCOUNT, "1910", "1910", "IS.FIN", Y2025, 2),
        rule(RuleKind.RANGE, "19", "19", "BS.A.CA.X", dt.date(2026, 1, 1), 3),
    ]
    every = base + later
    for starts, line in (
        (Y2024, "BS.A.CA.IX"),
        (Y2025, "IS.FIN"),  # two rows from 2025: the later recorded
        (dt.date(2026, 1, 1), "IS.FIN"),  # the account rule beats the range
    ):
        placer = Placer(chart("SE"), in_force(every, starts))
        assert placer.place_key("1910").line == line, starts
    # 1911 has no rule of its own: the range of 2026 replaces the seeded one.
    assert Placer(chart("SE"), in_force(every, dt.date(2026, 1, 1))).place_key("1911").line == (
        "BS.A.CA.X"
    )


def test_a_narrower_range_beats_a_wider_one_whatever_their_order() -> None:
    wide = rule(RuleKind.RANGE, "19", "19", "BS.A.CA.IX", Y2025, 2)
    narrow = rule(RuleKind.RANGE, "1910", "1919", "BS.A.CA.X", Y2024, 1)
    for rules in itertools.permutations([wide, narrow]):
        placer = Placer(chart("SE"), in_force(list(rules), Y2025))
        assert placer.place_key("1915").line == "BS.A.CA.X"
        assert placer.place_key("1920").line == "BS.A.CA.IX"
        assert placer.place_key("2000").line is None
