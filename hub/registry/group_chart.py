"""The group chart: reporting lines of the consolidated statements, from `group_chart.toml`."""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path

import msgspec

from hub.registry.load import ConfigError, decode_toml


class Statement(StrEnum):
    BALANCE_SHEET = "balance_sheet"
    INCOME_STATEMENT = "income_statement"


class Side(StrEnum):
    DEBIT = "debit"
    CREDIT = "credit"


class GroupLineConfig(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    code: str
    label: str
    statement: Statement | None = None
    parent: str | None = None
    side: Side
    consolidation_only: bool = False


class Roles(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """The lines consolidation gives a meaning to."""

    assets: str
    liabilities_and_equity: str
    equity: str
    reserves: str
    result_of_the_year: str
    translation_reserve: str
    non_controlling_interests: str
    eliminations_plug: str
    goodwill: str
    associates: str
    share_of_associates_result: str
    net_result: str
    brought_forward: str  # where a year's result is carried into the next (IAS 21 roll-forward)
    bargain_purchase_gain: str  # income of the acquisition period (IFRS 3.34)
    goodwill_impairment: str  # expense of the period an impairment is entered in


class Reciprocal(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Two lines whose intra-network balances are each other's: one entity's side of a pair
    (a loan granted) and its partner's (the loan received). Pairs are matched line by line."""

    lines: tuple[str, str]


class GroupChartConfig(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    roles: Roles
    lines: tuple[GroupLineConfig, ...]
    reciprocal: tuple[Reciprocal, ...] = ()


class GroupLine(msgspec.Struct, frozen=True, kw_only=True):
    code: str
    label: str
    statement: Statement
    parent: str | None
    side: Side
    consolidation_only: bool
    children: tuple[str, ...]
    depth: int

    @property
    def is_total(self) -> bool:
        return bool(self.children)


class GroupChart:
    """Lines in config order (a parent before its children), with their statement resolved."""

    def __init__(
        self, lines: list[GroupLine], roles: Roles, reciprocal: tuple[Reciprocal, ...] = ()
    ) -> None:
        self.lines: dict[str, GroupLine] = {line.code: line for line in lines}
        self.roles = roles
        # Each line's counterpart in an intra-network pair (both ways).
        self.reciprocal: dict[str, str] = {}
        for pair in reciprocal:
            first, second = pair.lines
            self.reciprocal[first], self.reciprocal[second] = second, first

    def ancestors(self, code: str) -> list[str]:
        found, parent = [], self.lines[code].parent
        while parent is not None:
            found.append(parent)
            parent = self.lines[parent].parent
        return found

    def is_under(self, code: str, ancestor: str) -> bool:
        return ancestor in self.ancestors(code)

    def leaves(self) -> list[GroupLine]:
        return [line for line in self.lines.values() if not line.is_total]

    def statement_lines(self, statement: Statement) -> list[GroupLine]:
        return [line for line in self.lines.values() if line.statement is statement]

    def roots(self, statement: Statement) -> list[GroupLine]:
        return [line for line in self.statement_lines(statement) if line.parent is None]

    def totals_bottom_up(self) -> list[GroupLine]:
        """Totals, deepest first, so that each is computed after the totals it contains."""
        return sorted(
            (line for line in self.lines.values() if line.is_total), key=lambda line: -line.depth
        )


def load_group_chart(path: Path) -> GroupChart:
    config = decode_toml(path, GroupChartConfig)
    problems = list(_check(config)) + list(_check_roles(config))
    if problems:
        raise ConfigError(path, problems)
    return _resolve(config)


def _check(config: GroupChartConfig) -> Iterator[str]:
    seen: dict[str, int] = {}
    for index, line in enumerate(config.lines):
        where = f"lines[{index}]"
        if line.code in seen:
            yield f"{where}.code: {line.code!r} appears more than once"
        if line.parent is None and line.statement is None:
            yield f"{where}.statement: a top line needs its statement"
        if line.parent is not None:
            if line.parent not in seen:
                yield f"{where}.parent: {line.parent!r} must be defined before {line.code!r}"
            if line.statement is not None:
                yield f"{where}.statement: only top lines name their statement"
        seen.setdefault(line.code, index)


def _check_roles(config: GroupChartConfig) -> Iterator[str]:
    codes = {line.code for line in config.lines}
    for role, code in msgspec.structs.asdict(config.roles).items():
        if code not in codes:
            yield f"roles.{role}: unknown line {code!r}"
    leaves = codes - {line.parent for line in config.lines if line.parent is not None}
    for index, pair in enumerate(config.reciprocal):
        for code in pair.lines:
            if code not in leaves:
                yield f"reciprocal[{index}].lines: {code!r} is not a line without parts"


def _resolve(config: GroupChartConfig) -> GroupChart:
    statements: dict[str, Statement] = {}
    depths: dict[str, int] = {}
    children: dict[str, list[str]] = {line.code: [] for line in config.lines}
    for line in config.lines:
        if line.parent is None:
            assert line.statement is not None
            statements[line.code], depths[line.code] = line.statement, 0
        else:
            statements[line.code] = statements[line.parent]
            depths[line.code] = depths[line.parent] + 1
            children[line.parent].append(line.code)
    return GroupChart(
        [
            GroupLine(
                code=line.code,
                label=line.label,
                statement=statements[line.code],
                parent=line.parent,
                side=line.side,
                consolidation_only=line.consolidation_only,
                children=tuple(children[line.code]),
                depth=depths[line.code],
            )
            for line in config.lines
        ],
        config.roles,
        config.reciprocal,
    )
