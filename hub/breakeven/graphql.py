"""GraphQL for the break-even monitor."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from hub.api.presentation import present_optional
from hub.breakeven import service
from hub.context import Info


@strawberry.type
class OperatingResult:
    year: int
    local_amount: Decimal
    currency: str
    amount_eur: Decimal | None
    illustrative: bool = strawberry.field(description="Not published: a demo stand-in.")
    note: str | None


@strawberry.type
class PartnerBreakEven:
    entity: str
    target_year: int | None
    plan: str | None
    results: list[OperatingResult]
    status: str = strawberry.field(description="reached, on track, at risk or off track")
    reason: str
    projected_year: int | None
    trend_eur_per_year: Decimal | None
    method: str
    invested_eur: Decimal = strawberry.field(description="Cumulative disbursements received.")
    losses_eur: Decimal = strawberry.field(description="Cumulative operating losses.")


@strawberry.type
class BreakEvenMonitor:
    partners: list[PartnerBreakEven]
    alerts: list[str]


@strawberry.type
class BreakEvenQuery:
    @strawberry.field(description="Each partner's path to break-even, and the board's alerts.")
    async def break_even(self, info: Info, as_of: int | None = None) -> BreakEvenMonitor:
        result = await service.break_even(info.context.hub, info.context.caller, as_of)
        return BreakEvenMonitor(
            partners=[
                PartnerBreakEven(
                    entity=p.entity,
                    target_year=p.target_year,
                    plan=p.plan,
                    results=[
                        OperatingResult(
                            year=r.year,
                            local_amount=r.local_amount,
                            currency=r.currency,
                            amount_eur=present_optional(r.amount),
                            illustrative=r.illustrative,
                            note=r.note,
                        )
                        for r in p.results
                    ],
                    status=p.projection.status.value,
                    reason=p.projection.reason,
                    projected_year=p.projection.projected_year,
                    trend_eur_per_year=present_optional(p.projection.slope),
                    method=p.method,
                    invested_eur=present_optional(p.invested) or Decimal(0),
                    losses_eur=present_optional(p.losses) or Decimal(0),
                )
                for p in result.partners
            ],
            alerts=result.alerts,
        )
