"""Exchange rates: import the ECB file, override a rate, and look rates up for consolidation.

Rates are units of a currency per 1 EUR, the group currency. A key's effective rate is its
newest row; nothing is overwritten. A rate that is missing is an error (`MissingRate`), never a
silent 1 — except the group currency against itself, which is exactly 1.

Consolidation asks in batches: `require_rates(hub, keys)` for the closing and average rates of
every entity and period at once (one SQL statement), `historical_rates(hub, entities)` for the
historical rates of the entities.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal

from hub.auth.policy import Action, Principal, authorize
from hub.db.pool import Connection
from hub.fx import repository
from hub.fx.archive import ArchiveError, ecb_csv
from hub.fx.ecb import EcbFile, decode_lines, derive_rates, parse_ecb
from hub.fx.model import (
    MANUAL,
    DerivedRate,
    FxRate,
    ImportSummary,
    RateIn,
    RateKey,
    RateType,
)
from hub.reporting.period import PeriodError, parse_period
from hub.services import Hub
from hub.signoff import Kind, Locked, locks_using, rate_key, refuse_if_used

ECB_CURRENCY = "EUR"  # the ECB quotes every rate per 1 EUR


class RateInputError(ValueError):
    """A rate to store is invalid: the message names the field and the reason."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class MissingRate(LookupError):
    """Rates that are needed and not there. The message names each (currency, type, period)."""

    def __init__(self, keys: Sequence[RateKey]) -> None:
        super().__init__("; ".join(f"no {key.describe()}: {_remedy(key)}" for key in keys))
        self.keys = tuple(keys)


def _remedy(key: RateKey) -> str:
    if key.type is RateType.HISTORICAL:
        return "enter one"
    return "import the ECB rates or enter one"


# --- import ------------------------------------------------------------------------------------


def _read(data: bytes | Iterable[str], hub: Hub) -> tuple[EcbFile, list[DerivedRate]]:
    if isinstance(data, bytes):
        try:
            data = decode_lines(ecb_csv(data, hub.rules.upload))
        except ArchiveError as error:
            raise RateInputError("file", str(error)) from error
    ecb = parse_ecb(data)
    return ecb, derive_rates(ecb)


async def import_ecb(
    hub: Hub, data: bytes | Iterable[str], actor_id: int | None, source: str = "ECB"
) -> ImportSummary:
    """Store the file's daily rates and the closing, average and opening rates derived from
    them. Importing the same file again adds nothing. A derived rate replaces an effective rate
    of another value from an import (the ECB revised its file), never one entered by hand: that
    one stays effective and is counted in `kept_overrides`. Raises `EcbFormatError` (nothing is
    stored) for a malformed file. `data` may be the ECB's zip archive of the file."""
    if hub.registry.group_currency != ECB_CURRENCY:
        raise RateInputError(
            "file",
            f"the ECB quotes rates per {ECB_CURRENCY}; the group currency is "
            f"{hub.registry.group_currency}",
        )
    if not source.strip() or source == MANUAL:
        raise RateInputError("source", f"name where the rates come from (not {MANUAL!r})")
    # Parsing the full history takes a moment: off the event loop.
    ecb, derived = await asyncio.to_thread(_read, data, hub)
    async with hub.db.transaction() as connection:
        await repository.lock_rates(connection)
        await _refuse_locked_changes(connection, derived)
        daily_added, daily_differing = await repository.insert_daily(
            connection, ecb.daily(), source
        )
        added, kept = await repository.insert_if_changed(
            connection,
            [
                RateIn(
                    currency=d.currency,
                    type=d.type,
                    period=d.period,
                    rate=d.rate,
                    reason=d.basis,
                )
                for d in derived
            ],
            source,
            actor_id,
        )
    return ImportSummary(
        days=len(ecb.days),
        first_day=ecb.days[0] if ecb.days else None,
        last_day=ecb.days[-1] if ecb.days else None,
        currencies=sorted(c for c, rates in ecb.rates.items() if rates),
        daily_rates=ecb.daily_count,
        daily_added=daily_added,
        daily_differing=daily_differing,
        derived=len(derived),
        added=added,
        unchanged=len(derived) - added - kept,
        kept_overrides=kept,
    )


async def import_ecb_as(hub: Hub, principal: Principal, data: bytes) -> ImportSummary:
    """`import_ecb` for a caller: finance only."""
    authorize(principal, Action.MANAGE_RATES)
    return await import_ecb(hub, data, principal.user_id)


async def _refuse_locked_changes(connection: Connection, derived: Sequence[DerivedRate]) -> None:
    """`Locked` if the import would change a rate a locked consolidation used: a derived rate
    that differs from the effective one, which came from an import (a rate entered by hand
    stays effective). Nothing of the file is stored then: a file is imported whole or not at
    all, so the daily rates never disagree with the closing and average rates stored."""
    by_key = {rate_key(d.key): d for d in derived}
    uses = await locks_using(connection, Kind.RATE, by_key)
    if not uses:
        return
    keys = [by_key[use.key].key for use in uses]
    effective = {row.key: row for row in await repository.effective(connection, keys)}
    changed = []
    for use in uses:
        new = by_key[use.key]
        old = effective.get(new.key)
        if old is None or (old.source != MANUAL and old.rate != new.rate):
            changed.append((use, f"the {new.key.describe()} (from {use.used} to {new.rate})"))
    if changed:
        locks = list({use.lock.period: use.lock for use, _ in changed}.values())
        raise Locked(
            locks, "importing a file that changes " + ", ".join(text for _, text in changed)
        )


# --- overrides ---------------------------------------------------------------------------------


def _text(value: str | None) -> str | None:
    return None if value is None or not value.strip() else value.strip()


