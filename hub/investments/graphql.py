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
from hub.api.presentation import present
from hub.context import Info
from hub.investments import model, service
from hub.investments.model import Category, InstalmentState, InvestmentError

strawberry.enum(Category, name="DisbursementCategory", description="What a disbursement paid for.")
strawberry.enum(InstalmentState, name="InstalmentState")

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
        return cls(
            id=a.id,
            programme=a.programme,
            partner=a.partner,
            amount=present(a.amount),
            currency=a.currency,
            illustrative=a.illustrative,
            note=a.note,
            created_by=a.created_by,
            created_at=a.created_at,
        )


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
        return cls(
            id=c.id,
            programme=c.programme,
            partner=c.partner,
            date=c.date,
            amount=present(c.amount),
            currency=c.currency,
            description=c.description,
            illustrative=c.illustrative,
            created_by=c.created_by,
            created_at=c.created_at,
        )


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
        return cls(
            id=d.id,
            programme=d.programme,
            partner=d.partner,
            date=d.date,
            amount=present(d.amount),
            currency=d.currency,
            programme_amount=present(d.programme_amount),
            programme_currency=d.programme_currency,
            rate=d.rate,
            rate_day=d.rate_day,
            category=d.category,
            document=d.document,
            description=d.description,
            illustrative=d.illustrative,
            created_by=d.created_by,
            created_at=d.created_at,
        )


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
        p = status.programme
        return cls(
            name=p.name,
            funding_entity=p.funding_entity,
            budget=present(p.budget),
            currency=p.currency,
            starts_on=p.starts_on,
            ends_on=p.ends_on,
            purpose=p.purpose,
            illustrative=status.illustrative,
            allocated=present(status.allocated),
            unallocated=present(status.unallocated),
            committed=present(status.committed),
            disbursed=present(status.disbursed),
            remaining=present(status.remaining),
            partners=[
                InvestmentPartner(
                    partner=s.partner,
                    allocated=present(s.allocated),
                    committed=present(s.committed),
                    disbursed=present(s.disbursed),
                    remaining=present(s.remaining),
                    uncommitted=present(s.uncommitted),
                    currency=p.currency,
                    illustrative=s.illustrative,
                )
                for s in status.partners
            ],
            allocations=[InvestmentAllocation.of(a) for a in status.allocations],
            commitments=[InvestmentCommitment.of(c) for c in status.commitments],
            disbursements=[InvestmentDisbursement.of(d) for d in status.disbursements],
            created_by=p.created_by,
            created_at=p.created_at,
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
        loan = status.loan
        return cls(
            id=loan.id,
            lender=loan.lender,
            borrower_entity=loan.borrower_entity,
            borrower_project=loan.borrower_project,
            projects=loan.projects,
            principal=present(loan.principal),
            currency=loan.currency,
            granted_on=loan.granted_on,
            illustrative=loan.illustrative,
            note=loan.note,
            as_of=status.as_of,
            repaid=present(status.repaid),
            outstanding=present(status.outstanding),
            due=present(status.due),
            overdue=present(status.overdue),
            instalments=[
                LoanInstalment(
                    due_on=i.due_on,
                    amount=present(i.amount),
                    paid=present(i.paid),
                    unpaid=present(i.unpaid),
                    overdue=present(i.overdue),
                    state=i.state,
                )
                for i in status.instalments
            ],
            repayments=[
                LoanRepayment(
                    id=r.id,
                    loan=r.loan,
                    date=r.date,
                    amount=present(r.amount),
                    currency=r.currency,
                    illustrative=r.illustrative,
                    created_by=r.created_by,
                    created_at=r.created_at,
                )
                for r in status.repayments
            ],
            created_by=loan.created_by,
            created_at=loan.created_at,
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
                model.ProgrammeIn(
                    name=input.name,
                    funding_entity=input.funding_entity,
                    budget=input.budget,
                    currency=input.currency,
                    starts_on=input.starts_on,
                    ends_on=input.ends_on,
                    purpose=input.purpose,
                    illustrative=input.illustrative,
                ),
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
                model.AllocationIn(
                    programme=input.programme,
                    partner=input.partner,
                    amount=input.amount,
                    illustrative=input.illustrative,
                    note=input.note,
                ),
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
                model.CommitmentIn(
                    programme=input.programme,
                    partner=input.partner,
                    date=input.date,
                    amount=input.amount,
                    description=input.description,
                    illustrative=input.illustrative,
                ),
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
                model.DisbursementIn(
                    programme=input.programme,
                    partner=input.partner,
                    date=input.date,
                    amount=input.amount,
                    currency=input.currency,
                    category=input.category,
                    document=input.document,
                    description=input.description,
                    illustrative=input.illustrative,
                ),
            )
        return InvestmentDisbursement.of(stored)

    @strawberry.mutation(description="Grant an interest-free loan with its schedule (finance).")
    async def grant_loan(self, info: Info, input: LoanInput) -> InvestmentLoan:
        with refusals():
            status = await service.grant_loan(
                info.context.hub,
                info.context.caller,
                model.LoanIn(
                    lender=input.lender,
                    borrower_entity=input.borrower_entity,
                    borrower_project=input.borrower_project,
                    projects=input.projects,
                    principal=input.principal,
                    currency=input.currency,
                    granted_on=input.granted_on,
                    schedule=tuple(
                        model.InstalmentIn(due_on=i.due_on, amount=i.amount) for i in input.schedule
                    ),
                    illustrative=input.illustrative,
                    note=input.note,
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
                model.RepaymentIn(
                    loan=input.loan,
                    date=input.date,
                    amount=input.amount,
                    illustrative=input.illustrative,
                ),
            )
        (status,) = await service.loans(hub, caller, dt.date.today(), [stored.loan])
        return InvestmentLoan.of(status)
