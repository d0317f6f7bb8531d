"""GraphQL for contributions: expected against booked, and what-if simulations."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_EVEN, Decimal

import strawberry

from graphql import GraphQLError
from hub.api.presentation import present_optional
from hub.context import Info
from hub.contributions import service
from hub.contributions.service import ContributionError


def _percent(amount: Decimal | None) -> Decimal | None:
    return None if amount is None else amount.quantize(Decimal("0.0001"), rounding=ROUND_HALF_EVEN)


@strawberry.type
class ContributionLine:
    entity: str
    period: str
    currency: str
    component: str
    base: str
    base_amount: Decimal | None
    rate_percent: Decimal | None
    expected: Decimal | None
    booked: Decimal | None
    gap: Decimal | None = strawberry.field(description="Booked minus expected.")
    gap_percent: Decimal | None = strawberry.field(description="Of the expected, 4 decimals.")
    flagged: bool = strawberry.field(description="The gap is beyond the configured tolerance.")
    method: str
    computable: bool
    illustrative: bool


@strawberry.type
class NetworkContribution:
    period: str
    currency: str
    expected: Decimal
    booked: Decimal
    gap: Decimal
    counted: list[str]
    left_out: list[str] = strawberry.field(description="Lines without figures or rates.")


@strawberry.type
class ContributionReport:
    lines: list[ContributionLine]
    network: list[NetworkContribution]


@strawberry.type
class WhatIfLine:
    entity: str
    period: str
    currency: str
    component: str
    current: Decimal | None
    simulated: Decimal | None
    difference: Decimal | None
    method: str


@strawberry.type
class WhatIfReport:
    lines: list[WhatIfLine]
    network_current: list[NetworkContribution]
    network_simulated: list[NetworkContribution]


@strawberry.input
class RateChangeInput:
    entity: str
    component: str
    rate_percent: Decimal
    valid_from: dt.date | None = strawberry.field(
        default=None, description="From this day on (the whole history when omitted)."
    )


def _network(total: service.NetworkTotal) -> NetworkContribution:
    return NetworkContribution(
        period=total.period,
        currency=total.currency,
        expected=present_optional(total.expected) or Decimal(0),
        booked=present_optional(total.booked) or Decimal(0),
        gap=present_optional(total.gap) or Decimal(0),
        counted=total.entities,
        left_out=total.left_out,
    )


@strawberry.type
class ContributionQuery:
    @strawberry.field(
        description="Per entity, period and component: the base, the rate in force, the "
        "expected contribution, what was booked and the gap (approved reports only)."
    )
    async def contributions(
        self, info: Info, period: list[str], entity: list[str] | None = None
    ) -> ContributionReport:
        try:
            report = await service.contributions(
                info.context.hub, info.context.caller, period, entity
            )
        except ContributionError as error:
            raise GraphQLError(str(error), extensions={"code": "BAD_USER_INPUT"}) from error
        return ContributionReport(
            lines=[
                ContributionLine(
                    entity=line.entity,
                    period=line.period,
                    currency=line.currency,
                    component=line.component,
                    base=line.base,
                    base_amount=line.base_amount,
                    rate_percent=line.rate_percent
                    if line.rate_percent is None
                    else _percent(line.rate_percent),
                    expected=present_optional(line.expected),
                    booked=line.gap.booked,
                    gap=present_optional(line.gap.amount),
                    gap_percent=_percent(line.gap.percent),
                    flagged=line.gap.flagged,
                    method=line.method,
                    computable=line.computable,
                    illustrative=line.illustrative,
                )
                for line in report.lines
            ],
            network=[_network(total) for total in report.network],
        )

    @strawberry.field(
        description="Simulate changed rates over past periods: the effect on each entity and "
        "on the network. Nothing is stored."
    )
    async def contribution_what_if(
        self, info: Info, period: list[str], changes: list[RateChangeInput]
    ) -> WhatIfReport:
        try:
            result = await service.what_if(
                info.context.hub,
                info.context.caller,
                period,
                [
                    service.RateChange(
                        entity=c.entity,
                        component=c.component,
                        rate_percent=c.rate_percent,
                        valid_from=c.valid_from,
                    )
                    for c in changes
                ],
            )
        except ContributionError as error:
            raise GraphQLError(str(error), extensions={"code": "BAD_USER_INPUT"}) from error
        return WhatIfReport(
            lines=[
                WhatIfLine(
                    entity=line.entity,
                    period=line.period,
                    currency=line.currency,
                    component=line.component,
                    current=present_optional(line.current),
                    simulated=present_optional(line.simulated),
                    difference=present_optional(line.difference),
                    method=line.method,
                )
                for line in result.lines
            ],
            network_current=[_network(t) for t in result.network_current],
            network_simulated=[_network(t) for t in result.network_simulated],
        )
