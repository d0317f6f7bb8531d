"""The acquisition register, kept by finance: each subsidiary's or associate's acquisition
(date, consideration, share, method, NCI measurement, equity at acquisition by line, fair-value
adjustments), later changes of the share held, impairments of goodwill, and opening positions
(an entity's equity as the group's previous accounts carried it). Every change is a new,
dated, attributed row with its reason; nothing a locked consolidation used can change.

`terms_for` turns the register into what the arithmetic needs for one period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

import msgspec

from hub import signoff
from hub.auth.policy import Action, Principal, authorize
from hub.consolidation.model import (
    AcquisitionTerms,
    Balance,
    ConsolidationError,
    EquityLine,
    Opening,
    OwnershipStep,
)
from hub.consolidation.register import repository as rows
from hub.consolidation.translation import carried_equity_lines
from hub.db.pool import Connection
from hub.investments.model import InvestmentError
from hub.investments.service import conversion
from hub.registry.group_chart import Statement
from hub.registry.model import ConsolidationMethod
from hub.reporting.period import PeriodError, parse_period
from hub.services import Hub
from hub.text import text_problem

METHODS = {"full": ConsolidationMethod.FULL, "equity": ConsolidationMethod.EQUITY}


class AcquisitionIn(msgspec.Struct, frozen=True, kw_only=True):
    subsidiary: str
    acquired_on: dt.date
    share: Decimal
    consideration: Decimal
    consideration_currency: str
    equity: tuple[rows.LineAmount, ...]
    fair_value: tuple[rows.LineAmount, ...] = ()
    rate: Decimal | None = None
    nci_fair_value: Decimal | None = None
    illustrative: bool = False
    reason: str


class OwnershipChangeIn(msgspec.Struct, frozen=True, kw_only=True):
    subsidiary: str
    effective_on: dt.date
    share: Decimal
    consideration: Decimal
    consideration_currency: str
    reason: str


class ImpairmentIn(msgspec.Struct, frozen=True, kw_only=True):
    subsidiary: str
    period: str
    amount: Decimal
    reason: str


class OpeningIn(msgspec.Struct, frozen=True, kw_only=True):
    entity: str
    period: str
    lines: tuple[rows.OpeningLine, ...]
    illustrative: bool = False
    reason: str


class Register(msgspec.Struct, frozen=True, kw_only=True):
    acquisitions: list[rows.AcquisitionRow]  # every version, oldest first per subsidiary
    ownership_changes: list[rows.OwnershipChangeRow]
    impairments: list[rows.ImpairmentRow]
    openings: list[rows.OpeningRow]


# --- checks -------------------------------------------------------------------------------------


class _Problems:
    def __init__(self) -> None:
        self.found: list[str] = []

    def add(self, field: str, message: str) -> None:
        self.found.append(f"{field}: {message}")

    def raise_any(self) -> None:
        if self.found:
            raise ConsolidationError(self.found)


def _reason(problems: _Problems, reason: str) -> str:
    if not reason.strip():
        problems.add("reason", "say why (it is kept with the entry)")
    elif (problem := text_problem(reason)) is not None:
        problems.add("reason", problem)
    return reason.strip()


def _owned(hub: Hub, problems: _Problems, field: str, code: str) -> None:
    config = hub.registry.entities.get(code)
    if config is None:
        problems.add(field, f"unknown entity {code!r}")
    elif config.parent is None or config.consolidation not in METHODS.values():
        problems.add(
            field,
            f"{code} is consolidated as {config.consolidation.value} (network.toml): only a "
            "subsidiary (full) or an associate (equity) has an acquisition",
        )


def _currency(hub: Hub, problems: _Problems, field: str, code: str, subsidiary: str) -> None:
    allowed = {hub.registry.group_currency}
    config = hub.registry.entities.get(subsidiary)
    if config is not None:
        allowed.add(config.currency)
    if code not in allowed:
        problems.add(field, f"{code!r}: give it in {' or '.join(sorted(allowed))}")


def _share(problems: _Problems, field: str, share: Decimal) -> None:
    if not share.is_finite() or not 0 < share <= 1:
        problems.add(field, f"{share} is not a share between 0 (excluded) and 1")


def _period(problems: _Problems, field: str, text: str) -> str:
    try:
        period = parse_period(text)
    except PeriodError as error:
        problems.add(field, str(error))
        return text
    if not period.is_year:
        problems.add(field, "consolidation runs on years: give a year, e.g. 2024")
    return str(period)


def check_acquisition(hub: Hub, entry: AcquisitionIn) -> None:
    problems = _Problems()
    _owned(hub, problems, "subsidiary", entry.subsidiary)
    _share(problems, "share", entry.share)
    if not entry.consideration.is_finite() or entry.consideration < 0:
        problems.add("consideration", "the amount paid cannot be negative")
    _currency(
        hub, problems, "considerationCurrency", entry.consideration_currency, entry.subsidiary
    )
    if entry.rate is not None and (not entry.rate.is_finite() or entry.rate <= 0):
        problems.add("rate", "a rate is a positive number of the subsidiary's currency per EUR")
    config = hub.registry.entities.get(entry.subsidiary)
    if entry.nci_fair_value is not None:
        if config is not None and config.consolidation is not ConsolidationMethod.FULL:
            problems.add("nciFairValue", "only a subsidiary consolidated in full has NCI")
        elif entry.nci_fair_value < 0:
            problems.add("nciFairValue", "a fair value cannot be negative")
        elif entry.share == 1:
            problems.add("nciFairValue", "there are no NCI when all the shares are held")
    carried = carried_equity_lines(hub.group_chart)
    if not entry.equity:
        problems.add("equity", "give the subsidiary's equity at acquisition by line")
    for index, item in enumerate(entry.equity):
        if item.line not in carried:
            problems.add(
                f"equity[{index}].line",
                f"{item.line!r} is not an equity line the subsidiary reports "
                f"({', '.join(sorted(carried))})",
            )
        if not item.amount.is_finite() or item.amount == 0:
            problems.add(f"equity[{index}].amount", "a non-zero amount (credit negative)")
    chart = hub.group_chart
    for index, item in enumerate(entry.fair_value):
        line = chart.lines.get(item.line)
        if (
            line is None
            or line.is_total
            or line.statement is not Statement.BALANCE_SHEET
            or chart.is_under(item.line, chart.roles.equity)
        ):
            problems.add(
                f"fairValue[{index}].line",
                f"{item.line!r} is not an asset or liability line without parts",
            )
        if not item.amount.is_finite() or item.amount == 0:
            problems.add(f"fairValue[{index}].amount", "a non-zero amount (an asset positive)")
    _reason(problems, entry.reason)
    problems.raise_any()


# --- locks ----------------------------------------------------------------------------------------


async def _refuse_if_locked(
    hub: Hub, connection: Connection, entity: str, from_day: dt.date, what: str
) -> None:
    """A register entry effective from `from_day` changes every consolidation whose period ends
    on or after it: refused while one of those is locked, naming the locks."""
    fiscal_start = hub.registry.entities[entity].fiscal_year_start_month
    affected = [
        lock
        for lock in await signoff.locked(connection)
        if parse_period(lock.period).bounds(fiscal_start)[1] >= from_day
    ]
    if affected:
        raise signoff.Locked(affected, f"changing {what}")


# --- writes ---------------------------------------------------------------------------------------


async def record_acquisition(hub: Hub, principal: Principal, entry: AcquisitionIn) -> int:
    """A new version of the subsidiary's acquisition; the newest is in force."""
    authorize(principal, Action.CONSOLIDATE)
    check_acquisition(hub, entry)
    config = hub.registry.entities[entry.subsidiary]
    assert config.parent is not None
    async with hub.db.transaction() as connection:
        await rows.lock_register(connection)
        await _refuse_if_locked(
            hub,
            connection,
            entry.subsidiary,
            entry.acquired_on,
            f"{entry.subsidiary}'s acquisition",
        )
        previous = await rows.acquisitions(connection, [entry.subsidiary])
        if previous:
            await _refuse_if_locked(
                hub,
                connection,
                entry.subsidiary,
                previous[-1].acquired_on,
                f"{entry.subsidiary}'s acquisition",
            )
        return await rows.insert_acquisition(
            connection,
            subsidiary=entry.subsidiary,
            parent=config.parent,
            acquired_on=entry.acquired_on,
            method=config.consolidation.value,
            share=entry.share,
            consideration=entry.consideration,
            consideration_currency=entry.consideration_currency,
            rate=entry.rate,
            nci_fair_value=entry.nci_fair_value,
            illustrative=entry.illustrative,
            equity=entry.equity,
            fair_value=entry.fair_value,
            reason=entry.reason.strip(),
            actor_id=principal.user_id,
        )


