"""Worked examples built from the standards' own texts, the arithmetic in the comments:
IFRS 3 (goodwill, bargain purchase, NCI at fair value), IFRS 10 (post-acquisition reserves, a
change in the share held), IAS 21 (goodwill of a foreign operation, the translation reserve with
retained earnings over three years), and intra-network differences split into FX and booking."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import msgspec

from hub.consolidation.calc import consolidate
from hub.consolidation.model import (
    ONE,
    TOTAL,
    AcquisitionTerms,
    Balance,
    Cause,
    Consolidated,
    EntityInput,
    EntityRates,
    EquityLine,
    Opening,
    OwnershipStep,
)
from hub.consolidation.translation import carry_forward, exact
from hub.registry.group_chart import load_group_chart
from hub.registry.model import ConsolidationMethod
from tests.conftest import REPO

CHART = load_group_chart(REPO / "config" / "group_chart.toml")
CENT = Decimal("0.01")
D = Decimal

CASH, CAPITAL, RESERVES, BROUGHT_FORWARD = "BS.A.CA.IX", "BS.L.EQ.I", "BS.L.EQ.IV", "BS.L.EQ.V"
INVESTMENT, LOAN_PAYABLE, INCOME, COSTS = "BS.A.FA.IV.A", "BS.L.DE.VIII.A", "IS.TI.SALES", "IS.PEC"


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT)


def entity(
    code: str,
    balances: list[Balance],
    *,
    currency: str = "EUR",
    method: ConsolidationMethod = ConsolidationMethod.FULL,
    opening: Opening | None = None,
) -> EntityInput:
    assert sum((b.amount for b in balances), D(0)) == 0, code
    return EntityInput(
        entity=code,
        currency=currency,
        method=method,
        parent=None if method is ConsolidationMethod.PARENT else "P",
        submission_id=1,
        version=1,
        balances=tuple(balances),
        opening=opening,
    )


def parent(investment: Decimal, cash: Decimal, subsidiary: str = "S") -> EntityInput:
    return entity(
        "P",
        [
            Balance(INVESTMENT, investment, subsidiary, investment=True),
            Balance(CASH, cash),
            Balance(CAPITAL, -(investment + cash)),
        ],
        method=ConsolidationMethod.PARENT,
    )


def run(
    inputs: list[EntityInput], rates: dict[str, EntityRates], terms: AcquisitionTerms
) -> Consolidated:
    return consolidate(inputs, rates, CHART, [], D(1), CENT, acquisitions={terms.subsidiary: terms})


def acquisition(**changes: object) -> AcquisitionTerms:
    terms = AcquisitionTerms(
        subsidiary="S",
        parent="P",
        acquired_on=dt.date(2022, 12, 31),
        method=ConsolidationMethod.FULL,
        share=D("0.8"),
        consideration=D(900_000),
        rate=D(1),
        equity=(Balance(CAPITAL, D(-500_000)), Balance(RESERVES, D(-500_000))),
    )
    return msgspec.structs.replace(terms, **changes)


# S two years after P bought 80 % of it: capital and reserves as acquired (1,000,000), 300,000
# earned in 2023 and brought forward, 200,000 earned in 2024 (1,000,000 income, 800,000 costs).
SUBSIDIARY_2024 = [
    Balance(CASH, D(1_500_000)),
    Balance(CAPITAL, D(-500_000)),
    Balance(RESERVES, D(-500_000)),
    Balance(BROUGHT_FORWARD, D(-300_000)),
    Balance(INCOME, D(-1_000_000)),
    Balance(COSTS, D(800_000)),
]


def test_ifrs_3_goodwill_and_reserves_earned_since_the_acquisition() -> None:
    """IFRS 3.32: goodwill = consideration + NCI - net assets acquired; IFRS 10.B86: the
    parent's investment is offset against its share of equity AT ACQUISITION; what the
    subsidiary earned since belongs to the group (80 %) and the NCI (20 %)."""
    result = run(
        [parent(D(900_000), D(600_000)), entity("S", SUBSIDIARY_2024)],
        {"P": ONE, "S": ONE},
        acquisition(),
    )
    total = result.columns[TOTAL]
    # Goodwill: 900,000 - 80 % x 1,000,000 = 100,000 (not 900,000 - 80 % x 1,300,000 =
    # -140,000 of "negative goodwill", as offsetting the period-end equity gave).
    assert total["BS.A.FA.I"] == D(100_000)
    # Assets: P's cash 600,000 + S's cash 1,500,000 + goodwill 100,000 = 2,200,000.
    assert total["BS.A"] == total["BS.L"] == D(2_200_000)
    # NCI: 20 % of S's equity at the end, 1,500,000 = 300,000; their result 20 % x 200,000.
    assert total["BS.L.EQ.NCI"] == D(300_000)
    assert result.nci_result == D(40_000)
    # Group equity: P's capital 1,500,000; S's capital and reserves at acquisition are gone;
    # brought forward 80 % x 300,000 = 240,000; result of the year 80 % x 200,000 = 160,000.
    assert total[CAPITAL] == D(1_500_000)
    assert total[RESERVES] == 0
    assert total[BROUGHT_FORWARD] == D(240_000)
    assert total["BS.L.EQ.VY"] == D(160_000)
    assert total["IS.NET"] == D(200_000)
    assert all(check.ok for check in result.checks)


def test_ifrs_3_bargain_purchase() -> None:
    """IFRS 3 IE45-IE49: AC acquires 80 % of TC for CU150; TC's identifiable net assets are
    CU250; the NCI, at their share of them, CU50: 250 - (150 + 50) = CU50 is a gain on a
    bargain purchase, in the result of the acquisition period (IFRS 3.34), never an asset."""
    terms = acquisition(
        consideration=D(150),
        equity=(Balance(CAPITAL, D(-250)),),
        acquired_on=dt.date(2024, 12, 31),
        in_period=True,
    )
    target = entity("S", [Balance(CASH, D(250)), Balance(CAPITAL, D(-250))])
    result = run([parent(D(150), D(0)), target], {"P": ONE, "S": ONE}, terms)
    total = result.columns[TOTAL]
    assert total["BS.A.FA.I"] == 0
    assert total["IS.OOI"] == D(50)  # the gain, in other operating income
    assert total["BS.L.EQ.NCI"] == D(50)
    assert total["BS.A"] == total["BS.L"] == D(250)
    [position] = result.goodwill
    assert position.bargain_purchase == D(50)
    assert result.warnings == [
        "S: the consideration is below the net assets acquired on 2024-12-31: a bargain "
        "purchase of 50.0000000000 (IFRS 3.34), recognised in this period's result; IFRS 3.36 "
        "asks to reassess the assets and the consideration first"
    ]
    # A later period carries it in reserves (brought forward), no longer in the result.
    later = run(
        [parent(D(150), D(0)), target],
        {"P": ONE, "S": ONE},
        msgspec.structs.replace(terms, in_period=False),
    ).columns[TOTAL]
    assert later["IS.OOI"] == 0
    assert later[BROUGHT_FORWARD] == D(50)


def test_ifrs_3_nci_measured_at_fair_value() -> None:
    """IFRS 3.19: the NCI may be measured at fair value, 220,000 here: goodwill = 900,000 +
    220,000 - 1,000,000 = 120,000, of which the NCI's 220,000 - 20 % x 1,000,000 = 20,000."""
    result = run(
        [parent(D(900_000), D(600_000)), entity("S", SUBSIDIARY_2024)],
        {"P": ONE, "S": ONE},
        acquisition(nci_fair_value=D(220_000)),
    )
    total = result.columns[TOTAL]
    assert total["BS.A.FA.I"] == D(120_000)
    # NCI: 20 % x 1,500,000 + their goodwill 20,000 = 320,000.
    assert total["BS.L.EQ.NCI"] == D(320_000)
    assert total["BS.A"] == total["BS.L"] == D(2_220_000)


