"""The rules a chart file gives, to seed the database at first start. Pure.

The seeded rules place every account exactly as the chart file does (tests/mappings check it on
the listed accounts and on real ledgers): a range per range of the file, a rule per account the
file names, a rule per format with a line, and an account rule for each listed account whose own
flags (intra-network, investment) differ from its range's.
"""

from __future__ import annotations

from countries.charts import ChartOfAccounts, Placement
from hub.mappings.model import Placer, Rule, RuleKind


def seed_reason(chart: ChartOfAccounts) -> str:
    return f"seeded from the chart file ({chart.name})"


def seed_rules(chart: ChartOfAccounts) -> list[Rule]:
    reason = seed_reason(chart)
    rules = [
        Rule(RuleKind.FORMAT, f.mask, f.mask, f.line, reason=reason)
        for f in chart.formats
        if f.line is not None
    ]
    for mapping in chart.mapping:
        rules += [
            Rule(
                RuleKind.RANGE,
                low,
                high,
                mapping.line,
                mapping.intra_network,
                mapping.investment,
                reason=reason,
            )
            for low, high in mapping.ranges
        ]
    for outside in chart.not_mapped:
        rules += [
            Rule(RuleKind.RANGE, low, high, None, reason=outside.reason)
            for low, high in outside.ranges
        ]
    named = sorted({code for mapping in chart.mapping for code in mapping.accounts})
    placer = Placer(chart, rules)
    for code in [*named, *(a.code for a in chart.accounts if a.code not in named)]:
        wanted = chart.place(code)
        if wanted is None:
            continue
        got = placer.place(code)
        if code in named or got is None or _terms(got) != _terms(wanted):
            rules.append(
                Rule(
                    RuleKind.ACCOUNT,
                    wanted.key,
                    wanted.key,
                    wanted.line,
                    wanted.intra_network,
                    wanted.investment,
                    reason=wanted.not_mapped or reason,
                )
            )
    return rules


def _terms(placed: Placement) -> tuple[str | None, bool, bool]:
    return placed.line, placed.intra_network, placed.investment