async def record_ownership_change(hub: Hub, principal: Principal, entry: OwnershipChangeIn) -> int:
    authorize(principal, Action.CONSOLIDATE)
    problems = _Problems()
    _owned(hub, problems, "subsidiary", entry.subsidiary)
    _share(problems, "share", entry.share)
    if not entry.consideration.is_finite():
        problems.add("consideration", "not a number")
    _currency(
        hub, problems, "considerationCurrency", entry.consideration_currency, entry.subsidiary
    )
    _reason(problems, entry.reason)
    problems.raise_any()
    async with hub.db.transaction() as connection:
        await rows.lock_register(connection)
        acquired = await rows.acquisitions(connection, [entry.subsidiary])
        if not acquired:
            raise ConsolidationError(
                [f"subsidiary: {entry.subsidiary} has no acquisition: record it first"]
            )
        if entry.effective_on <= acquired[-1].acquired_on:
            raise ConsolidationError(
                [
                    f"effectiveOn: {entry.effective_on} is not after the acquisition "
                    f"({acquired[-1].acquired_on}): correct the acquisition instead"
                ]
            )
        await _refuse_if_locked(
            hub,
            connection,
            entry.subsidiary,
            entry.effective_on,
            f"a change of the share held in {entry.subsidiary}",
        )
        return await rows.insert_ownership_change(
            connection,
            subsidiary=entry.subsidiary,
            effective_on=entry.effective_on,
            share=entry.share,
            consideration=entry.consideration,
            consideration_currency=entry.consideration_currency,
            reason=entry.reason.strip(),
            actor_id=principal.user_id,
        )


