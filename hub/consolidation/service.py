"""Consolidating a period: gather approved trial balances, rates and journals, run the
arithmetic, and (when finance asks) store the run. Reading a consolidation recomputes it:
the same approved inputs give the same figures to the cent, whenever it runs."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal

import msgspec

from countries.charts import ChartOfAccounts
from hub.auth.policy import Action, Principal, authorize
from hub.consolidation import repository
from hub.consolidation.calc import consolidate, exact, rate_for
from hub.consolidation.model import (
    Balance,
    Consolidated,
    ConsolidationError,
    EntityInput,
    EntityRates,
    Journal,
    JournalEntry,
)
from hub.db.pool import Connection
from hub.fx.model import RateKey
from hub.fx.service import rates_for
from hub.registry.group_chart import Side
from hub.reporting.model import Dataset, Status
from hub.reporting.period import PeriodError, parse_period
from hub.reporting.repository import latest_submission_id
from hub.services import Hub


class Source(msgspec.Struct, frozen=True, kw_only=True):
    entity: str
    submission_id: int
    version: int
    status: Status


class RateUsed(msgspec.Struct, frozen=True, kw_only=True):
    entity: str
    currency: str
    type: str
    rate: Decimal
    line: str | None = None


class CtaMovement(msgspec.Struct, frozen=True, kw_only=True):
    entity: str
    opening: Decimal | None
    closing: Decimal

    @property
    def movement(self) -> Decimal | None:
        return None if self.opening is None else self.closing - self.opening


class Inputs(msgspec.Struct, frozen=True, kw_only=True):
    period: str
    entities: list[EntityInput]
    rates: dict[str, EntityRates]
    journals: list[Journal]
    sources: list[Source]
    rates_used: list[RateUsed]


class View(msgspec.Struct, frozen=True, kw_only=True):
    period: str
    scope: list[str]
    result: Consolidated
    inputs: Inputs
    prior_period: str
    prior: Consolidated | None
    prior_problems: list[str]
    cta: list[CtaMovement]
    locked: bool


def _period(text: str) -> str:
    try:
        return str(parse_period(text))
    except PeriodError as error:
        raise ConsolidationError([str(error)]) from error


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


async def gather(hub: Hub, connection: Connection, scope: list[str], period: str) -> Inputs:
    """Everything a consolidation of `period` reads; every problem found is listed at once."""
    problems: list[str] = []
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
    aggregates = await repository.aggregates(connection, [s.submission_id for s in sources])
    balances: dict[str, list[Balance]] = defaultdict(list)
    unmapped: dict[str, list[str]] = defaultdict(list)
    for row in aggregates:
        if row.line is None:
            if row.amount != 0:
                unmapped[row.entity].append(f"{row.unmapped_account} ({row.amount})")
            continue
        balances[row.entity].append(Balance(row.line, row.amount, row.partner, row.investment))
    for code, accounts in unmapped.items():
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
    rates, used = await _rates(hub, [s.entity for s in sources], period, balances, problems)
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
                share=config.ownership_share,
                parent=config.parent if config.parent in scope else None,
                submission_id=source.submission_id,
                version=source.version,
                balances=tuple(sorted(balances[source.entity], key=_balance_order)),
            )
        )
    return Inputs(
        period=period,
        entities=entities,
        rates=rates,
        journals=journals,
        sources=sources,
        rates_used=used,
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
    """Closing, average and historical rates per entity; a missing one is a problem named by
    currency, type and period, never a rate of 1."""
    group = hub.registry.group_currency
    chart = hub.group_chart
    wanted: dict[str, list[RateKey]] = {}
    for code in entities:
        currency = hub.registry.entities[code].currency
        if currency == group:
            continue
        equity_lines = sorted(
            {b.line for b in balances.get(code, []) if chart.is_under(b.line, chart.roles.equity)}
        )
        wanted[code] = [
            RateKey.closing(currency, period),
            RateKey.average(currency, period),
            RateKey.historical(currency, code),
            *(RateKey.historical(currency, code, line) for line in equity_lines),
        ]
    found = await rates_for(hub, [key for keys in wanted.values() for key in keys])
    rates: dict[str, EntityRates] = {}
    used: list[RateUsed] = []
    one = Decimal(1)
    for code in entities:
        if code not in wanted:
            rates[code] = EntityRates(closing=one, average=one, historical=one)
            continue
        closing, average, historical, *by_line = wanted[code]
        missing = [key for key in (closing, average, historical) if key not in found]
        for key in missing:
            problems.append(f"{code}: no {key.describe()}: import the ECB rates or enter one")
        if missing:
            continue
        specific = {key.line: found[key] for key in by_line if key in found and key.line}
        rates[code] = EntityRates(
            closing=found[closing],
            average=found[average],
            historical=found[historical],
            historical_by_line=specific,
        )
        currency = closing.currency
        used += [
            RateUsed(entity=code, currency=currency, type=key.type.value, rate=found[key])
            for key in (closing, average, historical)
        ]
        used += [
            RateUsed(entity=code, currency=currency, type="historical", rate=rate, line=line)
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
    )


async def view(
    hub: Hub, principal: Principal, period_text: str, entities: list[str] | None = None
) -> View:
    """The consolidated statements of a period, with the prior period for comparison."""
    authorize(principal, Action.READ_FIGURES)
    period = _period(period_text)
    scope = _scope(hub, entities)
    prior_period = str(parse_period(period).previous())
    async with hub.db.pool.acquire() as connection:
        inputs = await gather(hub, connection, scope, period)
        try:
            prior_inputs: Inputs | None = await gather(hub, connection, scope, prior_period)
            prior_problems: list[str] = []
        except ConsolidationError as error:
            prior_inputs, prior_problems = None, error.problems
        locked = await repository.is_locked(connection, period)
    result = _compute(hub, inputs)
    prior = None if prior_inputs is None else _compute(hub, prior_inputs)
    before = {} if prior is None else {t.entity: t.cta for t in prior.translations}
    return View(
        period=period,
        scope=scope,
        result=result,
        inputs=inputs,
        prior_period=prior_period,
        prior=prior,
        prior_problems=prior_problems,
        cta=[
            CtaMovement(entity=t.entity, opening=before.get(t.entity), closing=t.cta)
            for t in result.translations
        ],
        locked=locked,
    )


class Run(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    period: str
    scope: list[str]
    run_by: str
    run_at: dt.datetime
    digest: str


def digest_of(inputs: Inputs, result: Consolidated) -> str:
    return hashlib.sha256(msgspec.json.encode((inputs, result))).hexdigest()


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
        if await repository.is_locked(connection, period):
            raise ConsolidationError([f"the {period} consolidation is locked: reopen it first"])
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
        if await repository.is_locked(connection, period):
            raise ConsolidationError(
                [f"the {period} consolidation is locked: its journals cannot change"]
            )
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
        if await repository.is_locked(connection, original.period):
            raise ConsolidationError(
                [f"journal {journal_id} is locked: the {original.period} consolidation is locked"]
            )
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


async def set_lock(
    hub: Hub, principal: Principal, period_text: str, locked: bool, reason: str | None
) -> bool:
    authorize(principal, Action.CONSOLIDATE)
    period = _period(period_text)
    if not locked and not (reason and reason.strip()):
        raise ConsolidationError(["reason: reopening a consolidation needs a reason"])
    async with hub.db.transaction() as connection:
        await repository.lock_period(connection, period)
        if await repository.is_locked(connection, period) == locked:
            state = "locked" if locked else "open"
            raise ConsolidationError([f"the {period} consolidation is already {state}"])
        await repository.record_lock(connection, period, locked, principal.user_id, reason)
    return locked


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


async def drill_down(
    hub: Hub,
    principal: Principal,
    period_text: str,
    line: str,
    entities: list[str] | None = None,
    entity: str | None = None,
) -> list[DrillRow]:
    """From a group figure to the national accounts behind it, with the rate and the
    submission version each came from."""
    authorize(principal, Action.READ_FIGURES)
    period, scope = _period(period_text), _scope(hub, entities)
    async with hub.db.pool.acquire() as connection:
        inputs = await gather(hub, connection, scope, period)
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
    async with hub.db.pool.acquire() as connection:
        for source in inputs.entities:
            if entity is not None and source.entity != entity:
                continue
            rates = inputs.rates[source.entity]
            for leaf in leaves:
                rate = rate_for(leaf, hub.group_chart, rates)
                sign = 1 if hub.group_chart.lines[leaf].side is Side.DEBIT else -1
                for detail in await repository.account_details(
                    connection, source.submission_id, source.entity, leaf
                ):
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
    balance: Decimal
    reason: str | None  # the chart's, when it leaves the account out on purpose


async def unmapped_accounts(
    hub: Hub, principal: Principal, entity: str, period_text: str
) -> tuple[int | None, list[Unmapped]]:
    """The accounts of the entity's latest statements version (the caller's view: drafts for
    its own team and finance) that map to no group line: (version, accounts with a balance)."""
    if entity not in hub.registry.entities:
        raise ConsolidationError([f"unknown entity {entity!r}"])
    authorize(principal, Action.READ_DRAFTS, entity)
    period = _period(period_text)
    async with hub.db.pool.acquire() as connection:
        latest = await latest_submission_id(connection, entity, period, Dataset.STATEMENTS)
        if latest is None:
            return None, []
        rows = await repository.aggregates(connection, [latest[0]])
    chart = hub.countries[entity].profile.chart_of_accounts
    return latest[1], [
        Unmapped(
            account=row.unmapped_account or "",
            balance=row.amount,
            reason=_not_mapped(chart, row.unmapped_account or ""),
        )
        for row in rows
        if row.line is None and row.amount != 0
    ]


def _not_mapped(chart: ChartOfAccounts, account: str) -> str | None:
    placed = chart.place(account)
    return None if placed is None else placed.not_mapped
