"""Investment programmes against PostgreSQL: positions to the cent, conversion at the ECB rate of
the day, every refusal by its message with nothing stored, concurrent writers, access."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import Awaitable, Callable
from decimal import Decimal

import asyncpg
import pytest
from msgspec.structs import replace

from hub.auth.policy import AccessDenied, Principal
from hub.fx.demo import excerpt
from hub.fx.service import import_ecb
from hub.investments import service
from hub.investments.model import (
    AllocationIn,
    Category,
    CommitmentIn,
    InvestmentError,
    RepaymentIn,
)
from hub.services import Hub
from tests.investments.scenario import (
    BUDGET_2024,
    PLAN,
    Scenario,
    build,
    member_loan,
    paid,
    programme,
    row_counts,
)

D = Decimal


@pytest.fixture
async def scenario(hub: Hub, finance: Principal) -> Scenario:
    return await build(hub, finance)


async def test_budget_allocated_committed_and_disbursed_per_partner_to_the_cent(
    hub: Hub, finance: Principal, scenario: Scenario
) -> None:
    (plan,) = await service.programmes(hub, finance, [PLAN])
    assert [
        (p.partner, p.allocated, p.committed, p.disbursed, p.remaining, p.uncommitted)
        for p in plan.partners
    ] == [
        ("DE", D("1000000.00"), D("950000.50"), D("450000.00"), D("550000.00"), D("49999.50")),
        ("AT", D("700000.00"), D("0.00"), D("0.00"), D("700000.00"), D("700000.00")),
        ("IT", D("900000.00"), D("0.00"), D("250000.00"), D("650000.00"), D("900000.00")),
        ("SE", D("600000.00"), D("400000.00"), D("255466.64"), D("344533.36"), D("200000.00")),
    ]
    assert (plan.budget, plan.allocated, plan.unallocated) == (
        D("3300000.00"),
        D("3200000.00"),
        D("100000.00"),
    )
    assert (plan.committed, plan.disbursed, plan.remaining) == (
        D("1350000.50"),
        D("955466.64"),
        D("2344533.36"),
    )
    assert not plan.illustrative
    (budget,) = await service.programmes(hub, finance, [BUDGET_2024])
    assert [(p.partner, p.allocated, p.disbursed) for p in budget.partners] == [
        ("DE", D(100_000), D(0))
    ]
    everything = await service.programmes(hub, finance)
    assert [s.programme.name for s in everything] == [PLAN, BUDGET_2024]


async def test_a_sek_disbursement_is_converted_at_the_ecb_rate_of_its_date(
    hub: Hub, finance: Principal, scenario: Scenario
) -> None:
    (plan,) = await service.programmes(hub, finance, [PLAN])
    swedish = [d for d in plan.disbursements if d.currency == "SEK"]
    assert [
        (d.date, d.amount, d.rate, d.rate_day, d.programme_amount, d.programme_currency)
        for d in swedish
    ] == [
        # a Thursday: that day's rate
        (
            dt.date(2023, 6, 15),
            D(1_000_000),
            D("11.6206"),
            dt.date(2023, 6, 15),
            D("86054.08"),
            "EUR",
        ),
        # a Saturday: Friday's rate, the last before it
        (
            dt.date(2023, 7, 1),
            D(2_000_000),
            D("11.8055"),
            dt.date(2023, 6, 30),
            D("169412.56"),
            "EUR",
        ),
    ]
    euro = next(d for d in plan.disbursements if d.partner == "DE")
    assert (euro.rate, euro.rate_day, euro.amount, euro.programme_amount) == (
        D(1),
        None,
        D("300000.25"),
        D("300000.25"),
    )
    async with hub.db.pool.acquire() as connection:
        stored = await connection.fetch(
            "select currency, amount, programme_amount, rate, rate_day from "
            "investment_disbursement where currency = 'SEK' order by paid_on"
        )
    assert [tuple(row) for row in stored] == [
        ("SEK", D(1_000_000), D("86054.08"), D("11.6206"), dt.date(2023, 6, 15)),
        ("SEK", D(2_000_000), D("169412.56"), D("11.8055"), dt.date(2023, 6, 30)),
    ]


async def test_the_rate_is_the_last_ecb_rate_within_five_days(hub: Hub) -> None:
    await import_ecb(hub, excerpt(), None)
    async with hub.db.pool.acquire() as connection:
        # the excerpt ends 2012 on Monday 31 December (8.582), then jumps to 2022-12-01
        assert await service.daily_rate(hub, connection, "SEK", dt.date(2013, 1, 5)) == (
            D("8.582"),
            dt.date(2012, 12, 31),
        )
        with pytest.raises(InvestmentError) as raised:
            await service.daily_rate(hub, connection, "SEK", dt.date(2013, 1, 6))
        assert str(raised.value) == (
            "currency: no ECB rate for SEK on 2013-01-06 or in the 5 days before: "
            "import the ECB rates"
        )
        assert await service.daily_rate(hub, connection, "EUR", dt.date(1999, 1, 1)) == (D(1), None)
        assert await service.conversion(hub, connection, "SEK", "SEK", dt.date(2013, 1, 6)) == (
            D(1),
            None,
        )


async def test_what_a_partner_received_up_to_a_date(
    hub: Hub, finance: Principal, scenario: Scenario
) -> None:
    received = service.received_by_partner
    assert await received(hub, "SE", dt.date(2023, 6, 30)) == {"EUR": D("86054.08")}
    assert await received(hub, "SE", dt.date(2023, 12, 31)) == {"EUR": D("255466.64")}
    assert await received(hub, "DE", dt.date(2021, 12, 31)) == {"EUR": D("300000.25")}
    assert await received(hub, "DE", dt.date(2024, 12, 31)) == {"EUR": D("450000.00")}
    assert await received(hub, "AT", dt.date(2024, 12, 31)) == {}
    with pytest.raises(InvestmentError) as raised:
        await received(hub, "FR", dt.date(2024, 12, 31))
    assert str(raised.value) == "partner: unknown entity 'FR'; known entities: AT, BE, DE, IT, SE"


FUTURE = dt.date.today() + dt.timedelta(days=1)

Call = Callable[[Hub, Principal, Scenario], Awaitable[object]]


def _create(**changes: object) -> Call:
    async def call(hub: Hub, finance: Principal, _s: Scenario) -> object:
        base = programme("Plan 2026", D(100_000), dt.date(2026, 1, 1), dt.date(2026, 12, 31))
        return await service.create_programme(hub, finance, replace(base, **changes))

    return call


def _allocate(partner: str, amount: str, name: str = PLAN) -> Call:
    async def call(hub: Hub, finance: Principal, _s: Scenario) -> object:
        allocation = AllocationIn(programme=name, partner=partner, amount=D(amount))
        return await service.allocate(hub, finance, allocation)

    return call


def _commit(partner: str, day: str, amount: str, description: str = "agreement") -> Call:
    async def call(hub: Hub, finance: Principal, _s: Scenario) -> object:
        commitment = CommitmentIn(
            programme=PLAN,
            partner=partner,
            date=dt.date.fromisoformat(day),
            amount=D(amount),
            description=description,
        )
        return await service.commit(hub, finance, commitment)

    return call


def _disburse(
    partner: str,
    day: str,
    amount: str,
    currency: str = "EUR",
    name: str = PLAN,
    document: str = "transfer",
) -> Call:
    async def call(hub: Hub, finance: Principal, _s: Scenario) -> object:
        disbursement = paid(partner, day, amount, currency, name=name, document=document)
        return await service.disburse(hub, finance, disbursement)

    return call


def _loan(**kwargs: object) -> Call:
    async def call(hub: Hub, finance: Principal, _s: Scenario) -> object:
        return await service.grant_loan(hub, finance, replace(member_loan(), **kwargs))

    return call


def _repay(day: str, amount: str, loan: int | None = None) -> Call:
    async def call(hub: Hub, finance: Principal, s: Scenario) -> object:
        repayment = RepaymentIn(
            loan=s.loan_id if loan is None else loan,
            date=dt.date.fromisoformat(day),
            amount=D(amount),
        )
        return await service.repay(hub, finance, repayment)

    return call


REFUSED: list[tuple[str, Call, str]] = [
    (
        "programme ends before it starts",
        _create(starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2025, 12, 31)),
        "ends_on: 2025-12-31 is before the start, 2026-01-01",
    ),
    (
        "programmes of a funder overlap",
        _create(starts_on=dt.date(2023, 7, 1), ends_on=dt.date(2024, 6, 30)),
        'starts_on: 2023-07-01 to 2024-06-30 overlaps "Investment plan 2021-2023" '
        "(2021-01-01 to 2023-12-31) of BE: a funder's programmes follow one another",
    ),
    (
        "programme name taken",
        _create(name=PLAN, funding_entity="DE"),
        'name: a programme named "Investment plan 2021-2023" exists already',
    ),
    ("programme without name", _create(name="  "), "name: give the programme a name"),
    (
        "budget zero",
        _create(budget=D(0)),
        "budget: 0 is not an amount: expected more than 0",
    ),
    (
        "unknown funder",
        _create(funding_entity="FR"),
        "funding_entity: unknown entity 'FR'; known entities: AT, BE, DE, IT, SE",
    ),
    (
        "programme in an unknown currency",
        _create(currency="XYZ"),
        "currency: unknown currency 'XYZ': neither EUR nor a currency of the network or with "
        "ECB rates",
    ),
    ("programme without purpose", _create(purpose=""), "purpose: say what the programme is for"),
    (
        "allocation beyond the budget",
        _allocate("DE", "200000"),
        "amount: allocations would total 3,400,000.00 EUR, beyond the budget of "
        '3,300,000.00 EUR of "Investment plan 2021-2023"',
    ),
    (
        "negative allocation",
        _allocate("DE", "-5"),
        "amount: -5 is not an amount: expected more than 0",
    ),
    (
        "allocation below the cent",
        _allocate("DE", "10.005"),
        "amount: 10.005 has more than 2 decimals: amounts are to the cent",
    ),
    (
        "allocation to the funder",
        _allocate("BE", "1000"),
        'partner: BE funds "Investment plan 2021-2023": name a partner it invests in',
    ),
    (
        "allocation to an unknown partner",
        _allocate("FR", "1000"),
        "partner: unknown entity 'FR'; known entities: AT, BE, DE, IT, SE",
    ),
    (
        "allocation in an unknown programme",
        _allocate("DE", "1000", "Plan 2030"),
        'programme: there is no programme named "Plan 2030"',
    ),
    (
        "commitment beyond the allocation",
        _commit("DE", "2023-01-01", "49999.51"),
        "amount: commitments to DE would total 1,000,000.01 EUR, beyond the 1,000,000.00 EUR "
        'allocated to DE in "Investment plan 2021-2023"',
    ),
    (
        "commitment outside the programme",
        _commit("DE", "2024-01-01", "1000"),
        'date: 2024-01-01 is outside the period of "Investment plan 2021-2023" '
        "(2021-01-01 to 2023-12-31)",
    ),
    (
        "commitment without description",
        _commit("DE", "2023-01-01", "1000", " "),
        "description: say what is committed",
    ),
    (
        "disbursement beyond the allocation",
        _disburse("IT", "2023-04-03", "650000.01"),
        "amount: disbursements to IT would total 900,000.01 EUR, beyond the 900,000.00 EUR "
        'allocated to IT in "Investment plan 2021-2023"',
    ),
    (
        "SEK disbursement beyond the allocation once converted",
        # 4,003,000 SEK at 11.2835 (2023-04-03) = 354,765.81 EUR; 255,466.64 already paid
        _disburse("SE", "2023-04-03", "4003000", "SEK"),
        "amount: disbursements to SE would total 610,232.45 EUR, beyond the 600,000.00 EUR "
        'allocated to SE in "Investment plan 2021-2023"',
    ),
    (
        "disbursement to a partner without allocation",
        _disburse("AT", "2024-03-01", "1000", name=BUDGET_2024),
        'partner: nothing is allocated to AT in "Budget 2024": allocate first',
    ),
    (
        "disbursement in an unknown currency",
        _disburse("DE", "2023-04-03", "1000", "XYZ"),
        "currency: unknown currency 'XYZ': neither EUR nor a currency of the network or with "
        "ECB rates",
    ),
    (
        "disbursement in a malformed currency",
        _disburse("DE", "2023-04-03", "1000", "sek"),
        "currency: 'sek' is not a currency code: expected 3 upper-case letters, e.g. EUR",
    ),
    (
        "disbursement with no rate for its date",
        _disburse("SE", "2022-11-30", "1000", "SEK"),
        "currency: no ECB rate for SEK on 2022-11-30 or in the 5 days before: import the ECB rates",
    ),
    (
        "disbursement in the future",
        _disburse("DE", FUTURE.isoformat(), "1000"),
        f"date: {FUTURE} is in the future: record a disbursement once it is made",
    ),
    (
        "disbursement outside the programme",
        _disburse("DE", "2020-12-31", "1000"),
        'date: 2020-12-31 is outside the period of "Investment plan 2021-2023" '
        "(2021-01-01 to 2023-12-31)",
    ),
    (
        "disbursement without document",
        _disburse("DE", "2023-04-03", "1000", document=""),
        "document: name the transfer, invoice or agreement behind the payment",
    ),
    (
        "zero disbursement",
        _disburse("DE", "2023-04-03", "0"),
        "amount: 0 is not an amount: expected more than 0",
    ),
    (
        "schedule not summing to the principal",
        _loan(principal=D(7000)),
        "schedule: the instalments total 6,000.00 EUR, not the principal of 7,000.00 EUR",
    ),
    (
        "schedule with a date twice",
        _loan(schedule=member_loan(schedule=(("2024-06-30", "3000"),) * 2).schedule),
        "schedule[1].due_on: 2024-06-30 is already the due date of schedule[0]",
    ),
    (
        "instalment due before the grant",
        _loan(granted_on=dt.date(2024, 7, 1)),
        "schedule[0].due_on: 2024-06-30 is not after the loan is granted on 2024-07-01",
    ),
    (
        "loan to both an entity and a project",
        _loan(borrower_entity="DE"),
        "borrower: name either a partner entity or a member project that borrows",
    ),
    (
        "loan to nobody",
        _loan(borrower_project=" "),
        "borrower: name either a partner entity or a member project that borrows",
    ),
    (
        "loan to the lender",
        _loan(borrower_project=None, borrower_entity="BE"),
        "borrower_entity: BE cannot lend to itself",
    ),
    (
        "loan of nothing",
        _loan(principal=D(-1)),
        "principal: -1 is not an amount: expected more than 0",
    ),
    ("no member projects", _loan(projects=0), "projects: 0: expected 1 or more projects"),
    (
        "projects counted on a loan to an entity",
        _loan(borrower_project=None, borrower_entity="SE", projects=3),
        "projects: only a loan to member projects counts the projects it stands for",
    ),
    (
        "loan granted in the future",
        _loan(granted_on=FUTURE),
        f"granted_on: {FUTURE} is in the future: record a loan once it is made",
    ),
    (
        "repayment beyond what is outstanding",
        _repay("2024-06-30", "6000.01"),
        "amount: 6,000.01 EUR is more than the 6,000.00 EUR outstanding on loan {loan}",
    ),
    (
        "repayment before the grant",
        _repay("2024-01-31", "100"),
        "date: 2024-01-31 is before the loan was granted on 2024-02-01",
    ),
    (
        "repayment of an unknown loan",
        _repay("2024-06-30", "100", 999),
        "loan: there is no loan 999",
    ),
]


@pytest.mark.parametrize(("call", "message"), [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED])
async def test_refused_input_names_the_field_and_stores_nothing(
    hub: Hub, finance: Principal, scenario: Scenario, call: Call, message: str
) -> None:
    before = await row_counts(hub)
    with pytest.raises(InvestmentError) as raised:
        await call(hub, finance, scenario)
    assert str(raised.value) == message.format(loan=scenario.loan_id)
    assert await row_counts(hub) == before


async def test_repayments_reduce_what_is_outstanding_down_to_zero(
    hub: Hub, finance: Principal, scenario: Scenario
) -> None:
    await _repay("2024-06-28", "3000")(hub, finance, scenario)
    await _repay("2024-12-31", "2999.99")(hub, finance, scenario)
    with pytest.raises(InvestmentError) as raised:
        await _repay("2024-12-31", "0.02")(hub, finance, scenario)
    assert str(raised.value) == (
        f"amount: 0.02 EUR is more than the 0.01 EUR outstanding on loan {scenario.loan_id}"
    )
    await _repay("2024-12-31", "0.01")(hub, finance, scenario)
    (loan,) = await service.loans(hub, finance, dt.date(2024, 12, 31), [scenario.loan_id])
    assert (loan.repaid, loan.outstanding, loan.overdue) == (D(6000), D(0), D(0))


async def test_two_concurrent_disbursements_beyond_the_allocation_one_succeeds(
    hub: Hub, finance: Principal
) -> None:
    """Both disbursements are held, by a lock on the table they read, until each has read
    what it checks (or waits for the programme's lock): without that lock both would pass."""
    await service.create_programme(hub, finance, programme())
    await _allocate("DE", "100000")(hub, finance, Scenario(0))
    async with hub.db.pool.acquire() as blocker:
        held = blocker.transaction()
        await held.start()
        await blocker.execute("lock table investment_disbursement in access exclusive mode")
        tasks = [
            asyncio.create_task(service.disburse(hub, finance, paid("DE", day, "60000")))
            for day in ("2023-03-01", "2023-03-02")
        ]
        for _ in range(1000):
            # Backends of this database that wait (other test databases may share the server).
            waiting = await blocker.fetchval(
                "select count(distinct l.pid) from pg_locks l where not l.granted and exists "
                "(select 1 from pg_locks m join pg_database d on d.oid = m.database "
                "where m.pid = l.pid and d.datname = current_database())"
            )
            if waiting == 2:
                break
            await asyncio.sleep(0.01)
        else:
            pytest.fail("the two disbursements did not both wait")
        await held.rollback()
        outcomes = await asyncio.gather(*tasks, return_exceptions=True)
    assert sorted(type(o).__name__ for o in outcomes) == ["Disbursement", "InvestmentError"]
    refused = next(o for o in outcomes if isinstance(o, InvestmentError))
    assert str(refused) == (
        "amount: disbursements to DE would total 120,000.00 EUR, beyond the 100,000.00 EUR "
        'allocated to DE in "Investment plan 2021-2023"'
    )
    async with hub.db.pool.acquire() as connection:
        assert await connection.fetchval("select sum(amount) from investment_disbursement") == 60000


async def test_concurrent_writers_never_pass_the_same_limit_together(
    hub: Hub, finance: Principal, scenario: Scenario
) -> None:
    """Six allocations of 40,000 for the 100,000 left of the budget; six repayments of 2,500
    of a loan of 6,000: two of each pass."""
    allocations = await asyncio.gather(
        *(_allocate("AT", "40000")(hub, finance, scenario) for _ in range(6)),
        return_exceptions=True,
    )
    repayments = await asyncio.gather(
        *(_repay("2024-06-30", "2500")(hub, finance, scenario) for _ in range(6)),
        return_exceptions=True,
    )
    assert sum(not isinstance(o, BaseException) for o in allocations) == 2
    assert sum(not isinstance(o, BaseException) for o in repayments) == 2
    assert all(
        isinstance(o, InvestmentError)
        for o in (*allocations, *repayments)
        if isinstance(o, BaseException)
    )
    (plan,) = await service.programmes(hub, finance, [PLAN])
    assert (plan.allocated, plan.unallocated) == (D(3_280_000), D(20_000))
    (loan,) = await service.loans(hub, finance, dt.date(2024, 12, 31))
    assert loan.outstanding == D(1000)


@pytest.mark.parametrize("user", ["national-de", "board", "admin"])
async def test_only_finance_manages_investments(
    hub: Hub, principals: dict[str, Principal], scenario: Scenario, user: str
) -> None:
    caller = principals[user]
    role = caller.role.value
    before = await row_counts(hub)
    calls: list[Awaitable[object]] = [
        service.create_programme(
            hub,
            caller,
            programme("Plan 2026", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31)),
        ),
        service.allocate(hub, caller, AllocationIn(programme=PLAN, partner="AT", amount=D(1))),
        _commit("DE", "2023-01-01", "1")(hub, caller, scenario),
        service.disburse(hub, caller, paid("DE", "2023-03-01", "1")),
        service.grant_loan(hub, caller, member_loan()),
        _repay("2024-06-30", "1")(hub, caller, scenario),
    ]
    for call in calls:
        with pytest.raises(AccessDenied) as raised:
            await call
        assert str(raised.value) == (
            f"the {role} role may not manage investment programmes and loans"
        )
    assert await row_counts(hub) == before
    # ... and reads them, as everyone who reads figures does
    assert len(await service.programmes(hub, caller)) == 2
    assert len(await service.loans(hub, caller, dt.date(2024, 12, 31))) == 1