async def record_impairment(hub: Hub, principal: Principal, entry: ImpairmentIn) -> int:
    """An impairment of goodwill, in the subsidiary's currency, expensed in `period`."""
    authorize(principal, Action.CONSOLIDATE)
    problems = _Problems()
    _owned(hub, problems, "subsidiary", entry.subsidiary)
    period = _period(problems, "period", entry.period)
    if not entry.amount.is_finite() or entry.amount <= 0:
        problems.add("amount", "an impairment is a positive amount in the subsidiary's currency")
    _reason(problems, entry.reason)
    problems.raise_any()
    start, _ = parse_period(period).bounds()
    async with hub.db.transaction() as connection:
        await rows.lock_register(connection)
        if not await rows.acquisitions(connection, [entry.subsidiary]):
            raise ConsolidationError(
                [f"subsidiary: {entry.subsidiary} has no acquisition: record it first"]
            )
        await _refuse_if_locked(
            hub, connection, entry.subsidiary, start, f"an impairment of {entry.subsidiary}"
        )
        return await rows.insert_impairment(
            connection,
            subsidiary=entry.subsidiary,
            period=period,
            amount=entry.amount,
            reason=entry.reason.strip(),
            actor_id=principal.user_id,
        )


async def record_opening(hub: Hub, principal: Principal, entry: OpeningIn) -> int:
    """An entity's equity at the start of a year as the group's previous accounts carried it."""
    authorize(principal, Action.CONSOLIDATE)
    problems = _Problems()
    if entry.entity not in hub.registry.entities:
        problems.add("entity", f"unknown entity {entry.entity!r}")
    period = _period(problems, "period", entry.period)
    carried = carried_equity_lines(hub.group_chart)
    if not entry.lines:
        problems.add("lines", "give the entity's equity lines")
    for index, line in enumerate(entry.lines):
        if line.line not in carried:
            problems.add(f"lines[{index}].line", f"{line.line!r} is not an equity line")
        for name, amount in (("local", line.local), ("translated", line.translated)):
            if not amount.is_finite():
                problems.add(f"lines[{index}].{name}", "not a number")
    _reason(problems, entry.reason)
    problems.raise_any()
    start, _ = parse_period(period).bounds()
    async with hub.db.transaction() as connection:
        await rows.lock_register(connection)
        await _refuse_if_locked(
            hub, connection, entry.entity, start, f"an opening position of {entry.entity}"
        )
        return await rows.insert_opening(
            connection,
            entity=entry.entity,
            period=period,
            lines=entry.lines,
            illustrative=entry.illustrative,
            reason=entry.reason.strip(),
            actor_id=principal.user_id,
        )