def check_rate_input(
    hub: Hub,
    *,
    currency: str,
    rate_type: RateType,
    period: str | None,
    entity: str | None,
    line: str | None,
    rate: Decimal,
    reason: str | None,
) -> RateIn:
    """The rate to store, normalised (period in canonical form); `RateInputError` names the
    first field that is wrong."""
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise RateInputError(
            "currency", f"{currency!r} is not a currency code: expected 3 upper-case letters"
        )
    if currency == hub.registry.group_currency:
        raise RateInputError(
            "currency", f"{currency} is the group currency: its rate is 1 by definition"
        )
    if not rate.is_finite() or rate <= 0:
        raise RateInputError("rate", f"{rate} is not a rate: expected a number greater than 0")
    reason = _text(reason)
    if reason is None:
        raise RateInputError("reason", "say why the rate is entered or changed")
    period, entity, line = _text(period), _text(entity), _text(line)
    if period is not None:
        try:
            period = str(parse_period(period))
        except PeriodError as error:
            raise RateInputError("period", str(error)) from error
    if rate_type is RateType.HISTORICAL:
        if entity is None:
            raise RateInputError("entity", "historical rates belong to an entity: name it")
        config = hub.registry.entities.get(entity)
        if config is None:
            known = ", ".join(sorted(hub.registry.entities))
            raise RateInputError("entity", f"unknown entity {entity!r}; known entities: {known}")
        if config.currency != currency:
            raise RateInputError(
                "currency", f"{entity} reports in {config.currency}, not in {currency}"
            )
        if line is not None and line not in hub.group_chart.lines:
            raise RateInputError("line", f"{line!r} is not a line of the group chart")
    else:
        if period is None:
            raise RateInputError("period", f"{rate_type} rates are per period: name one")
        if entity is not None:
            raise RateInputError(
                "entity", f"{rate_type} rates are the same for every entity: leave it out"
            )
        if line is not None:
            raise RateInputError(
                "line", f"{rate_type} rates are the same for every line: leave it out"
            )
    return RateIn(
        currency=currency,
        type=rate_type,
        period=period,
        entity=entity,
        line=line,
        rate=rate,
        reason=reason,
    )


async def override_rate(
    hub: Hub,
    principal: Principal,
    *,
    currency: str,
    rate_type: RateType,
    period: str | None,
    entity: str | None,
    line: str | None,
    rate: Decimal,
    reason: str | None,
) -> FxRate:
    """Enter a rate by hand (finance only). It becomes the key's effective rate; the previous
    one stays in the history. Raises `AccessDenied` or `RateInputError`."""
    authorize(principal, Action.MANAGE_RATES)
    checked = check_rate_input(
        hub,
        currency=currency,
        rate_type=rate_type,
        period=period,
        entity=entity,
        line=line,
        rate=rate,
        reason=reason,
    )
    key = RateKey(checked.currency, checked.type, checked.period, checked.entity, checked.line)
    async with hub.db.transaction() as connection:
        await repository.lock_rates(connection)
        change = f"overriding the {key.describe()}"
        await refuse_if_used(connection, Kind.RATE, rate_key(key), change)
        return await repository.insert_rate(connection, checked, MANUAL, principal.user_id)


# --- look-ups ----------------------------------------------------------------------------------


async def effective_rates(hub: Hub, keys: Iterable[RateKey]) -> dict[RateKey, FxRate]:
    """The stored effective rate of each key that has one, in one statement."""
    wanted = list(dict.fromkeys(keys))
    if not wanted:
        return {}
    async with hub.db.pool.acquire() as connection:
        rows = await repository.effective(connection, wanted)
    return {row.key: row for row in rows}


async def rates_for(hub: Hub, keys: Iterable[RateKey]) -> dict[RateKey, Decimal]:
    """The rate of each key that has one (keys without are absent); the group currency's are 1.
    One SQL statement for all the keys."""
    wanted = list(dict.fromkeys(keys))
    group = hub.registry.group_currency
    found = {key: Decimal(1) for key in wanted if key.currency == group}
    stored = await effective_rates(hub, (key for key in wanted if key.currency != group))
    found.update({key: row.rate for key, row in stored.items()})
    return found


async def require_rates(hub: Hub, keys: Iterable[RateKey]) -> dict[RateKey, Decimal]:
    """Like `rates_for`, but every key must have a rate: `MissingRate` names all that lack one."""
    wanted = list(dict.fromkeys(keys))
    found = await rates_for(hub, wanted)
    missing = [key for key in wanted if key not in found]
    if missing:
        raise MissingRate(missing)
    return found


async def require_rate(hub: Hub, key: RateKey) -> Decimal:
    return (await require_rates(hub, [key]))[key]


async def historical_rates(hub: Hub, entities: Sequence[str]) -> dict[RateKey, Decimal]:
    """Every effective historical rate of the entities, in one statement."""
    async with hub.db.pool.acquire() as connection:
        rows = await repository.effective_where(
            connection, None, None, [RateType.HISTORICAL], list(entities)
        )
    return {row.key: row.rate for row in rows}


async def exchange_rates(
    hub: Hub,
    *,
    currencies: Sequence[str] | None = None,
    periods: Sequence[str] | None = None,
    types: Sequence[RateType] | None = None,
    entities: Sequence[str] | None = None,
) -> list[FxRate]:
    """The effective rates matching every filter given, with who entered them, when and why."""
    async with hub.db.pool.acquire() as connection:
        return await repository.effective_where(connection, currencies, periods, types, entities)


async def rate_history(hub: Hub, key: RateKey) -> list[FxRate]:
    """Every rate stored for the key, oldest first; the last is the effective one."""
    async with hub.db.pool.acquire() as connection:
        return await repository.history(connection, key)
