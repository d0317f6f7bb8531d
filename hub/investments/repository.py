"""The only code of investments that talks to PostgreSQL.

Writers that check a limit call `lock_programme` or `lock_loan` first, in their transaction:
the row lock (`select ... for update`) makes a concurrent writer of the same programme or loan
wait until the first commits, and then read what it stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

import asyncpg
import msgspec

from hub.db.pool import Connection, plain
from hub.investments.model import (
    Allocation,
    AllocationIn,
    Category,
    Commitment,
    CommitmentIn,
    Disbursement,
    DisbursementIn,
    Instalment,
    Loan,
    LoanIn,
    Programme,
    ProgrammeIn,
    Repayment,
    RepaymentIn,
)

_PROGRAMME = """
    select p.*, u.name as created_by_name from investment_programme p
    join app_user u on u.id = p.created_by
"""


def _programme(row: asyncpg.Record) -> Programme:
    return Programme(
        id=row["id"],
        name=row["name"],
        funding_entity=row["funding_entity"],
        budget=plain(row["budget"]),
        currency=row["currency"],
        starts_on=row["starts_on"],
        ends_on=row["ends_on"],
        purpose=row["purpose"],
        illustrative=row["illustrative"],
        created_by=row["created_by_name"],
        created_at=row["created_at"],
    )


async def lock_funder(connection: Connection, funder: str) -> None:
    """Serialise the creation of one funder's programmes (their periods may not overlap)."""
    await connection.execute("select pg_advisory_xact_lock(hashtext('investments:' || $1))", funder)


async def lock_programme(connection: Connection, name: str) -> Programme | None:
    """The programme, locked until the transaction ends."""
    row = await connection.fetchrow(
        """
        with p as (select * from investment_programme where name = $1 for update)
        select p.*, u.name as created_by_name from p join app_user u on u.id = p.created_by
        """,
        name,
    )
    return None if row is None else _programme(row)


async def programmes(connection: Connection, names: Sequence[str] | None = None) -> list[Programme]:
    rows = await connection.fetch(
        f"{_PROGRAMME} where ($1::text[] is null or p.name = any($1::text[])) "
        "order by p.starts_on, p.id",
        None if names is None else list(names),
    )
    return [_programme(row) for row in rows]


async def programmes_of_funder(connection: Connection, funder: str) -> list[Programme]:
    rows = await connection.fetch(
        f"{_PROGRAMME} where p.funding_entity = $1 order by p.starts_on", funder
    )
    return [_programme(row) for row in rows]


async def insert_programme(connection: Connection, programme: ProgrammeIn, actor_id: int) -> int:
    programme_id: int = await connection.fetchval(
        """
        insert into investment_programme (name, funding_entity, budget, currency, starts_on,
                                          ends_on, purpose, illustrative, created_by)
        values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id
        """,
        programme.name,
        programme.funding_entity,
        programme.budget,
        programme.currency,
        programme.starts_on,
        programme.ends_on,
        programme.purpose,
        programme.illustrative,
        actor_id,
    )
    return programme_id


async def programme(connection: Connection, programme_id: int) -> Programme:
    row = await connection.fetchrow(f"{_PROGRAMME} where p.id = $1", programme_id)
    assert row is not None
    return _programme(row)


class Sums(msgspec.Struct, frozen=True):
    """What a programme holds for one partner, in the programme currency."""

    allocated: Decimal
    committed: Decimal
    disbursed: Decimal


async def programme_allocated(connection: Connection, programme_id: int) -> Decimal:
    amount: Decimal = await connection.fetchval(
        "select coalesce(sum(amount), 0) from investment_allocation where programme_id = $1",
        programme_id,
    )
    return plain(amount)


async def partner_sums(connection: Connection, programme_id: int, partner: str) -> Sums:
    row = await connection.fetchrow(
        """
        select (select coalesce(sum(amount), 0) from investment_allocation
                where programme_id = $1 and partner = $2) as allocated,
               (select coalesce(sum(amount), 0) from investment_commitment
                where programme_id = $1 and partner = $2) as committed,
               (select coalesce(sum(programme_amount), 0) from investment_disbursement
                where programme_id = $1 and partner = $2) as disbursed
        """,
        programme_id,
        partner,
    )
    assert row is not None
    return Sums(plain(row["allocated"]), plain(row["committed"]), plain(row["disbursed"]))


# --- allocations, commitments, disbursements ---------------------------------------------------


async def insert_allocation(
    connection: Connection, programme: Programme, allocation: AllocationIn, actor_id: int
) -> Allocation:
    row = await connection.fetchrow(
        """
        with a as (
            insert into investment_allocation (programme_id, partner, amount, illustrative, note,
                                               created_by)
            values ($1, $2, $3, $4, $5, $6) returning *
        )
        select a.*, u.name as created_by_name from a join app_user u on u.id = a.created_by
        """,
        programme.id,
        allocation.partner,
        allocation.amount,
        allocation.illustrative,
        allocation.note,
        actor_id,
    )
    assert row is not None
    return _allocation(row, programme)


