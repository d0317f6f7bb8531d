"""Signing off a consolidated period: locking stores the run as the signed-off figures, with
what it used (hub/signoff.py) and the prior period's run its comparatives come from; unlocking
needs a reason; both are events, kept.

Locking takes, in this order, the period's lock, the prior period's (whose signed-off run the
period opens from), the rates lock and the included statements reports; every writer of those
takes its own lock first, then asks hub/signoff.py, so a change and a lock cannot cross.
"""

from __future__ import annotations

import datetime as dt

import msgspec

from hub.auth.policy import Action, Principal, authorize
from hub.consolidation import repository, service
from hub.consolidation.model import ConsolidationError
from hub.consolidation.service import Inputs, RateUsed
from hub.db.pool import Connection
from hub.fx import repository as rates_repository
from hub.fx.model import RateKey, RateType
from hub.reporting.model import Dataset
from hub.reporting.period import parse_period
from hub.services import Hub
from hub.signoff import (
    Dependency,
    Kind,
    Locked,
    SignOff,
    current,
    period_key,
    rate_key,
    record,
    refuse_if_used,
    report_key,
)


class LockEvent(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    period: str
    locked: bool
    run_id: int | None
    digest: str | None
    scope: list[str]
    actor: str
    at: dt.datetime
    reason: str | None


def _rate_key(period: str, used: RateUsed) -> RateKey | None:
    """The stored key a rate came from: closing, average and opening rates are the period's;
    a historical rate is the rate of an equity line's movement in the period. An acquisition's
    rate is the register's or the ECB's of its day (the register refuses changes by date)."""
    if used.type == "acquisition":
        return None
    if used.type == RateType.HISTORICAL:
        return RateKey.historical(used.currency, used.entity, used.line, used.period)
    return RateKey(used.currency, RateType(used.type), period)


def dependencies_of(inputs: Inputs, prior: SignOff | None) -> list[Dependency]:
    """What a run used, as hub/signoff.py keys: the approved statements versions, the rates,
    the period's journals, and the prior period's signed-off run when it opened from one."""
    period = inputs.period
    found = [
        *(
            Dependency(
                Kind.REPORT,
                report_key(source.entity, period, Dataset.STATEMENTS.value),
                str(source.version),
            )
            for source in inputs.sources
        ),
        *(
            Dependency(Kind.RATE, rate_key(key), str(used.rate))
            for used in inputs.rates_used
            if (key := _rate_key(period, used)) is not None
        ),
        Dependency(Kind.JOURNALS, period_key(period)),
    ]
    if prior is not None and prior.run_id is not None:
        found.append(Dependency(Kind.SIGNOFF, period_key(prior.period), str(prior.run_id)))
    return found


async def _run_for(
    hub: Hub, connection: Connection, principal: Principal, period: str, scope: list[str]
) -> tuple[int, Inputs]:
    """The period's run on the current inputs: the latest stored run if it gives the same
    digest, else a new one."""
    inputs = await service.gather(hub, connection, scope, period)
    result = service._compute(hub, inputs)
    digest = service.digest_of(inputs, result)
    latest = await repository.latest_run(connection, period, scope)
    if latest is not None and latest[1].hex() == digest:
        return latest[0], inputs
    run_id, _ = await repository.store_run(
        connection,
        period=period,
        scope=scope,
        run_by=principal.user_id,
        digest=bytes.fromhex(digest),
        inputs=msgspec.json.encode(inputs),
        result=msgspec.json.encode(result),
    )
    return run_id, inputs


async def _prior(
    hub: Hub, connection: Connection, principal: Principal, period: str, scope: list[str]
) -> tuple[SignOff | None, int | None, list[str]]:
    """Where the comparatives come from: the prior period's signed-off run when it covers the
    same entities, else a run of the prior period stored now; or why there is none."""
    lock = await current(connection, period)
    if lock is not None and lock.run_id is not None and lock.scope == scope:
        return lock, lock.run_id, []
    try:
        run_id, _ = await _run_for(hub, connection, principal, period, scope)
    except ConsolidationError as error:
        return None, None, error.problems
    return None, run_id, []


async def lock(
    hub: Hub,
    principal: Principal,
    period_text: str,
    entities: list[str] | None = None,
    reason: str | None = None,
) -> SignOff:
    """Sign the period off: its run on the current inputs is stored (or the latest stored run
    reused) and served while the period is locked; nothing it used may change meanwhile."""
    authorize(principal, Action.CONSOLIDATE)
    period = service._period(period_text)
    scope = service._scope(hub, entities)
    prior_period = str(parse_period(period).previous())
    async with hub.db.transaction() as connection:
        await repository.lock_period(connection, period)
        await repository.lock_period(connection, prior_period)
        locked = await current(connection, period)
        if locked is not None:
            raise ConsolidationError([f"{locked.describe()} already"])
        await rates_repository.lock_rates(connection)
        await repository.hold_statement_reports(connection, scope, period)
        run_id, inputs = await _run_for(hub, connection, principal, period, scope)
        await repository.keep_run_accounts(
            connection,
            run_id,
            [source.submission_id for source in inputs.sources],
            await service.mapped_accounts(hub, connection, inputs.sources, period),
        )
        prior, prior_run_id, prior_problems = await _prior(
            hub, connection, principal, prior_period, scope
        )
        await repository.record_lock(
            connection,
            period,
            True,
            principal.user_id,
            _text(reason),
            run_id=run_id,
            prior_run_id=prior_run_id,
            prior_problems=prior_problems,
        )
        await record(connection, run_id, dependencies_of(inputs, prior))
        signed = await current(connection, period)
    assert signed is not None
    return signed


async def unlock(hub: Hub, principal: Principal, period_text: str, reason: str | None) -> LockEvent:
    """Lift the sign-off, with a reason. The run stays stored; the period is recomputed again.
    Refused while the next period is locked on it (it opened from this run)."""
    authorize(principal, Action.CONSOLIDATE)
    period = service._period(period_text)
    why = _text(reason)
    if why is None:
        raise ConsolidationError(["reason: unlocking a consolidation needs a reason"])
    async with hub.db.transaction() as connection:
        await repository.lock_period(connection, period)
        locked = await current(connection, period)
        if locked is None:
            raise ConsolidationError([f"the {period} consolidation is not locked"])
        try:
            await refuse_if_used(
                connection, Kind.SIGNOFF, period_key(period), f"unlocking {period}"
            )
        except Locked as error:
            raise ConsolidationError([str(error)]) from error
        event_id = await repository.record_lock(
            connection, period, False, principal.user_id, why, run_id=locked.run_id
        )
        events = await repository.lock_events(connection, period)
    return next(_event(e) for e in events if e.id == event_id)


def event_of(lock: SignOff) -> LockEvent:
    return LockEvent(
        id=lock.event_id,
        period=lock.period,
        locked=True,
        run_id=lock.run_id,
        digest=lock.digest,
        scope=lock.scope,
        actor=lock.locked_by,
        at=lock.locked_at,
        reason=lock.reason,
    )


async def lock_events(hub: Hub, principal: Principal, period_text: str) -> list[LockEvent]:
    authorize(principal, Action.READ_FIGURES)
    async with hub.db.pool.acquire() as connection:
        rows = await repository.lock_events(connection, service._period(period_text))
    return [_event(row) for row in rows]


def _event(row: repository.LockEventRow) -> LockEvent:
    return LockEvent(
        id=row.id,
        period=row.period,
        locked=row.locked,
        run_id=row.run_id,
        digest=None if row.digest is None else row.digest.hex(),
        scope=row.scope,
        actor=row.actor,
        at=row.at,
        reason=row.reason,
    )


def _text(value: str | None) -> str | None:
    return None if value is None or not value.strip() else value.strip()
