"""The arithmetic of investment programmes and loans, pure: positions per partner and programme,
loans against their schedules, conversion, and the checks that refuse input (each returns the
reason as a sentence, or None when the input passes).

Amounts entered are money to the cent; sums of them are exact. A disbursement converted to the
programme currency is rounded once, to the cent, half-even, when it is booked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_EVEN, Decimal

from hub.investments.model import (
    Allocation,
    Commitment,
    Disbursement,
    Instalment,
    InstalmentIn,
    InstalmentState,
    InstalmentStatus,
    Loan,
    LoanStatus,
    PartnerStatus,
    Programme,
    ProgrammeStatus,
    Repayment,
)

ZERO = Decimal(0)
CENT = Decimal("0.01")


def money(amount: Decimal, currency: str) -> str:
    """`3,400,000.00 EUR`: to the cent, half-even, with thousands separators."""
    return f"{amount.quantize(CENT, rounding=ROUND_HALF_EVEN):,.2f} {currency}"


def total(amounts: Iterable[Decimal]) -> Decimal:
    return sum(amounts, ZERO)


def convert(amount: Decimal, rate: Decimal) -> Decimal:
    """`amount` in a currency quoted at `rate` units per 1 unit of the target currency, in the
    target currency, to the cent (half-even)."""
    return (amount / rate).quantize(CENT, rounding=ROUND_HALF_EVEN)


# --- positions ---------------------------------------------------------------------------------


def programme_status(
    programme: Programme,
    allocations: Sequence[Allocation],
    commitments: Sequence[Commitment],
    disbursements: Sequence[Disbursement],
    partner_order: Sequence[str] = (),
) -> ProgrammeStatus:
    """Budget, allocated, committed and disbursed per partner and in total. Partners appear in
    `partner_order` (then alphabetically), each once it has an allocation, a commitment or a
    disbursement in the programme."""
    names = {a.partner for a in allocations} | {c.partner for c in commitments}
    names |= {d.partner for d in disbursements}
    rank = {code: position for position, code in enumerate(partner_order)}
    partners = []
    for code in sorted(names, key=lambda c: (rank.get(c, len(rank)), c)):
        mine_a = [a for a in allocations if a.partner == code]
        mine_c = [c for c in commitments if c.partner == code]
        mine_d = [d for d in disbursements if d.partner == code]
        partners.append(
            PartnerStatus(
                partner=code,
                allocated=total(a.amount for a in mine_a),
                committed=total(c.amount for c in mine_c),
                disbursed=total(d.programme_amount for d in mine_d),
                illustrative=any(a.illustrative for a in mine_a)
                or any(c.illustrative for c in mine_c)
                or any(d.illustrative for d in mine_d),
            )
        )
    return ProgrammeStatus(
        programme=programme,
        partners=tuple(partners),
        allocated=total(p.allocated for p in partners),
        committed=total(p.committed for p in partners),
        disbursed=total(p.disbursed for p in partners),
        allocations=tuple(allocations),
        commitments=tuple(commitments),
        disbursements=tuple(disbursements),
    )


def outstanding(principal: Decimal, repayments: Iterable[Decimal]) -> Decimal:
    """What is left to repay: the principal less the repayments."""
    return principal - total(repayments)


def schedule_vs_actual(
    schedule: Sequence[Instalment], repaid: Decimal, as_of: dt.date
) -> list[InstalmentStatus]:
    """Each instalment, in due order, with what the repayments made up to `as_of` (their sum,
    `repaid`) cover of it, the earliest instalment first; what is unpaid of an instalment due
    on or before `as_of` is overdue."""
    left = repaid
    rows = []
    for instalment in sorted(schedule, key=lambda i: i.due_on):
        paid = min(left, instalment.amount)
        left -= paid
        due = instalment.due_on <= as_of
        if paid == instalment.amount:
            state = InstalmentState.PAID
        elif due:
            state = InstalmentState.OVERDUE
        elif paid > 0:
            state = InstalmentState.PARTLY_PAID
        else:
            state = InstalmentState.NOT_DUE
        rows.append(
            InstalmentStatus(
                due_on=instalment.due_on,
                amount=instalment.amount,
                paid=paid,
                overdue=instalment.amount - paid if due else ZERO,
                state=state,
            )
        )
    return rows


def loan_status(loan: Loan, repayments: Sequence[Repayment], as_of: dt.date) -> LoanStatus:
    """The loan as of a date: repaid, outstanding, due and overdue, instalment by instalment."""
    made = tuple(r for r in repayments if r.loan == loan.id and r.date <= as_of)
    repaid = total(r.amount for r in made)
    return LoanStatus(
        loan=loan,
        as_of=as_of,
        repaid=repaid,
        due=total(i.amount for i in loan.schedule if i.due_on <= as_of),
        instalments=tuple(schedule_vs_actual(loan.schedule, repaid, as_of)),
        repayments=made,
    )


# --- checks ------------------------------------------------------------------------------------


def check_amount(amount: Decimal) -> str | None:
    """Money entered: a finite number greater than 0, to the cent at most."""
    if not amount.is_finite():
        return f"{amount} is not an amount"
    if amount <= 0:
        return f"{amount} is not an amount: expected more than 0"
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        return f"{amount} has more than 2 decimals: amounts are to the cent"
    return None


def check_period(starts_on: dt.date, ends_on: dt.date) -> str | None:
    if ends_on < starts_on:
        return f"{ends_on} is before the start, {starts_on}"
    return None


def overlaps(
    starts_on: dt.date, ends_on: dt.date, other_start: dt.date, other_end: dt.date
) -> bool:
    return starts_on <= other_end and other_start <= ends_on


def check_within(day: dt.date, programme: Programme) -> str | None:
    if programme.starts_on <= day <= programme.ends_on:
        return None
    return (
        f'{day} is outside the period of "{programme.name}" '
        f"({programme.starts_on} to {programme.ends_on})"
    )


def check_allocation(programme: Programme, allocated: Decimal, amount: Decimal) -> str | None:
    """Allocations may not total more than the budget."""
    after = allocated + amount
    if after <= programme.budget:
        return None
    currency = programme.currency
    return (
        f"allocations would total {money(after, currency)}, beyond the budget of "
        f'{money(programme.budget, currency)} of "{programme.name}"'
    )


def check_allocated(programme: Programme, partner: str, allocated: Decimal) -> str | None:
    """Commitments and disbursements go to partners with an allocation."""
    if allocated > 0:
        return None
    return f'nothing is allocated to {partner} in "{programme.name}": allocate first'


def check_against_allocation(
    what: str,
    programme: Programme,
    partner: str,
    allocated: Decimal,
    so_far: Decimal,
    amount: Decimal,
) -> str | None:
    """Commitments (`what` = "commitments") or disbursements to a partner may not total more
    than what is allocated to it."""
    after = so_far + amount
    if after <= allocated:
        return None
    currency = programme.currency
    return (
        f"{what} to {partner} would total {money(after, currency)}, beyond the "
        f'{money(allocated, currency)} allocated to {partner} in "{programme.name}"'
    )


def check_repayment(loan: Loan, repaid: Decimal, amount: Decimal) -> str | None:
    """A repayment may not be more than what is outstanding."""
    left = outstanding(loan.principal, [repaid])
    if amount <= left:
        return None
    return (
        f"{money(amount, loan.currency)} is more than the {money(left, loan.currency)} "
        f"outstanding on loan {loan.id}"
    )


def check_schedule(
    principal: Decimal, currency: str, granted_on: dt.date, schedule: Sequence[InstalmentIn]
) -> tuple[str, str] | None:
    """The first problem of a repayment schedule as (field, reason): every instalment a
    positive amount due after the loan is granted, no due date twice, and the instalments
    summing to the principal."""
    if not schedule:
        return "schedule", "give at least one instalment"
    seen: dict[dt.date, int] = {}
    for position, instalment in enumerate(schedule):
        where = f"schedule[{position}]"
        problem = check_amount(instalment.amount)
        if problem is not None:
            return f"{where}.amount", problem
        if instalment.due_on <= granted_on:
            return (
                f"{where}.due_on",
                f"{instalment.due_on} is not after the loan is granted on {granted_on}",
            )
        if instalment.due_on in seen:
            first = seen[instalment.due_on]
            return (
                f"{where}.due_on",
                f"{instalment.due_on} is already the due date of schedule[{first}]",
            )
        seen[instalment.due_on] = position
    scheduled = total(i.amount for i in schedule)
    if scheduled != principal:
        return (
            "schedule",
            f"the instalments total {money(scheduled, currency)}, not the principal of "
            f"{money(principal, currency)}",
        )
    return None