async def test_money_history_is_append_only(
    hub: Hub, finance: Principal, scenario: Scenario
) -> None:
    async with hub.db.pool.acquire() as connection:
        for statement in (
            "update investment_programme set budget = 1",
            "delete from investment_allocation",
            "update investment_commitment set amount = 1",
            "update investment_disbursement set programme_amount = 1",
            "delete from loan_instalment",
            "update interest_free_loan set principal = 1",
        ):
            with pytest.raises(asyncpg.RestrictViolationError) as raised:
                await connection.execute(statement)
            assert "reported figures are append-only" in str(raised.value)
        await _repay("2024-06-30", "100")(hub, finance, scenario)
        with pytest.raises(asyncpg.RestrictViolationError):
            await connection.execute("delete from loan_repayment")
        assert await connection.fetchval("select sum(amount) from loan_repayment") == 100


async def test_the_database_refuses_a_category_outside_the_list(
    hub: Hub, finance: Principal, scenario: Scenario
) -> None:
    async with hub.db.pool.acquire() as connection:
        row = await connection.fetchrow(
            "select programme_id, created_by from investment_disbursement limit 1"
        )
        assert row is not None
        with pytest.raises(asyncpg.CheckViolationError):
            await connection.execute(
                "insert into investment_disbursement (programme_id, partner, paid_on, amount, "
                "currency, programme_amount, rate, category, document, created_by) "
                "values ($1, 'DE', '2023-01-01', 1, 'EUR', 1, 1, 'travel', 'x', $2)",
                row["programme_id"],
                row["created_by"],
            )


