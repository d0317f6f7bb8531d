"""The demo's investment programmes and member-project loans, entered by finance through the
same service the GraphQL mutations use. Running it again adds nothing.

Published (annual report 2024): the investment plan 2021-2023 of EUR 3.3 M from Smart Belgium to
the four partners (DE, AT, IT, SE), so that each reaches financial equilibrium and can be
autonomous; the last budget of EUR 300,000 for 2024, approved by the Belgian board end 2023, for
automation and digitalisation (the Smart Portal launched by Germany and Austria in February
2024); Belgium's interest-free loans to member projects: 70 projects, EUR 236,510 in 2024.

Not published, hence `illustrative`: the split per partner, the commitments, every disbursement
(dates, amounts, categories), the loans per quarter and their schedules and repayments.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from hub.auth.policy import Principal
from hub.fx.demo import load_demo_rates
from hub.investments import service
from hub.investments.model import (
    AllocationIn,
    Category,
    CommitmentIn,
    DisbursementIn,
    InstalmentIn,
    LoanIn,
    ProgrammeIn,
    RepaymentIn,
)
from hub.services import Hub

D = Decimal
SOURCE = "Annual report 2024 (version 30/03/25)"
ILLUSTRATIVE = "illustrative: the annual report does not publish it"

PLAN = ProgrammeIn(
    name="Investment plan 2021-2023",
    funding_entity="BE",
    budget=D(3_300_000),
    currency="EUR",
    starts_on=dt.date(2021, 1, 1),
    ends_on=dt.date(2023, 12, 31),
    purpose="Bring the partners in Germany, Austria, Italy and Sweden to financial equilibrium "
    f"so that each can be autonomous ({SOURCE}; the goals were not fully reached)",
)
BUDGET_2024 = ProgrammeIn(
    name="Budget 2024: automation and digitalisation",
    funding_entity="BE",
    budget=D(300_000),
    currency="EUR",
    starts_on=dt.date(2024, 1, 1),
    ends_on=dt.date(2024, 12, 31),
    purpose="Last budget, approved by the Belgian board end 2023: a web portal for members and "
    "advisers, a better user experience, automated financial reports and data extraction "
    f"(the Smart Portal of Germany and Austria, February 2024) ({SOURCE})",
)

# The split per partner (illustrative), in EUR.
PLAN_SPLIT = {"DE": D(900_000), "AT": D(700_000), "IT": D(1_000_000), "SE": D(700_000)}
BUDGET_2024_SPLIT = {"DE": D(90_000), "AT": D(70_000), "IT": D(80_000), "SE": D(60_000)}


@dataclass(frozen=True, slots=True)
class Paid:
    partner: str
    date: dt.date
    amount: Decimal
    category: Category
    description: str
    currency: str = "EUR"


S, A, P, T = Category.STAFFING, Category.AUTOMATION, Category.DIGITAL_PORTAL, Category.TRAINING


WHAT = {
    S: "the partner's team (staff)",
    A: "automation of the partner's processes",
    P: "the partner's digital portal",
}


def _yearly(partner: str, rows: list[tuple[int, int, int, Category]]) -> list[Paid]:
    """(year, month, amount, category): paid at the end of March or of September."""
    ends = {3: 31, 9: 30}
    return [
        Paid(partner, dt.date(year, month, ends[month]), D(amount), category, WHAT[category])
        for year, month, amount, category in rows
    ]


# Illustrative yearly disbursements of the plan, within the split: 3,210,000.00 EUR in all
# (2021: 1,070,000; 2022: 1,270,000; 2023: 870,000).
PLAN_PAID = [
    *_yearly("DE", [(2021, 3, 300_000, S), (2022, 3, 250_000, S), (2022, 9, 100_000, A)]),
    *_yearly("DE", [(2023, 3, 150_000, S), (2023, 9, 80_000, P)]),
    *_yearly("AT", [(2021, 3, 220_000, S), (2022, 3, 200_000, S), (2022, 9, 60_000, A)]),
    *_yearly("AT", [(2023, 3, 140_000, S), (2023, 9, 60_000, P)]),
    *_yearly("IT", [(2021, 3, 320_000, S), (2022, 3, 300_000, S), (2022, 9, 90_000, A)]),
    *_yearly("IT", [(2023, 3, 200_000, S), (2023, 9, 60_000, A)]),
    *_yearly("SE", [(2021, 3, 230_000, S), (2022, 3, 200_000, S), (2022, 9, 70_000, A)]),
    *_yearly("SE", [(2023, 3, 130_000, S), (2023, 9, 50_000, P)]),
]

PORTAL = "Smart Portal, shared by Germany and Austria, launched in February 2024"
# Illustrative 2024 disbursements, within the split; Sweden's first one in SEK (converted at
# the ECB rate of Friday 28 June 2024, the last before the Sunday it is dated).
BUDGET_2024_PAID = [
    Paid("DE", dt.date(2024, 2, 15), D(45_000), P, f"{PORTAL}: the German share"),
    Paid("AT", dt.date(2024, 2, 15), D(35_000), P, f"{PORTAL}: the Austrian share"),
    Paid("IT", dt.date(2024, 5, 31), D(50_000), A, "Automated financial reports"),
    Paid("SE", dt.date(2024, 6, 30), D(400_000), A, "Data extraction and reports", "SEK"),
    Paid("DE", dt.date(2024, 9, 30), D(30_000), A, "Automated financial reports"),
    Paid("AT", dt.date(2024, 9, 30), D(25_000), A, "Automated financial reports"),
    Paid("IT", dt.date(2024, 10, 31), D(20_000), P, "Member and adviser portal: user experience"),
    Paid("SE", dt.date(2024, 11, 29), D(10_000), T, "Advisers trained on the tools"),
]


@dataclass(frozen=True, slots=True)
class QuarterLoans:
    """Belgium's interest-free loans to the member projects of one quarter, as one line."""

    quarter: str
    projects: int
    principal: Decimal
    granted_on: dt.date
    due: tuple[dt.date, ...]  # four equal instalments
    repaid: tuple[tuple[dt.date, Decimal], ...]

    @property
    def borrower(self) -> str:
        return f"Member projects {self.quarter} ({self.projects} projects, aggregated)"


