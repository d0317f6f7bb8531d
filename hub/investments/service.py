"""Investment programmes and interest-free loans: check, authorise, store, and read back with
their positions.

Finance manages them (`Action.MANAGE_INVESTMENTS`); everyone who reads figures reads them.
Refused input raises `InvestmentError` (field and reason) before anything is stored; a check
against stored figures (budget, allocation, outstanding loan) runs under a lock of the
programme's or loan's row, in the transaction that writes, so that two concurrent writers
cannot both pass it.

Exchange rates: a disbursement in another currency than its programme's is converted at the
ECB daily reference rate of the disbursement date, or, when the ECB published none that day
(weekend, holiday), at its last rate before it within `RATE_WINDOW_DAYS` days; no such rate is
an error, never a rate of 1. The group currency (EUR, in which the ECB quotes) is 1 by
definition. The rate and its ECB day are stored with the disbursement.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from decimal import Decimal

import asyncpg
import msgspec

from hub.auth.policy import Action, Principal, authorize
from hub.db.pool import Connection
from hub.fx import repository as fx_repository
from hub.investments import calc, repository
from hub.investments.model import (
    Allocation,
    AllocationIn,
    Commitment,
    CommitmentIn,
    Disbursement,
    DisbursementIn,
    InvestmentError,
    LoanIn,
    LoanStatus,
    Programme,
    ProgrammeIn,
    ProgrammeStatus,
    Repayment,
    RepaymentIn,
)
from hub.services import Hub

RATE_WINDOW_DAYS = 5
CROSS_RATE_PRECISION = Decimal("1e-10")


# --- input checks ------------------------------------------------------------------------------


def _fail(field: str, problem: str | None) -> None:
    if problem is not None:
        raise InvestmentError(field, problem)


def _required(field: str, value: str | None, reason: str) -> str:
    text = (value or "").strip()
    if not text:
        raise InvestmentError(field, reason)
    return text


def _optional(value: str | None) -> str | None:
    return None if value is None or not value.strip() else value.strip()


def _entity(hub: Hub, field: str, code: str) -> str:
    if code not in hub.registry.entities:
        known = ", ".join(sorted(hub.registry.entities))
        raise InvestmentError(field, f"unknown entity {code!r}; known entities: {known}")
    return code


def _currency_code(field: str, code: str) -> str:
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise InvestmentError(
            field, f"{code!r} is not a currency code: expected 3 upper-case letters, e.g. EUR"
        )
    return code


async def _known_currency(hub: Hub, connection: Connection, field: str, code: str) -> None:
    """The group currency, an entity's currency, or one the ECB quotes (rates imported)."""
    known = {hub.registry.group_currency, *(e.currency for e in hub.registry.entities.values())}
    if code in known or await repository.has_daily_rates(connection, code):
        return
    raise InvestmentError(
        field,
        f"unknown currency {code!r}: neither {hub.registry.group_currency} nor a currency of the "
        "network or with ECB rates",
    )


def _not_future(field: str, day: dt.date, what: str) -> None:
    if day > dt.date.today():
        raise InvestmentError(field, f"{day} is in the future: record {what} once it is made")


async def _programme(connection: Connection, name: str) -> Programme:
    programme = await repository.lock_programme(connection, name)
    if programme is None:
        raise InvestmentError("programme", f'there is no programme named "{name}"')
    return programme


def _partner(programme: Programme, partner: str) -> None:
    if partner == programme.funding_entity:
        raise InvestmentError(
            "partner", f'{partner} funds "{programme.name}": name a partner it invests in'
        )


# --- exchange rates ----------------------------------------------------------------------------


async def daily_rate(
    hub: Hub, connection: Connection, currency: str, day: dt.date
) -> tuple[Decimal, dt.date | None]:
    """Units of `currency` per 1 EUR: the ECB daily rate of `day`, or the last one before it
    within `RATE_WINDOW_DAYS` days, with the ECB day it is from (None for the group currency,
    whose rate is 1). `InvestmentError` when there is none."""
    if currency == hub.registry.group_currency:
        return Decimal(1), None
    first = day - dt.timedelta(days=RATE_WINDOW_DAYS)
    rates = await fx_repository.daily_rates(connection, currency, first, day)
    if not rates:
        raise InvestmentError(
            "currency",
            f"no ECB rate for {currency} on {day} or in the {RATE_WINDOW_DAYS} days before: "
            "import the ECB rates",
        )
    return rates[-1].rate, rates[-1].day