async def withdraw(hub: Hub, principal: Principal, kind: str, entry_id: int, reason: str) -> None:
    """Withdraw an ownership change, an impairment or an opening position entered by mistake."""
    authorize(principal, Action.CONSOLIDATE)
    problems = _Problems()
    if kind not in rows.TABLES:
        problems.add("kind", f"one of {', '.join(rows.TABLES)}")
    _reason(problems, reason)
    problems.raise_any()
    async with hub.db.transaction() as connection:
        await rows.lock_register(connection)
        if not await rows.entry_exists(connection, kind, entry_id):
            raise ConsolidationError([f"id: there is no {kind.replace('_', ' ')} {entry_id}"])
        entity, start = await _effective(connection, kind, entry_id)
        await _refuse_if_locked(hub, connection, entity, start, f"withdrawing {kind} {entry_id}")
        if not await rows.insert_withdrawal(
            connection,
            kind=kind,
            entry_id=entry_id,
            reason=reason.strip(),
            actor_id=principal.user_id,
        ):
            raise ConsolidationError(
                [f"id: {kind.replace('_', ' ')} {entry_id} is already withdrawn"]
            )


async def _effective(connection: Connection, kind: str, entry_id: int) -> tuple[str, dt.date]:
    if kind == "ownership_change":
        found = [r for r in await rows.ownership_changes(connection, None) if r.id == entry_id]
        return found[0].subsidiary, found[0].effective_on
    if kind == "goodwill_impairment":
        impaired = [r for r in await rows.impairments(connection, None) if r.id == entry_id]
        return impaired[0].subsidiary, parse_period(impaired[0].period).bounds()[0]
    opened = [r for r in await rows.openings(connection, None, None) if r.id == entry_id]
    return opened[0].entity, parse_period(opened[0].period).bounds()[0]


# --- reads ----------------------------------------------------------------------------------------


async def register(hub: Hub, principal: Principal, entities: Sequence[str] | None) -> Register:
    authorize(principal, Action.READ_FIGURES)
    async with hub.db.pool.acquire() as connection:
        return Register(
            acquisitions=await rows.acquisitions(connection, entities),
            ownership_changes=await rows.ownership_changes(connection, entities),
            impairments=await rows.impairments(connection, entities),
            openings=await rows.openings(connection, entities, None),
        )


class PeriodTerms(msgspec.Struct, frozen=True, kw_only=True):
    """What the register says for one period: the acquisitions as the arithmetic takes them,
    the opening positions entered for the period, and the rates it used (for the sources)."""

    acquisitions: dict[str, AcquisitionTerms]
    openings: dict[str, Opening]
    rates: list[tuple[str, str, dt.date | None, Decimal]]  # (entity, what, day, rate)


