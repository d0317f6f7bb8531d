"""The break-even monitor: each partner's approved operating results in EUR, its trend and
status, what the network invested in it against what it lost, and the board's alerts."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import msgspec

from hub.auth.policy import Action, Principal, authorize
from hub.breakeven.calc import METHOD, Projection, Status, project
from hub.fx.model import RateKey
from hub.fx.service import rates_for
from hub.investments.service import received_in_group_currency
from hub.reporting import repository
from hub.reporting.model import Provenance
from hub.reporting.period import parse_period
from hub.services import Hub

OPERATING_RESULT = "operating_result"


class YearResult(msgspec.Struct, frozen=True, kw_only=True):
    year: int
    local_amount: Decimal
    currency: str
    amount: Decimal | None  # EUR; None without the year's average rate
    illustrative: bool
    note: str | None


class PartnerPath(msgspec.Struct, frozen=True, kw_only=True):
    entity: str
    target_year: int | None
    plan: str | None
    results: list[YearResult]
    projection: Projection
    method: str
    invested: Decimal  # group currency, cumulative
    losses: Decimal  # cumulative operating losses in EUR (a positive number)


class BreakEven(msgspec.Struct, frozen=True, kw_only=True):
    partners: list[PartnerPath]
    alerts: list[str]


async def break_even(hub: Hub, principal: Principal, as_of: int | None = None) -> BreakEven:
    """Partners are the entities with a parent. Only approved annual results count."""
    authorize(principal, Action.READ_FIGURES)
    partners = [code for code, e in hub.registry.entities.items() if e.parent is not None]
    async with hub.db.pool.acquire() as connection:
        values = await repository.kpi_values(
            connection, partners, [], None, [OPERATING_RESULT], None
        )
    by_entity: dict[str, list[tuple[int, Decimal, str, bool, str | None]]] = defaultdict(list)
    for value in values:
        period = parse_period(value.period)
        if not period.is_year or (as_of is not None and period.year > as_of):
            continue
        by_entity[value.entity].append(
            (
                period.year,
                value.amount,
                value.currency or hub.registry.entities[value.entity].currency,
                value.provenance is Provenance.ILLUSTRATIVE,
                value.note,
            )
        )
    keys = {
        RateKey.average(currency, str(year))
        for rows in by_entity.values()
        for year, _, currency, _, _ in rows
    }
    rates = await rates_for(hub, keys)
    paths, alerts = [], []
    for code in partners:
        config = hub.registry.entities[code]
        results = []
        for year, amount, currency, illustrative, note in sorted(by_entity.get(code, [])):
            rate = rates.get(RateKey.average(currency, str(year)))
            results.append(
                YearResult(
                    year=year,
                    local_amount=amount,
                    currency=currency,
                    amount=None if rate is None else amount / rate,
                    illustrative=illustrative,
                    note=note if rate is not None else f"no average rate for {currency} in {year}",
                )
            )
        known = [(r.year, r.amount) for r in results if r.amount is not None]
        projection = project(known, config.break_even_target, config.break_even_plan)
        last_year = max((y for y, _ in known), default=as_of or dt.date.today().year)
        invested = await received_in_group_currency(hub, code, dt.date(last_year, 12, 31))
        losses = -sum((amount for _, amount in known if amount < 0), Decimal(0))
        paths.append(
            PartnerPath(
                entity=code,
                target_year=config.break_even_target,
                plan=config.break_even_plan,
                results=results,
                projection=projection,
                method=METHOD,
                invested=invested,
                losses=losses,
            )
        )
        if projection.status in (Status.AT_RISK, Status.OFF_TRACK):
            alerts.append(f"{code} {projection.status.value}: {projection.reason}")
        if invested > 0 and losses > invested:
            alerts.append(
                f"{code}: cumulative operating losses {losses:,.0f} EUR exceed the "
                f"{invested:,.0f} EUR the network invested"
            )
    return BreakEven(partners=paths, alerts=alerts)
