"""GraphQL for the board's comparison, shaped for bulk numbers: one object per series
(entity x KPI), each carrying its values over the periods as lists."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from typing import NewType

import strawberry

import hub.api.enums  # noqa: F401  (registers the enums)
from graphql import GraphQLError
from hub.api.context import Info
from hub.board import service
from hub.board.service import ComparisonError
from hub.registry.model import KpiKind, KpiUnit

DecimalList = NewType("DecimalList", list[Decimal | None])
IntList = NewType("IntList", list[int | None])
CENT = Decimal("0.01")


def _cents(values: list[Decimal | None]) -> DecimalList:
    return DecimalList(
        [None if v is None else v.quantize(CENT, rounding=ROUND_HALF_EVEN) for v in values]
    )


@strawberry.type
class ComparedEntity:
    code: str
    name: str
    country: str
    legal_form: str
    legal_form_local: str
    founded: int
    offices: list[str]
    currency: str


@strawberry.type
class ComparedKpi:
    code: str
    label: str
    unit: KpiUnit
    kind: KpiKind


@strawberry.type
class KpiSeries:
    entity: str
    kpi: str
    currency: str | None
    values: DecimalList = strawberry.field(description="In the entity's currency, per period.")
    values_eur: DecimalList = strawberry.field(description="In EUR (to the cent), per period.")
    rates: DecimalList = strawberry.field(description="The rate used (currency per EUR).")
    rate_types: list[str | None]
    changes: DecimalList = strawberry.field(description="Against the previous period, in EUR.")
    change_percents: DecimalList
    ranks: IntList = strawberry.field(description="Among the entities compared, 1 = highest.")
    provenances: list[str | None]


@strawberry.type
class KpiTotal:
    kpi: str
    values_eur: DecimalList
    changes: DecimalList
    change_percents: DecimalList


@strawberry.type
class RatioSeries:
    entity: str
    ratio: str
    label: str
    values: DecimalList


@strawberry.type
class Comparison:
    periods: list[str]
    currency: str
    entities: list[ComparedEntity]
    kpis: list[ComparedKpi]
    series: list[KpiSeries]
    totals: list[KpiTotal]
    ratios: list[RatioSeries]


@strawberry.type
class BoardQuery:
    @strawberry.field(
        description="Chosen entities, periods and KPIs side by side: own currency and EUR (the "
        "rate used returned), change, rank, network totals, ratios. Published figures only, "
        "unless the caller may read drafts (finance; a national team for its own entity)."
    )
    async def comparison(
        self,
        info: Info,
        periods: list[str],
        entities: list[str] | None = None,
        kpis: list[str] | None = None,
    ) -> Comparison:
        hub = info.context.hub
        try:
            result = await service.comparison(hub, info.context.caller, periods, entities, kpis)
        except ComparisonError as error:
            raise GraphQLError(str(error), extensions={"code": "BAD_USER_INPUT"}) from error
        scope = list(dict.fromkeys(s.entity for s in result.series)) or list(entities or [])
        wanted = list(dict.fromkeys(s.kpi for s in result.series))
        return Comparison(
            periods=result.periods,
            currency=hub.registry.group_currency,
            entities=[
                ComparedEntity(
                    code=e.code,
                    name=e.name,
                    country=e.country,
                    legal_form=e.legal_form,
                    legal_form_local=e.legal_form_local,
                    founded=e.founded,
                    offices=list(e.offices),
                    currency=e.currency,
                )
                for e in (hub.registry.entities[code] for code in scope)
            ],
            kpis=[
                ComparedKpi(code=k.code, label=k.label, unit=k.unit, kind=k.kind)
                for k in (hub.registry.kpis[code] for code in wanted)
            ],
            series=[
                KpiSeries(
                    entity=s.entity,
                    kpi=s.kpi,
                    currency=s.currency,
                    values=DecimalList(s.values),
                    values_eur=_cents(s.values_eur),
                    rates=DecimalList(s.rates),
                    rate_types=s.rate_types,
                    changes=_cents(s.changes),
                    change_percents=_cents(s.change_percents),
                    ranks=IntList(s.ranks),
                    provenances=s.provenances,
                )
                for s in result.series
            ],
            totals=[
                KpiTotal(
                    kpi=t.kpi,
                    values_eur=_cents(t.values_eur),
                    changes=_cents(t.changes),
                    change_percents=_cents(t.change_percents),
                )
                for t in result.totals
            ],
            ratios=[
                RatioSeries(entity=r.entity, ratio=r.ratio, label=r.label, values=_cents(r.values))
                for r in result.ratios
            ],
        )