async def conversion(
    hub: Hub, connection: Connection, currency: str, target: str, day: dt.date
) -> tuple[Decimal, dt.date | None]:
    """Units of `currency` per 1 unit of `target` on `day` (see `daily_rate`), and the ECB day
    used; exactly 1 (and no day) for the same currency. Two currencies other than the group
    currency cross through it, the rate kept to 10 decimals."""
    if currency == target:
        return Decimal(1), None
    paid_rate, paid_day = await daily_rate(hub, connection, currency, day)
    target_rate, target_day = await daily_rate(hub, connection, target, day)
    rate = (
        paid_rate if target_rate == 1 else (paid_rate / target_rate).quantize(CROSS_RATE_PRECISION)
    )
    return rate, paid_day or target_day


# --- programmes --------------------------------------------------------------------------------


async def create_programme(
    hub: Hub, principal: Principal, programme: ProgrammeIn
) -> ProgrammeStatus:
    """A new programme with its budget. A funder's programmes may not overlap in time (they
    follow one another, as the plan 2021-2023 and the budget 2024 do)."""
    authorize(principal, Action.MANAGE_INVESTMENTS)
    name = _required("name", programme.name, "give the programme a name")
    funder = _entity(hub, "funding_entity", programme.funding_entity)
    _fail("budget", calc.check_amount(programme.budget))
    currency = _currency_code("currency", programme.currency)
    _fail("ends_on", calc.check_period(programme.starts_on, programme.ends_on))
    purpose = _required("purpose", programme.purpose, "say what the programme is for")
    checked = msgspec.structs.replace(programme, name=name, purpose=purpose)
    try:
        async with hub.db.transaction() as connection:
            await repository.lock_funder(connection, funder)
            await _known_currency(hub, connection, "currency", currency)
            if await repository.programmes(connection, [name]):
                raise InvestmentError("name", f'a programme named "{name}" exists already')
            start, end = checked.starts_on, checked.ends_on
            for other in await repository.programmes_of_funder(connection, funder):
                if calc.overlaps(start, end, other.starts_on, other.ends_on):
                    raise InvestmentError(
                        "starts_on",
                        f"{start} to {end} overlaps "
                        f'"{other.name}" ({other.starts_on} to {other.ends_on}) of {funder}: '
                        "a funder's programmes follow one another",
                    )
            programme_id = await repository.insert_programme(connection, checked, principal.user_id)
            stored = await repository.programme(connection, programme_id)
    except asyncpg.UniqueViolationError as error:  # the same name, by another funder, meanwhile
        raise InvestmentError("name", f'a programme named "{name}" exists already') from error
    return calc.programme_status(stored, [], [], [])


async def allocate(hub: Hub, principal: Principal, allocation: AllocationIn) -> Allocation:
    """Set part of a programme's budget aside for a partner; allocations may not total more
    than the budget."""
    authorize(principal, Action.MANAGE_INVESTMENTS)
    _entity(hub, "partner", allocation.partner)
    _fail("amount", calc.check_amount(allocation.amount))
    checked = msgspec.structs.replace(allocation, note=_optional(allocation.note))
    async with hub.db.transaction() as connection:
        programme = await _programme(connection, allocation.programme)
        _partner(programme, allocation.partner)
        allocated = await repository.programme_allocated(connection, programme.id)
        _fail("amount", calc.check_allocation(programme, allocated, allocation.amount))
        return await repository.insert_allocation(connection, programme, checked, principal.user_id)


