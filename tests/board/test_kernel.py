"""The comparison's arithmetic in C (hub/board/_kernel.c) against the same rules on `decimal`
(hub.board.kernel), text for text, on figures of every shape: long, negative, many decimals,
zeros, no figure, exponents and 40-digit numbers that the C code leaves to Python; and the rules
themselves on worked examples."""

from __future__ import annotations

import os
import shutil
import sysconfig
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from types import ModuleType

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hub.board import kernel

NOT_COMPILED = (
    "the board's C kernel is not compiled: install a C compiler and Python's headers "
    "(`apt-get install gcc python3-dev`) and run `pip install -e .` again"
)


def require_kernel() -> ModuleType:
    """The compiled kernel; without it the test is skipped, saying how to build it, or fails
    when the environment says the kernel is required (CI sets HUB_REQUIRE_KERNEL=1)."""
    if kernel.COMPILED is None:
        if os.environ.get("HUB_REQUIRE_KERNEL") == "1":
            pytest.fail(f"HUB_REQUIRE_KERNEL=1 but {NOT_COMPILED}", pytrace=False)
        pytest.skip(NOT_COMPILED)
    return kernel.COMPILED


@contextmanager
def kernel_of(compiled: bool) -> Iterator[None]:
    """Runs the comparison on the compiled kernel, or on the Python one as where it is missing."""
    saved = kernel.COMPILED
    if compiled:
        require_kernel()
    else:
        kernel.COMPILED = None
    try:
        yield
    finally:
        kernel.COMPILED = saved


def decoded(rows: object) -> list[list[str | None]]:
    """A matrix the kernel wrote as JSON rows, read back."""
    assert isinstance(rows, list)
    return [msgspec.json.decode(row) for row in rows]


def test_the_kernel_is_compiled_where_there_is_a_compiler() -> None:
    compiler = str(sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(compiler) is None:
        require_kernel()  # no compiler: skipped, or failed where the kernel is required
    assert kernel.COMPILED is not None, f"{compiler} is here, yet {NOT_COMPILED}"


def decimal_texts() -> st.SearchStrategy[str]:
    plain = st.decimals(allow_nan=False, allow_infinity=False, places=None).map(
        lambda d: format(d, "f")
    )
    scaled = st.builds(
        lambda m, scale: format(Decimal(m).scaleb(-scale), "f"),
        st.integers(min_value=-(10**20), max_value=10**20),
        st.integers(min_value=0, max_value=20),
    )
    usual = st.builds(lambda m: format(Decimal(m).scaleb(-2), "f"), st.integers(-(10**12), 10**12))
    odd = st.sampled_from(
        [
            "NaN",
            "0",
            "0.00",
            "-0.01",
            "0.005",
            "100.25",
            "5.00E+6",
            "1E-7",
            "7.",
            ".5",
            "1" + "0" * 39,
            "-" + "9" * 36,
            "9" * 37,
            "0." + "0" * 17 + "1",
        ]
    )
    return st.one_of(usual, usual, scaled, plain, odd)


def rate_texts() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(["NaN", "1", "0", "11.0317", "0.8", "3", "7.5432", "-2", "1E+1"]),
        st.decimals(min_value=Decimal("0.0001"), max_value=Decimal(100_000), places=4).map(str),
    )


@st.composite
def blocks(draw: st.DrawFn) -> tuple[list[str], list[str] | None, int]:
    width = draw(st.integers(min_value=1, max_value=5))
    rows = draw(st.integers(min_value=0, max_value=6))
    texts = [draw(decimal_texts()) for _ in range(rows * width)]
    rates = draw(st.none() | st.just([draw(rate_texts()) for _ in range(rows * width)]))
    return texts, rates, width


