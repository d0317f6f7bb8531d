"""Reading and changing the mapping rules: who may, what is checked, what a period uses."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable

import msgspec

from hub import signoff
from hub.auth.policy import Action, Principal, authorize
from hub.db.pool import Connection
from hub.mappings import cache, repository
from hub.mappings.model import MappingError, Placer, Rule, RuleKind, in_force
from hub.reporting.period import Period, PeriodError, parse_period
from hub.services import Hub
from hub.text import text_problem

# What a range bound or an account may hold: the characters of national account codes.
_CODE = re.compile(r"^[0-9A-Za-z.]{1,20}$")


def _start(hub: Hub, entity: str, period: Period) -> dt.date:
    return period.bounds(hub.registry.entities[entity].fiscal_year_start_month)[0]


async def placer(hub: Hub, connection: Connection, entity: str, period: str) -> Placer:
    """Places the entity's accounts with the rules in force for `period`."""
    return (await placers(hub, connection, [entity], period))[entity]


async def placers(
    hub: Hub, connection: Connection, entities: Iterable[str], period: str
) -> dict[str, Placer]:
    """A placer per entity with the rules in force for `period`: kept between calls while the
    entity's rules do not change (hub/mappings/cache.py)."""
    parsed = parse_period(period)
    return await cache.placers(
        hub.db,
        connection,
        [(entity, _start(hub, entity, parsed)) for entity in dict.fromkeys(entities)],
        lambda entity: hub.countries[entity].profile.chart_of_accounts,
    )


class RuleHistory(msgspec.Struct, frozen=True, kw_only=True):
    rule: Rule  # the one in force for the period asked
    history: list[Rule]  # every row for the same accounts, oldest first


def _known_entity(hub: Hub, entity: str) -> None:
    if entity not in hub.registry.entities:
        known = ", ".join(hub.registry.entities)
        raise MappingError([f"entity: {entity!r} is not an entity of the network ({known})"])


def _period(text: str, label: str) -> Period:
    try:
        return parse_period(text)
    except PeriodError as error:
        raise MappingError(
            [f"{label} must be a period like 2025 (or 2025-Q3, 2025-09): {error}"]
        ) from error


async def mappings(
    hub: Hub, principal: Principal, entity: str, period_text: str
) -> list[RuleHistory]:
    """The entity's rules in force for the period, each with the history of its accounts."""
    _known_entity(hub, entity)
    authorize(principal, Action.READ_MAPPINGS, entity)
    period = _period(period_text, "period")
    async with hub.db.pool.acquire() as connection:
        every = await repository.rules(connection, entity)
    by_key: dict[tuple[RuleKind, str, str], list[Rule]] = defaultdict(list)
    for rule in every:
        by_key[rule.key].append(rule)
    return [
        RuleHistory(rule=rule, history=sorted(by_key[rule.key], key=lambda r: (r.starts_on, r.id)))
        for rule in in_force(every, _start(hub, entity, period))
    ]


class MapIn(msgspec.Struct, frozen=True, kw_only=True):
    """Accounts to map to a line: a list of accounts, a range (first..last) or a prefix."""

    entity: str
    line: str
    effective_from: str
    reason: str
    accounts: tuple[str, ...] = ()
    first: str | None = None
    last: str | None = None
    prefix: str | None = None
    intra_network: bool | None = None  # None: as the accounts are now
    investment: bool | None = None


def _line_problem(hub: Hub, line: str) -> str | None:
    found = hub.group_chart.lines.get(line)
    if found is None:
        return f"line {line} does not exist in the group chart"
    if found.is_total:
        return f"line {line} ({found.label}) is a total of the group chart: map to one of its parts"
    if found.consolidation_only:
        return f"line {line} ({found.label}) is filled by consolidation, not by entities"
    return None


