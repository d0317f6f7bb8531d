"""Consolidating a period: gather approved trial balances, rates and journals, run the
arithmetic, and (when finance asks) store the run. Reading an open period recomputes it: the
same approved inputs give the same figures to the cent, whenever it runs. Reading a locked
period serves the run it was signed off with (hub/consolidation/locking.py), never a
recomputation."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import NamedTuple

import msgspec

from hub import signoff
from hub.auth.policy import Action, Principal, authorize
from hub.consolidation import repository
from hub.consolidation.calc import consolidate, exact
from hub.consolidation.model import (
    ONE,
    AcquisitionTerms,
    Balance,
    Consolidated,
    ConsolidationError,
    EntityInput,
    EntityRates,
    EquityLine,
    Journal,
    JournalEntry,
    Opening,
)
from hub.consolidation.register import service as register
from hub.consolidation.translation import carried_equity_lines, carry_forward, rate_for, translate
from hub.db.pool import Connection
from hub.fx.model import RateKey
from hub.fx.service import rates_for
from hub.mappings import repository as mappings_repository
from hub.mappings import service as mappings
from hub.mappings.model import Placer
from hub.registry.group_chart import Side, Statement
from hub.reporting.model import Dataset, Status
from hub.reporting.period import PeriodError, parse_period
from hub.reporting.repository import latest_submission_id
from hub.services import Hub
from hub.signoff import SignOff


class Source(msgspec.Struct, frozen=True, kw_only=True):
    entity: str
    submission_id: int
    version: int
    status: Status


class RateUsed(msgspec.Struct, frozen=True, kw_only=True):
    entity: str
    currency: str
    type: str  # closing, average, opening, historical (an equity movement), acquisition
    rate: Decimal
    line: str | None = None
    period: str | None = None
    day: dt.date | None = None  # of an acquisition's rate


class Inputs(msgspec.Struct, frozen=True, kw_only=True):
    period: str
    entities: list[EntityInput]
    rates: dict[str, EntityRates]
    journals: list[Journal]
    sources: list[Source]
    rates_used: list[RateUsed]
    acquisitions: dict[str, AcquisitionTerms] = {}


class View(msgspec.Struct, frozen=True, kw_only=True):
    period: str
    scope: list[str]
    result: Consolidated
    inputs: Inputs
    prior_period: str
    prior: Consolidated | None
    prior_problems: list[str]
    locked: bool
    digest: str  # of inputs and result: a stored run's, or what storing this one would give
    sign_off: SignOff | None = None  # the lock, when the period is locked


def _period(text: str) -> str:
    try:
        period = parse_period(text)
    except PeriodError as error:
        raise ConsolidationError([str(error)]) from error
    if not period.is_year:
        raise ConsolidationError(
            [
                f"{period} is not a year: consolidation runs on years (the equity of each is "
                "carried into the next)"
            ]
        )
    return str(period)


def _scope(hub: Hub, entities: list[str] | None) -> list[str]:
    if entities is None:
        return list(hub.registry.entities)
    unknown = [code for code in entities if code not in hub.registry.entities]
    if unknown:
        known = ", ".join(hub.registry.entities)
        raise ConsolidationError([f"unknown entity {code!r}; known: {known}" for code in unknown])
    parent = hub.registry.config.network.parent
    if parent not in entities:
        raise ConsolidationError([f"the scope must include the network parent {parent}"])
    return [code for code in hub.registry.entities if code in entities]


async def _sources(
    connection: Connection, scope: list[str], period: str, problems: list[str] | None
) -> list[Source]:
    """The approved statements of each entity; a missing one is a problem when `problems` is
    given (else it is left out)."""
    states = {s.entity: s for s in await repository.statement_reports(connection, scope, period)}
    sources = []
    for code in scope:
        state = states.get(code)
        if (
            state is None
            or state.submission_id is None
            or state.approved_version is None
            or state.status is None
        ):
            if problems is not None:
                # One message whether a draft exists or not: it reaches readers who may not know.
                problems.append(
                    f"{code} has no approved statements for {period}: consolidation runs on "
                    "approved data only"
                )
        else:
            sources.append(
                Source(
                    entity=code,
                    submission_id=state.submission_id,
                    version=state.approved_version,
                    status=state.status,
                )
            )
    return sources


async def _placers(
    hub: Hub, connection: Connection, entities: Iterable[str], period: str
) -> dict[str, Placer]:
    return await mappings.placers(hub, connection, entities, period)


async def _balances(
    hub: Hub, connection: Connection, sources: list[Source], problems: list[str], period: str
) -> dict[str, list[Balance]]:
    """Each source's trial balance on group lines, by the mapping rules in force for `period`:
    summed per line, partner and investment flag."""
    sums = await mappings_repository.account_sums(connection, [s.submission_id for s in sources])
    placers = await _placers(hub, connection, (s.entity for s in sources), period)
    by_line: dict[tuple[str, str, str | None, bool], Decimal] = defaultdict(Decimal)
    unmapped: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for row in sums:
        placed = placers[row.entity].place_key(row.key)
        if placed.line is None:
            unmapped[(row.entity, row.key)] += row.amount
        else:
            by_line[(row.entity, placed.line, row.partner, placed.investment)] += row.amount
    balances: dict[str, list[Balance]] = defaultdict(list)
    for (code, line, partner, investment), amount in by_line.items():
        balances[code].append(Balance(line, amount, partner, investment))
    listed: dict[str, list[str]] = defaultdict(list)
    for (code, account), amount in unmapped.items():
        if amount != 0:
            listed[code].append(f"{account} ({amount})")
    for code, accounts in listed.items():
        problems.append(
            f"{code}: accounts with a balance are not mapped to the group chart: "
            f"{', '.join(sorted(accounts))}"
        )
    for source in sources:
        if not balances.get(source.entity):
            problems.append(
                f"{source.entity}'s approved statements for {period} (version {source.version}) "
                "have no trial balance: consolidation needs one"
            )
    return balances


async def mapped_accounts(
    hub: Hub, connection: Connection, sources: Sequence[Source], period: str
) -> list[repository.Mapped]:
    """(entity, chart account, line) of every mapped account of the sources in `period`."""
    sums = await mappings_repository.account_sums(connection, [s.submission_id for s in sources])
    placers = await _placers(hub, connection, (s.entity for s in sources), period)
    found = {
        (row.entity, row.key, line)
        for row in sums
        if (line := placers[row.entity].place_key(row.key).line) is not None
    }
    return sorted(found)


def _closed_before(balances: list[Balance], hub: Hub) -> list[Balance]:
    """A subsidiary acquired on the period's last day brings its balance sheet only: its result
    of the period was earned before, and is part of the equity acquired (brought forward)."""
    chart = hub.group_chart
    income = [b for b in balances if chart.lines[b.line].statement is Statement.INCOME_STATEMENT]
    kept = [b for b in balances if chart.lines[b.line].statement is not Statement.INCOME_STATEMENT]
    result = sum((b.amount for b in income), Decimal(0))
    return [*kept, Balance(chart.roles.brought_forward, result)] if income else kept


async def gather(hub: Hub, connection: Connection, scope: list[str], period: str) -> Inputs:
    """Everything a consolidation of `period` reads; every problem found is listed at once."""
    problems: list[str] = []
    sources = await _sources(connection, scope, period, problems)
    balances = await _balances(hub, connection, sources, problems, period)
    in_scope = [s.entity for s in sources]
    averages = await _impairment_averages(hub, connection, in_scope, period)
    terms = await register.terms_for(hub, connection, in_scope, period, averages, problems)
    _, end = parse_period(period).bounds()
    for code, acquired in terms.acquisitions.items():
        if acquired.acquired_on == end and code in balances:
            balances[code] = _closed_before(balances[code], hub)
    rates, used = await _rates(hub, in_scope, period, balances, problems)
    for code, what, day, rate in terms.rates:
        currency = hub.registry.entities[code].currency
        if currency != hub.registry.group_currency:
            used.append(RateUsed(entity=code, currency=currency, type=what, rate=rate, day=day))
    openings = {}
    for code in in_scope:
        if hub.registry.entities[code].currency == hub.registry.group_currency:
            continue
        opening = await _opening(hub, connection, code, period, terms, balances.get(code, []))
        if isinstance(opening, str):
            problems.append(opening)
        else:
            openings[code] = opening
    journals = await _journals(connection, period)
    if problems:
        raise ConsolidationError(problems)
    entities = []
    for source in sources:
        config = hub.registry.entities[source.entity]
        entities.append(
            EntityInput(
                entity=source.entity,
                currency=config.currency,
                method=config.consolidation,
                parent=config.parent if config.parent in scope else None,
                submission_id=source.submission_id,
                version=source.version,
                balances=tuple(sorted(balances[source.entity], key=_balance_order)),
                opening=openings.get(source.entity),
            )
        )
    return Inputs(
        period=period,
        entities=entities,
        rates=rates,
        journals=journals,
        sources=sources,
        rates_used=used,
        acquisitions=terms.acquisitions,
    )


async def _impairment_averages(
    hub: Hub, connection: Connection, entities: list[str], period: str
) -> dict[tuple[str, str], Decimal]:
    wanted = {
        RateKey.average(hub.registry.entities[code].currency, earlier)
        for code, earlier in await register.impairment_periods(connection, entities, period)
        if hub.registry.entities[code].currency != hub.registry.group_currency
    }
    found = await rates_for(hub, wanted)
    return {(key.currency, key.period or ""): rate for key, rate in found.items()}


# How many earlier years an entity's opening equity may be computed back through.
OPENING_DEPTH = 10


async def _opening(
    hub: Hub,
    connection: Connection,
    code: str,
    period: str,
    terms: register.PeriodTerms,
    balances: list[Balance],
    depth: int = 0,
) -> Opening | str:
    """Where the entity's equity starts this period (IAS 21), or why it cannot be known: the
    locked consolidation of the year before; else an opening position entered for this year;
    else its acquisition, when made this year or when its equity has not moved since; else the
    year before, computed from its approved statements (and so on back)."""
    chart = hub.group_chart
    prior = str(parse_period(period).previous())
    stored = await signed_off(connection, prior)
    if stored is not None:
        for closing in stored.result.closing_equity:
            if closing.entity == code:
                return carry_forward(closing, chart, f"the locked {prior} consolidation")
    if code in terms.openings:
        return terms.openings[code]
    acquired = terms.acquisitions.get(code)
    if acquired is not None:
        carried = carried_equity_lines(chart)
        now: dict[str, Decimal] = defaultdict(Decimal)
        for b in balances:
            if b.line in carried:
                now[b.line] += b.amount
        then = {b.line: b.amount for b in acquired.equity}
        if acquired.in_period or {k: v for k, v in now.items() if v} == then:
            return Opening(
                lines=tuple(
                    EquityLine(line=line, local=amount, translated=exact(amount / acquired.rate))
                    for line, amount in sorted(then.items())
                ),
                source=f"the acquisition of {acquired.acquired_on}",
            )
    return await _computed_opening(hub, connection, code, period, depth)


async def _computed_opening(
    hub: Hub, connection: Connection, code: str, period: str, depth: int
) -> Opening | str:
    prior = str(parse_period(period).previous())
    missing = (
        f"{code}: no opening equity for {period} (IAS 21 translates equity from where it was "
        f"carried): lock the {prior} consolidation, enter an opening position for {period}, or "
        "record the acquisition"
    )
    if depth >= OPENING_DEPTH:
        return missing
    problems: list[str] = []
    sources = await _sources(connection, [code], prior, None)
    if not sources:
        return missing
    balances = (await _balances(hub, connection, sources, problems, prior)).get(code, [])
    averages = await _impairment_averages(hub, connection, [code], prior)
    terms = await register.terms_for(hub, connection, [code], prior, averages, problems)
    acquired = terms.acquisitions.get(code)
    _, end = parse_period(prior).bounds()
    if acquired is not None and acquired.acquired_on == end:
        balances = _closed_before(balances, hub)
    rates, _ = await _rates(hub, [code], prior, {code: balances}, problems)
    opening = await _opening(hub, connection, code, prior, terms, balances, depth + 1)
    if problems or isinstance(opening, str):
        return problems[0] if problems else opening
    config = hub.registry.entities[code]
    entity = EntityInput(
        entity=code,
        currency=config.currency,
        method=config.consolidation,
        parent=None,
        submission_id=sources[0].submission_id,
        version=sources[0].version,
        balances=tuple(balances),
        opening=opening,
    )
    _, _, closing = translate(entity, rates[code], hub.group_chart, in_group_currency=False)
    return carry_forward(
        closing, hub.group_chart, f"{prior} computed from its approved statements (not locked)"
    )


def _balance_order(balance: Balance) -> tuple[str, str, bool]:
    return balance.line, balance.partner or "", balance.investment


async def _rates(
    hub: Hub,
    entities: list[str],
    period: str,
    balances: Mapping[str, list[Balance]],
    problems: list[str],
) -> tuple[dict[str, EntityRates], list[RateUsed]]:
    """Closing, average and opening rates per entity, and the rates finance entered for this
    period's movements of equity lines; a missing one is a problem named by currency, type and
    period, never a rate of 1."""
    group = hub.registry.group_currency
    carried = carried_equity_lines(hub.group_chart)
    wanted: dict[str, list[RateKey]] = {}
    for code in entities:
        currency = hub.registry.entities[code].currency
        if currency == group:
            continue
        equity_lines = sorted({b.line for b in balances.get(code, []) if b.line in carried})
        wanted[code] = [
            RateKey.closing(currency, period),
            RateKey.average(currency, period),
            RateKey.opening(currency, period),
            *(RateKey.historical(currency, code, line, period) for line in equity_lines),
        ]
    found = await rates_for(hub, [key for keys in wanted.values() for key in keys])
    rates: dict[str, EntityRates] = {}
    used: list[RateUsed] = []
    for code in entities:
        if code not in wanted:
            rates[code] = ONE
            continue
        closing, average, opening, *movements = wanted[code]
        missing = [key for key in (closing, average) if key not in found]
        for key in missing:
            problems.append(f"{code}: no {key.describe()}: import the ECB rates or enter one")
        if missing:
            continue
        specific = {key.line: found[key] for key in movements if key in found and key.line}
        rates[code] = EntityRates(
            closing=found[closing],
            average=found[average],
            opening=found.get(opening),
            movements=specific,
        )
        currency = closing.currency
        used += [
            RateUsed(
                entity=code, currency=currency, type=key.type.value, rate=found[key], period=period
            )
            for key in (closing, average, opening)
            if key in found
        ]
        used += [
            RateUsed(
                entity=code,
                currency=currency,
                type="historical",
                rate=rate,
                line=line,
                period=period,
            )
            for line, rate in specific.items()
        ]
    return rates, used


async def _journals(connection: Connection, period: str) -> list[Journal]:
    return [
        Journal(
            id=row.id,
            reason=row.reason,
            entries=tuple(
                JournalEntry(line, amount, entity) for line, entity, amount in row.entries
            ),
        )
        for row in await repository.journals(connection, period)
    ]


def _compute(hub: Hub, inputs: Inputs) -> Consolidated:
    return consolidate(
        inputs.entities,
        inputs.rates,
        hub.group_chart,
        inputs.journals,
        hub.rules.tolerances.rounding,
        hub.rules.tolerances.trial_balance,
        acquisitions=inputs.acquisitions,
        group_currency=hub.registry.group_currency,
    )


async def view(
    hub: Hub, principal: Principal, period_text: str, entities: list[str] | None = None
) -> View:
    """The consolidated statements of a period, with the prior period for comparison."""
    authorize(principal, Action.READ_FIGURES)
    period = _period(period_text)
    prior_period = str(parse_period(period).previous())
    async with hub.db.pool.acquire() as connection:
        lock = await signoff.current(connection, period)
        if lock is not None and lock.run_id is not None:
            return await _signed_off_view(hub, connection, lock, entities, prior_period)
        scope = _scope(hub, entities)
        inputs = await gather(hub, connection, scope, period)
        prior, prior_problems = await _comparatives(hub, connection, scope, prior_period)
    result = _compute(hub, inputs)
    return View(
        period=period,
        scope=scope,
        result=result,
        inputs=inputs,
        prior_period=prior_period,
        prior=prior,
        prior_problems=prior_problems,
        locked=lock is not None,
        digest=digest_of(inputs, result),
        sign_off=lock,
    )


async def _comparatives(
    hub: Hub, connection: Connection, scope: list[str], prior_period: str
) -> tuple[Consolidated | None, list[str]]:
    """The prior period's figures: as signed off when it is locked with the same entities,
    else recomputed; or why there are none."""
    signed = await signed_off(connection, prior_period)
    if signed is not None and signed.sign_off.scope == scope:
        return signed.result, []
    try:
        return _compute(hub, await gather(hub, connection, scope, prior_period)), []
    except ConsolidationError as error:
        return None, error.problems


def _signed_off_scope(hub: Hub, lock: SignOff, entities: list[str] | None) -> list[str]:
    """The scope the period was signed off with: asked for, or not named."""
    if entities is not None and _scope(hub, entities) != lock.scope:
        raise ConsolidationError(
            [
                f"{lock.describe()} with the entities {', '.join(lock.scope)}: ask for those "
                "(or name none), or unlock it to consolidate other entities"
            ]
        )
    return lock.scope


async def _signed_off_view(
    hub: Hub,
    connection: Connection,
    lock: SignOff,
    entities: list[str] | None,
    prior_period: str,
) -> View:
    """The figures signed off, and the comparatives they were signed off with."""
    scope = _signed_off_scope(hub, lock, entities)
    assert lock.run_id is not None
    assert lock.digest is not None
    inputs, result = await stored_run(connection, lock.run_id)
    prior = None
    if lock.prior_run_id is not None:
        _, prior = await stored_run(connection, lock.prior_run_id)
    return View(
        period=lock.period,
        scope=scope,
        result=result,
        inputs=inputs,
        prior_period=prior_period,
        prior=prior,
        prior_problems=lock.prior_problems,
        locked=True,
        digest=lock.digest,
        sign_off=lock,
    )


class Run(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    period: str
    scope: list[str]
    run_by: str
    run_at: dt.datetime
    digest: str


def digest_of(inputs: Inputs, result: Consolidated) -> str:
    """SHA-256 of inputs and result encoded with sorted keys: a stored run decoded again gives
    its digest back (PostgreSQL's jsonb does not keep the order of keys)."""
    return hashlib.sha256(msgspec.json.encode((inputs, result), order="sorted")).hexdigest()


class SignedOff(NamedTuple):
    inputs: Inputs
    result: Consolidated
    sign_off: SignOff


async def stored_run(connection: Connection, run_id: int) -> tuple[Inputs, Consolidated]:
    """A stored run, decoded into the structs it was computed as."""
    inputs, result = await repository.run_content(connection, run_id)
    return (
        msgspec.json.decode(inputs, type=Inputs),
        msgspec.json.decode(result, type=Consolidated),
    )


async def signed_off(connection: Connection, period: str) -> SignedOff | None:
    """The run a locked period was signed off with, and its lock; None while the period is
    open (or was locked before runs were stored with their lock). The next period opens from
    it."""
    lock = await signoff.current(connection, period)
    if lock is None or lock.run_id is None:
        return None
    inputs, result = await stored_run(connection, lock.run_id)
    return SignedOff(inputs, result, lock)


async def run(
    hub: Hub, principal: Principal, period_text: str, entities: list[str] | None = None
) -> Run:
    """Consolidate and keep the run: its inputs (versions, rates, journals), its result and a
    digest of both, so that a later rerun can be compared to it."""
    authorize(principal, Action.CONSOLIDATE)
    period = _period(period_text)
    scope = _scope(hub, entities)
    async with hub.db.transaction() as connection:
        await repository.lock_period(connection, period)
        await _refuse_if_locked(connection, period, "running it again")
        inputs = await gather(hub, connection, scope, period)
        result = _compute(hub, inputs)
        digest = digest_of(inputs, result)
        run_id, run_at = await repository.store_run(
            connection,
            period=period,
            scope=scope,
            run_by=principal.user_id,
            digest=bytes.fromhex(digest),
            inputs=msgspec.json.encode(inputs),
            result=msgspec.json.encode(result),
        )
    return Run(
        id=run_id, period=period, scope=scope, run_by=principal.name, run_at=run_at, digest=digest
    )


async def runs(hub: Hub, principal: Principal, period_text: str) -> list[Run]:
    authorize(principal, Action.READ_FIGURES)
    async with hub.db.pool.acquire() as connection:
        rows = await repository.runs(connection, _period(period_text))
    return [
        Run(
            id=r.id,
            period=r.period,
            scope=r.scope,
            run_by=r.run_by,
            run_at=r.run_at,
            digest=r.digest.hex(),
        )
        for r in rows
    ]


# --- finance's journals ------------------------------------------------------------------------


async def post_journal(
    hub: Hub,
    principal: Principal,
    period_text: str,
    reason: str,
    entries: list[tuple[str, str | None, Decimal]],
) -> repository.JournalRow:
    """A manual adjustment: balanced, with a reason, kept apart from the national figures."""
    authorize(principal, Action.CONSOLIDATE)
    period = _period(period_text)
    problems = _journal_problems(hub, reason, entries)
    if problems:
        raise ConsolidationError(problems)
    async with hub.db.transaction() as connection:
        await repository.lock_period(connection, period)
        await _refuse_if_locked(connection, period, f"posting a journal in {period}")
        journal_id = await repository.insert_journal(
            connection,
            period=period,
            reason=reason.strip(),
            author_id=principal.user_id,
            reverses=None,
            entries=entries,
        )
        row = await repository.journal(connection, journal_id)
    assert row is not None
    return row


def _journal_problems(
    hub: Hub, reason: str, entries: list[tuple[str, str | None, Decimal]]
) -> list[str]:
    problems = []
    if not reason.strip():
        problems.append("reason: a journal needs a reason")
    if len(entries) < 2:
        problems.append("entries: a journal needs at least two entries")
    for index, (line, entity, amount) in enumerate(entries):
        group_line = hub.group_chart.lines.get(line)
        if group_line is None:
            problems.append(f"entries[{index}].line: unknown group line {line!r}")
        elif group_line.is_total:
            problems.append(f"entries[{index}].line: {line} is a total; post to its parts")
        if entity is not None and entity not in hub.registry.entities:
            problems.append(f"entries[{index}].entity: unknown entity {entity!r}")
        if not amount.is_finite() or amount == 0:
            problems.append(f"entries[{index}].amount: a non-zero number is required")
    total = sum((amount for _, _, amount in entries if amount.is_finite()), Decimal(0))
    if total != 0:
        problems.append(f"entries: debits and credits differ by {total}")
    return problems


async def reverse_journal(
    hub: Hub, principal: Principal, journal_id: int, reason: str
) -> repository.JournalRow:
    authorize(principal, Action.CONSOLIDATE)
    if not reason.strip():
        raise ConsolidationError(["reason: a reversal needs a reason"])
    async with hub.db.transaction() as connection:
        original = await repository.journal(connection, journal_id)
        if original is None:
            raise ConsolidationError([f"there is no journal {journal_id}"])
        await repository.lock_period(connection, original.period)
        await _refuse_if_locked(connection, original.period, f"reversing journal {journal_id}")
        if original.reverses is not None:
            raise ConsolidationError(
                [f"journal {journal_id} reverses journal {original.reverses}: post a new one"]
            )
        if original.reversed_by is not None:
            raise ConsolidationError(
                [f"journal {journal_id} was already reversed by journal {original.reversed_by}"]
            )
        reversal_id = await repository.insert_journal(
            connection,
            period=original.period,
            reason=reason.strip(),
            author_id=principal.user_id,
            reverses=journal_id,
            entries=[(line, entity, -amount) for line, entity, amount in original.entries],
        )
        row = await repository.journal(connection, reversal_id)
    assert row is not None
    return row


async def _refuse_if_locked(connection: Connection, period: str, change: str) -> None:
    """Journals and runs of a locked period are refused, whether or not its lock stored a run
    (a lock from before migration 0008 did not)."""
    lock = await signoff.current(connection, period)
    if lock is not None:
        raise ConsolidationError([str(signoff.Locked([lock], change))])


async def journals(hub: Hub, principal: Principal, period_text: str) -> list[repository.JournalRow]:
    authorize(principal, Action.READ_FIGURES)
    async with hub.db.pool.acquire() as connection:
        return await repository.journals(connection, _period(period_text))


# --- drill-down --------------------------------------------------------------------------------


class DrillRow(msgspec.Struct, frozen=True, kw_only=True):
    entity: str
    account: str
    label: str | None
    partner: str | None
    local_amount: Decimal
    currency: str
    rate: Decimal
    group_amount: Decimal  # line terms, group currency
    submission_id: int
    version: int


def _carried_rates(hub: Hub, inputs: Inputs) -> dict[tuple[str, str], Decimal]:
    """The rate an equity line is carried at this period (IAS 21: its local amount over its
    rolled-forward value), per entity outside the group currency."""
    found = {}
    for closing in _compute(hub, inputs).closing_equity:
        for line in closing.lines:
            if (
                line.translated
                and line.local
                and line.line in carried_equity_lines(hub.group_chart)
            ):
                found[(closing.entity, line.line)] = exact(line.local / line.translated)
    return found


async def drill_down(
    hub: Hub,
    principal: Principal,
    period_text: str,
    line: str,
    entities: list[str] | None = None,
    entity: str | None = None,
) -> list[DrillRow]:
    """From a group figure to the national accounts behind it, with the rate and the
    submission version each came from (of a locked period: as signed off)."""
    authorize(principal, Action.READ_FIGURES)
    period = _period(period_text)
    async with hub.db.pool.acquire() as connection:
        stored = await signed_off(connection, period)
        if stored is None:
            inputs = await gather(hub, connection, _scope(hub, entities), period)
        else:
            _signed_off_scope(hub, stored.sign_off, entities)
            inputs = stored.inputs
    run_id = None if stored is None else stored.sign_off.run_id
    group_line = hub.group_chart.lines.get(line)
    if group_line is None:
        raise ConsolidationError([f"unknown group line {line!r}"])
    leaves = (
        [line]
        if not group_line.is_total
        else [
            leaf.code
            for leaf in hub.group_chart.leaves()
            if hub.group_chart.is_under(leaf.code, line)
        ]
    )
    rows: list[DrillRow] = []
    carried_values = _carried_rates(hub, inputs)
    async with hub.db.pool.acquire() as connection:
        on_line: dict[tuple[str, str], list[str]] = defaultdict(list)
        if run_id is None:
            for code, key, mapped in await mapped_accounts(hub, connection, inputs.sources, period):
                on_line[(code, mapped)].append(key)
        for source in inputs.entities:
            if entity is not None and source.entity != entity:
                continue
            rates = inputs.rates[source.entity]
            for leaf in leaves:
                rate = carried_values.get((source.entity, leaf)) or rate_for(
                    leaf, hub.group_chart, rates
                )
                sign = 1 if hub.group_chart.lines[leaf].side is Side.DEBIT else -1
                details = (
                    repository.account_details(
                        connection, source.submission_id, on_line[(source.entity, leaf)]
                    )
                    if run_id is None
                    else repository.run_account_details(connection, run_id, source.entity, leaf)
                )
                for detail in await details:
                    rows.append(
                        DrillRow(
                            entity=source.entity,
                            account=detail.account,
                            label=detail.label,
                            partner=detail.partner,
                            local_amount=detail.amount,
                            currency=source.currency,
                            rate=rate,
                            group_amount=exact(sign * detail.amount / rate),
                            submission_id=source.submission_id,
                            version=source.version,
                        )
                    )
    return rows


class Unmapped(msgspec.Struct, frozen=True, kw_only=True):
    account: str
    name: str | None  # the trial balance's name for it
    balance: Decimal
    reason: str | None  # the mapping's, when it leaves the account out on purpose


async def unmapped_accounts(
    hub: Hub, principal: Principal, entity: str, period_text: str
) -> tuple[int | None, list[Unmapped]]:
    """The accounts of the entity's latest statements version (the caller's view: drafts for
    its own team and finance) that map to no group line under the mapping rules in force for
    the period: (version, accounts with a balance)."""
    if entity not in hub.registry.entities:
        raise ConsolidationError([f"unknown entity {entity!r}"])
    authorize(principal, Action.READ_DRAFTS, entity)
    period = _period(period_text)
    async with hub.db.pool.acquire() as connection:
        latest = await latest_submission_id(connection, entity, period, Dataset.STATEMENTS)
        if latest is None:
            return None, []
        accounts = await mappings_repository.accounts_of(connection, latest[0])
        placer = await mappings.placer(hub, connection, entity, period)
    found = []
    for account in accounts:
        placed = placer.place_key(account.key)
        if placed.line is None and account.balance != 0:
            found.append(
                Unmapped(
                    account=account.key,
                    name=account.name,
                    balance=account.balance,
                    reason=placed.not_mapped,
                )
            )
    return latest[1], found
