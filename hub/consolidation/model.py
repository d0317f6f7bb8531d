"""Records of a consolidation. Amounts in *balance* terms are debit-positive, credit-negative,
as in a trial balance; amounts in *line* terms are signed as published (assets, liabilities,
equity and income positive; costs negative)."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

import msgspec

from hub.registry.model import ConsolidationMethod


class Balance(msgspec.Struct, frozen=True):
    """One entity's total on a group line (local currency, balance terms), per partner."""

    line: str
    amount: Decimal
    partner: str | None = None
    investment: bool = False


class EntityInput(msgspec.Struct, frozen=True, kw_only=True):
    entity: str
    currency: str
    method: ConsolidationMethod
    share: Decimal | None
    parent: str | None
    submission_id: int
    version: int
    balances: tuple[Balance, ...]


class EntityRates(msgspec.Struct, frozen=True, kw_only=True):
    """Units of the entity's currency per unit of group currency (1 for the group currency)."""

    closing: Decimal
    average: Decimal
    historical: Decimal
    historical_by_line: dict[str, Decimal] = {}


class JournalEntry(msgspec.Struct, frozen=True):
    line: str
    amount: Decimal  # balance terms, group currency
    entity: str | None = None


class Journal(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    reason: str
    entries: tuple[JournalEntry, ...]


class EntryKind(StrEnum):
    INTRA_NETWORK = "intra-network"
    DIFFERENCE = "intra-network difference"
    INVESTMENT = "investment"
    NCI = "non-controlling interests"
    EQUITY_METHOD = "equity method"


class Cause(StrEnum):
    FX = "FX"
    TIMING = "timing"
    MISSING_SIDE = "missing side"


class Elimination(msgspec.Struct, frozen=True, kw_only=True):
    kind: EntryKind
    line: str
    amount: Decimal  # balance terms, group currency
    entity: str | None = None
    partner: str | None = None
    note: str | None = None


class Difference(msgspec.Struct, frozen=True, kw_only=True):
    """An intra-network pair that does not cancel out in group currency."""

    entity: str
    partner: str
    statement: str
    amount: Decimal
    cause: Cause
    beyond_tolerance: bool


class Translation(msgspec.Struct, frozen=True, kw_only=True):
    entity: str
    currency: str
    closing: Decimal
    average: Decimal
    historical: Decimal
    cta: Decimal  # line terms: the translation reserve this period (cumulative)


class Check(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    ok: bool
    difference: Decimal


class Consolidated(msgspec.Struct, frozen=True, kw_only=True):
    """Statement columns (line terms, every line including totals), their journals and checks."""

    columns: dict[str, dict[str, Decimal]]
    eliminations: list[Elimination]
    adjustments: list[JournalEntry]
    differences: list[Difference]
    translations: list[Translation]
    nci_result: Decimal
    checks: list[Check]

    @property
    def total(self) -> dict[str, Decimal]:
        return self.columns[TOTAL]


ELIMINATIONS = "eliminations"
ADJUSTMENTS = "adjustments"
TOTAL = "total"


class ConsolidationError(Exception):
    """Consolidation cannot run; the message lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))
