"""The consolidation arithmetic, without a database: the worked example by hand, and the
statement invariants for random balanced inputs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hub.consolidation.calc import consolidate
from hub.consolidation.model import (
    ADJUSTMENTS,
    ELIMINATIONS,
    TOTAL,
    AcquisitionTerms,
    Balance,
    Cause,
    Consolidated,
    ConsolidationError,
    EntityInput,
    EntityRates,
    EntryKind,
    EquityLine,
    Journal,
    JournalEntry,
    Opening,
    OwnershipStep,
)
from hub.consolidation.translation import carried_equity_lines, carry_forward, exact
from hub.registry.group_chart import GroupChart, load_group_chart
from hub.registry.model import ConsolidationMethod
from tests.conftest import REPO
from tests.consolidation.worked_example import (
    BELGIUM,
    BELGIUM_2023,
    EUR,
    SEK_2023,
    SEK_2024,
    SWEDEN,
    SWEDEN_2023,
    SWEDEN_ACQUISITION,
)

CHART = load_group_chart(REPO / "config" / "group_chart.toml")
CENT = Decimal("0.01")
TOLERANCE = Decimal(1)


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT)


def run(
    inputs: list[EntityInput],
    rates: dict[str, EntityRates],
    journals: tuple[Journal, ...] = (),
    register: dict[str, AcquisitionTerms] | None = None,
) -> Consolidated:
    return consolidate(
        inputs,
        rates,
        CHART,
        list(journals),
        TOLERANCE,
        CENT,
        acquisitions={"SE": SWEDEN_ACQUISITION} if register is None else register,
    )


def test_the_worked_example_by_hand() -> None:
    result = run([BELGIUM, SWEDEN], {"BE": EUR, "SE": SEK_2024})
    se, elim, total = result.columns["SE"], result.columns[ELIMINATIONS], result.columns[TOTAL]
    # Sweden translated (SEK per EUR): cash 8,000,000 / 11.459 (closing) = 698,141.20;
    # loan 5,548,000 / 11.459 = 484,160.92; capital 1,000,000 / 8.582 (historical)
    # = 116,522.96; turnover 29,804,528 / 11.4325 (average) = 2,607,000.04; costs
    # 28,352,528 / 11.4325 = 2,479,993.70; result 127,006.34.
    assert [cents(se[line]) for line in ("BS.A.CA.IX", "BS.L.DE.VIII.A", "BS.L.EQ.I")] == [
        Decimal("698141.20"),
        Decimal("484160.92"),
        Decimal("116522.96"),
    ]
    assert cents(se["IS.TI.PE.ACT"]) == Decimal("2607000.04")
    assert cents(se["IS.NET"]) == cents(se["BS.L.EQ.VY"]) == Decimal("127006.34")
    # CTA = assets - liabilities - equity at historical rates - result
    #     = 698,141.20 - 484,160.92 - 116,522.96 - 127,006.34 = -29,549.02
    assert cents(se["BS.L.EQ.CTA"]) == Decimal("-29549.02")
    assert cents(se["BS.A"]) == cents(se["BS.L"]) == Decimal("698141.20")

    # The loan: Belgium's 500,000.00 against Sweden's 484,160.92 -> 15,839.08. In the loan's
    # currency, EUR, Sweden's 5,548,000 SEK at the rate it was last revalued at (2023's
    # closing, 11.096) is 500,000.00: no booking difference; all of it is FX, 500,000 x
    # (1 - 11.096 / 11.459) = 15,839.08, booked to the plug.
    [difference] = result.differences
    assert (difference.entity, difference.partner, difference.cause) == ("BE", "SE", Cause.FX)
    assert difference.lines == ("BS.A.FA.IV.A", "BS.L.DE.VIII.A")
    assert cents(difference.amount) == cents(difference.fx) == Decimal("15839.08")
    assert (difference.booking, difference.transaction_currency) == (Decimal(0), "EUR")
    assert difference.beyond_tolerance
    assert total["BS.A.FA.IV.A"] == 0  # the loan and the investment are gone
    assert total["BS.L.DE.VIII.A"] == 0
    assert cents(total["BS.L.PLUG"]) == Decimal("-15839.08")

    # Goodwill is fixed in Sweden's currency (IAS 21.47): 100,000 EUR at 8.582 = 858,200 SEK
    # paid for 80 % of 1,000,000 SEK of equity: 58,200 SEK; at acquisition 6,781.64 EUR, at the
    # 2024 closing rate 58,200 / 11.459 = 5,078.98 EUR; the difference, -1,702.66, is in the
    # translation reserve.
    [goodwill] = result.goodwill
    assert goodwill.local == Decimal(58_200)
    assert cents(goodwill.at_acquisition) == Decimal("6781.64")
    assert cents(goodwill.closing) == cents(total["BS.A.FA.I"]) == Decimal("5078.98")
    assert cents(goodwill.translation) == Decimal("-1702.66")
    assert total["BS.L.EQ.I"] == Decimal(1_500_000)  # Belgium's capital only

    # Non-controlling interests (20 %) of Sweden's equity at the period end: capital 116,522.96
    # + result 127,006.34 - CTA 29,549.02 = 213,980.28, x 0.2 = 42,796.06; their result
    # 0.2 x 127,006.34 = 25,401.27. The group's reserve: 80 % of Sweden's, -23,639.2153, and
    # goodwill's translation, -1,702.6588: -25,341.8740, shown -25,341.87.
    assert cents(total["BS.L.EQ.NCI"]) == Decimal("42796.06")
    assert cents(result.nci_result) == Decimal("25401.27")
    assert cents(total["BS.L.EQ.CTA"]) == Decimal("-25341.87")
    # Net result 480,000.00 + 127,006.34 = 607,006.34, of which the group's 581,605.07.
    assert cents(total["IS.NET"]) == Decimal("607006.34")
    assert cents(total["BS.L.EQ.VY"]) == Decimal("581605.07")
    # Total assets: 1,980,000 + 698,141.20 + 5,078.98 (goodwill) = 2,683,220.18, equal to
    # liabilities and equity.
    assert cents(total["BS.A"]) == Decimal("2683220.18")
    assert total["BS.A"] == total["BS.L"]
    assert all(check.ok for check in result.checks)
    assert elim["IS.NET"] == 0


def test_the_translation_reserve_rolls_forward() -> None:
    prior = run([BELGIUM_2023, SWEDEN_2023], {"BE": EUR, "SE": SEK_2023})
    current = run([BELGIUM, SWEDEN], {"BE": EUR, "SE": SEK_2024})
    # 2023: cash 6,548,000 / 11.096 = 590,122.57; loan 5,548,000 / 11.096 = 500,000.00;
    # capital 116,522.96; no result: CTA = 590,122.57 - 500,000.00 - 116,522.96 = -26,400.39
    assert cents(prior.columns["SE"]["BS.L.EQ.CTA"]) == Decimal("-26400.39")
    assert prior.differences == []  # at the 2023 closing rate the loan matches to the cent
    # 2024 opens where 2023 closed: 1,000,000 SEK at 11.096 = 90,122.57, less the capital's
    # carried 116,522.96 = -26,400.39; the movement is -29,549.02 + 26,400.39 = -3,148.63.
    [sweden] = current.translations
    assert cents(sweden.cta_opening or Decimal(0)) == Decimal("-26400.39")
    movement = sweden.cta - prior.translations[0].cta
    assert cents(movement) == Decimal("-3148.63")


def test_equity_method_and_aggregation() -> None:
    associate = msgspec.structs.replace(SWEDEN, method=ConsolidationMethod.EQUITY)
    thirty = msgspec.structs.replace(
        SWEDEN_ACQUISITION, method=ConsolidationMethod.EQUITY, share=Decimal("0.3")
    )
    result = run([BELGIUM, associate], {"BE": EUR, "SE": SEK_2024}, register={"SE": thirty})
    total = result.columns[TOTAL]
    # Goodwill: 100,000 EUR x 8.582 = 858,200 SEK for 30 % of 1,000,000 SEK: 558,200 SEK, at
    # the closing rate 558,200 / 11.459 = 48,712.81. Sweden's equity: 116,522.96 + 127,006.34
    # - 29,549.02 = 213,980.28, 30 % = 64,194.08. The investment: 112,906.89.
    assert cents(total["BS.A.FA.IV.B"]) == Decimal("112906.89")
    assert total["BS.A.CA.IX"] == Decimal(1_980_000)  # Sweden's lines are gone
    # Belgium's 480,000 + 30 % of 127,006.34 = 518,101.90
    assert cents(total["IS.NET"]) == Decimal("518101.90")
    assert total["BS.A"] == total["BS.L"]
    assert result.differences == []  # nothing is eliminated against an associate

    lender = msgspec.structs.replace(
        BELGIUM, balances=tuple(b for b in BELGIUM.balances if not b.investment)
    )
    lender = msgspec.structs.replace(
        lender, balances=(*lender.balances, Balance("BS.A.CA.IX", Decimal(100_000)))
    )
    partner = msgspec.structs.replace(SWEDEN, method=ConsolidationMethod.AGGREGATION)
    aggregated = run([lender, partner], {"BE": EUR, "SE": SEK_2024}, register={})
    assert aggregated.columns[TOTAL]["BS.L.EQ.NCI"] == 0
    # both capitals: 1,500,000 + 1,000,000 SEK carried at 8.582 = 116,522.96
    assert cents(aggregated.columns[TOTAL]["BS.L.EQ.I"]) == Decimal("1616522.96")
    assert [e.kind for e in aggregated.eliminations] == [
        EntryKind.INTRA_NETWORK,
        EntryKind.INTRA_NETWORK,
        EntryKind.DIFFERENCE,
    ]


def test_an_investment_needs_its_partner_and_its_register_entry() -> None:
    with pytest.raises(ConsolidationError) as missing:
        run([BELGIUM, SWEDEN], {"BE": EUR, "SE": SEK_2024}, register={})
    assert missing.value.problems == [
        "BE holds an investment in SE, which the acquisition register does not list as a "
        "subsidiary or associate: record the acquisition",
        "SE is consolidated by the full method but the acquisition register has no entry for "
        "it: record its acquisition",
    ]
    with pytest.raises(ConsolidationError) as alone:
        run([BELGIUM], {"BE": EUR})
    assert alone.value.problems == [
        "BE holds an investment in SE, which is not in the scope of this consolidation: include it"
    ]


def test_adjustments_are_a_column_of_their_own() -> None:
    journal = Journal(
        id=7,
        reason="late invoice",
        entries=(
            JournalEntry("IS.PEC", Decimal(1000), "BE"),
            JournalEntry("BS.L.DE.IX.C", Decimal(-1000), "BE"),
        ),
    )
    result = run([BELGIUM, SWEDEN], {"BE": EUR, "SE": SEK_2024}, (journal,))
    adjustments = result.columns[ADJUSTMENTS]
    assert adjustments["IS.NET"] == adjustments["BS.L.EQ.VY"] == Decimal(-1000)
    assert adjustments["BS.L.DE.IX.C"] == Decimal(1000)
    assert result.columns["BE"]["IS.NET"] == Decimal(480_000)  # the national figures stay


def test_inputs_that_cannot_be_consolidated() -> None:
    unbalanced = EntityInput(
        entity="BE",
        currency="EUR",
        method=ConsolidationMethod.PARENT,
        parent=None,
        submission_id=1,
        version=3,
        balances=(Balance("BS.A.CA.IX", Decimal(10)),),
    )
    lopsided = Journal(id=9, reason="typo", entries=(JournalEntry("IS.PEC", Decimal(5)),))
    without_opening = msgspec.structs.replace(SWEDEN, opening=None)
    with pytest.raises(ConsolidationError) as raised:
        run([unbalanced, without_opening], {"BE": EUR}, (lopsided,))
    assert raised.value.problems == [
        "BE's trial balance (version 3) does not balance: debits minus credits = 10 EUR",
        "no exchange rates for SE (SEK)",
        "SE: no opening equity to translate from (IAS 21): lock the prior period's "
        "consolidation, record the acquisition, or enter an opening position",
        "journal 9 does not balance: 5",
    ]


# --- invariants for random balanced inputs ----------------------------------------------------

CARRIED = sorted(carried_equity_lines(CHART))
LEAVES = [
    line.code
    for line in CHART.leaves()
    if not line.consolidation_only
    and line.code != CHART.roles.result_of_the_year
    and line.code not in CARRIED
]
CODES = ["BE", "DE", "AT", "IT", "SE"]
amounts = st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False)
positive = st.decimals(min_value=1, max_value=10**8, places=2, allow_nan=False)
rates = st.decimals(min_value=Decimal("0.5"), max_value=20, places=4, allow_nan=False)
shares = st.decimals(min_value=Decimal("0.01"), max_value=1, places=2)


@st.composite
def equity(draw: st.DrawFn) -> tuple[Balance, ...]:
    lines = draw(st.lists(st.sampled_from(CARRIED), min_size=1, max_size=3, unique=True))
    return tuple(Balance(line, -draw(positive)) for line in lines)


@st.composite
def acquisition(
    draw: st.DrawFn, code: str, method: ConsolidationMethod, currency: str
) -> AcquisitionTerms:
    share = draw(shares)
    at_acquisition = draw(equity())
    fair_value = tuple(
        Balance(draw(st.sampled_from(LEAVES[:10])), draw(positive))
        for _ in range(draw(st.integers(min_value=0, max_value=2)))
    )
    steps: tuple[OwnershipStep, ...] = ()
    if method is ConsolidationMethod.FULL and draw(st.booleans()):
        steps = (
            OwnershipStep(
                effective_on=dt.date(2023, 1, 1), share=draw(shares), consideration=draw(positive)
            ),
        )
    nci = (
        None
        if method is not ConsolidationMethod.FULL or draw(st.booleans())
        else -sum((b.amount for b in at_acquisition), Decimal(0)) * (1 - share) + draw(positive)
    )
    return AcquisitionTerms(
        subsidiary=code,
        parent="BE",
        acquired_on=dt.date(2020, 6, 30),
        method=method,
        share=share,
        consideration=draw(positive),
        rate=Decimal(1) if currency == "EUR" else draw(rates),
        equity=at_acquisition,
        fair_value=fair_value,
        nci_fair_value=nci,
        in_period=draw(st.booleans()),
        steps=steps,
    )


Network = tuple[list[EntityInput], dict[str, EntityRates], dict[str, AcquisitionTerms]]


@st.composite
def networks(draw: st.DrawFn) -> Network:
    count = draw(st.integers(min_value=1, max_value=5))
    inputs, entity_rates, register = [], {}, {}
    methods = [ConsolidationMethod.PARENT] + [
        draw(
            st.sampled_from(
                [
                    ConsolidationMethod.FULL,
                    ConsolidationMethod.EQUITY,
                    ConsolidationMethod.AGGREGATION,
                ]
            )
        )
        for _ in CODES[1:count]
    ]
    for index, code in enumerate(CODES[:count]):
        currency = "EUR" if index % 2 == 0 else "SEK"
        method = methods[index]
        balances = []
        for _ in range(draw(st.integers(min_value=1, max_value=12))):
            partner = draw(st.sampled_from([None, *[c for c in CODES[:count] if c != code]]))
            balances.append(Balance(draw(st.sampled_from(LEAVES)), draw(amounts), partner))
        if index == 0:
            balances += [
                Balance("BS.A.FA.IV.A", draw(positive), other, investment=True)
                for other, kind in zip(CODES[1:count], methods[1:], strict=True)
                if kind in (ConsolidationMethod.FULL, ConsolidationMethod.EQUITY)
            ]
        own = draw(equity())
        balances += own
        closing = Balance(
            draw(st.sampled_from(LEAVES)), -sum((b.amount for b in balances), Decimal(0))
        )
        opening = None
        if currency != "EUR":
            opening = Opening(
                lines=tuple(
                    EquityLine(line=b.line, local=b.amount, translated=exact(b.amount / rate))
                    for b in own
                    for rate in [draw(rates)]
                ),
                source="random",
            )
        inputs.append(
            EntityInput(
                entity=code,
                currency=currency,
                method=method,
                parent=None if index == 0 else "BE",
                submission_id=index,
                version=1,
                balances=(*balances, closing),
                opening=opening,
            )
        )
        entity_rates[code] = (
            EUR
            if currency == "EUR"
            else EntityRates(closing=draw(rates), average=draw(rates), opening=draw(rates))
        )
        if method in (ConsolidationMethod.FULL, ConsolidationMethod.EQUITY):
            register[code] = draw(acquisition(code, method, currency))
    return inputs, entity_rates, register


def check_invariants(chart: GroupChart, network: Network) -> Consolidated:
    inputs, entity_rates, register = network
    result = consolidate(inputs, entity_rates, chart, [], TOLERANCE, CENT, acquisitions=register)
    total, roles = result.columns[TOTAL], chart.roles
    assert total[roles.assets] == total[roles.liabilities_and_equity]
    for name, column in result.columns.items():
        assert column[roles.assets] == column[roles.liabilities_and_equity], name
    for line in chart.lines:
        assert sum(c[line] for n, c in result.columns.items() if n != TOTAL) == total[line]
    assert sum(e.amount for e in result.eliminations) == 0
    assert all(check.ok for check in result.checks), result.checks
    # the result on the balance sheet is the income statement's, less what minorities own
    assert total[roles.result_of_the_year] == total[roles.net_result] - result.nci_result
    # non-controlling interests hold their share of each subsidiary's net assets at the end
    # (and of goodwill, measured at fair value)
    expected = Decimal(0)
    for position in result.goodwill:
        terms = register[position.subsidiary]
        if terms.method is ConsolidationMethod.FULL:
            net_assets = result.columns[position.subsidiary][roles.equity]
            fair_value = sum((b.amount for b in terms.fair_value), Decimal(0))
            closing = entity_rates[position.subsidiary].closing
            expected += (1 - terms.share_now) * (net_assets + fair_value / closing)
            expected += position.nci_share
    assert abs(total[roles.non_controlling_interests] - expected) < Decimal("1e-6")
    return result


@settings(max_examples=200, deadline=None)
@given(networks())
def test_statement_invariants_hold_for_random_balanced_networks(network: Network) -> None:
    check_invariants(CHART, network)


@settings(max_examples=100, deadline=None)
@given(networks(), rates, rates)
def test_the_translation_reserve_rolls_forward_for_random_networks(
    network: Network, closing: Decimal, average: Decimal
) -> None:
    """A period's closing equity opens the next: with nothing reported moving, the next
    period's opening reserve is this period's closing reserve, to the ten-thousandth."""
    inputs, entity_rates, register = network
    first = check_invariants(CHART, network)
    closings = {c.entity: c for c in first.closing_equity}
    following = []
    for entity in inputs:
        opening = carry_forward(closings[entity.entity], CHART, "the prior period")
        following.append(msgspec.structs.replace(entity, opening=opening))
    later = {
        code: r if r is EUR else EntityRates(closing=closing, average=average, opening=r.closing)
        for code, r in entity_rates.items()
    }
    second = check_invariants(CHART, (following, later, register))
    before = {t.entity: t.cta for t in first.translations}
    for translation in second.translations:
        assert translation.cta_opening is not None
        assert abs(translation.cta_opening - before[translation.entity]) < Decimal("1e-4")
