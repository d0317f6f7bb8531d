"""National charts of accounts and their mapping to the group chart, read from TOML data.

A chart file (`countries/charts/<cc>.toml`) declares (docs/charts.md):

- `formats`: the account codes the chart admits, as masks (`#` any digit, `[1-7]` a digit in a
  range, any other character itself) with the words a refusal quotes. A format may send all its
  accounts to one line (DATEV's five-digit customer accounts are trade receivables).
- `accounts`: the accounts the chart names: their labels, and whether they hold intra-network
  balances or the parent's investment in a network entity.
- `mapping`: group lines by prefix ranges (`["20", "21"]` takes every account whose code starts
  with 20 or 21) or by named accounts; a rule's flags apply to the unlisted accounts of its ranges.
- `not_mapped`: ranges of the format the statements leave out on purpose, with the reason (BAS
  leaves classes 0 and 9 to the company; Belgian class 0 holds off-balance-sheet commitments).

An account is accepted when it is listed, fits a format, or extends one of those by appending
digits (after a dot where the chart uses dots): national charts are open downwards, `400000123`
is booked under `400000`. Which line it lands on: its format's line, else the rule naming the
listed account, else the range holding it; an accepted account no range holds maps nowhere and
is reported (`unmappedAccounts`), never refused. Two ranges of one chart never overlap.
"""

from __future__ import annotations

import itertools
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

CHARTS = Path(__file__).resolve().parent / "charts"

PrefixRange = tuple[str, str]