async def commit(hub: Hub, principal: Principal, commitment: CommitmentIn) -> Commitment:
    """Record an engagement towards a partner, dated within the programme; commitments to a
    partner may not total more than its allocation."""
    authorize(principal, Action.MANAGE_INVESTMENTS)
    _entity(hub, "partner", commitment.partner)
    _fail("amount", calc.check_amount(commitment.amount))
    description = _required("description", commitment.description, "say what is committed")
    checked = msgspec.structs.replace(commitment, description=description)
    async with hub.db.transaction() as connection:
        programme = await _programme(connection, commitment.programme)
        _partner(programme, commitment.partner)
        _fail("date", calc.check_within(commitment.date, programme))
        sums = await repository.partner_sums(connection, programme.id, commitment.partner)
        _fail("partner", calc.check_allocated(programme, commitment.partner, sums.allocated))
        _fail(
            "amount",
            calc.check_against_allocation(
                "commitments",
                programme,
                commitment.partner,
                sums.allocated,
                sums.committed,
                commitment.amount,
            ),
        )
        return await repository.insert_commitment(connection, programme, checked, principal.user_id)


async def disburse(hub: Hub, principal: Principal, disbursement: DisbursementIn) -> Disbursement:
    """Record a payment to a partner, dated within the programme and not in the future. It is
    converted to the programme currency (see the module's rule on rates); disbursements to a
    partner may not total more than its allocation, in the programme currency."""
    authorize(principal, Action.MANAGE_INVESTMENTS)
    _entity(hub, "partner", disbursement.partner)
    _fail("amount", calc.check_amount(disbursement.amount))
    currency = _currency_code("currency", disbursement.currency)
    _not_future("date", disbursement.date, "a disbursement")
    document = _required(
        "document",
        disbursement.document,
        "name the transfer, invoice or agreement behind the payment",
    )
    checked = msgspec.structs.replace(
        disbursement, document=document, description=_optional(disbursement.description)
    )
    async with hub.db.transaction() as connection:
        programme = await _programme(connection, disbursement.programme)
        _partner(programme, disbursement.partner)
        _fail("date", calc.check_within(disbursement.date, programme))
        await _known_currency(hub, connection, "currency", currency)
        rate, rate_day = await conversion(
            hub, connection, currency, programme.currency, disbursement.date
        )
        amount = calc.convert(disbursement.amount, rate)
        sums = await repository.partner_sums(connection, programme.id, disbursement.partner)
        _fail("partner", calc.check_allocated(programme, disbursement.partner, sums.allocated))
        _fail(
            "amount",
            calc.check_against_allocation(
                "disbursements",
                programme,
                disbursement.partner,
                sums.allocated,
                sums.disbursed,
                amount,
            ),
        )
        return await repository.insert_disbursement(
            connection,
            programme,
            checked,
            programme_amount=amount,
            rate=rate,
            rate_day=rate_day,
            actor_id=principal.user_id,
        )


async def programmes(
    hub: Hub, principal: Principal, names: Sequence[str] | None = None
) -> list[ProgrammeStatus]:
    """The programmes (all, or those named) with their positions per partner and in total."""
    authorize(principal, Action.READ_FIGURES)
    async with hub.db.pool.acquire() as connection:
        found = await repository.programmes(connection, names)
        allocations, commitments, disbursements = await repository.programme_details(
            connection, found
        )
    order = list(hub.registry.entities)
    return [
        calc.programme_status(
            programme,
            [a for a in allocations if a.programme == programme.name],
            [c for c in commitments if c.programme == programme.name],
            [d for d in disbursements if d.programme == programme.name],
            order,
        )
        for programme in found
    ]


async def received_by_partner(hub: Hub, partner: str, up_to: dt.date) -> dict[str, Decimal]:
    """What `partner` received from programmes by `up_to` (inclusive): the sum of its
    disbursements per programme currency, each at the amount the programme booked (converted
    at the rate of its date). No authorisation: the caller (the break-even monitor) checks its
    own."""
    _entity(hub, "partner", partner)
    async with hub.db.pool.acquire() as connection:
        return await repository.received(connection, partner, up_to)


