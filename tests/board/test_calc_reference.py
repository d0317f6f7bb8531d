"""The fast comparison arithmetic against the straightforward one it replaced, value by value,
on generated networks: rates missing or not, ties for ranks, zeros for change %, entities in
and out of a total; and its formatting to the cent against Decimal's own."""

from __future__ import annotations

from decimal import Decimal

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hub.board import calc
from hub.board.graphql import _cents
from hub.registry.model import KpiDefinition, KpiKind, KpiUnit
from tests.board import reference_calc
from tests.board.test_kernel import kernel_of

KPIS = (
    KpiDefinition(code="turnover", label="t", unit=KpiUnit.CURRENCY, kind=KpiKind.FLOW),
    KpiDefinition(code="equity", label="e", unit=KpiUnit.CURRENCY, kind=KpiKind.STOCK),
    KpiDefinition(code="users", label="u", unit=KpiUnit.PERSONS, kind=KpiKind.COUNT),
    KpiDefinition(code="staff_fte", label="f", unit=KpiUnit.FTE, kind=KpiKind.COUNT),
    KpiDefinition(code="contribution_income", label="c", unit=KpiUnit.CURRENCY, kind=KpiKind.FLOW),
    KpiDefinition(code="rate", label="r", unit=KpiUnit.PERCENT, kind=KpiKind.RATIO),
)
ENTITIES = ("BE", "DE", "SE", "CH", "AT", "IT")
CURRENCIES = {"BE": "EUR", "DE": "EUR", "SE": "SEK", "CH": "CHF", "AT": "EUR", "IT": "SEK"}
SPAN = ("2019", "2020", "2021", "2022", "2023")

# Few distinct amounts and rates, so that ranks tie, changes are zero and divisions end in
# half a cent (100.25 / 2 = 50.125) as often as they do not (100 / 3).
amounts = st.sampled_from(
    [Decimal(a) for a in ("0.00", "100.25", "100.00", "-0.01", "12345678.90", "3", "0.05")]
)
rates = st.sampled_from([Decimal(r) for r in ("2", "3", "10.5", "11.0317", "0.8")])


Network = tuple[
    list[str],
    list[str],
    list[KpiDefinition],
    list[tuple[int, int, int, str, str]],
    dict[tuple[str, str, str], Decimal],
]


@st.composite
def networks(draw: st.DrawFn) -> Network:
    entities = draw(st.lists(st.sampled_from(ENTITIES), min_size=1, max_size=6, unique=True))
    width = draw(st.integers(min_value=1, max_value=len(SPAN) - 1))
    span = list(SPAN[: width + 1])
    kpis = draw(st.lists(st.sampled_from(KPIS), min_size=1, max_size=6, unique=True))
    cells: list[tuple[int, int, int, str, str]] = []  # KPI, entity, column, amount, provenance
    for k in range(len(kpis)):
        for e in range(len(entities)):
            for column in range(len(span)):
                if draw(st.booleans()):
                    provenance = draw(st.sampled_from(["reported", "derived"]))
                    cells.append((k, e, column, str(draw(amounts)), provenance))
    rate_table = {
        (currency, kind, period): draw(rates)
        for currency in ("SEK", "CHF")
        for kind in ("average", "closing")
        for period in span
        if draw(st.integers(min_value=0, max_value=4))  # now and then a rate is missing
    }
    return span, entities, kpis, cells, rate_table


@pytest.mark.parametrize("compiled", [True, False], ids=["C kernel", "Python kernel"])
@settings(max_examples=300, deadline=None)
@given(network=networks())
def test_the_fast_comparison_equals_the_straightforward_one(
    compiled: bool, network: Network
) -> None:
    with kernel_of(compiled):
        check_against_reference(network)


def blocks_of(
    cells: list[tuple[int, int, int, str, str]],
    entities: list[str],
    span: list[str],
    kpis: list[KpiDefinition],
) -> list[calc.Figures]:
    """The cells as the database's kpi_block holds them: a row per entity and period, a line
    per figure, and a figure of a KPI the comparison does not show, which it leaves out."""
    lines: dict[tuple[str, str], list[str]] = {}
    for k, e, column, amount, provenance in cells:
        found = lines.setdefault((entities[e], span[column]), ["not_compared\t1.00\treported"])
        found.append(f"{kpis[k].code}\t{amount}\t{provenance}")
    return [(entity, period, "\n".join(found)) for (entity, period), found in lines.items()]


def check_against_reference(network: Network) -> None:
    span, entities, kpis, cells, rate_table = network
    currencies = {e: CURRENCIES[e] for e in entities}
    figures = [
        (entities[e], span[column], kpis[k].code, Decimal(amount), None, provenance)
        for k, e, column, amount, provenance in cells
    ]
    expected = reference_calc.compare(
        span[1:], span[0], entities, currencies, kpis, figures, rate_table, "EUR"
    )
    blocks = blocks_of(cells, entities, span, kpis)
    found = calc.compare(span[1:], span[0], entities, currencies, kpis, blocks, rate_table, "EUR")
    assert found == expected
    for block, oracle in zip(found.blocks, expected.blocks, strict=True):
        for grid, same in (
            (block.values_eur, oracle.values_eur),
            (block.changes, oracle.changes),
            (block.change_percents, oracle.change_percents),
        ):
            assert grid.cents() == same.cents()
            assert grid.exact() == same.exact()
    for ratio, oracle_ratio in zip(found.ratios, expected.ratios, strict=True):
        assert ratio.values.exact() == oracle_ratio.values.exact()


@given(
    st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**15), max_value=10**15)
    | st.sampled_from([Decimal(t) for t in ("0.125", "0.135", "-0.125", "-0.004", "2.675")])
)
def test_cents_are_decimals_own_formatting(value: Decimal) -> None:
    # half-even: 0.125 -> 0.12, 0.135 -> 0.14, -0.125 -> -0.12; -0.004 -> 0.00, where format
    # writes "-0.00": a zero has no sign in the answer
    written = format(value, ".2f")
    assert msgspec.json.decode(_cents([value])) == ["0.00" if written == "-0.00" else written]


def test_cents_beyond_quantize_precision_still_format() -> None:
    # 30 digits: quantize's 28-digit context refuses it; the fallback formats it exactly
    big = Decimal("123456789012345678901234567.891")
    assert msgspec.json.decode(_cents([big])) == ["123456789012345678901234567.89"]
