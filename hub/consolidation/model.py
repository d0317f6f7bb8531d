"""Records of a consolidation. Amounts in *balance* terms are debit-positive, credit-negative,
as in a trial balance; amounts in *line* terms are signed as published (assets, liabilities,
equity and income positive; costs negative)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum

import msgspec

from hub.errors import ProblemsRefusal
from hub.registry.model import ConsolidationMethod


class Balance(msgspec.Struct, frozen=True):
    """One entity's total on a group line (local currency, balance terms), per partner."""

    line: str
    amount: Decimal
    partner: str | None = None
    investment: bool = False


class EquityLine(msgspec.Struct, frozen=True, kw_only=True):
    """One equity line of an entity at a period's opening: its amount in the entity's currency
    and what it is worth in group currency, as carried forward (both in balance terms)."""

    line: str
    local: Decimal
    translated: Decimal


class Opening(msgspec.Struct, frozen=True, kw_only=True):
    """An entity's equity at the start of a period, the prior result already carried into the
    brought-forward line: where IAS 21's roll-forward starts from. `source` says where it comes
    from (the locked prior run, an opening position, the acquisition)."""

    lines: tuple[EquityLine, ...]
    source: str


class EntityInput(msgspec.Struct, frozen=True, kw_only=True):
    entity: str
    currency: str
    method: ConsolidationMethod
    parent: str | None
    submission_id: int
    version: int
    balances: tuple[Balance, ...]
    opening: Opening | None = None  # required for an entity outside the group currency


class EntityRates(msgspec.Struct, frozen=True, kw_only=True):
    """Units of the entity's currency per unit of group currency (1 for the group currency).

    `opening` is the closing rate of the period before (the translation reserve's opening is
    measured at it); `movements` gives, per equity line, the rate of this period's movement
    when finance entered one (a capital increase at the rate of its date), else the average.
    """

    closing: Decimal
    average: Decimal
    opening: Decimal | None = None
    movements: dict[str, Decimal] = {}


ONE = EntityRates(closing=Decimal(1), average=Decimal(1), opening=Decimal(1))


class OwnershipStep(msgspec.Struct, frozen=True, kw_only=True):
    """A later change of the share held (IFRS 10.23), in force from `effective_on`."""

    effective_on: dt.date
    share: Decimal
    consideration: Decimal  # group currency; negative: proceeds of a sale


class AcquisitionTerms(msgspec.Struct, frozen=True, kw_only=True):
    """What the acquisition register says of a subsidiary or associate, ready for one period.

    Amounts of the subsidiary (equity at acquisition, fair-value adjustments, the NCI's fair
    value, impairments) are in its own currency, balance terms; `rate` is the subsidiary's
    currency per group unit on the acquisition date; the consideration is in group currency.
    """

    subsidiary: str
    parent: str
    acquired_on: dt.date
    method: ConsolidationMethod
    share: Decimal
    consideration: Decimal
    rate: Decimal
    equity: tuple[Balance, ...]
    fair_value: tuple[Balance, ...] = ()
    nci_fair_value: Decimal | None = None  # None: NCI at its share of net assets
    in_period: bool = False  # acquired during the period consolidated
    steps: tuple[OwnershipStep, ...] = ()  # changes in force by the period end, oldest first
    # Impairments of goodwill entered for earlier periods: (local amount, that period's average
    # rate), and the one of this period (local).
    impairments_before: tuple[tuple[Decimal, Decimal], ...] = ()
    impairment: Decimal = Decimal(0)

    @property
    def share_now(self) -> Decimal:
        return self.steps[-1].share if self.steps else self.share


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
    GOODWILL = "goodwill"
    NCI = "non-controlling interests"
    EQUITY_METHOD = "equity method"


class Cause(StrEnum):
    FX = "FX"
    BOOKING = "booking difference"
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
    """An intra-network pair that does not cancel out in group currency: `amount` (group
    currency) is `fx` (what the exchange rates explain) plus `booking` (what one side booked
    otherwise, in group currency; `booking_transaction` is the same in the transaction
    currency, `transaction_currency`)."""

    entity: str
    partner: str
    statement: str
    amount: Decimal
    cause: Cause
    beyond_tolerance: bool
    lines: tuple[str, ...] = ()  # the entity's line, then the partner's
    fx: Decimal = Decimal(0)
    booking: Decimal = Decimal(0)
    transaction_currency: str | None = None
    booking_transaction: Decimal = Decimal(0)


class Translation(msgspec.Struct, frozen=True, kw_only=True):
    entity: str
    currency: str
    closing: Decimal
    average: Decimal
    cta: Decimal  # line terms: the translation reserve at the period end (cumulative)
    cta_opening: Decimal | None = None  # line terms, at the period start
    opening_source: str | None = None


class GoodwillPosition(msgspec.Struct, frozen=True, kw_only=True):
    """A subsidiary's goodwill (IAS 21.47: in its own currency, translated at closing)."""

    subsidiary: str
    currency: str
    local: Decimal  # after impairments to date
    closing: Decimal  # group currency, at the closing rate
    at_acquisition: Decimal  # group currency, at the acquisition rate
    impairment: Decimal  # this period, group currency (at the average rate)
    translation: Decimal  # cumulative translation difference, in the translation reserve
    bargain_purchase: Decimal  # group currency; a gain, when the difference was negative
    nci_share: Decimal  # the part of goodwill that belongs to non-controlling interests


class EquityClosing(msgspec.Struct, frozen=True, kw_only=True):
    """An entity's equity at the period end, per line, local and translated (the result of the
    year included on its own line): the next period's opening."""

    entity: str
    lines: tuple[EquityLine, ...]


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
    goodwill: list[GoodwillPosition] = []
    closing_equity: list[EquityClosing] = []
    warnings: list[str] = []

    @property
    def total(self) -> dict[str, Decimal]:
        return self.columns[TOTAL]


ELIMINATIONS = "eliminations"
ADJUSTMENTS = "adjustments"
TOTAL = "total"


class ConsolidationError(ProblemsRefusal):
    """Consolidation cannot run; the message lists every reason."""

    code = "CONSOLIDATION"