def test_ias_21_goodwill_of_a_foreign_operation() -> None:
    """IAS 21.47: goodwill is an asset of the foreign operation, in its currency, translated at
    the closing rate. P pays 200,000 EUR for all of S (SEK) at 10.0: 2,000,000 SEK for net
    assets of 1,500,000 SEK: goodwill 500,000 SEK (50,000 EUR at acquisition). In the year
    100,000 SEK is impaired (expensed at the average rate, 10.5); at the closing rate of 11.0
    the remaining 400,000 SEK is 36,363.64 EUR."""
    terms = acquisition(
        consideration=D(200_000),
        share=D(1),
        rate=D(10),
        equity=(Balance(CAPITAL, D(-1_500_000)),),
        impairment=D(100_000),
    )
    opening = Opening(
        lines=(EquityLine(line=CAPITAL, local=D(-1_500_000), translated=D(-150_000)),),
        source="acquisition",
    )
    subsidiary = entity(
        "S",
        [Balance(CASH, D(1_500_000)), Balance(CAPITAL, D(-1_500_000))],
        currency="SEK",
        opening=opening,
    )
    rates = {"P": ONE, "S": EntityRates(closing=D(11), average=D("10.5"), opening=D(10))}
    result = run([parent(D(200_000), D(0)), subsidiary], rates, terms)
    total = result.columns[TOTAL]
    [goodwill] = result.goodwill
    assert goodwill.local == D(400_000)
    # 400,000 / 11 = 36,363.64
    assert cents(total["BS.A.FA.I"]) == cents(goodwill.closing) == D("36363.64")
    # the impairment: 100,000 / 10.5 = 9,523.81 EUR in the result of the year
    assert cents(goodwill.impairment) == D("9523.81")
    assert cents(total["IS.DEP"]) == D("-9523.81")
    # goodwill's translation: 36,363.64 - (50,000.00 - 9,523.81) = -4,112.55, in the reserve
    assert cents(goodwill.translation) == D("-4112.55")
    # S's own reserve: 1,500,000 / 11 - 150,000 = -13,636.36; with goodwill's: -17,748.92
    assert cents(result.columns["S"]["BS.L.EQ.CTA"]) == D("-13636.36")
    assert cents(total["BS.L.EQ.CTA"]) == D("-17748.92")
    assert total["BS.A"] == total["BS.L"]