def _d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# 70 projects, 236,510.00 EUR in 2024 (published); the split per quarter, the schedules and the
# repayments are illustrative. As of 2024-12-31: 80,870.00 repaid, 155,640.00 outstanding,
# 3,075.00 overdue (Q1's third instalment, partly paid).
MEMBER_LOANS_2024 = (
    QuarterLoans(
        "2024-Q1",
        16,
        D(52_300),
        _d("2024-02-15"),
        (_d("2024-05-15"), _d("2024-08-15"), _d("2024-11-15"), _d("2025-02-15")),
        (
            (_d("2024-05-15"), D(13_075)),
            (_d("2024-08-20"), D(13_075)),
            (_d("2024-11-15"), D(10_000)),
        ),
    ),
    QuarterLoans(
        "2024-Q2",
        19,
        D(64_870),
        _d("2024-05-15"),
        (_d("2024-08-15"), _d("2024-11-15"), _d("2025-02-15"), _d("2025-05-15")),
        ((_d("2024-08-15"), D("16217.50")), (_d("2024-11-15"), D("16217.50"))),
    ),
    QuarterLoans(
        "2024-Q3",
        15,
        D(49_140),
        _d("2024-08-15"),
        (_d("2024-11-15"), _d("2025-02-15"), _d("2025-05-15"), _d("2025-08-15")),
        ((_d("2024-11-20"), D(12_285)),),
    ),
    QuarterLoans(
        "2024-Q4",
        20,
        D(70_200),
        _d("2024-11-15"),
        (_d("2025-02-15"), _d("2025-05-15"), _d("2025-08-15"), _d("2025-11-15")),
        (),
    ),
)


@dataclass(slots=True)
class DemoInvestments:
    added: list[str] = field(default_factory=list)
    already_there: list[str] = field(default_factory=list)


