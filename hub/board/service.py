"""The comparison for the board: what the caller may see (published figures; finance and a
national team's own entity also see drafts), in two SQL statements whatever the size: the
figures (a row per version, kpi_block) and the rates."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import cast

import asyncpg

from hub.auth.policy import Action, Principal, authorize
from hub.board.calc import Comparison, Figures, compare, rate_type
from hub.board.pack import board_pack
from hub.fx.model import RateKey, RateType
from hub.fx.service import rates_for
from hub.reporting import repository
from hub.reporting.model import Dataset
from hub.reporting.period import PeriodError, parse_period
from hub.reporting.service import drafts_for
from hub.services import Hub


class ComparisonError(Exception):
    """A request the comparison cannot answer; the message names the argument."""


def _periods(periods: Sequence[str]) -> tuple[list[str], str]:
    if not periods:
        raise ComparisonError("periods: give at least one period")
    try:
        unique = {parse_period(p) for p in periods}
    except PeriodError as error:
        raise ComparisonError(f"periods: {error}") from error
    kinds = {(p.quarter is None, p.month is None) for p in unique}
    if len(kinds) > 1:
        raise ComparisonError("periods: compare periods of one kind (years, quarters or months)")
    parsed = sorted(unique)
    return [str(p) for p in parsed], str(parsed[0].previous())


async def comparison(
    hub: Hub,
    principal: Principal,
    periods: Sequence[str],
    entities: Sequence[str] | None = None,
    kpis: Sequence[str] | None = None,
    *,
    published_only: bool = False,
) -> Comparison:
    """`published_only`: published figures whatever the caller may read (the board pack)."""
    authorize(principal, Action.READ_FIGURES)
    ordered, previous = _periods(periods)
    scope = list(hub.registry.entities) if entities is None else list(dict.fromkeys(entities))
    for code in scope:
        if code not in hub.registry.entities:
            raise ComparisonError(f"entities: unknown entity {code!r}")
    wanted = list(hub.registry.kpis) if kpis is None else list(dict.fromkeys(kpis))
    for code in wanted:
        if code not in hub.registry.kpis:
            raise ComparisonError(f"kpis: unknown KPI {code!r}")
    definitions = [hub.registry.kpis[code] for code in wanted]
    currencies = {code: hub.registry.entities[code].currency for code in scope}
    group = hub.registry.group_currency
    kinds = {kind for kind in (rate_type(k) for k in definitions) if kind is not None}
    keys = [
        RateKey(currency, RateType(kind), period)
        for currency in set(currencies.values()) - {group}
        for kind in kinds
        for period in [previous, *ordered]
    ]

    async def figures() -> list[asyncpg.Record]:
        async with hub.db.pool.acquire() as connection:
            return await repository.figures_for_comparison(
                connection,
                scope,
                [] if published_only else drafts_for(hub, principal),
                [previous, *ordered],
            )

    # the figures and the rates at once, each on a connection of its own
    blocks, found = await asyncio.gather(figures(), rates_for(hub, keys))
    rates = {(key.currency, key.type.value, key.period or ""): rate for key, rate in found.items()}
    # Records unpack as the (entity, period, lines) tuples compare reads.
    shown = cast(list[Figures], blocks)
    return compare(ordered, previous, scope, currencies, definitions, shown, rates, group)


PACK_YEARS = 10


async def board_pack_for(hub: Hub, principal: Principal, period: str) -> bytes:
    """The board pack of a year: its table, and series over the ten years up to it. It is the
    board's document: published figures only, whoever downloads it."""
    try:
        year = parse_period(period)
    except PeriodError as error:
        raise ComparisonError(f"period: {error}") from error
    if not year.is_year:
        raise ComparisonError("period: the board pack is made for a year, e.g. 2024")
    async with hub.db.pool.acquire() as connection:
        published = await repository.published_periods(connection, Dataset.KPI)
    years = [p for p in published if parse_period(p).is_year]
    if str(year) not in years:
        having = f"years with some: {', '.join(years)}" if years else "no year has any yet"
        raise ComparisonError(f"period {year}: no figure is published for {year}; {having}")
    span = [str(year.year - back) for back in range(PACK_YEARS - 1, -1, -1)]
    result = await comparison(hub, principal, span, published_only=True)
    return await asyncio.to_thread(
        board_pack, result, hub.registry.entities, hub.registry.kpis, hub.registry.group_currency
    )
