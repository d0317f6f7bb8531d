"""Records of investment programmes and interest-free loans. Every amount is a Decimal next to
its currency. `illustrative` marks values that are not published (demo stand-ins)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum

import msgspec

from hub.errors import Refusal


class Category(StrEnum):
    """What a disbursement paid for."""

    STAFFING = "staffing"
    AUTOMATION = "automation"
    DIGITAL_PORTAL = "digital_portal"
    TRAINING = "training"
    OTHER = "other"


class InvestmentError(Refusal, ValueError):
    """Refused input: the message names the field and the reason. Nothing was stored."""

    code = "INVESTMENT"

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


# --- what callers send -------------------------------------------------------------------------


class ProgrammeIn(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    funding_entity: str
    budget: Decimal
    currency: str
    starts_on: dt.date
    ends_on: dt.date
    purpose: str
    illustrative: bool = False


class AllocationIn(msgspec.Struct, frozen=True, kw_only=True):
    """A share of a programme's budget set aside for one partner (in the programme currency)."""

    programme: str  # the programme's name
    partner: str
    amount: Decimal
    illustrative: bool = False
    note: str | None = None


class CommitmentIn(msgspec.Struct, frozen=True, kw_only=True):
    """An engagement (agreement, order) towards a partner, in the programme currency."""

    programme: str
    partner: str
    date: dt.date
    amount: Decimal
    description: str
    illustrative: bool = False


class DisbursementIn(msgspec.Struct, frozen=True, kw_only=True):
    """Money paid to a partner, in any currency with an ECB rate."""

    programme: str
    partner: str
    date: dt.date
    amount: Decimal
    currency: str
    category: Category
    document: str  # the transfer, invoice or agreement behind the payment
    description: str | None = None
    illustrative: bool = False


class InstalmentIn(msgspec.Struct, frozen=True, kw_only=True):
    due_on: dt.date
    amount: Decimal


class LoanIn(msgspec.Struct, frozen=True, kw_only=True):
    """An interest-free loan to a partner entity or to a (named) member project. `projects` is
    the number of member projects a line stands for when it aggregates several."""

    lender: str
    borrower_entity: str | None = None
    borrower_project: str | None = None
    projects: int | None = None
    principal: Decimal
    currency: str
    granted_on: dt.date
    schedule: tuple[InstalmentIn, ...]
    illustrative: bool = False
    note: str | None = None


class RepaymentIn(msgspec.Struct, frozen=True, kw_only=True):
    loan: int
    date: dt.date
    amount: Decimal
    illustrative: bool = False


# --- what is stored ----------------------------------------------------------------------------


class Programme(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    name: str
    funding_entity: str
    budget: Decimal
    currency: str
    starts_on: dt.date
    ends_on: dt.date
    purpose: str
    illustrative: bool
    created_by: str
    created_at: dt.datetime


class Allocation(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    programme: str
    partner: str
    amount: Decimal
    currency: str  # the programme's
    illustrative: bool
    note: str | None
    created_by: str
    created_at: dt.datetime


class Commitment(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    programme: str
    partner: str
    date: dt.date
    amount: Decimal
    currency: str  # the programme's
    description: str
    illustrative: bool
    created_by: str
    created_at: dt.datetime


class Disbursement(msgspec.Struct, frozen=True, kw_only=True):
    """`amount` in `currency` as paid; `programme_amount` the same in the programme currency,
    at `rate` (units of `currency` per 1 unit of the programme currency; 1 for the same
    currency) of the ECB day `rate_day` (None when no conversion was needed)."""

    id: int
    programme: str
    partner: str
    date: dt.date
    amount: Decimal
    currency: str
    programme_amount: Decimal
    programme_currency: str
    rate: Decimal
    rate_day: dt.date | None
    category: Category
    document: str
    description: str | None
    illustrative: bool
    created_by: str
    created_at: dt.datetime


class Instalment(msgspec.Struct, frozen=True, kw_only=True):
    due_on: dt.date
    amount: Decimal


class Loan(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    lender: str
    borrower_entity: str | None
    borrower_project: str | None
    projects: int | None
    principal: Decimal
    currency: str
    granted_on: dt.date
    schedule: tuple[Instalment, ...]
    illustrative: bool
    note: str | None
    created_by: str
    created_at: dt.datetime

    @property
    def borrower(self) -> str:
        return self.borrower_entity or self.borrower_project or ""


class Repayment(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    loan: int
    date: dt.date
    amount: Decimal
    currency: str  # the loan's
    illustrative: bool
    created_by: str
    created_at: dt.datetime


# --- what the arithmetic gives -----------------------------------------------------------------


class PartnerStatus(msgspec.Struct, frozen=True, kw_only=True):
    """One partner's position in a programme, in the programme currency."""

    partner: str
    allocated: Decimal
    committed: Decimal
    disbursed: Decimal
    illustrative: bool  # some of its allocations, commitments or disbursements are

    @property
    def remaining(self) -> Decimal:
        """Allocated and not yet disbursed."""
        return self.allocated - self.disbursed

    @property
    def uncommitted(self) -> Decimal:
        """Allocated and not yet committed."""
        return self.allocated - self.committed


class ProgrammeStatus(msgspec.Struct, frozen=True, kw_only=True):
    """A programme with its per-partner positions and totals (programme currency)."""

    programme: Programme
    partners: tuple[PartnerStatus, ...]
    allocated: Decimal
    committed: Decimal
    disbursed: Decimal
    allocations: tuple[Allocation, ...]
    commitments: tuple[Commitment, ...]
    disbursements: tuple[Disbursement, ...]

    @property
    def budget(self) -> Decimal:
        return self.programme.budget

    @property
    def unallocated(self) -> Decimal:
        return self.programme.budget - self.allocated

    @property
    def remaining(self) -> Decimal:
        """Budget not yet disbursed."""
        return self.programme.budget - self.disbursed

    @property
    def illustrative(self) -> bool:
        return self.programme.illustrative or any(p.illustrative for p in self.partners)


class InstalmentState(StrEnum):
    PAID = "paid"
    PARTLY_PAID = "partly paid"
    OVERDUE = "overdue"
    NOT_DUE = "not yet due"


class InstalmentStatus(msgspec.Struct, frozen=True, kw_only=True):
    """One scheduled instalment against the repayments made up to the as-of date, applied to
    the instalments in due order."""

    due_on: dt.date
    amount: Decimal
    paid: Decimal
    overdue: Decimal  # unpaid and due on or before the as-of date
    state: InstalmentState

    @property
    def unpaid(self) -> Decimal:
        return self.amount - self.paid


class LoanStatus(msgspec.Struct, frozen=True, kw_only=True):
    loan: Loan
    as_of: dt.date
    repaid: Decimal  # repayments dated on or before `as_of`
    due: Decimal  # instalments due on or before `as_of`
    instalments: tuple[InstalmentStatus, ...]
    repayments: tuple[Repayment, ...]  # those dated on or before `as_of`

    @property
    def outstanding(self) -> Decimal:
        return self.loan.principal - self.repaid

    @property
    def overdue(self) -> Decimal:
        return sum((i.overdue for i in self.instalments), Decimal(0))
