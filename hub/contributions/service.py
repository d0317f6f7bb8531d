"""Expected against booked contributions from the approved reports, and what-if simulations
that change nothing stored."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import msgspec

from hub.auth.policy import Action, Principal, authorize
from hub.contributions.calc import HUNDRED, Gap, expected, gap, segments
from hub.errors import Refusal
from hub.fx.model import RateKey
from hub.fx.service import rates_for
from hub.registry.model import ContributionComponent, ContributionRule
from hub.reporting import repository
from hub.reporting.period import PeriodError, parse_period
from hub.services import Hub


class ContributionError(Refusal):
    """A request that cannot be answered; the message names the field."""


class ContributionLine(msgspec.Struct, frozen=True, kw_only=True):
    entity: str
    period: str
    currency: str
    component: str
    base: str
    base_amount: Decimal | None
    rate_percent: Decimal | None
    expected: Decimal | None
    method: str
    computable: bool
    illustrative: bool
    gap: Gap


class NetworkTotal(msgspec.Struct, frozen=True, kw_only=True):
    """Expected and booked over the entities where both are known, in group currency."""

    period: str
    currency: str
    expected: Decimal
    booked: Decimal
    gap: Decimal
    entities: list[str]
    left_out: list[str]


class Report(msgspec.Struct, frozen=True, kw_only=True):
    lines: list[ContributionLine]
    network: list[NetworkTotal]


class RateChange(msgspec.Struct, frozen=True, kw_only=True):
    entity: str
    component: str
    rate_percent: Decimal
    valid_from: dt.date | None = None


def _periods(periods: list[str]) -> list[str]:
    try:
        return [str(parse_period(p)) for p in periods]
    except PeriodError as error:
        raise ContributionError(f"period: {error}") from error


def _entities(hub: Hub, entities: list[str] | None) -> list[str]:
    if entities is None:
        return list(hub.registry.entities)
    for code in entities:
        if code not in hub.registry.entities:
            raise ContributionError(f"entity: unknown entity {code!r}")
    return entities


async def _figures(
    hub: Hub, entities: list[str], periods: list[str]
) -> dict[tuple[str, str], dict[str, Decimal]]:
    """Approved KPI values (`kpi:<code>`) and statement lines (`line:<code>`) per entity and
    period: only published figures count for contributions."""
    figures: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(dict)
    async with hub.db.pool.acquire() as connection:
        for value in await repository.kpi_values(connection, entities, [], periods, None, None):
            figures[(value.entity, value.period)][f"kpi:{value.kpi}"] = value.amount
        for line in await repository.statement_lines(connection, entities, [], periods, None):
            figures[(line.entity, line.period)][f"line:{line.line}"] = line.amount
    return figures


def _base_amount(hub: Hub, base: str, figures: dict[str, Decimal]) -> Decimal | None:
    definition = hub.registry.contribution_bases[base]
    if definition.kpi is not None:
        return figures.get(f"kpi:{definition.kpi}")
    if not definition.lines:
        return None
    parts = [figures.get(f"line:{line}") for line in definition.lines]
    if any(part is None for part in parts):
        return None
    return sum((part for part in parts if part is not None), Decimal(0))


def _booked(component: ContributionComponent, figures: dict[str, Decimal]) -> Decimal | None:
    if component.booked_line is not None:
        return figures.get(f"line:{component.booked_line}")
    if component.booked_kpi is not None:
        return figures.get(f"kpi:{component.booked_kpi}")
    return None


def evaluate(
    hub: Hub,
    entities: list[str],
    periods: list[str],
    figures: dict[tuple[str, str], dict[str, Decimal]],
    rules_of: dict[str, tuple[ContributionRule, ...]],
) -> list[ContributionLine]:
    lines = []
    tolerance = hub.rules.contributions.gap_tolerance
    for code in entities:
        config = hub.registry.entities[code]
        for period in periods:
            start, end = parse_period(period).bounds(config.fiscal_year_start_month)
            parts = segments(rules_of.get(code, ()), start, end)
            names = list(dict.fromkeys(c.name for s in parts for c in s.rule.components))
            found = figures.get((code, period), {})
            for name in names:
                covering = [s for s in parts if any(c.name == name for c in s.rule.components)]
                component = next(c for c in covering[-1].rule.components if c.name == name)
                due = expected(
                    name,
                    component.base,
                    _base_amount(hub, component.base, found),
                    covering,
                    (end - start).days + 1,
                )
                lines.append(
                    ContributionLine(
                        entity=code,
                        period=period,
                        currency=config.currency,
                        component=name,
                        base=component.base,
                        base_amount=due.base_amount,
                        rate_percent=due.rate_percent,
                        expected=due.expected,
                        method=due.method,
                        computable=due.computable,
                        illustrative=due.illustrative,
                        gap=gap(due.expected, _booked(component, found), tolerance),
                    )
                )
    return lines


async def _network(
    hub: Hub, lines: list[ContributionLine], periods: list[str], *, with_booked: bool = True
) -> list[NetworkTotal]:
    """Totals over the lines whose figures (expected, and booked when `with_booked`) and
    average rate are known; the others are listed as left out, never counted as zero."""
    group = hub.registry.group_currency
    keys = {RateKey.average(line.currency, line.period) for line in lines}
    rates = await rates_for(hub, keys)
    totals = []
    for period in periods:
        expected_total = booked_total = Decimal(0)
        counted: list[str] = []
        left_out: list[str] = []
        for line in (x for x in lines if x.period == period):
            rate = rates.get(RateKey.average(line.currency, period))
            booked = line.gap.booked
            if line.expected is None or rate is None or (with_booked and booked is None):
                left_out.append(f"{line.entity} {line.component}")
                continue
            expected_total += line.expected / rate
            booked_total += (booked or Decimal(0)) / rate
            counted.append(f"{line.entity} {line.component}")
        totals.append(
            NetworkTotal(
                period=period,
                currency=group,
                expected=expected_total,
                booked=booked_total,
                gap=booked_total - expected_total,
                entities=counted,
                left_out=left_out,
            )
        )
    return totals


async def contributions(
    hub: Hub, principal: Principal, periods: list[str], entities: list[str] | None = None
) -> Report:
    authorize(principal, Action.READ_FIGURES)
    wanted, scope = _periods(periods), _entities(hub, entities)
    figures = await _figures(hub, scope, wanted)
    rules = {code: hub.registry.contribution_rules(code) for code in scope}
    lines = evaluate(hub, scope, wanted, figures, rules)
    return Report(lines=lines, network=await _network(hub, lines, wanted))


def simulate(
    rules: tuple[ContributionRule, ...], change: RateChange
) -> tuple[ContributionRule, ...]:
    """The rules with one component's rate changed, from `valid_from` on (from the start when
    None): the rule in force that day ends the day before, a copy with the new rate follows."""
    simulated = []
    for rule in rules:
        if not any(c.name == change.component for c in rule.components):
            simulated.append(rule)
            continue
        changed = msgspec.structs.replace(
            rule,
            components=tuple(
                msgspec.structs.replace(c, rate_percent=change.rate_percent, rates=(), by=None)
                if c.name == change.component
                else c
                for c in rule.components
            ),
        )
        start = change.valid_from
        if start is None or start <= rule.valid_from:
            simulated.append(changed)
        elif rule.valid_to is not None and start > rule.valid_to:
            simulated.append(rule)
        else:
            simulated.append(msgspec.structs.replace(rule, valid_to=start - dt.timedelta(days=1)))
            simulated.append(msgspec.structs.replace(changed, valid_from=start))
    return tuple(simulated)


class WhatIfLine(msgspec.Struct, frozen=True, kw_only=True):
    entity: str
    period: str
    currency: str
    component: str
    current: Decimal | None
    simulated: Decimal | None
    method: str

    @property
    def difference(self) -> Decimal | None:
        if self.current is None or self.simulated is None:
            return None
        return self.simulated - self.current


class WhatIf(msgspec.Struct, frozen=True, kw_only=True):
    lines: list[WhatIfLine]
    network_current: list[NetworkTotal]
    network_simulated: list[NetworkTotal]


async def what_if(
    hub: Hub, principal: Principal, periods: list[str], changes: list[RateChange]
) -> WhatIf:
    """The expected contributions under changed rates, beside the current ones. Reads only."""
    authorize(principal, Action.READ_FIGURES)
    wanted = _periods(periods)
    scope = list(hub.registry.entities)
    rules = {code: hub.registry.contribution_rules(code) for code in scope}
    simulated = dict(rules)
    for index, change in enumerate(changes):
        if change.entity not in hub.registry.entities:
            raise ContributionError(f"changes[{index}].entity: unknown entity {change.entity!r}")
        names = {c.name for r in rules[change.entity] for c in r.components}
        if change.component not in names:
            raise ContributionError(
                f"changes[{index}].component: {change.entity} has no component "
                f"{change.component!r} (it has {', '.join(sorted(names)) or 'none'})"
            )
        if not Decimal(0) <= change.rate_percent <= HUNDRED:
            raise ContributionError(
                f"changes[{index}].ratePercent: a rate must be between 0 and 100 %, "
                f"got {change.rate_percent}"
            )
        simulated[change.entity] = simulate(simulated[change.entity], change)
    figures = await _figures(hub, scope, wanted)
    current = evaluate(hub, scope, wanted, figures, rules)
    changed = evaluate(hub, scope, wanted, figures, simulated)
    by_key = {(line.entity, line.period, line.component): line for line in changed}
    lines = [
        WhatIfLine(
            entity=line.entity,
            period=line.period,
            currency=line.currency,
            component=line.component,
            current=line.expected,
            simulated=by_key[(line.entity, line.period, line.component)].expected,
            method=by_key[(line.entity, line.period, line.component)].method,
        )
        for line in current
    ]
    return WhatIf(
        lines=lines,
        network_current=await _network(hub, current, wanted, with_booked=False),
        network_simulated=await _network(hub, changed, wanted, with_booked=False),
    )
