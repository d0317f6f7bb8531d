"""GraphQL for exchange rates: the effective rates, a rate's history, and overriding a rate.

`RateType` is registered as a Strawberry enum here, with its description.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import strawberry

from hub.api.errors import bad_input
from hub.auth.policy import Action, authorize
from hub.context import Info
from hub.fx import service
from hub.fx.model import FxRate, RateKey, RateType
from hub.reporting.graphql import check_periods

strawberry.enum(
    RateType,
    description="closing, average and opening: per currency and period; "
    "historical: per entity (and group-chart line).",
)


@strawberry.type(
    name="ExchangeRate",
    description="A rate in units of the currency per 1 EUR, and where it comes from.",
)
class ExchangeRateType:
    id: int
    currency: str
    type: RateType
    period: str | None
    entity: str | None
    line: str | None
    rate: Decimal
    source: str = strawberry.field(
        description="`manual` for a rate entered by hand; else the import (`ECB`, `ECB (file)`)."
    )
    reason: str | None = strawberry.field(
        description="Why it was entered by hand, or how it was derived."
    )
    created_by: str | None = strawberry.field(
        description="The user; null for a command-line import."
    )
    created_at: dt.datetime

    @classmethod
    def of(cls, rate: FxRate) -> ExchangeRateType:
        return cls(
            id=rate.id,
            currency=rate.currency,
            type=rate.type,
            period=rate.period,
            entity=rate.entity,
            line=rate.line,
            rate=rate.rate,
            source=rate.source,
            reason=rate.reason,
            created_by=rate.created_by,
            created_at=rate.created_at,
        )


def _check_currencies(currencies: list[str] | None) -> list[str] | None:
    for code in currencies or []:
        if not re.fullmatch(r"[A-Z]{3}", code):
            raise bad_input("currency", f"{code!r} is not a currency code: expected e.g. SEK")
    return currencies


@strawberry.type
class FxQuery:
    @strawberry.field(
        description="The effective exchange rates (each key's newest), filtered by every "
        "argument given."
    )
    async def exchange_rates(
        self,
        info: Info,
        currency: list[str] | None = None,
        period: list[str] | None = None,
        type: list[RateType] | None = None,
        entity: list[str] | None = None,
    ) -> list[ExchangeRateType]:
        hub = info.context.hub
        authorize(info.context.caller, Action.READ_FIGURES)
        for code in entity or []:
            if code not in hub.registry.entities:
                known = ", ".join(sorted(hub.registry.entities))
                raise bad_input("entity", f"unknown entity {code!r}; known entities: {known}")
        periods = check_periods(period)
        rows = await service.exchange_rates(
            hub,
            currencies=_check_currencies(currency),
            periods=None if periods is None else list(periods),
            types=type,
            entities=entity,
        )
        return [ExchangeRateType.of(row) for row in rows]

    @strawberry.field(description="Every rate stored for one key, oldest first (last: effective).")
    async def exchange_rate_history(
        self,
        info: Info,
        currency: str,
        type: RateType,
        period: str | None = None,
        entity: str | None = None,
        line: str | None = None,
    ) -> list[ExchangeRateType]:
        authorize(info.context.caller, Action.READ_FIGURES)
        _check_currencies([currency])
        normalised = None if period is None else (check_periods([period]) or (period,))[0]
        rows = await service.rate_history(
            info.context.hub, RateKey(currency, type, normalised, entity, line)
        )
        return [ExchangeRateType.of(row) for row in rows]


@strawberry.input
class ExchangeRateInput:
    currency: str
    type: RateType
    period: str | None = strawberry.field(
        default=None, description="Required for closing, average and opening rates."
    )
    entity: str | None = strawberry.field(
        default=None, description="Required for historical rates, and only for them."
    )
    line: str | None = strawberry.field(
        default=None, description="A group-chart line, for a historical rate of one line."
    )
    rate: Decimal = strawberry.field(description="Units of the currency per 1 EUR.")
    reason: str


@strawberry.type
class FxMutation:
    @strawberry.mutation(
        description="Enter a rate by hand (finance). It becomes the effective rate of its key; "
        "the previous one stays in the history. A later ECB import does not replace it."
    )
    async def override_exchange_rate(
        self, info: Info, input: ExchangeRateInput
    ) -> ExchangeRateType:
        try:
            stored = await service.override_rate(
                info.context.hub,
                info.context.caller,
                currency=input.currency,
                rate_type=input.type,
                period=input.period,
                entity=input.entity,
                line=input.line,
                rate=input.rate,
                reason=input.reason,
            )
        except service.RateInputError as error:
            raise bad_input(error.field, error.reason) from error
        return ExchangeRateType.of(stored)