async def received_in_group_currency(hub: Hub, partner: str, up_to: dt.date) -> Decimal:
    """`received_by_partner` as one amount in the group currency: a programme in the group
    currency counts what it booked; a disbursement of a programme in another currency counts
    its paid amount at the ECB rate of its date (the rule above; `InvestmentError` when there
    is none), to the cent."""
    _entity(hub, "partner", partner)
    group = hub.registry.group_currency
    async with hub.db.pool.acquire() as connection:
        booked = await repository.received(connection, partner, up_to)
        amount = booked.get(group, Decimal(0))
        for day, paid, currency in await repository.received_outside(
            connection, partner, up_to, group
        ):
            rate, _ = await daily_rate(hub, connection, currency, day)
            amount += calc.convert(paid, rate)
    return amount


# --- loans -------------------------------------------------------------------------------------


async def grant_loan(hub: Hub, principal: Principal, loan: LoanIn) -> LoanStatus:
    """An interest-free loan to a partner entity or a named member project, with its schedule:
    instalments due after the grant, no date twice, summing to the principal."""
    authorize(principal, Action.MANAGE_INVESTMENTS)
    lender = _entity(hub, "lender", loan.lender)
    project = _optional(loan.borrower_project)
    if (loan.borrower_entity is None) == (project is None):
        raise InvestmentError(
            "borrower", "name either a partner entity or a member project that borrows"
        )
    if loan.borrower_entity is not None:
        _entity(hub, "borrower_entity", loan.borrower_entity)
        if loan.borrower_entity == lender:
            raise InvestmentError("borrower_entity", f"{lender} cannot lend to itself")
        if loan.projects is not None:
            raise InvestmentError(
                "projects", "only a loan to member projects counts the projects it stands for"
            )
    if loan.projects is not None and loan.projects < 1:
        raise InvestmentError("projects", f"{loan.projects}: expected 1 or more projects")
    _fail("principal", calc.check_amount(loan.principal))
    currency = _currency_code("currency", loan.currency)
    _not_future("granted_on", loan.granted_on, "a loan")
    problem = calc.check_schedule(loan.principal, currency, loan.granted_on, loan.schedule)
    if problem is not None:
        raise InvestmentError(*problem)
    checked = msgspec.structs.replace(
        loan,
        borrower_project=project,
        note=_optional(loan.note),
        schedule=tuple(sorted(loan.schedule, key=lambda i: i.due_on)),
    )
    async with hub.db.transaction() as connection:
        await _known_currency(hub, connection, "currency", currency)
        loan_id = await repository.insert_loan(connection, checked, principal.user_id)
        stored = await repository.loan(connection, loan_id)
    assert stored is not None
    return calc.loan_status(stored, [], dt.date.today())


async def repay(hub: Hub, principal: Principal, repayment: RepaymentIn) -> Repayment:
    """Record a repayment, in the loan's currency, dated from the grant to today; it may not be
    more than what is outstanding."""
    authorize(principal, Action.MANAGE_INVESTMENTS)
    _fail("amount", calc.check_amount(repayment.amount))
    _not_future("date", repayment.date, "a repayment")
    async with hub.db.transaction() as connection:
        loan = await repository.lock_loan(connection, repayment.loan)
        if loan is None:
            raise InvestmentError("loan", f"there is no loan {repayment.loan}")
        if repayment.date < loan.granted_on:
            raise InvestmentError(
                "date", f"{repayment.date} is before the loan was granted on {loan.granted_on}"
            )
        repaid = await repository.repaid(connection, loan.id)
        _fail("amount", calc.check_repayment(loan, repaid, repayment.amount))
        return await repository.insert_repayment(connection, repayment, principal.user_id)


async def loans(
    hub: Hub, principal: Principal, as_of: dt.date, ids: Sequence[int] | None = None
) -> list[LoanStatus]:
    """The loans (all, or those given) as of a date: outstanding, and schedule against the
    repayments made, with what is overdue."""
    authorize(principal, Action.READ_FIGURES)
    async with hub.db.pool.acquire() as connection:
        found = await repository.loans(connection, ids)
        made = await repository.repayments(connection, [loan.id for loan in found])
    return [calc.loan_status(loan, made, as_of) for loan in found]
