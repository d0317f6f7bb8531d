"""The demo's programmes and member-project loans: the published totals, the illustrative split,
the figures to the cent, and a second run that adds nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hub.auth.policy import Principal
from hub.investments import service
from hub.investments.demo import BUDGET_2024, PLAN, load_demo_programmes
from hub.investments.model import Category, InstalmentState
from hub.services import Hub
from tests.investments.scenario import row_counts

D = Decimal


async def test_the_demo_programmes_to_the_cent(hub: Hub, finance: Principal) -> None:
    loaded = await load_demo_programmes(hub, finance)
    assert loaded.already_there == []
    plan, budget = await service.programmes(hub, finance)
    assert (plan.programme.name, plan.programme.funding_entity, plan.budget) == (
        "Investment plan 2021-2023",
        "BE",
        D(3_300_000),
    )
    assert (plan.programme.starts_on, plan.programme.ends_on) == (
        dt.date(2021, 1, 1),
        dt.date(2023, 12, 31),
    )
    assert [
        (p.partner, p.allocated, p.committed, p.disbursed, p.remaining) for p in plan.partners
    ] == [
        ("DE", D(900_000), D(900_000), D(880_000), D(20_000)),
        ("AT", D(700_000), D(700_000), D(680_000), D(20_000)),
        ("IT", D(1_000_000), D(1_000_000), D(970_000), D(30_000)),
        ("SE", D(700_000), D(700_000), D(680_000), D(20_000)),
    ]
    assert (plan.allocated, plan.unallocated, plan.disbursed, plan.remaining) == (
        D(3_300_000),
        D(0),
        D(3_210_000),
        D(90_000),
    )
    by_year = {
        year: sum(d.programme_amount for d in plan.disbursements if d.date.year == year)
        for year in (2021, 2022, 2023)
    }
    assert by_year == {2021: D(1_070_000), 2022: D(1_270_000), 2023: D(870_000)}
    assert {d.category for d in plan.disbursements} == {
        Category.STAFFING,
        Category.AUTOMATION,
        Category.DIGITAL_PORTAL,
    }

    assert (budget.programme.name, budget.budget) == (BUDGET_2024.name, D(300_000))
    assert [(p.partner, p.allocated, p.disbursed) for p in budget.partners] == [
        ("DE", D(90_000), D(75_000)),
        ("AT", D(70_000), D(60_000)),
        ("IT", D(80_000), D(70_000)),
        ("SE", D(60_000), D("45212.82")),
    ]
    assert (budget.disbursed, budget.remaining) == (D("250212.82"), D("49787.18"))
    portal = [
        (d.partner, d.date, d.amount)
        for d in budget.disbursements
        if d.category is Category.DIGITAL_PORTAL and d.date.month == 2
    ]
    assert portal == [
        ("DE", dt.date(2024, 2, 15), D(45_000)),
        ("AT", dt.date(2024, 2, 15), D(35_000)),
    ]
    sek = next(d for d in budget.disbursements if d.currency == "SEK")
    # Sunday 30 June 2024: the ECB rate of Friday 28 June
    assert (sek.amount, sek.rate, sek.rate_day, sek.programme_amount) == (
        D(400_000),
        D("11.3595"),
        dt.date(2024, 6, 28),
        D("35212.82"),
    )


async def test_what_is_illustrative_says_so(hub: Hub, finance: Principal) -> None:
    await load_demo_programmes(hub, finance)
    programmes = await service.programmes(hub, finance)
    for status in programmes:
        assert not status.programme.illustrative  # the budgets are published
        assert status.illustrative
        assert all(a.illustrative for a in status.allocations)
        assert all(c.illustrative for c in status.commitments)
        assert all(d.illustrative for d in status.disbursements)
        assert all(p.illustrative for p in status.partners)
    loans = await service.loans(hub, finance, dt.date(2024, 12, 31))
    assert all(s.loan.illustrative for s in loans)
    assert all(r.illustrative for s in loans for r in s.repayments)
    assert PLAN.illustrative is False


async def test_the_member_project_loans_of_2024(hub: Hub, finance: Principal) -> None:
    await load_demo_programmes(hub, finance)
    loans = await service.loans(hub, finance, dt.date(2024, 12, 31))
    assert [(s.loan.borrower_project, s.loan.projects, s.loan.principal) for s in loans] == [
        ("Member projects 2024-Q1 (16 projects, aggregated)", 16, D(52_300)),
        ("Member projects 2024-Q2 (19 projects, aggregated)", 19, D(64_870)),
        ("Member projects 2024-Q3 (15 projects, aggregated)", 15, D(49_140)),
        ("Member projects 2024-Q4 (20 projects, aggregated)", 20, D(70_200)),
    ]
    assert sum(s.loan.projects or 0 for s in loans) == 70
    assert sum(s.loan.principal for s in loans) == D(236_510)
    assert {s.loan.lender for s in loans} == {"BE"}
    assert sum(s.repaid for s in loans) == D(80_870)
    assert sum(s.outstanding for s in loans) == D(155_640)
    assert [s.overdue for s in loans] == [D(3075), D(0), D(0), D(0)]
    q1 = loans[0]
    assert [(i.due_on.isoformat(), i.paid, i.state) for i in q1.instalments] == [
        ("2024-05-15", D(13_075), InstalmentState.PAID),
        ("2024-08-15", D(13_075), InstalmentState.PAID),
        ("2024-11-15", D(10_000), InstalmentState.OVERDUE),
        ("2025-02-15", D(0), InstalmentState.NOT_DUE),
    ]


async def test_loading_the_demo_twice_adds_nothing(hub: Hub, finance: Principal) -> None:
    first = await load_demo_programmes(hub, finance)
    counts = await row_counts(hub)
    assert counts == {
        "investment_programme": 2,
        "investment_allocation": 8,
        "investment_commitment": 8,
        "investment_disbursement": 28,
        "interest_free_loan": 4,
        "loan_instalment": 16,
        "loan_repayment": 6,
    }
    second = await load_demo_programmes(hub, finance)
    assert await row_counts(hub) == counts
    assert second.added == []
    assert second.already_there == first.added