def _targets(hub: Hub, entry: MapIn, problems: list[str]) -> list[tuple[RuleKind, str, str]]:
    """What the entry covers, as rule keys; every problem found is added to `problems`."""
    ranged = entry.first is not None or entry.last is not None
    given = sum((bool(entry.accounts), ranged, entry.prefix is not None))
    if given != 1:
        problems.append(
            "accounts: give the accounts, a range (first and last account) or a prefix: "
            "one of the three"
        )
        return []
    chart = hub.countries[entry.entity].profile.chart_of_accounts
    if entry.prefix is not None or ranged:
        first = entry.prefix if entry.prefix is not None else entry.first
        last = entry.prefix if entry.prefix is not None else entry.last
        bounds = [("prefix", first)] if entry.prefix is not None else [("first", first)]
        if entry.prefix is None:
            bounds.append(("last", last))
        bad = False
        for label, value in bounds:
            if value is None or not value.strip():
                problems.append(f"{label} account: give the start of an account code")
                bad = True
            elif not _CODE.match(value):
                problems.append(
                    f"{label} account: {value!r} is not the start of an account code "
                    "(digits, letters and dots, at most 20)"
                )
                bad = True
        if bad or first is None or last is None:
            return []
        if first[: len(last)] > last[: len(first)]:
            problems.append(f"first account {first} comes after last account {last}")
            return []
        return [(RuleKind.RANGE, first, last)]
    keys: list[tuple[RuleKind, str, str]] = []
    for account in dict.fromkeys(a.strip() for a in entry.accounts):
        placed = chart.place(account) if _CODE.match(account) else None
        if placed is None:
            problems.append(
                f"account {account!r} is not in {entry.entity}'s chart ({chart.name}): "
                f"accounts are {chart.admits()}"
            )
        elif placed.key != account:
            problems.append(
                f"account {account} is booked under {placed.key} ({chart.name}): map {placed.key}"
            )
        else:
            keys.append((RuleKind.ACCOUNT, account, account))
    return keys


def check(hub: Hub, entry: MapIn) -> tuple[list[tuple[RuleKind, str, str]], Period]:
    """The rule keys the entry covers and the period it is effective from; `MappingError`
    names every problem, in the words of the form's fields."""
    _known_entity(hub, entry.entity)
    problems: list[str] = []
    targets = _targets(hub, entry, problems)
    line_problem = _line_problem(hub, entry.line.strip())
    if line_problem is not None:
        problems.append(line_problem)
    period: Period | None = None
    try:
        period = parse_period(entry.effective_from)
    except PeriodError:
        problems.append(
            f"effective from must be a period like 2025 (or 2025-Q3, 2025-09), "
            f"not {entry.effective_from!r}"
        )
    if not entry.reason.strip():
        problems.append("reason: say why (it is kept with the mapping)")
    elif (problem := text_problem(entry.reason)) is not None:
        problems.append(f"reason: {problem}")
    if problems or period is None:
        raise MappingError(problems)
    return targets, period


async def map_accounts(hub: Hub, principal: Principal, entry: MapIn) -> list[RuleHistory]:
    """Map the accounts (or range) to the line from `effective_from` on: one new row per
    account or range, the earlier rows kept. Refused while a locked consolidation of a period
    it would change exists."""
    authorize(principal, Action.MANAGE_MAPPINGS)
    targets, period = check(hub, entry)
    starts = _start(hub, entry.entity, period)
    async with hub.db.transaction() as connection:
        await repository.lock_rules(connection, entry.entity)
        fiscal_start = hub.registry.entities[entry.entity].fiscal_year_start_month
        affected = [
            lock
            for lock in await signoff.locked(connection)
            if parse_period(lock.period).bounds(fiscal_start)[1] >= starts
        ]
        if affected:
            raise signoff.Locked(affected, f"changing {entry.entity}'s mapping from {period}")
        now = Placer(
            hub.countries[entry.entity].profile.chart_of_accounts,
            in_force(await repository.rules(connection, entry.entity), starts),
        )
        new = []
        for kind, first, last in targets:
            current = _current_flags(now, kind, first, last)
            intra = current[0] if entry.intra_network is None else entry.intra_network
            investment = current[1] if entry.investment is None else entry.investment
            new.append(
                Rule(
                    kind,
                    first,
                    last,
                    entry.line.strip(),
                    intra,
                    investment,
                    effective_from=str(period),
                    starts_on=starts,
                    reason=entry.reason.strip(),
                )
            )
        await repository.insert(connection, entry.entity, new, principal.user_id)
        every = await repository.rules(connection, entry.entity)
    added = every[-len(new) :]
    return [
        RuleHistory(rule=rule, history=[r for r in every if r.key == rule.key]) for rule in added
    ]


def _current_flags(now: Placer, kind: RuleKind, first: str, last: str) -> tuple[bool, bool]:
    """The flags the accounts have now: a new line keeps what the accounts are (intra-network,
    an investment) unless the caller says otherwise."""
    if kind is RuleKind.ACCOUNT:
        placed = now.place_key(first)
        return placed.intra_network, placed.investment
    same = next((r for r in now.rules if r.key == (kind, first, last)), None)
    return (same.intra_network, same.investment) if same is not None else (False, False)
