"""GraphQL for the board's comparison, shaped for bulk numbers.

`blocks` carries one object per KPI with its figures as matrices (a row per entity, a column
per period): thousands of values cost a handful of fields. `series` gives the same figures per
entity and KPI, convenient for small views such as the dashboard's table.
"""

from __future__ import annotations

from typing import NewType

import strawberry
from msgspec import Raw
from msgspec.json import encode

import hub.reporting.graphql_enums  # noqa: F401  (registers the enums)
from graphql import GraphQLError
from hub.board import calc, service
from hub.board.grid import NAN, Row, cents
from hub.board.service import ComparisonError
from hub.context import Info
from hub.registry.model import KpiKind, KpiUnit

# Decimal figures come as their answer's JSON, written once (hub.board.grid).
DecimalList = NewType("DecimalList", Raw)
IntList = NewType("IntList", list[int | None])
DecimalMatrix = NewType("DecimalMatrix", Raw)
IntMatrix = NewType("IntMatrix", list[list[int | None]])
StringList = NewType("StringList", list[str | None])
StringMatrix = NewType("StringMatrix", list[list[str | None]])


def _cents(values: Row | None) -> DecimalList:
    """A row of totals to the cent: the grids' own formatting (hub.board.grid.cents)."""
    return DecimalList(Raw(encode(cents([NAN if v is None else v for v in values or []]))))


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
    rate_types: StringList = strawberry.field(
        description="average or closing per period; null for figures that are not money."
    )
    changes: DecimalList = strawberry.field(description="Against the previous period, in EUR.")
    change_percents: DecimalList
    ranks: IntList = strawberry.field(description="Among the entities compared, 1 = highest.")
    provenances: StringList = strawberry.field(
        description="reported, published, derived or illustrative per period; null where no figure."
    )


@strawberry.type
class KpiTotal:
    kpi: str
    values_eur: DecimalList
    changes: DecimalList
    change_percents: DecimalList
    left_out: list[list[str]] = strawberry.field(
        description="Per period, the entities the total leaves out and why: no figure, or no "
        'rate to EUR ("SE: no average rate for SEK in 2024").'
    )


@strawberry.type
class RatioSeries:
    entity: str
    ratio: str
    label: str
    values: DecimalList


@strawberry.type(description="One KPI for every entity: rows follow `entities`, columns periods.")
class KpiBlock:
    kpi: str
    rate_type: str | None
    entities: StringList
    currencies: StringList
    values: DecimalMatrix
    values_eur: DecimalMatrix
    rates: DecimalMatrix
    changes: DecimalMatrix
    change_percents: DecimalMatrix
    ranks: IntMatrix
    provenances: StringMatrix
    total_eur: DecimalList | None
    total_changes: DecimalList | None
    total_change_percents: DecimalList | None
    total_left_out: list[list[str]] | None = strawberry.field(
        description="Per period, the entities the total leaves out and why."
    )


@strawberry.type
class RatioBlock:
    ratio: str
    label: str
    entities: StringList
    values: DecimalMatrix


@strawberry.type
class Comparison:
    periods: list[str]
    currency: str
    entities: list[ComparedEntity]
    kpis: list[ComparedKpi]
    result: strawberry.Private[calc.Comparison]

    @strawberry.field(description="The figures per KPI, as matrices: the shape for bulk reads.")
    def blocks(self) -> list[KpiBlock]:
        return [
            KpiBlock(
                kpi=b.kpi,
                rate_type=b.rate_type,
                entities=StringList(list(b.entities)),
                currencies=StringList(b.currencies),
                values=DecimalMatrix(b.values.exact_json()),
                values_eur=DecimalMatrix(b.values_eur.cents_json()),
                rates=DecimalMatrix(b.rates.exact_json()),
                changes=DecimalMatrix(b.changes.cents_json()),
                change_percents=DecimalMatrix(b.change_percents.cents_json()),
                ranks=IntMatrix(b.ranks),
                provenances=StringMatrix(b.provenances),
                total_eur=None if b.total_eur is None else _cents(b.total_eur),
                total_changes=None if b.total_changes is None else _cents(b.total_changes),
                total_change_percents=None
                if b.total_change_percents is None
                else _cents(b.total_change_percents),
                total_left_out=b.total_left_out,
            )
            for b in self.result.blocks
        ]

    @strawberry.field(description="Ratios per entity as matrices.")
    def ratio_blocks(self) -> list[RatioBlock]:
        return [
            RatioBlock(
                ratio=r.ratio,
                label=r.label,
                entities=StringList(list(r.entities)),
                values=DecimalMatrix(r.values.cents_json()),
            )
            for r in self.result.ratios
        ]

    @strawberry.field(description="The same figures per entity and KPI.")
    def series(self) -> list[KpiSeries]:
        found: list[KpiSeries] = []
        for b in self.result.blocks:
            rate_types = [b.rate_type] * len(self.periods)
            found.extend(
                KpiSeries(
                    entity=entity,
                    kpi=b.kpi,
                    currency=b.currencies[i],
                    values=DecimalList(b.values.row_exact_json(i)),
                    values_eur=DecimalList(b.values_eur.row_cents_json(i)),
                    rates=DecimalList(b.rates.row_exact_json(i)),
                    rate_types=StringList(list(rate_types)),
                    changes=DecimalList(b.changes.row_cents_json(i)),
                    change_percents=DecimalList(b.change_percents.row_cents_json(i)),
                    ranks=IntList(b.ranks[i]),
                    provenances=StringList(b.provenances[i]),
                )
                for i, entity in enumerate(b.entities)
            )
        return found

    @strawberry.field(description="Network totals of the KPIs that add up.")
    def totals(self) -> list[KpiTotal]:
        return [
            KpiTotal(
                kpi=b.kpi,
                values_eur=_cents(b.total_eur),
                changes=_cents(b.total_changes),
                change_percents=_cents(b.total_change_percents),
                left_out=b.total_left_out or [],
            )
            for b in self.result.blocks
            if b.total_eur is not None
        ]

    @strawberry.field
    def ratios(self) -> list[RatioSeries]:
        found: list[RatioSeries] = []
        for r in self.result.ratios:
            found.extend(
                RatioSeries(
                    entity=entity,
                    ratio=r.ratio,
                    label=r.label,
                    values=DecimalList(r.values.row_cents_json(i)),
                )
                for i, entity in enumerate(r.entities)
            )
        return found


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
        scope = result.blocks[0].entities if result.blocks else []
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
                for k in (hub.registry.kpis[b.kpi] for b in result.blocks)
            ],
            result=result,
        )