async def test_categories_match_the_database_constraint(hub: Hub) -> None:
    async with hub.db.pool.acquire() as connection:
        definition = await connection.fetchval(
            "select pg_get_constraintdef(oid) from pg_constraint "
            "where conname = 'investment_disbursement_category_check'"
        )
    assert [c.value for c in Category] == re.findall(r"'(\w+)'::text", definition)


async def test_a_loan_to_a_partner_entity(hub: Hub, finance: Principal) -> None:
    loan = replace(member_loan(), borrower_project=None, borrower_entity="SE", illustrative=True)
    granted = await service.grant_loan(hub, finance, loan)
    assert (granted.loan.borrower, granted.loan.borrower_project, granted.loan.projects) == (
        "SE",
        None,
        None,
    )
    assert [(i.due_on, i.amount) for i in granted.loan.schedule] == [
        (dt.date(2024, 6, 30), D(3000)),
        (dt.date(2024, 12, 31), D(3000)),
    ]
    assert granted.loan.illustrative
    (status,) = await service.loans(hub, finance, dt.date(2024, 7, 1))
    assert (status.due, status.overdue, status.outstanding) == (D(3000), D(3000), D(6000))


async def test_a_programme_in_another_currency_and_what_a_partner_received_in_euro(
    hub: Hub, finance: Principal
) -> None:
    """A Swedish fund counts in SEK: a payment in euro crosses at the ECB rate of its day
    (Friday 28 June 2024, 11.3595 SEK per EUR); the group view converts back to euro."""
    await import_ecb(hub, excerpt(), None)
    swedish = replace(
        programme("Swedish fund 2024", D(1_000_000), dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
        funding_entity="SE",
        currency="SEK",
    )
    await service.create_programme(hub, finance, swedish)
    await service.create_programme(
        hub,
        finance,
        programme("Budget 2024", D(300_000), dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    )
    await _allocate("DE", "500000", "Swedish fund 2024")(hub, finance, Scenario(0))
    await _allocate("DE", "100000", "Budget 2024")(hub, finance, Scenario(0))
    in_euro = await service.disburse(
        hub, finance, paid("DE", "2024-06-28", "10000", "EUR", name="Swedish fund 2024")
    )
    assert (in_euro.rate, in_euro.rate_day, in_euro.programme_amount) == (
        D("0.0880320437"),
        dt.date(2024, 6, 28),
        D("113595.00"),
    )
    await service.disburse(
        hub, finance, paid("DE", "2024-06-28", "11359.50", "SEK", name="Swedish fund 2024")
    )
    await service.disburse(hub, finance, paid("DE", "2024-03-01", "20000", name="Budget 2024"))
    up_to = dt.date(2024, 12, 31)
    assert await service.received_by_partner(hub, "DE", up_to) == {
        "EUR": D("20000.00"),
        "SEK": D("124954.50"),
    }
    # 20,000.00 + 10,000 EUR as paid + 11,359.50 SEK / 11.3595
    assert await service.received_in_group_currency(hub, "DE", up_to) == D("31000.00")
    assert await service.received_in_group_currency(hub, "DE", dt.date(2024, 6, 27)) == D(20_000)
    assert await service.received_in_group_currency(hub, "AT", up_to) == D(0)