# IAS 21 over three years: S (SEK, all of it held) has 1,000,000 SEK of capital, paid in at 10.0
# (100,000 EUR). It earns 200,000, 300,000 and 100,000 SEK and keeps them.
YEARS = [
    # (closing, average, result)
    (D("10.4"), D("10.2"), D(200_000)),
    (D("10.8"), D("10.6"), D(300_000)),
    (D("11.2"), D("11.0"), D(100_000)),
]


def test_ias_21_translation_reserve_with_retained_earnings_over_three_years() -> None:
    """Each year's result is carried forward at that year's average rate, never at one rate:
    - 2024: result 200,000 / 10.2 = 19,607.8431; net assets 1,200,000 / 10.4 = 115,384.6154;
      CTA = 115,384.6154 - 100,000 - 19,607.8431 = -4,223.2277, shown -4,223.23
    - 2025: brought forward 19,607.84; result 300,000 / 10.6 = 28,301.89; net assets
      1,500,000 / 10.8 = 138,888.89; CTA = 138,888.89 - 100,000 - 19,607.84 - 28,301.89
      = -9,020.84 (opening -4,223.23, movement -4,797.61)
    - 2026: brought forward 19,607.84 + 28,301.89 = 47,909.73; result 100,000 / 11.0 =
      9,090.91; net assets 1,600,000 / 11.2 = 142,857.14; CTA = 142,857.14 - 100,000
      - 47,909.73 - 9,090.91 = -14,143.50 (opening -9,020.84, movement -5,122.66).
    Cross-check, component by component at 11.2: capital 1,000,000 x (1/11.2 - 1/10)
    = -10,714.29; 2024's result 200,000 x (1/11.2 - 1/10.2) = -1,750.70; 2025's 300,000 x
    (1/11.2 - 1/10.6) = -1,516.18; 2026's 100,000 x (1/11.2 - 1/11.0) = -162.34:
    -14,143.50 (-14,143.4962 unrounded).
    One rate for all of equity (the historical 10.0) would give 2026 a reserve of
    142,857.14 - 100,000 - 50,000 - 9,090.91 = -16,233.77."""
    terms = acquisition(
        consideration=D(100_000),
        share=D(1),
        rate=D(10),
        equity=(Balance(CAPITAL, D(-1_000_000)),),
    )
    opening = Opening(
        lines=(EquityLine(line=CAPITAL, local=D(-1_000_000), translated=D(-100_000)),),
        source="acquisition",
    )
    brought_forward = D(0)
    previous_closing = D(10)
    reserves = []
    for closing, average, earned in YEARS:
        balances = [
            Balance(CASH, D(1_000_000) - brought_forward + earned),
            Balance(CAPITAL, D(-1_000_000)),
            Balance(INCOME, -earned),
        ]
        if brought_forward:
            balances.append(Balance(BROUGHT_FORWARD, brought_forward))
        subsidiary = entity("S", balances, currency="SEK", opening=opening)
        rates = {
            "P": ONE,
            "S": EntityRates(closing=closing, average=average, opening=previous_closing),
        }
        result = run([parent(D(100_000), D(0)), subsidiary], rates, terms)
        [translation] = result.translations
        reserves.append((cents(translation.cta_opening or D(0)), cents(translation.cta)))
        closing_equity = next(c for c in result.closing_equity if c.entity == "S")
        opening = carry_forward(closing_equity, CHART, "the prior year")
        brought_forward -= earned
        previous_closing = closing
        assert result.columns[TOTAL]["BS.A"] == result.columns[TOTAL]["BS.L"]
    assert reserves == [
        (D("0.00"), D("-4223.23")),
        (D("-4223.23"), D("-9020.84")),
        (D("-9020.84"), D("-14143.50")),
    ]
    bf = next(line for line in opening.lines if line.line == BROUGHT_FORWARD)
    # 2027 opens with 600,000 SEK brought forward, carried at 19,607.84 + 28,301.89 + 9,090.91
    assert (bf.local, cents(bf.translated)) == (D(-600_000), D("-57000.64"))