@settings(max_examples=1500, deadline=None)
@given(blocks())
def test_c_and_python_give_the_same_texts(case: tuple[list[str], list[str] | None, int]) -> None:
    texts, rates, width = case
    needs_compiled = require_kernel()
    found = needs_compiled.block(texts, rates, width)
    expected = kernel.python_block(texts, rates, width)
    if found is not None:
        assert found == expected
    else:  # left to Python: an exponent, or long figures beyond 128 bits at some step (figures
        # of a usual size never are: test_figures_of_a_usual_size_stay_in_c)
        assert any("E" in t or len(t) > 12 for t in texts + (rates or []))
    assert kernel.block(texts, rates, width) == expected


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.builds(
            lambda m, scale: format(Decimal(m).scaleb(-scale), "f"),
            st.integers(min_value=-(10**16), max_value=10**16),
            st.integers(min_value=0, max_value=4),
        )
        | st.just("NaN"),
        min_size=2,
        max_size=2,
    ),
    st.none() | st.sampled_from(["1", "11.0317", "0.8", "7.5432", "0"]),
)
def test_figures_of_a_usual_size_stay_in_c(texts: list[str], rate: str | None) -> None:
    # up to 16 digits, 4 decimals: every step fits in 128 bits, nothing is left to Python
    needs_compiled = require_kernel()
    rates = None if rate is None else [rate] * len(texts)
    assert needs_compiled.block(texts, rates, 2) == kernel.python_block(texts, rates, 2)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(decimal_texts(), decimal_texts(), st.sampled_from(["1", "100"]))))
def test_c_and_python_give_the_same_quotients(cases: list[tuple[str, str, str]]) -> None:
    needs_compiled = require_kernel()
    for top, bottom, factor in cases:
        tops, bottoms = [[None if top == "NaN" else top]], [[None if bottom == "NaN" else bottom]]
        expected = kernel.python_quotients(tops, bottoms, factor)
        found = needs_compiled.quotients(tops, bottoms, factor)
        assert found is None or found == expected
        assert kernel.quotients(tops, bottoms, factor) == expected


def test_the_rules_on_a_worked_block() -> None:
    # SEK at 11.0317 per EUR; two entities, the period before and two periods.
    # A: 100,000.00 / 11.0317 = 9,064.7860... -> 9064.79; 110,000.00 / 11.0317 = 9,971.2646...
    #    -> 9971.26; change 906.47 (of the figures shown), change % 906.47 x 100 / 9,064.79
    #    = 9.99991... -> 10.00
    # B: "NaN" then 50.125 / 1 (EUR) -> 50.12 (half-even), then 50.135 -> 50.14
    texts = ["NaN", "100000.00", "110000.00", "NaN", "50.125", "50.135"]
    rates = ["NaN", "11.0317", "11.0317", "1", "1", "1"]
    for compiled in (True, False):
        with kernel_of(compiled):
            found = kernel.block(texts, rates, 3)
            values, eur, eur_cents, changes, change_cents, percents, ranks, sums, missing = (
                found[0],
                *map(decoded, found[1:6]),
                *found[6:],
            )
            assert values == [["100000.00", "110000.00"], ["50.125", "50.135"]]
            assert eur == eur_cents == [["9064.79", "9971.26"], ["50.12", "50.14"]]
            assert changes == change_cents == [[None, "906.47"], [None, "0.02"]]
            # 0.02 x 100 / 50.12 = 0.0399... -> 0.04
            assert percents == [[None, "10.00"], [None, "0.04"]]
            assert ranks == [[1, 1], [2, 2]]
            # the totals foot: 9064.79 + 50.12 = 9114.91; 9971.26 + 50.14 = 10021.40
            assert sums == [None, "9114.91", "10021.40"]
            assert missing == [[0, 1], [], []]


def test_figures_that_are_not_money_stay_exact() -> None:
    # FTE: 12.345 and 12.344 rank apart, the change is exact, shown to the cent half-even
    texts = ["12.345", "13.5", "12.344", "12.344"]
    for compiled in (True, False):
        with kernel_of(compiled):
            found = kernel.block(texts, None, 2)
            values, eur, eur_cents, changes, change_cents, percents, ranks, sums, missing = (
                found[0],
                *map(decoded, found[1:6]),
                *found[6:],
            )
            assert values == eur == [["13.5"], ["12.344"]]
            assert eur_cents == [["13.50"], ["12.34"]]
            # 13.5 - 12.345 = 1.155 -> 1.16 (half-even: 5 after an odd 5)
            assert changes == [["1.155"], ["0.000"]]
            assert change_cents == [["1.16"], ["0.00"]]
            # 1.155 x 100 / 12.345 = 9.3560... -> 9.36
            assert percents == [["9.36"], ["0.00"]]
            assert ranks == [[1], [2]]
            assert sums == ["24.689", "25.844"]
            assert missing == [[], []]