def _allocation(row: asyncpg.Record, programme: Programme) -> Allocation:
    return Allocation(
        id=row["id"],
        programme=programme.name,
        partner=row["partner"],
        amount=plain(row["amount"]),
        currency=programme.currency,
        illustrative=row["illustrative"],
        note=row["note"],
        created_by=row["created_by_name"],
        created_at=row["created_at"],
    )


async def insert_commitment(
    connection: Connection, programme: Programme, commitment: CommitmentIn, actor_id: int
) -> Commitment:
    row = await connection.fetchrow(
        """
        with c as (
            insert into investment_commitment (programme_id, partner, committed_on, amount,
                                               description, illustrative, created_by)
            values ($1, $2, $3, $4, $5, $6, $7) returning *
        )
        select c.*, u.name as created_by_name from c join app_user u on u.id = c.created_by
        """,
        programme.id,
        commitment.partner,
        commitment.date,
        commitment.amount,
        commitment.description,
        commitment.illustrative,
        actor_id,
    )
    assert row is not None
    return _commitment(row, programme)


def _commitment(row: asyncpg.Record, programme: Programme) -> Commitment:
    return Commitment(
        id=row["id"],
        programme=programme.name,
        partner=row["partner"],
        date=row["committed_on"],
        amount=plain(row["amount"]),
        currency=programme.currency,
        description=row["description"],
        illustrative=row["illustrative"],
        created_by=row["created_by_name"],
        created_at=row["created_at"],
    )


async def insert_disbursement(
    connection: Connection,
    programme: Programme,
    disbursement: DisbursementIn,
    *,
    programme_amount: Decimal,
    rate: Decimal,
    rate_day: dt.date | None,
    actor_id: int,
) -> Disbursement:
    row = await connection.fetchrow(
        """
        with d as (
            insert into investment_disbursement (programme_id, partner, paid_on, amount, currency,
                                                 programme_amount, rate, rate_day, category,
                                                 document, description, illustrative, created_by)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) returning *
        )
        select d.*, u.name as created_by_name from d join app_user u on u.id = d.created_by
        """,
        programme.id,
        disbursement.partner,
        disbursement.date,
        disbursement.amount,
        disbursement.currency,
        programme_amount,
        rate,
        rate_day,
        disbursement.category.value,
        disbursement.document,
        disbursement.description,
        disbursement.illustrative,
        actor_id,
    )
    assert row is not None
    return _disbursement(row, programme)


def _disbursement(row: asyncpg.Record, programme: Programme) -> Disbursement:
    return Disbursement(
        id=row["id"],
        programme=programme.name,
        partner=row["partner"],
        date=row["paid_on"],
        amount=plain(row["amount"]),
        currency=row["currency"],
        programme_amount=plain(row["programme_amount"]),
        programme_currency=programme.currency,
        rate=plain(row["rate"]),
        rate_day=row["rate_day"],
        category=Category(row["category"]),
        document=row["document"],
        description=row["description"],
        illustrative=row["illustrative"],
        created_by=row["created_by_name"],
        created_at=row["created_at"],
    )


async def programme_details(
    connection: Connection, programmes: Sequence[Programme]
) -> tuple[list[Allocation], list[Commitment], list[Disbursement]]:
    """The allocations, commitments and disbursements of the programmes, oldest first: three
    statements whatever the number of programmes."""
    by_id = {p.id: p for p in programmes}
    ids = list(by_id)
    user = "join app_user u on u.id = x.created_by"
    allocations = await connection.fetch(
        f"select x.*, u.name as created_by_name from investment_allocation x {user} "
        "where x.programme_id = any($1::bigint[]) order by x.id",
        ids,
    )
    commitments = await connection.fetch(
        f"select x.*, u.name as created_by_name from investment_commitment x {user} "
        "where x.programme_id = any($1::bigint[]) order by x.committed_on, x.id",
        ids,
    )
    disbursements = await connection.fetch(
        f"select x.*, u.name as created_by_name from investment_disbursement x {user} "
        "where x.programme_id = any($1::bigint[]) order by x.paid_on, x.id",
        ids,
    )
    return (
        [_allocation(row, by_id[row["programme_id"]]) for row in allocations],
        [_commitment(row, by_id[row["programme_id"]]) for row in commitments],
        [_disbursement(row, by_id[row["programme_id"]]) for row in disbursements],
    )


async def received(connection: Connection, partner: str, up_to: dt.date) -> dict[str, Decimal]:
    rows = await connection.fetch(
        """
        select p.currency, sum(d.programme_amount) as amount
        from investment_disbursement d join investment_programme p on p.id = d.programme_id
        where d.partner = $1 and d.paid_on <= $2
        group by p.currency order by p.currency
        """,
        partner,
        up_to,
    )
    return {row["currency"]: plain(row["amount"]) for row in rows}


