"""GraphQL for shared investment programmes and interest-free loans: programmes with their
positions per partner and in total, loans with what is outstanding and overdue, and finance's
mutations. A refused input is a GraphQL error with `extensions.code = "INVESTMENT"` and the
field it names (camel case, as in the inputs).

`Category` and `InstalmentState` are registered as Strawberry enums here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import strawberry

from graphql import GraphQLError
from hub.api.convert import from_model
from hub.context import Info
from hub.investments import model, service
from hub.investments.model import Category, InstalmentState, InvestmentError

strawberry.enum(Category, name="DisbursementCategory", description="What a disbursement paid for.")
strawberry.enum(InstalmentState, name="InstalmentState")

AMOUNT = ("amount",)
STATUS_AMOUNTS = ("allocated", "committed", "disbursed", "remaining")
ILLUSTRATIVE = (
    "True when the value is not published: an illustrative stand-in (the demo's split per "
    "partner, disbursements and loans)."
)


def _camel(field: str) -> str:
    return re.sub(r"_([a-z])", lambda m: m.group(1).upper(), field)


@contextmanager
def refusals() -> Iterator[None]:
    """An `InvestmentError` as a GraphQL error naming the input field."""
    try:
        yield
    except InvestmentError as error:
        field = _camel(error.field)
        raise GraphQLError(
            f"{field}: {error.reason}", extensions={"code": "INVESTMENT", "field": field}
        ) from error


# --- programmes --------------------------------------------------------------------------------


@strawberry.type(description="A partner's position in a programme, in the programme currency.")
class InvestmentPartner:
    partner: str
    allocated: Decimal
    committed: Decimal
    disbursed: Decimal
    remaining: Decimal = strawberry.field(description="Allocated and not yet disbursed.")
    uncommitted: Decimal = strawberry.field(description="Allocated and not yet committed.")
    currency: str
    illustrative: bool = strawberry.field(description=ILLUSTRATIVE)


@strawberry.type(description="Part of a programme's budget set aside for a partner.")
class InvestmentAllocation:
    id: int
    programme: str
    partner: str
    amount: Decimal
    currency: str
    illustrative: bool = strawberry.field(description=ILLUSTRATIVE)
    note: str | None
    created_by: str
    created_at: dt.datetime

    @classmethod
    def of(cls, a: model.Allocation) -> InvestmentAllocation:
        return from_model(cls, a, presented=AMOUNT)


@strawberry.type(description="An engagement towards a partner, in the programme currency.")
class InvestmentCommitment:
    id: int
    programme: str
    partner: str
    date: dt.date
    amount: Decimal
    currency: str
    description: str
    illustrative: bool = strawberry.field(description=ILLUSTRATIVE)
    created_by: str
    created_at: dt.datetime

    @classmethod
    def of(cls, c: model.Commitment) -> InvestmentCommitment:
        return from_model(cls, c, presented=AMOUNT)


@strawberry.type(description="A payment to a partner, as paid and in the programme currency.")
class InvestmentDisbursement:
    id: int
    programme: str
    partner: str
    date: dt.date
    amount: Decimal = strawberry.field(description="As paid, in `currency`.")
    currency: str
    programme_amount: Decimal = strawberry.field(
        description="In the programme currency: `amount` / `rate`, to the cent (half-even)."
    )
    programme_currency: str
    rate: Decimal = strawberry.field(
        description="Units of `currency` per 1 unit of the programme currency: the ECB daily "
        "rate of `date`, or the last one before it within 5 days; 1 for the same currency."
    )
    rate_day: dt.date | None = strawberry.field(
        description="The ECB day of `rate`; null when no conversion was needed."
    )
    category: Category
    document: str
    description: str | None
    illustrative: bool = strawberry.field(description=ILLUSTRATIVE)
    created_by: str
    created_at: dt.datetime

    @classmethod
    def of(cls, d: model.Disbursement) -> InvestmentDisbursement:
        return from_model(cls, d, presented=("amount", "programme_amount"))


@strawberry.type(
    description="A funder's investment programme: its budget, and what is allocated, "
    "committed and disbursed, per partner and in total (programme currency)."
)
class InvestmentProgramme:
    name: str
    funding_entity: str
    budget: Decimal
    currency: str
    starts_on: dt.date
    ends_on: dt.date
    purpose: str
    illustrative: bool = strawberry.field(
        description="True when the programme itself, or any of its allocations, commitments or "
        "disbursements, is illustrative (not published)."
    )
    allocated: Decimal
    unallocated: Decimal = strawberry.field(description="Budget not yet allocated.")
    committed: Decimal
    disbursed: Decimal
    remaining: Decimal = strawberry.field(description="Budget not yet disbursed.")
    partners: list[InvestmentPartner]
    allocations: list[InvestmentAllocation]
    commitments: list[InvestmentCommitment]
    disbursements: list[InvestmentDisbursement]
    created_by: str
    created_at: dt.datetime

    @classmethod
    def of(cls, status: model.ProgrammeStatus) -> InvestmentProgramme:
        return from_model(
            cls,
            status,
            status.programme,
            presented=("budget", "unallocated", *STATUS_AMOUNTS),
            partners=[
                from_model(
                    InvestmentPartner,
                    s,
                    presented=(*STATUS_AMOUNTS, "uncommitted"),
                    currency=status.programme.currency,
                )
                for s in status.partners
            ],
            allocations=[InvestmentAllocation.of(a) for a in status.allocations],
            commitments=[InvestmentCommitment.of(c) for c in status.commitments],
            disbursements=[InvestmentDisbursement.of(d) for d in status.disbursements],
        )


# --- loans -------------------------------------------------------------------------------------


@strawberry.type(description="A scheduled instalment against the repayments made by `asOf`.")
class LoanInstalment:
    due_on: dt.date
    amount: Decimal
    paid: Decimal = strawberry.field(
        description="Covered by the repayments made by `asOf`, earliest instalment first."
    )
    unpaid: Decimal
    overdue: Decimal = strawberry.field(description="Unpaid and due on or before `asOf`.")
    state: InstalmentState


@strawberry.type(description="A repayment of an interest-free loan, in the loan's currency.")
class LoanRepayment:
    id: int
    loan: int
    date: dt.date
    amount: Decimal
    currency: str
    illustrative: bool = strawberry.field(description=ILLUSTRATIVE)
    created_by: str
    created_at: dt.datetime


@strawberry.type(
    description="An interest-free loan to a partner entity or a member project, as of a date."
)
class InvestmentLoan:
    id: int
    lender: str
    borrower_entity: str | None
    borrower_project: str | None
    projects: int | None = strawberry.field(
        description="How many member projects the line stands for, when it aggregates several."
    )
    principal: Decimal
    currency: str
    granted_on: dt.date
    illustrative: bool = strawberry.field(description=ILLUSTRATIVE)
    note: str | None
    as_of: dt.date
    repaid: Decimal = strawberry.field(description="Repayments made by `asOf`.")
    outstanding: Decimal = strawberry.field(description="Principal less the repayments.")
    due: Decimal = strawberry.field(description="Instalments due on or before `asOf`.")
    overdue: Decimal = strawberry.field(description="Due by `asOf` and not repaid.")
    instalments: list[LoanInstalment]
    repayments: list[LoanRepayment]
    created_by: str
    created_at: dt.datetime

    @classmethod
    def of(cls, status: model.LoanStatus) -> InvestmentLoan:
        return from_model(
            cls,
            status,
            status.loan,
            presented=("principal", "repaid", "outstanding", "due", "overdue"),
            instalments=[
                from_model(LoanInstalment, i, presented=("amount", "paid", "unpaid", "overdue"))
                for i in status.instalments
            ],
            repayments=[from_model(LoanRepayment, r, presented=AMOUNT) for r in status.repayments],
        )


@strawberry.type
class InvestmentQuery:
    @strawberry.field(
        description="Investment programmes (all, or those named) with their positions per "
        "partner and in total."
    )
    async def investment_programmes(
        self, info: Info, name: list[str] | None = None
    ) -> list[InvestmentProgramme]:
        found = await service.programmes(info.context.hub, info.context.caller, name)
        return [InvestmentProgramme.of(status) for status in found]

    @strawberry.field(
        description="Interest-free loans (all, or those given) as of a date (default: today): "
        "outstanding, and the schedule against the repayments made."
    )
    async def investment_loans(
        self, info: Info, as_of: dt.date | None = None, id: list[int] | None = None
    ) -> list[InvestmentLoan]:
        found = await service.loans(
            info.context.hub, info.context.caller, as_of or dt.date.today(), id
        )
        return [InvestmentLoan.of(status) for status in found]


# --- mutations ---------------------------------------------------------------------------------


@strawberry.input
class InvestmentProgrammeInput:
    name: str
    funding_entity: str
    budget: Decimal
    currency: str
    starts_on: dt.date
    ends_on: dt.date
    purpose: str
    illustrative: bool = strawberry.field(default=False, description=ILLUSTRATIVE)


@strawberry.input
class InvestmentAllocationInput:
    programme: str = strawberry.field(description="The programme's name.")
    partner: str
    amount: Decimal = strawberry.field(description="In the programme currency.")
    illustrative: bool = strawberry.field(default=False, description=ILLUSTRATIVE)
    note: str | None = None


@strawberry.input
class InvestmentCommitmentInput:
    programme: str = strawberry.field(description="The programme's name.")
    partner: str
    date: dt.date
    amount: Decimal = strawberry.field(description="In the programme currency.")
    description: str
    illustrative: bool = strawberry.field(default=False, description=ILLUSTRATIVE)


@strawberry.input
class InvestmentDisbursementInput:
    programme: str = strawberry.field(description="The programme's name.")
    partner: str
    date: dt.date
    amount: Decimal
    currency: str = strawberry.field(
        description="Any currency with an ECB rate on `date` (or within 5 days before)."
    )
    category: Category
    document: str = strawberry.field(
        description="The transfer, invoice or agreement behind the payment."
    )
    description: str | None = None
    illustrative: bool = strawberry.field(default=False, description=ILLUSTRATIVE)


@strawberry.input
class LoanInstalmentInput:
    due_on: dt.date
    amount: Decimal


@strawberry.input
class LoanInput:
    lender: str
    borrower_entity: str | None = strawberry.field(
        default=None, description="A partner entity; or give `borrowerProject`."
    )
    borrower_project: str | None = strawberry.field(
        default=None, description="A member project (or a line of several); or `borrowerEntity`."
    )
    projects: int | None = None
    principal: Decimal
    currency: str
    granted_on: dt.date
    schedule: list[LoanInstalmentInput] = strawberry.field(
        description="Instalments due after the grant, summing to the principal."
    )
    illustrative: bool = strawberry.field(default=False, description=ILLUSTRATIVE)
    note: str | None = None


@strawberry.input
class LoanRepaymentInput:
    loan: int
    date: dt.date
    amount: Decimal = strawberry.field(description="In the loan's currency.")
    illustrative: bool = strawberry.field(default=False, description=ILLUSTRATIVE)


@strawberry.type
class InvestmentMutation:
    @strawberry.mutation(description="Create an investment programme with its budget (finance).")
    async def create_programme(
        self, info: Info, input: InvestmentProgrammeInput
    ) -> InvestmentProgramme:
        with refusals():
            status = await service.create_programme(
                info.context.hub,
                info.context.caller,
                from_model(model.ProgrammeIn, input),
            )
        return InvestmentProgramme.of(status)

    @strawberry.mutation(
        description="Allocate part of a programme's budget to a partner (finance); allocations "
        "may not total more than the budget."
    )
    async def allocate(self, info: Info, input: InvestmentAllocationInput) -> InvestmentAllocation:
        with refusals():
            stored = await service.allocate(
                info.context.hub,
                info.context.caller,
                from_model(model.AllocationIn, input),
            )
        return InvestmentAllocation.of(stored)

    @strawberry.mutation(
        description="Record a commitment to a partner (finance), within its allocation."
    )
    async def commit(self, info: Info, input: InvestmentCommitmentInput) -> InvestmentCommitment:
        with refusals():
            stored = await service.commit(
                info.context.hub,
                info.context.caller,
                from_model(model.CommitmentIn, input),
            )
        return InvestmentCommitment.of(stored)

    @strawberry.mutation(
        description="Record a disbursement to a partner (finance), converted to the programme "
        "currency at the ECB rate of its date; within the partner's allocation."
    )
    async def disburse(
        self, info: Info, input: InvestmentDisbursementInput
    ) -> InvestmentDisbursement:
        with refusals():
            stored = await service.disburse(
                info.context.hub,
                info.context.caller,
                from_model(model.DisbursementIn, input),
            )
        return InvestmentDisbursement.of(stored)

    @strawberry.mutation(description="Grant an interest-free loan with its schedule (finance).")
    async def grant_loan(self, info: Info, input: LoanInput) -> InvestmentLoan:
        with refusals():
            status = await service.grant_loan(
                info.context.hub,
                info.context.caller,
                from_model(
                    model.LoanIn,
                    input,
                    schedule=tuple(from_model(model.InstalmentIn, i) for i in input.schedule),
                ),
            )
        return InvestmentLoan.of(status)

    @strawberry.mutation(
        description="Record a repayment (finance), at most what is outstanding; answers the "
        "loan as of today."
    )
    async def repay(self, info: Info, input: LoanRepaymentInput) -> InvestmentLoan:
        hub, caller = info.context.hub, info.context.caller
        with refusals():
            stored = await service.repay(
                hub,
                caller,
                from_model(model.RepaymentIn, input),
            )
        (status,) = await service.loans(hub, caller, dt.date.today(), [stored.loan])
        return InvestmentLoan.of(status)
