"""National charts of accounts and their mapping to the group chart, read from TOML data.

A chart file (`countries/charts/<cc>.toml`) lists the accounts a national team reports (a
sub-account extends a listed one by appending digits, after a dot where the chart uses dots),
and maps
them to group lines by prefix ranges (`["20", "21"]` takes every account whose code starts with
20 or 21) or by explicit account lists. An explicit account wins over a range; a range list
order does not matter, but two ranges of one chart must not overlap.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

CHARTS = Path(__file__).resolve().parent / "charts"


class AccountConfig(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    code: str
    label: str
    intra_network: bool = False
    investment: bool = False  # shares held in a network entity, offset against its equity


class MappingConfig(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    line: str
    ranges: tuple[tuple[str, str], ...] = ()
    accounts: tuple[str, ...] = ()


class ChartConfig(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    name: str
    accounts: tuple[AccountConfig, ...]
    mapping: tuple[MappingConfig, ...] = ()


@dataclass(frozen=True, slots=True)
class Account:
    code: str
    label: str
    intra_network: bool = False
    investment: bool = False


@dataclass(frozen=True, slots=True)
class ChartOfAccounts:
    name: str
    accounts: tuple[Account, ...] = ()
    mapping: tuple[MappingConfig, ...] = ()
    _by_code: dict[str, Account] = field(default_factory=dict, compare=False, repr=False)
    _named: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_code.update({account.code: account for account in self.accounts})
        for rule in self.mapping:
            self._named.update(dict.fromkeys(rule.accounts, rule.line))

    def account(self, code: str) -> Account | None:
        """The listed account, or the listed account that `code` extends by appending digits
        (national charts are open downwards: 400000 -> 400000123 for one client)."""
        found = self._by_code.get(code)
        if found is not None:
            return found
        for length in range(len(code) - 1, 0, -1):
            parent = self._by_code.get(code[:length])
            if parent is not None and code[length:].lstrip(".").isdigit():
                return parent
        return None

    def group_line(self, code: str) -> str | None:
        """The group line an account maps to, or None when it is unmapped. A sub-account maps
        as the listed account it extends, when that one is mapped by name."""
        listed = self.account(code)
        for name in (code, None if listed is None else listed.code):
            if name is not None and name in self._named:
                return self._named[name]
        for rule in self.mapping:
            for low, high in rule.ranges:
                if low <= code[: len(low)] and code[: len(high)] <= high:
                    return rule.line
        return None


def load_chart(path: Path) -> ChartOfAccounts:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    config = msgspec.convert(raw, ChartConfig)
    return ChartOfAccounts(
        name=config.name,
        accounts=tuple(
            Account(a.code, a.label, a.intra_network, a.investment) for a in config.accounts
        ),
        mapping=config.mapping,
    )