async def received_outside(
    connection: Connection, partner: str, up_to: dt.date, currency: str
) -> list[tuple[dt.date, Decimal, str]]:
    """(date, amount as paid, currency as paid) of the partner's disbursements by `up_to` from
    programmes that do not count in `currency`."""
    rows = await connection.fetch(
        """
        select d.paid_on, d.amount, d.currency
        from investment_disbursement d join investment_programme p on p.id = d.programme_id
        where d.partner = $1 and d.paid_on <= $2 and p.currency <> $3
        order by d.paid_on, d.id
        """,
        partner,
        up_to,
        currency,
    )
    return [(row["paid_on"], plain(row["amount"]), row["currency"]) for row in rows]


# --- exchange rates ----------------------------------------------------------------------------


async def has_daily_rates(connection: Connection, currency: str) -> bool:
    found: bool = await connection.fetchval(
        "select exists (select 1 from fx_daily where currency = $1)", currency
    )
    return found


# --- loans -------------------------------------------------------------------------------------

_LOAN = """
    select l.*, u.name as created_by_name,
           array(select i.due_on from loan_instalment i where i.loan_id = l.id
                 order by i.due_on) as due_dates,
           array(select i.amount from loan_instalment i where i.loan_id = l.id
                 order by i.due_on) as due_amounts
    from interest_free_loan l join app_user u on u.id = l.created_by
"""


def _loan(row: asyncpg.Record) -> Loan:
    return Loan(
        id=row["id"],
        lender=row["lender"],
        borrower_entity=row["borrower_entity"],
        borrower_project=row["borrower_project"],
        projects=row["projects"],
        principal=plain(row["principal"]),
        currency=row["currency"],
        granted_on=row["granted_on"],
        schedule=tuple(
            Instalment(due_on=day, amount=plain(amount))
            for day, amount in zip(row["due_dates"], row["due_amounts"], strict=True)
        ),
        illustrative=row["illustrative"],
        note=row["note"],
        created_by=row["created_by_name"],
        created_at=row["created_at"],
    )


async def insert_loan(connection: Connection, loan: LoanIn, actor_id: int) -> int:
    loan_id: int = await connection.fetchval(
        """
        insert into interest_free_loan (lender, borrower_entity, borrower_project, projects,
                                        principal, currency, granted_on, illustrative, note,
                                        created_by)
        values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning id
        """,
        loan.lender,
        loan.borrower_entity,
        loan.borrower_project,
        loan.projects,
        loan.principal,
        loan.currency,
        loan.granted_on,
        loan.illustrative,
        loan.note,
        actor_id,
    )
    await connection.executemany(
        "insert into loan_instalment (loan_id, due_on, amount) values ($1, $2, $3)",
        [(loan_id, i.due_on, i.amount) for i in loan.schedule],
    )
    return loan_id


async def lock_loan(connection: Connection, loan_id: int) -> Loan | None:
    """The loan, locked until the transaction ends."""
    locked = await connection.fetchval(
        "select id from interest_free_loan where id = $1 for update", loan_id
    )
    if locked is None:
        return None
    return await loan(connection, loan_id)


async def loan(connection: Connection, loan_id: int) -> Loan | None:
    row = await connection.fetchrow(f"{_LOAN} where l.id = $1", loan_id)
    return None if row is None else _loan(row)


async def loans(connection: Connection, ids: Sequence[int] | None = None) -> list[Loan]:
    rows = await connection.fetch(
        f"{_LOAN} where ($1::bigint[] is null or l.id = any($1::bigint[])) "
        "order by l.granted_on, l.id",
        None if ids is None else list(ids),
    )
    return [_loan(row) for row in rows]


async def repaid(connection: Connection, loan_id: int) -> Decimal:
    amount: Decimal = await connection.fetchval(
        "select coalesce(sum(amount), 0) from loan_repayment where loan_id = $1", loan_id
    )
    return plain(amount)


def _repayment(row: asyncpg.Record) -> Repayment:
    return Repayment(
        id=row["id"],
        loan=row["loan_id"],
        date=row["paid_on"],
        amount=plain(row["amount"]),
        currency=row["currency"],
        illustrative=row["illustrative"],
        created_by=row["created_by_name"],
        created_at=row["created_at"],
    )


async def insert_repayment(
    connection: Connection, repayment: RepaymentIn, actor_id: int
) -> Repayment:
    row = await connection.fetchrow(
        """
        with r as (
            insert into loan_repayment (loan_id, paid_on, amount, illustrative, created_by)
            values ($1, $2, $3, $4, $5) returning *
        )
        select r.*, l.currency, u.name as created_by_name
        from r join interest_free_loan l on l.id = r.loan_id join app_user u on u.id = r.created_by
        """,
        repayment.loan,
        repayment.date,
        repayment.amount,
        repayment.illustrative,
        actor_id,
    )
    assert row is not None
    return _repayment(row)


async def repayments(connection: Connection, loan_ids: Sequence[int]) -> list[Repayment]:
    rows = await connection.fetch(
        """
        select r.*, l.currency, u.name as created_by_name
        from loan_repayment r join interest_free_loan l on l.id = r.loan_id
        join app_user u on u.id = r.created_by
        where r.loan_id = any($1::bigint[])
        order by r.paid_on, r.id
        """,
        list(loan_ids),
    )
    return [_repayment(row) for row in rows]