async def _programme(
    hub: Hub,
    finance: Principal,
    programme: ProgrammeIn,
    split: dict[str, Decimal],
    paid: list[Paid],
    result: DemoInvestments,
) -> None:
    """The programme and whatever of its allocations, commitments and disbursements is not
    there yet."""
    existing = await service.programmes(hub, finance, [programme.name])
    if not existing:
        await service.create_programme(hub, finance, programme)
        result.added.append(programme.name)
        existing = await service.programmes(hub, finance, [programme.name])
    else:
        result.already_there.append(programme.name)
    status = existing[0]
    allocated = {(a.partner, a.amount) for a in status.allocations}
    committed = {(c.partner, c.date, c.amount) for c in status.commitments}
    documents = {d.document for d in status.disbursements}
    for partner, amount in split.items():
        if (partner, amount) not in allocated:
            await service.allocate(
                hub,
                finance,
                AllocationIn(
                    programme=programme.name,
                    partner=partner,
                    amount=amount,
                    illustrative=True,
                    note=f"The split per partner is {ILLUSTRATIVE}",
                ),
            )
        signed = programme.starts_on + dt.timedelta(days=14)
        if (partner, signed, amount) not in committed:
            await service.commit(
                hub,
                finance,
                CommitmentIn(
                    programme=programme.name,
                    partner=partner,
                    date=signed,
                    amount=amount,
                    description=f"Agreement with {hub.registry.entities[partner].name} on "
                    f'"{programme.name}" ({ILLUSTRATIVE})',
                    illustrative=True,
                ),
            )
    for number, row in enumerate(paid, start=1):
        document = f"DEMO-{programme.starts_on.year}-{row.partner}-{number:02d}"
        if document in documents:
            continue
        await service.disburse(
            hub,
            finance,
            DisbursementIn(
                programme=programme.name,
                partner=row.partner,
                date=row.date,
                amount=row.amount,
                currency=row.currency,
                category=row.category,
                document=document,
                description=f"{row.description} ({ILLUSTRATIVE})",
                illustrative=True,
            ),
        )


async def _loans(hub: Hub, finance: Principal, result: DemoInvestments) -> None:
    stored = {
        (s.loan.borrower_project, s.loan.granted_on): s
        for s in await service.loans(hub, finance, dt.date.today())
    }
    for line in MEMBER_LOANS_2024:
        status = stored.get((line.borrower, line.granted_on))
        if status is None:
            instalment = line.principal / len(line.due)
            status = await service.grant_loan(
                hub,
                finance,
                LoanIn(
                    lender="BE",
                    borrower_project=line.borrower,
                    projects=line.projects,
                    principal=line.principal,
                    currency="EUR",
                    granted_on=line.granted_on,
                    schedule=tuple(InstalmentIn(due_on=day, amount=instalment) for day in line.due),
                    illustrative=True,
                    note="70 projects and 236,510 EUR in 2024 are published; the split per "
                    f"quarter, the schedule and the repayments are {ILLUSTRATIVE}",
                ),
            )
            result.added.append(line.borrower)
        else:
            result.already_there.append(line.borrower)
        made = {(r.date, r.amount) for r in status.repayments}
        for day, amount in line.repaid:
            if (day, amount) not in made:
                await service.repay(
                    hub,
                    finance,
                    RepaymentIn(loan=status.loan.id, date=day, amount=amount, illustrative=True),
                )


async def load_demo_programmes(hub: Hub, finance_principal: Principal) -> DemoInvestments:
    """The plan 2021-2023, the budget 2024 and the member-project loans of 2024, with the ECB
    rates the SEK disbursement needs (imported if missing). Idempotent."""
    await load_demo_rates(hub)
    result = DemoInvestments()
    await _programme(hub, finance_principal, PLAN, PLAN_SPLIT, PLAN_PAID, result)
    await _programme(
        hub, finance_principal, BUDGET_2024, BUDGET_2024_SPLIT, BUDGET_2024_PAID, result
    )
    await _loans(hub, finance_principal, result)
    return result