KPI_CODES = ["turnover", "members", "staff", "equity"]
ENTITY_CODES = ["BE", "DE", "AT", "IT", "SE"]
PERIOD_CODES = ["2020", "2021", "2022", "2023"]


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=0, max_value=len(KPI_CODES)),
    st.integers(min_value=0, max_value=len(ENTITY_CODES)),
    st.integers(min_value=1, max_value=len(PERIOD_CODES)),
    st.data(),
)
def test_c_and_python_place_figures_alike(
    kpis: int, rows: int, width: int, data: st.DataObject
) -> None:
    """Blocks as kpi_block holds them: a line a figure; lines of KPIs not asked for (here the
    KPI codes past `kpis`, and "unasked") are left out; a later line or block wins."""
    line = st.tuples(
        st.sampled_from([*KPI_CODES, "unasked"]),
        decimal_texts(),
        st.sampled_from(["reported", "derived", "published"]),
    ).map("\t".join)
    blocks = data.draw(
        st.lists(
            st.tuples(
                st.sampled_from(ENTITY_CODES[:rows]),
                st.sampled_from(PERIOD_CODES[:width]),
                st.lists(line, max_size=6).map("\n".join),
            ),
            max_size=12,
        )
        if rows
        else st.just([])
    )
    mappings = (
        {code: i for i, code in enumerate(KPI_CODES[:kpis])},
        {code: i for i, code in enumerate(ENTITY_CODES[:rows])},
        {code: i for i, code in enumerate(PERIOD_CODES[:width])},
    )
    needs_compiled = require_kernel()
    assert needs_compiled.place(blocks, *mappings) == kernel.python_place(blocks, *mappings)


def test_figures_land_in_their_cells() -> None:
    blocks = [
        ("SE", "2023", "turnover\t10.50\treported\nstaff\t3\tderived\nunasked\t1\treported"),
        ("DE", "2024", "turnover\t-1\tpublished\n"),  # a trailing newline is no figure
    ]
    mappings = ({"turnover": 0, "staff": 1}, {"DE": 0, "SE": 1}, {"2023": 0, "2024": 1})
    # per KPI: DE 2023, DE 2024, SE 2023, SE 2024; provenances without the first column
    expected = (
        [["NaN", "-1", "10.50", "NaN"], ["NaN", "NaN", "3", "NaN"]],
        [[["published"], [None]], [[None], [None]]],
    )
    assert kernel.python_place(blocks, *mappings) == expected
    assert require_kernel().place(blocks, *mappings) == expected


@pytest.mark.parametrize("compiled", [True, False], ids=["C kernel", "Python kernel"])
@pytest.mark.parametrize(
    ("blocks", "error", "message"),
    [
        ([("XX", "2023", "")], ValueError, "unknown entity 'XX'"),
        ([("SE", "2025", "")], ValueError, "unknown period '2025'"),
        (
            [("SE", "2023", "turnover\t1")],
            ValueError,
            "a figure's line is not kpi<TAB>amount<TAB>provenance: 'turnover\\t1'",
        ),
        (
            [("SE", "2023", "turnover\t1\treported\tmore")],
            ValueError,
            "a figure's line is not kpi<TAB>amount<TAB>provenance",
        ),
        ([("SE", "2023", 5)], TypeError, "a block's lines: text"),
    ],
)
def test_a_block_that_does_not_fit_is_refused_not_written_elsewhere(
    compiled: bool, blocks: list[tuple[str, str, object]], error: type[Exception], message: str
) -> None:
    place = require_kernel().place if compiled else kernel.python_place
    mappings = ({"turnover": 0}, {"SE": 0}, {"2023": 0, "2024": 1})
    with pytest.raises(error) as raised:
        place(blocks, *mappings)
    assert message in str(raised.value)


def test_an_index_out_of_the_grid_is_refused() -> None:
    needs_compiled = require_kernel()
    with pytest.raises(ValueError, match=r"period '2024': index 2 out of range \[0, 2\)"):
        needs_compiled.place([("SE", "2024", "")], {}, {"SE": 0}, {"2023": 0, "2024": 2})
    for place in (needs_compiled.place, kernel.python_place):
        with pytest.raises(ValueError, match=r"KPI index 1 out of range \[0, 1\)"):
            place([("SE", "2023", "turnover\t1\tr")], {"turnover": 1}, {"SE": 0}, {"2023": 0})