class AccountConfig(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    code: str
    label: str
    intra_network: bool = False
    investment: bool = False  # shares held in a network entity, offset against its equity


class FormatConfig(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    mask: str
    description: str
    example: str
    line: str | None = None


class MappingConfig(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    line: str
    ranges: tuple[PrefixRange, ...] = ()
    accounts: tuple[str, ...] = ()
    intra_network: bool = False
    investment: bool = False


class NotMappedConfig(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    reason: str
    ranges: tuple[PrefixRange, ...]


class ChartConfig(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    name: str
    formats: tuple[FormatConfig, ...] = ()
    accounts: tuple[AccountConfig, ...]
    mapping: tuple[MappingConfig, ...] = ()
    not_mapped: tuple[NotMappedConfig, ...] = ()


@dataclass(frozen=True, slots=True)
class Account:
    code: str
    label: str
    intra_network: bool = False
    investment: bool = False


_MASK_TOKEN = re.compile(r"\[(\d)-(\d)\]|#|.")
DIGITS = frozenset("0123456789")


@dataclass(frozen=True, slots=True)
class AccountFormat:
    """One shape of account code a chart admits."""

    mask: str
    description: str
    example: str
    line: str | None = None
    positions: tuple[frozenset[str], ...] = field(default=(), compare=False, repr=False)

    @classmethod
    def of(cls, config: FormatConfig) -> AccountFormat:
        positions = []
        for token in _MASK_TOKEN.finditer(config.mask):
            low, high = token.group(1), token.group(2)
            if low is not None:
                positions.append(frozenset(str(d) for d in range(int(low), int(high) + 1)))
            elif token.group(0) == "#":
                positions.append(DIGITS)
            else:
                positions.append(frozenset(token.group(0)))
        return cls(config.mask, config.description, config.example, config.line, tuple(positions))

    def fits(self, code: str) -> bool:
        return len(code) == len(self.positions) and all(
            char in allowed for char, allowed in zip(code, self.positions, strict=True)
        )

    def prefixes(self, length: int) -> Iterator[str]:
        """Every start of `length` characters an account of this format can have."""
        for chars in itertools.product(*(sorted(p) for p in self.positions[:length])):
            yield "".join(chars)


@dataclass(frozen=True, slots=True)
class Placement:
    """Where an account of a trial balance lands in its chart."""

    key: str  # the chart account it is booked under: itself, or the account it extends
    listed: Account | None
    line: str | None
    intra_network: bool
    investment: bool
    not_mapped: str | None = None  # the chart's reason when it leaves the account out on purpose


@dataclass(frozen=True, slots=True)
class _RangeRule:
    low: str
    high: str
    line: str | None
    intra_network: bool = False
    investment: bool = False
    reason: str | None = None

    def holds(self, code: str) -> bool:
        return self.low <= code[: len(self.low)] and code[: len(self.high)] <= self.high


# Placements a chart keeps (`ChartOfAccounts.place`); emptied when full.
_KEPT_PLACEMENTS = 1 << 14


@dataclass(frozen=True, slots=True)
class ChartOfAccounts:
    name: str
    accounts: tuple[Account, ...] = ()
    mapping: tuple[MappingConfig, ...] = ()
    formats: tuple[AccountFormat, ...] = ()
    not_mapped: tuple[NotMappedConfig, ...] = ()
    _by_code: dict[str, Account] = field(default_factory=dict, compare=False, repr=False)
    _named: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    _rules: list[_RangeRule] = field(default_factory=list, compare=False, repr=False)
    # Ranges only read a code's first `_depth` characters: their answer is kept per such prefix.
    _by_prefix: dict[str, _RangeRule | None] = field(
        default_factory=dict, compare=False, repr=False
    )
    _depth: int = field(default=0, compare=False, repr=False)
    _lengths: frozenset[int] = field(default=frozenset(), compare=False, repr=False)
    # The lengths a code `place` can stop at has: a listed account's or a format's.
    _key_lengths: frozenset[int] = field(default=frozenset(), compare=False, repr=False)
    _key_lengths_descending: tuple[int, ...] = field(default=(), compare=False, repr=False)
    _placements: dict[str, Placement] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_code.update({account.code: account for account in self.accounts})
        for rule in self.mapping:
            self._named.update(dict.fromkeys(rule.accounts, rule.line))
            self._rules.extend(
                _RangeRule(low, high, rule.line, rule.intra_network, rule.investment)
                for low, high in rule.ranges
            )
        for outside in self.not_mapped:
            self._rules.extend(
                _RangeRule(low, high, None, reason=outside.reason) for low, high in outside.ranges
            )
        depth = max((len(b) for r in self._rules for b in (r.low, r.high)), default=0)
        object.__setattr__(self, "_depth", depth)
        object.__setattr__(self, "_lengths", frozenset(len(f.positions) for f in self.formats))
        key_lengths = self._lengths | {len(c) for c in self._by_code}
        object.__setattr__(self, "_key_lengths", key_lengths)
        object.__setattr__(
            self, "_key_lengths_descending", tuple(sorted(key_lengths, reverse=True))
        )

    def account(self, code: str) -> Account | None:
        """The listed account, or the listed account that `code` extends by appending digits
        (national charts are open downwards: 400000 -> 400000123 for one client)."""
        found = self._by_code.get(code)
        if found is not None:
            return found
        for length in _heads(code):
            parent = self._by_code.get(code[:length])
            if parent is not None:
                return parent
        return None

    def format_of(self, code: str) -> AccountFormat | None:
        if len(code) not in self._lengths:
            return None
        return next((f for f in self.formats if f.fits(code)), None)

    def place(self, code: str) -> Placement | None:
        """Where `code` lands, or None when the chart does not admit it: the code itself if it
        is listed or of a format, else the longest start of it (`_heads`) that is. A key's
        placement depends on the key alone and is kept (`_placements`, bounded): a trial
        balance repeats the same few keys under thousands of sub-accounts."""
        placements = self._placements
        for key in self._candidates(code):
            placed = placements.get(key)
            if placed is not None:
                return placed
            fmt = self.format_of(key)
            if key in self._by_code or fmt is not None:
                placed = self._placed(key, fmt)
                if len(placements) >= _KEPT_PLACEMENTS:
                    placements.clear()
                placements[key] = placed
                return placed
        return None

    def _candidates(self, code: str) -> Iterator[str]:
        """`code`, then its starts in `_heads`'s order, only those of a length a listed
        account or a format has (no other can be listed or fit a format)."""
        lengths = self._key_lengths
        size = len(code)
        if size in lengths:
            yield code
        digits_from = len(code.rstrip("0123456789"))
        lowest = max(digits_from, 1)
        for length in self._key_lengths_descending:
            if lowest <= length < size:
                yield code[:length]
        dot = digits_from - 1
        if 1 < digits_from < size and code[dot] == "." and dot in lengths:
            yield code[:dot]

    def group_line(self, code: str) -> str | None:
        """The group line an account maps to, or None when it is unmapped or not admitted."""
        placed = self.place(code)
        return None if placed is None else placed.line

    def admits(self) -> str:
        """The accounts this chart admits, in words a refusal can quote."""
        shapes = [f"{f.description} (e.g. {f.example})" for f in self.formats]
        if self._by_code:
            shapes.append("a listed account")
        return " or ".join(shapes) + ", optionally followed by digits of a sub-account"

    def uncovered(self) -> list[str]:
        """Starts of account codes that the formats admit and that neither a range nor a
        `not_mapped` range holds: empty when the chart maps its whole account space."""
        depth = self._depth
        return [
            prefix
            for fmt in self.formats
            if fmt.line is None
            for prefix in fmt.prefixes(depth)
            if self._range_rule(prefix) is None
        ]

    def reachable_lines(self) -> set[str]:
        """The group lines some account of this chart can land on."""
        lines = {f.line for f in self.formats if f.line is not None} | set(self._named.values())
        return lines | {r.line for r in self._rules if r.line is not None}

    def _placed(self, key: str, fmt: AccountFormat | None) -> Placement:
        listed = self._by_code.get(key)
        if fmt is not None and fmt.line is not None:
            rule: _RangeRule | None = _RangeRule(key, key, fmt.line)
        elif key in self._named:
            rule = _RangeRule(key, key, self._named[key])
        else:
            rule = self._range_rule(key)
        line = None if rule is None else rule.line
        reason = None if rule is None else rule.reason
        if listed is not None:
            return Placement(key, listed, line, listed.intra_network, listed.investment, reason)
        intra = rule is not None and rule.intra_network
        investment = rule is not None and rule.investment
        return Placement(key, None, line, intra, investment, reason)

    def _range_rule(self, code: str) -> _RangeRule | None:
        prefix = code[: self._depth]
        if prefix not in self._by_prefix:
            self._by_prefix[prefix] = next((r for r in self._rules if r.holds(prefix)), None)
        return self._by_prefix[prefix]


def _heads(code: str) -> Iterator[int]:
    """The lengths of the starts of `code` that it extends with sub-account digits (after a
    dot where the chart uses dots), longest first."""
    digits_from = len(code.rstrip("0123456789"))
    yield from range(len(code) - 1, max(digits_from, 1) - 1, -1)
    if 1 < digits_from < len(code) and code[digits_from - 1] == ".":
        yield digits_from - 1


def load_chart(path: Path) -> ChartOfAccounts:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    config = msgspec.convert(raw, ChartConfig)
    return ChartOfAccounts(
        name=config.name,
        accounts=tuple(
            Account(a.code, a.label, a.intra_network, a.investment) for a in config.accounts
        ),
        mapping=config.mapping,
        formats=tuple(AccountFormat.of(f) for f in config.formats),
        not_mapped=config.not_mapped,
    )
