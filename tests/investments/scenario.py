"""The test scenario: the plan 2021-2023 with allocations, commitments and disbursements (two in
SEK, at the ECB rates of their dates), a second programme with one partner, and a loan to a
member project; and a count of the rows of every investment table."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from hub.auth.policy import Principal
from hub.fx.demo import excerpt
from hub.fx.service import import_ecb
from hub.investments import service
from hub.investments.model import (
    AllocationIn,
    Category,
    CommitmentIn,
    DisbursementIn,
    InstalmentIn,
    LoanIn,
    ProgrammeIn,
)
from hub.services import Hub

D = Decimal
PLAN = "Investment plan 2021-2023"
BUDGET_2024 = "Budget 2024"
PLAN_BUDGET = D(3_300_000)

TABLES = (
    "investment_programme",
    "investment_allocation",
    "investment_commitment",
    "investment_disbursement",
    "interest_free_loan",
    "loan_instalment",
    "loan_repayment",
)


async def row_counts(hub: Hub) -> dict[str, int]:
    async with hub.db.pool.acquire() as connection:
        return {t: await connection.fetchval(f"select count(*) from {t}") for t in TABLES}


def programme(
    name: str = PLAN,
    budget: Decimal = PLAN_BUDGET,
    starts_on: dt.date = dt.date(2021, 1, 1),
    ends_on: dt.date = dt.date(2023, 12, 31),
    funder: str = "BE",
) -> ProgrammeIn:
    return ProgrammeIn(
        name=name,
        funding_entity=funder,
        budget=budget,
        currency="EUR",
        starts_on=starts_on,
        ends_on=ends_on,
        purpose="Financial equilibrium and autonomy of the partners",
    )


def paid(
    partner: str,
    day: str,
    amount: str,
    currency: str = "EUR",
    name: str = PLAN,
    category: Category = Category.STAFFING,
    document: str = "transfer",
) -> DisbursementIn:
    return DisbursementIn(
        programme=name,
        partner=partner,
        date=dt.date.fromisoformat(day),
        amount=D(amount),
        currency=currency,
        category=category,
        document=document,
    )


def member_loan(
    principal: str = "6000",
    schedule: tuple[tuple[str, str], ...] = (("2024-06-30", "3000"), ("2024-12-31", "3000")),
    granted_on: str = "2024-02-01",
) -> LoanIn:
    return LoanIn(
        lender="BE",
        borrower_project="Bakery cooperative, Ghent",
        principal=D(principal),
        currency="EUR",
        granted_on=dt.date.fromisoformat(granted_on),
        schedule=tuple(
            InstalmentIn(due_on=dt.date.fromisoformat(day), amount=D(amount))
            for day, amount in schedule
        ),
    )


@dataclass(frozen=True, slots=True)
class Scenario:
    loan_id: int


async def build(hub: Hub, finance: Principal) -> Scenario:
    """Budget 3,300,000.00; allocated DE 1,000,000, AT 700,000, IT 900,000, SE 600,000;
    committed DE 950,000.50, SE 400,000; disbursed DE 450,000.00 (EUR), IT 250,000.00 (EUR),
    SE 1,000,000 SEK on Thursday 2023-06-15 at 11.6206 (86,054.08 EUR) and 2,000,000 SEK on
    Saturday 2023-07-01 at Friday's 11.8055 (169,412.56 EUR)."""
    await import_ecb(hub, excerpt(), None)
    await service.create_programme(hub, finance, programme())
    for partner, share in (("DE", 1_000_000), ("AT", 700_000), ("IT", 900_000), ("SE", 600_000)):
        await service.allocate(
            hub, finance, AllocationIn(programme=PLAN, partner=partner, amount=D(share))
        )
    for partner, day, amount in (
        ("DE", "2021-01-15", "750000"),
        ("DE", "2022-02-01", "200000.50"),
        ("SE", "2023-01-10", "400000"),
    ):
        await service.commit(
            hub,
            finance,
            CommitmentIn(
                programme=PLAN,
                partner=partner,
                date=dt.date.fromisoformat(day),
                amount=D(amount),
                description="Investment agreement",
            ),
        )
    for disbursement in (
        paid("DE", "2021-03-31", "300000.25"),
        paid("DE", "2022-09-30", "149999.75", category=Category.AUTOMATION),
        paid("IT", "2023-03-31", "250000"),
        paid("SE", "2023-06-15", "1000000", "SEK", category=Category.AUTOMATION),
        paid("SE", "2023-07-01", "2000000", "SEK", category=Category.DIGITAL_PORTAL),
    ):
        await service.disburse(hub, finance, disbursement)
    await service.create_programme(
        hub,
        finance,
        programme(BUDGET_2024, D(300_000), dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    )
    await service.allocate(
        hub, finance, AllocationIn(programme=BUDGET_2024, partner="DE", amount=D(100_000))
    )
    loan = await service.grant_loan(hub, finance, member_loan())
    return Scenario(loan_id=loan.loan.id)