def test_ifrs_10_a_change_in_the_share_held_is_a_transaction_with_owners() -> None:
    """IFRS 10.23 and B96: P, holding 80 % of S (bought for 900,000 when its equity was
    1,000,000), buys another 10 % for 140,000 when S's equity is 1,300,000. The NCI fall by
    10 % x 1,300,000 = 130,000; the 10,000 paid above that is taken from the parent's equity.
    At the end of 2024 (equity 1,500,000) the NCI hold 10 % = 150,000, and the group's equity
    is the rest: assets 2,200,000 - NCI 150,000 = 2,050,000 (P's capital 1,640,000, its 90 % of
    what S earned since buying, 90 % x 500,000 = 450,000, less the 10,000 paid above the
    NCI's carrying amount, less the 30,000 that S earned before the second purchase and that
    P paid the NCI for: 1,640,000 + 450,000 - 10,000 - 30,000 = 2,050,000)."""
    terms = acquisition(
        steps=(
            OwnershipStep(
                effective_on=dt.date(2024, 1, 1), share=D("0.9"), consideration=D(140_000)
            ),
        )
    )
    result = run(
        [parent(D(1_040_000), D(600_000)), entity("S", SUBSIDIARY_2024)],
        {"P": ONE, "S": ONE},
        terms,
    )
    total = result.columns[TOTAL]
    assert total["BS.L.EQ.NCI"] == D(150_000)
    assert result.nci_result == D(20_000)
    assert total["BS.A"] == total["BS.L"] == D(2_200_000)
    group_equity = total["BS.L.EQ"] - total["BS.L.EQ.NCI"]
    assert group_equity == D(2_050_000)


def test_an_intra_network_difference_is_split_into_fx_and_booking() -> None:
    """P lends S 500,000 EUR. S, in SEK, carries 5,500,000 SEK (it should carry 500,000 at the
    closing rate 11.459 = 5,729,500). In group currency the gap is 500,000 - 5,500,000 / 11.459
    = 20,027.93. Matched in the loan's currency, EUR: S's 5,500,000 SEK at the rate it was last
    revalued at (the opening, 11.096) is 495,674.12, so S booked 4,325.88 EUR too little: the
    booking difference. The rest is what the rates explain: 5,500,000 x (1/11.096 - 1/11.459)
    = 15,702.04 of FX."""
    lender = entity(
        "P",
        [Balance(INVESTMENT, D(500_000), "S"), Balance(CAPITAL, D(-500_000))],
        method=ConsolidationMethod.PARENT,
    )
    opening = Opening(
        lines=(EquityLine(line=CAPITAL, local=D(-100_000), translated=D(-10_000)),),
        source="opening position",
    )
    borrower = entity(
        "S",
        [
            Balance(CASH, D(5_600_000)),
            Balance(LOAN_PAYABLE, D(-5_500_000), "P"),
            Balance(CAPITAL, D(-100_000)),
        ],
        currency="SEK",
        method=ConsolidationMethod.AGGREGATION,
        opening=opening,
    )
    rates = {
        "P": ONE,
        "S": EntityRates(closing=D("11.459"), average=D("11.4325"), opening=D("11.096")),
    }
    result = consolidate([lender, borrower], rates, CHART, [], D(1), CENT)
    [difference] = result.differences
    assert difference.cause is Cause.BOOKING
    assert difference.transaction_currency == "EUR"
    assert cents(difference.amount) == D("20027.93")
    assert cents(difference.booking_transaction) == D("4325.88")
    assert cents(difference.booking) == D("4325.88")
    assert cents(difference.fx) == D("15702.04")
    assert difference.lines == ("BS.A.FA.IV.A", "BS.L.DE.VIII.A")
    assert exact(difference.fx + difference.booking) == exact(difference.amount)
