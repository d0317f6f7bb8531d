"""Mapping rules (national account -> group line) as the database keeps them, and where an
account lands under the rules in force for a period. Pure: no I/O.

An account's chart (countries/charts) still says whether the account is admitted and which
listed account it is booked under (its key); the rules say which line that key maps to:
- a rule for the key itself (kind `account`) wins;
- else the rule of the chart format the key has, when the chart gives a format its own line
  (DATEV's five-digit debtor and creditor accounts);
- else the most specific range holding the key: the one written with the most digits, and
  between equally specific ranges the one that took effect last.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from countries.charts import ChartOfAccounts, Placement
from hub.errors import ProblemsRefusal


class RuleKind(StrEnum):
    ACCOUNT = "account"
    RANGE = "range"
    FORMAT = "format"


class MappingError(ProblemsRefusal):
    """A mapping change is refused; `problems` names each field and what is wrong."""


@dataclass(frozen=True, slots=True)
class Rule:
    """One row of `account_mapping`."""

    kind: RuleKind
    first: str
    last: str
    line: str | None
    intra_network: bool = False
    investment: bool = False
    effective_from: str | None = None  # None: seeded from the chart file, in force from the start
    starts_on: dt.date = dt.date(1900, 1, 1)
    reason: str = ""
    id: int = 0
    recorded_by: str | None = None
    recorded_at: dt.datetime | None = None

    @property
    def key(self) -> tuple[RuleKind, str, str]:
        """What the rule covers: a newer row with the same key replaces it from its start."""
        return self.kind, self.first, self.last

    def holds(self, code: str) -> bool:
        """For a range: whether `code` starts within first..last (prefixes, as in the charts)."""
        return self.first <= code[: len(self.first)] and code[: len(self.last)] <= self.last

    @property
    def specificity(self) -> int:
        return max(len(self.first), len(self.last))


def in_force(rules: list[Rule], starts_on: dt.date) -> list[Rule]:
    """The rule in force for each key on a period starting `starts_on`: the newest row whose
    start is on or before it (the later recorded one when two start together)."""
    newest: dict[tuple[RuleKind, str, str], Rule] = {}
    for rule in rules:
        if rule.starts_on > starts_on:
            continue
        held = newest.get(rule.key)
        if held is None or (rule.starts_on, rule.id) > (held.starts_on, held.id):
            newest[rule.key] = rule
    return sorted(newest.values(), key=lambda r: (r.kind, r.first, r.last))


@dataclass(slots=True)
class Placer:
    """Places accounts as `ChartOfAccounts.place` does, with the line and flags of the rules in
    force instead of the chart file's. Build it with the rules in force (`in_force`)."""

    chart: ChartOfAccounts
    rules: list[Rule]
    _accounts: dict[str, Rule] = field(default_factory=dict, repr=False)
    _formats: dict[str, Rule] = field(default_factory=dict, repr=False)
    _ranges: list[Rule] = field(default_factory=list, repr=False)
    _cache: dict[str, Rule | None] = field(default_factory=dict, repr=False)
    _placed: dict[str, Placement] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for rule in self.rules:
            if rule.kind is RuleKind.ACCOUNT:
                self._accounts[rule.first] = rule
            elif rule.kind is RuleKind.FORMAT:
                self._formats[rule.first] = rule
            else:
                self._ranges.append(rule)
        # Most specific first; among equals the latest start, then the latest recorded.
        self._ranges.sort(key=lambda r: (r.specificity, r.starts_on, r.id), reverse=True)

    def rule(self, key: str) -> Rule | None:
        """The rule in force that maps the chart account `key`, or None."""
        if key not in self._cache:
            found = self._accounts.get(key)
            if found is None:
                fmt = self.chart.format_of(key)
                if fmt is not None and fmt.line is not None:
                    found = self._formats.get(fmt.mask)
            if found is None:
                found = next((r for r in self._ranges if r.holds(key)), None)
            self._cache[key] = found
        return self._cache[key]

    def place(self, code: str) -> Placement | None:
        """Where `code` lands, or None when its chart does not admit it."""
        placed = self.chart.place(code)
        # Where a key lands depends on the key alone: `place_key` keeps it.
        return None if placed is None else self.place_key(placed.key)

    def place_key(self, key: str, placed: Placement | None = None) -> Placement:
        """Where the chart account `key` (a stored trial-balance line's) lands."""
        if placed is None:
            known = self._placed.get(key)
            if known is None:
                known = self._placed[key] = self._place_key(key, None)
            return known
        return self._place_key(key, placed)

    def _place_key(self, key: str, placed: Placement | None) -> Placement:
        rule = self.rule(key)
        listed = placed.listed if placed is not None else self.chart.account(key)
        if listed is not None and listed.code != key:
            listed = None
        line = None if rule is None else rule.line
        reason = None if rule is None or rule.line is not None else rule.reason
        intra = rule is not None and rule.intra_network
        investment = rule is not None and rule.investment
        return Placement(key, listed, line, intra, investment, reason)
