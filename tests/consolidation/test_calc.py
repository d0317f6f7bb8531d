"""The consolidation arithmetic, without a database: the worked example by hand, and the
statement invariants for random balanced inputs."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hub.consolidation.calc import consolidate
from hub.consolidation.model import (
    ADJUSTMENTS,
    ELIMINATIONS,
    TOTAL,
    Balance,
    Cause,
    Consolidated,
    ConsolidationError,
    EntityInput,
    EntityRates,
    EntryKind,
    Journal,
    JournalEntry,
)
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
) -> Consolidated:
    return consolidate(inputs, rates, CHART, list(journals), TOLERANCE, CENT)


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

    # The loan: Belgium's 500,000.00 against Sweden's 484,160.92 -> 15,839.08 of FX difference
    # (Sweden booked it at 11.096 and it is translated at 11.459), booked to the plug.
    [difference] = result.differences
    assert (difference.entity, difference.partner, difference.cause) == ("BE", "SE", Cause.FX)
    assert cents(difference.amount) == Decimal("15839.08")
    assert difference.beyond_tolerance
    assert total["BS.A.FA.IV.A"] == 0  # the loan and the investment are gone
    assert total["BS.L.DE.VIII.A"] == 0
    assert cents(total["BS.L.PLUG"]) == Decimal("-15839.08")

    # The investment, 100,000.00, against 80 % of Sweden's capital at the historical rate,
    # 0.8 x 116,522.96 = 93,218.36: goodwill 6,781.64.
    assert cents(total["BS.A.FA.I"]) == Decimal("6781.64")
    assert total["BS.L.EQ.I"] == Decimal(1_500_000)  # Belgium's capital only

    # Non-controlling interests (20 %): capital 23,304.59 + CTA -5,909.80 + result 25,401.27
    # = 42,796.06; the group keeps 80 % of Sweden's CTA and result.
    assert cents(total["BS.L.EQ.NCI"]) == Decimal("42796.06")
    assert cents(result.nci_result) == Decimal("25401.27")
    assert cents(total["BS.L.EQ.CTA"]) == Decimal("-23639.22")
    # Net result 480,000.00 + 127,006.34 = 607,006.34, of which the group's 581,605.07.
    assert cents(total["IS.NET"]) == Decimal("607006.34")
    assert cents(total["BS.L.EQ.VY"]) == Decimal("581605.07")
    # Total assets: 1,980,000 + 698,141.20 + 6,781.64 (goodwill) = 2,684,922.84, equal to
    # liabilities and equity.
    assert cents(total["BS.A"]) == Decimal("2684922.84")
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
    movement = current.translations[1].cta - prior.translations[1].cta
    assert cents(movement) == Decimal("-3148.63")


def test_equity_method_and_aggregation() -> None:
    associate = EntityInput(
        entity="SE",
        currency="SEK",
        method=ConsolidationMethod.EQUITY,
        share=Decimal("0.3"),
        parent="BE",
        submission_id=2,
        version=1,
        balances=SWEDEN.balances,
    )
    result = run([BELGIUM, associate], {"BE": EUR, "SE": SEK_2024})
    total = result.columns[TOTAL]
    # Sweden's equity: 116,522.96 + 127,006.34 - 29,549.02 = 213,980.28; 30 % = 64,194.08
    assert cents(total["BS.A.FA.IV.B"]) == Decimal("64194.08")
    assert total["BS.A.CA.IX"] == Decimal(1_980_000)  # Sweden's lines are gone
    # Belgium's 480,000 + 30 % of 127,006.34 = 518,101.90
    assert cents(total["IS.NET"]) == Decimal("518101.90")
    assert total["BS.A"] == total["BS.L"]
    assert result.differences == []  # nothing is eliminated against an associate

    partner = EntityInput(
        entity="SE",
        currency="SEK",
        method=ConsolidationMethod.AGGREGATION,
        share=None,
        parent="BE",
        submission_id=2,
        version=1,
        balances=SWEDEN.balances,
    )
    aggregated = run([BELGIUM, partner], {"BE": EUR, "SE": SEK_2024})
    assert aggregated.columns[TOTAL]["BS.L.EQ.NCI"] == 0
    assert aggregated.columns[TOTAL]["BS.A.FA.IV.A"] == Decimal(100_000)  # not offset
    assert [e.kind for e in aggregated.eliminations] == [
        EntryKind.INTRA_NETWORK,
        EntryKind.INTRA_NETWORK,
        EntryKind.DIFFERENCE,
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
        share=None,
        parent=None,
        submission_id=1,
        version=3,
        balances=(Balance("BS.A.CA.IX", Decimal(10)),),
    )
    lopsided = Journal(id=9, reason="typo", entries=(JournalEntry("IS.PEC", Decimal(5)),))
    with pytest.raises(ConsolidationError) as raised:
        run([unbalanced, SWEDEN], {"BE": EUR}, (lopsided,))
    assert raised.value.problems == [
        "BE's trial balance (version 3) does not balance: debits minus credits = 10 EUR",
        "no exchange rates for SE (SEK)",
        "journal 9 does not balance: 5",
    ]


# --- invariants for random balanced inputs ----------------------------------------------------

LEAVES = [
    line.code
    for line in CHART.leaves()
    if not line.consolidation_only and line.code != CHART.roles.result_of_the_year
]
CODES = ["BE", "DE", "AT", "IT", "SE"]
amounts = st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False)
rates = st.decimals(min_value=Decimal("0.5"), max_value=20, places=4, allow_nan=False)


@st.composite
def networks(draw: st.DrawFn) -> tuple[list[EntityInput], dict[str, EntityRates]]:
    count = draw(st.integers(min_value=1, max_value=5))
    inputs, entity_rates = [], {}
    for index, code in enumerate(CODES[:count]):
        balances = []
        for _ in range(draw(st.integers(min_value=1, max_value=12))):
            partner = draw(st.sampled_from([None, *[c for c in CODES[:count] if c != code]]))
            balances.append(
                Balance(
                    draw(st.sampled_from(LEAVES)),
                    draw(amounts),
                    partner,
                    investment=partner is not None and index == 0 and draw(st.booleans()),
                )
            )
        closing = Balance(
            draw(st.sampled_from(LEAVES)), -sum((b.amount for b in balances), Decimal(0))
        )
        method = (
            ConsolidationMethod.PARENT
            if index == 0
            else draw(
                st.sampled_from(
                    [
                        ConsolidationMethod.FULL,
                        ConsolidationMethod.EQUITY,
                        ConsolidationMethod.AGGREGATION,
                    ]
                )
            )
        )
        share = (
            None
            if method in (ConsolidationMethod.PARENT, ConsolidationMethod.AGGREGATION)
            else draw(st.decimals(min_value=Decimal("0.01"), max_value=1, places=2))
        )
        inputs.append(
            EntityInput(
                entity=code,
                currency="EUR" if index % 2 == 0 else "SEK",
                method=method,
                share=share,
                parent=None if index == 0 else "BE",
                submission_id=index,
                version=1,
                balances=(*balances, closing),
            )
        )
        entity_rates[code] = (
            EUR
            if index % 2 == 0
            else EntityRates(closing=draw(rates), average=draw(rates), historical=draw(rates))
        )
    return inputs, entity_rates


def check_invariants(
    chart: GroupChart, inputs: list[EntityInput], entity_rates: dict[str, EntityRates]
) -> None:
    result = consolidate(inputs, entity_rates, chart, [], TOLERANCE, CENT)
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


@settings(max_examples=150, deadline=None)
@given(networks())
def test_statement_invariants_hold_for_random_balanced_networks(
    network: tuple[list[EntityInput], dict[str, EntityRates]],
) -> None:
    check_invariants(CHART, *network)
