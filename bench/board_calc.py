"""The board's comparison arithmetic alone, in process, no database: `hub.board.calc.compare`
on the C kernel (hub/board/_kernel.c) and on the same rules in Python (hub.board.kernel, what
runs without a compiler), against the plain version in fractions (tests/board/reference_calc.py,
the tests' oracle), interleaved on the same 30 entities x 11 periods x 20 KPIs, and the blocks
as the answer carries them.

    python -m bench.board_calc [--runs 30]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from decimal import Decimal

from hub.board import calc, kernel
from hub.board.graphql import Comparison as Answer
from hub.registry.model import KpiDefinition, KpiKind, KpiUnit
from tests.board import reference_calc

ENTITIES = [f"E{i:02d}" for i in range(30)]
CURRENCIES = {e: ("SEK" if i % 5 == 4 else "EUR") for i, e in enumerate(ENTITIES)}
SPAN = [str(year) for year in range(2014, 2025)]
KPIS = [
    KpiDefinition(
        code=f"k{i:02d}",
        label=f"KPI {i}",
        unit=KpiUnit.CURRENCY if i % 2 else KpiUnit.COUNT,
        kind=(KpiKind.STOCK if i % 4 == 1 else KpiKind.FLOW) if i % 2 else KpiKind.COUNT,
    )
    for i in range(20)
]
RATES = {
    ("SEK", kind, period): Decimal("10.5") + Decimal(int(period) % 7) / 10
    for kind in ("average", "closing")
    for period in SPAN
}


def cells() -> list[tuple[int, int, int, str, str]]:
    """(KPI, entity, column, amount, provenance) of every figure."""
    return [
        (k, e, column, f"{(e * 7 + column * 13 + k * 31) % 1000 * 1000 + 500}", "reported")
        for k in range(len(KPIS))
        for e in range(len(ENTITIES))
        for column in range(len(SPAN))
    ]


def blocks(placed: list[tuple[int, int, int, str, str]]) -> list[calc.Figures]:
    """The figures as the database's kpi_block holds them: a row per entity and period."""
    lines: dict[tuple[str, str], list[str]] = {}
    for k, e, column, amount, provenance in sorted(placed, key=lambda c: KPIS[c[0]].code):
        lines.setdefault((ENTITIES[e], SPAN[column]), []).append(
            f"{KPIS[k].code}\t{amount}\t{provenance}"
        )
    return [(entity, period, "\n".join(found)) for (entity, period), found in lines.items()]


def timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def main(runs: int) -> None:
    placed = cells()
    figures = [
        (ENTITIES[e], SPAN[c], KPIS[k].code, Decimal(amount), None, provenance)
        for k, e, c, amount, provenance in placed
    ]
    periods, previous = SPAN[1:], SPAN[0]
    rows = blocks(placed)

    def fast() -> calc.Comparison:
        return calc.compare(periods, previous, ENTITIES, CURRENCIES, KPIS, rows, RATES, "EUR")

    def reference() -> calc.Comparison:
        return reference_calc.compare(
            periods, previous, ENTITIES, CURRENCIES, KPIS, figures, RATES, "EUR"
        )

    compiled = kernel.COMPILED

    def in_python() -> calc.Comparison:
        kernel.COMPILED = None
        try:
            return fast()
        finally:
            kernel.COMPILED = compiled

    if compiled is None:
        raise SystemExit("the C kernel is not compiled: pip install -e . with a C compiler")
    assert fast() == reference() == in_python()
    answer = Answer(periods=periods, currency="EUR", entities=[], kpis=[], result=fast())
    times: dict[str, list[float]] = {
        "reference": [],
        "compare, Python": [],
        "compare, C": [],
        "blocks answer": [],
    }
    for _ in range(runs):
        times["reference"].append(timed(reference))
        times["compare, Python"].append(timed(in_python))
        times["compare, C"].append(timed(fast))
        times["blocks answer"].append(timed(answer.blocks))
    print(f"{len(placed):,} figures, {runs} interleaved runs, ms min/median/max:")
    for name, found in times.items():
        print(
            f"  {name:15} {min(found) * 1000:6.2f} / {statistics.median(found) * 1000:6.2f}"
            f" / {max(found) * 1000:6.2f}"
        )
    medians = {name: statistics.median(found) for name, found in times.items()}
    print(
        f"compare C / Python (medians): {medians['compare, C'] / medians['compare, Python']:.2f}x"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    main(parser.parse_args().runs)