async def terms_for(
    hub: Hub,
    connection: Connection,
    entities: Sequence[str],
    period: str,
    averages: dict[tuple[str, str], Decimal],
    problems: list[str],
) -> PeriodTerms:
    """The register in force for `period`: acquisitions on or before its end (the newest
    version of each), with their rates of the day (ECB, unless the entry gives one), changes of
    share by its end, impairments (earlier ones at their period's average rate: `averages`,
    keyed by (currency, period), holds the ones needed), and opening positions."""
    start, end = parse_period(period).bounds()
    acquisitions: dict[str, AcquisitionTerms] = {}
    used: list[tuple[str, str, dt.date | None, Decimal]] = []
    newest = {row.subsidiary: row for row in await rows.acquisitions(connection, entities)}
    changes = await rows.ownership_changes(connection, list(newest))
    impaired = await rows.impairments(connection, list(newest))
    for code, row in sorted(newest.items()):
        currency = hub.registry.entities[code].currency
        if row.acquired_on > end:
            problems.append(
                f"{code} was acquired on {row.acquired_on}, after {period}: leave it out of the "
                "scope, or correct its acquisition"
            )
            continue
        try:
            rate = row.rate or await _rate_on(hub, connection, currency, row.acquired_on)
            paid = await _in_group_currency(
                hub, connection, row.consideration, row.consideration_currency, row.acquired_on
            )
            steps = []
            for change in changes:
                if change.subsidiary != code or change.withdrawn or change.effective_on > end:
                    continue
                steps.append(
                    OwnershipStep(
                        effective_on=change.effective_on,
                        share=change.share,
                        consideration=await _in_group_currency(
                            hub,
                            connection,
                            change.consideration,
                            change.consideration_currency,
                            change.effective_on,
                        ),
                    )
                )
        except ConsolidationError as error:
            problems.extend(error.problems)
            continue
        before = []
        now = Decimal(0)
        for impairment in impaired:
            if impairment.subsidiary != code or impairment.withdrawn:
                continue
            if impairment.period == period:
                now += impairment.amount
            elif impairment.period < period:
                average = averages.get((currency, impairment.period))
                if average is None:
                    problems.append(
                        f"{code}: no average rate for {currency} in {impairment.period}, the "
                        "period of an impairment of its goodwill: import the ECB rates"
                    )
                    continue
                before.append((impairment.amount, average))
        used.append((code, "acquisition", row.acquired_on, rate))
        acquisitions[code] = AcquisitionTerms(
            subsidiary=code,
            parent=row.parent,
            acquired_on=row.acquired_on,
            method=METHODS[row.method],
            share=row.share,
            consideration=paid,
            rate=rate,
            equity=tuple(Balance(x.line, x.amount) for x in row.equity),
            fair_value=tuple(Balance(x.line, x.amount) for x in row.fair_value),
            nci_fair_value=row.nci_fair_value,
            in_period=start <= row.acquired_on <= end,
            steps=tuple(steps),
            impairments_before=tuple(before),
            impairment=now,
        )
    openings = {}
    for opening in await rows.openings(connection, entities, period):
        if not opening.withdrawn:
            openings[opening.entity] = Opening(
                lines=tuple(
                    EquityLine(line=x.line, local=x.local, translated=x.translated)
                    for x in opening.lines
                ),
                source=f"opening position {opening.id} ({opening.reason})",
            )
    return PeriodTerms(acquisitions=acquisitions, openings=openings, rates=used)


async def impairment_periods(
    connection: Connection, entities: Sequence[str], period: str
) -> list[tuple[str, str]]:
    """(entity, period) of the impairments before `period`: their average rates are needed."""
    return sorted(
        {
            (row.subsidiary, row.period)
            for row in await rows.impairments(connection, entities)
            if not row.withdrawn and row.period < period
        }
    )


async def _rate_on(hub: Hub, connection: Connection, currency: str, day: dt.date) -> Decimal:
    """Units of `currency` per group unit on `day` (the ECB rate of the day, or the last one in
    the days before), as investments convert their payments."""
    try:
        rate, _ = await conversion(hub, connection, currency, hub.registry.group_currency, day)
    except InvestmentError as error:
        raise ConsolidationError([f"{currency} on {day}: {error.reason}"]) from error
    return rate


async def _in_group_currency(
    hub: Hub, connection: Connection, amount: Decimal, currency: str, day: dt.date
) -> Decimal:
    if currency == hub.registry.group_currency:
        return amount
    return amount / await _rate_on(hub, connection, currency, day)
