"""The investment arithmetic without a database: positions per partner and programme, loans
against their schedules, conversion, and the checks' sentences."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from hub.investments import calc
from hub.investments.model import (
    Allocation,
    Category,
    Commitment,
    Disbursement,
    Instalment,
    InstalmentIn,
    InstalmentState,
    Loan,
    Programme,
    Repayment,
)

D = Decimal
AT = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
PLAN = Programme(
    id=1,
    name="Investment plan 2021-2023",
    funding_entity="BE",
    budget=D(3_300_000),
    currency="EUR",
    starts_on=dt.date(2021, 1, 1),
    ends_on=dt.date(2023, 12, 31),
    purpose="equilibrium",
    illustrative=False,
    created_by="finance",
    created_at=AT,
)


def allocation(partner: str, amount: str, illustrative: bool = False) -> Allocation:
    return Allocation(
        id=0,
        programme=PLAN.name,
        partner=partner,
        amount=D(amount),
        currency="EUR",
        illustrative=illustrative,
        note=None,
        created_by="finance",
        created_at=AT,
    )


def commitment(partner: str, amount: str) -> Commitment:
    return Commitment(
        id=0,
        programme=PLAN.name,
        partner=partner,
        date=dt.date(2021, 1, 15),
        amount=D(amount),
        currency="EUR",
        description="agreement",
        illustrative=False,
        created_by="finance",
        created_at=AT,
    )


def disbursement(partner: str, amount: str, converted: str, currency: str = "EUR") -> Disbursement:
    return Disbursement(
        id=0,
        programme=PLAN.name,
        partner=partner,
        date=dt.date(2023, 6, 15),
        amount=D(amount),
        currency=currency,
        programme_amount=D(converted),
        programme_currency="EUR",
        rate=D(1) if currency == "EUR" else D("11.6206"),
        rate_day=None if currency == "EUR" else dt.date(2023, 6, 15),
        category=Category.STAFFING,
        document="transfer",
        description=None,
        illustrative=False,
        created_by="finance",
        created_at=AT,
    )


def test_positions_per_partner_and_in_total() -> None:
    status = calc.programme_status(
        PLAN,
        [
            allocation("SE", "600000", illustrative=True),
            allocation("DE", "900000"),
            allocation("DE", "100000"),
        ],
        [commitment("DE", "750000"), commitment("DE", "200000.50"), commitment("SE", "400000")],
        [
            disbursement("DE", "300000.25", "300000.25"),
            disbursement("DE", "149999.75", "149999.75"),
            disbursement("SE", "1000000", "86054.08", "SEK"),
            disbursement("IT", "100", "100"),
        ],
        ["BE", "DE", "AT", "IT", "SE"],
    )
    assert [
        (p.partner, p.allocated, p.committed, p.disbursed, p.remaining, p.uncommitted)
        for p in status.partners
    ] == [
        ("DE", D(1_000_000), D("950000.50"), D("450000.00"), D("550000.00"), D("49999.50")),
        ("IT", D(0), D(0), D(100), D(-100), D(0)),
        ("SE", D(600_000), D(400_000), D("86054.08"), D("513945.92"), D(200_000)),
    ]
    assert [p.illustrative for p in status.partners] == [False, False, True]
    assert status.illustrative
    assert (status.budget, status.allocated, status.unallocated) == (
        D(3_300_000),
        D(1_600_000),
        D(1_700_000),
    )
    assert (status.committed, status.disbursed, status.remaining) == (
        D("1350000.50"),
        D("536154.08"),
        D("2763845.92"),
    )


def test_an_empty_programme_has_its_whole_budget_left() -> None:
    status = calc.programme_status(PLAN, [], [], [])
    assert status.partners == ()
    assert (status.allocated, status.unallocated, status.remaining) == (
        D(0),
        D(3_300_000),
        D(3_300_000),
    )
    assert not status.illustrative


def test_conversion_is_rounded_once_to_the_cent_half_even() -> None:
    assert calc.convert(D(1_000_000), D("11.6206")) == D("86054.08")
    assert calc.convert(D(2_000_000), D("11.8055")) == D("169412.56")
    assert calc.convert(D("0.125"), D(1)) == D("0.12")
    assert calc.convert(D("0.135"), D(1)) == D("0.14")


def test_money_is_shown_to_the_cent_with_separators() -> None:
    assert calc.money(D(3_400_000), "EUR") == "3,400,000.00 EUR"
    assert calc.money(D("1234.565"), "SEK") == "1,234.56 SEK"


LOAN = Loan(
    id=7,
    lender="BE",
    borrower_entity=None,
    borrower_project="Bakery",
    projects=None,
    principal=D(9000),
    currency="EUR",
    granted_on=dt.date(2024, 1, 10),
    schedule=(
        Instalment(due_on=dt.date(2024, 3, 31), amount=D(3000)),
        Instalment(due_on=dt.date(2024, 6, 30), amount=D(3000)),
        Instalment(due_on=dt.date(2024, 9, 30), amount=D(3000)),
    ),
    illustrative=False,
    note=None,
    created_by="finance",
    created_at=AT,
)


def repayment(day: str, amount: str, loan: int = 7) -> Repayment:
    return Repayment(
        id=0,
        loan=loan,
        date=dt.date.fromisoformat(day),
        amount=D(amount),
        currency="EUR",
        illustrative=False,
        created_by="finance",
        created_at=AT,
    )


def test_a_loan_against_its_schedule_as_of_a_date() -> None:
    repayments = [
        repayment("2024-03-31", "3000"),
        repayment("2024-07-05", "1000.50"),
        repayment("2024-10-01", "5000"),  # after the as-of date
        repayment("2024-02-01", "999", loan=8),  # another loan
    ]
    status = calc.loan_status(LOAN, repayments, dt.date(2024, 7, 31))
    assert (status.repaid, status.outstanding, status.due, status.overdue) == (
        D("4000.50"),
        D("4999.50"),
        D(6000),
        D("1999.50"),
    )
    assert [
        (i.due_on.isoformat(), i.paid, i.unpaid, i.overdue, i.state) for i in status.instalments
    ] == [
        ("2024-03-31", D(3000), D(0), D(0), InstalmentState.PAID),
        ("2024-06-30", D("1000.50"), D("1999.50"), D("1999.50"), InstalmentState.OVERDUE),
        ("2024-09-30", D(0), D(3000), D(0), InstalmentState.NOT_DUE),
    ]
    assert [r.amount for r in status.repayments] == [D(3000), D("1000.50")]


def test_repaying_ahead_of_the_schedule_is_never_overdue() -> None:
    status = calc.loan_status(LOAN, [repayment("2024-02-01", "4000")], dt.date(2024, 4, 30))
    assert [(i.paid, i.state) for i in status.instalments] == [
        (D(3000), InstalmentState.PAID),
        (D(1000), InstalmentState.PARTLY_PAID),
        (D(0), InstalmentState.NOT_DUE),
    ]
    assert (status.overdue, status.outstanding) == (D(0), D(5000))


def test_outstanding_is_the_principal_less_the_repayments() -> None:
    assert calc.outstanding(D(236_510), [D(80_000), D("870.00")]) == D("155640.00")


@pytest.mark.parametrize(
    ("amount", "problem"),
    [
        ("100", None),
        ("0.01", None),
        ("100.10", None),
        ("0", "0 is not an amount: expected more than 0"),
        ("-5", "-5 is not an amount: expected more than 0"),
        ("10.005", "10.005 has more than 2 decimals: amounts are to the cent"),
        ("NaN", "NaN is not an amount"),
        ("Infinity", "Infinity is not an amount"),
    ],
)
def test_amounts_are_positive_money(amount: str, problem: str | None) -> None:
    assert calc.check_amount(D(amount)) == problem


def test_allocations_stay_within_the_budget() -> None:
    assert calc.check_allocation(PLAN, D(3_200_000), D(100_000)) is None
    assert calc.check_allocation(PLAN, D(3_200_000), D(200_000)) == (
        "allocations would total 3,400,000.00 EUR, beyond the budget of 3,300,000.00 EUR of "
        '"Investment plan 2021-2023"'
    )


def test_disbursements_stay_within_the_allocation() -> None:
    args = (PLAN, "DE", D(1_000_000), D("999999.99"))
    assert calc.check_against_allocation("disbursements", *args, D("0.01")) is None
    assert calc.check_against_allocation("disbursements", *args, D("0.02")) == (
        "disbursements to DE would total 1,000,000.01 EUR, beyond the 1,000,000.00 EUR "
        'allocated to DE in "Investment plan 2021-2023"'
    )
    assert calc.check_allocated(PLAN, "AT", D(0)) == (
        'nothing is allocated to AT in "Investment plan 2021-2023": allocate first'
    )


def test_repayments_stay_within_what_is_outstanding() -> None:
    assert calc.check_repayment(LOAN, D(4000), D(5000)) is None
    assert calc.check_repayment(LOAN, D(4000), D("5000.01")) == (
        "5,000.01 EUR is more than the 5,000.00 EUR outstanding on loan 7"
    )


def test_dates() -> None:
    assert calc.check_period(dt.date(2024, 1, 1), dt.date(2024, 1, 1)) is None
    assert calc.check_period(dt.date(2024, 1, 1), dt.date(2023, 12, 31)) == (
        "2023-12-31 is before the start, 2024-01-01"
    )
    assert calc.check_within(dt.date(2023, 12, 31), PLAN) is None
    assert calc.check_within(dt.date(2024, 1, 1), PLAN) == (
        '2024-01-01 is outside the period of "Investment plan 2021-2023" (2021-01-01 to 2023-12-31)'
    )
    day = dt.date
    assert calc.overlaps(day(2021, 1, 1), day(2023, 12, 31), day(2023, 12, 31), day(2024, 12, 31))
    assert not calc.overlaps(day(2021, 1, 1), day(2023, 12, 31), day(2024, 1, 1), day(2024, 12, 31))


def _schedule(*rows: tuple[str, str]) -> list[InstalmentIn]:
    return [InstalmentIn(due_on=dt.date.fromisoformat(d), amount=D(a)) for d, a in rows]


@pytest.mark.parametrize(
    ("schedule", "problem"),
    [
        (_schedule(("2024-06-30", "3000"), ("2024-12-31", "3000")), None),
        ([], ("schedule", "give at least one instalment")),
        (
            _schedule(("2024-06-30", "3000"), ("2024-12-31", "2999.99")),
            ("schedule", "the instalments total 5,999.99 EUR, not the principal of 6,000.00 EUR"),
        ),
        (
            _schedule(("2024-06-30", "3000"), ("2024-06-30", "3000")),
            ("schedule[1].due_on", "2024-06-30 is already the due date of schedule[0]"),
        ),
        (
            _schedule(("2024-02-01", "3000"), ("2024-12-31", "3000")),
            ("schedule[0].due_on", "2024-02-01 is not after the loan is granted on 2024-02-01"),
        ),
        (
            _schedule(("2024-06-30", "6000"), ("2024-12-31", "0")),
            ("schedule[1].amount", "0 is not an amount: expected more than 0"),
        ),
    ],
)
def test_a_schedule_sums_to_the_principal_after_the_grant(
    schedule: list[InstalmentIn], problem: tuple[str, str] | None
) -> None:
    assert calc.check_schedule(D(6000), "EUR", dt.date(2024, 2, 1), schedule) == problem
