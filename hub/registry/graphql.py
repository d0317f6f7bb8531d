"""GraphQL for the network registry: entities, their rules and the KPI definitions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

import strawberry

import hub.reporting.graphql_enums  # noqa: F401  (registers the enums)
from countries import NationalEntity
from hub.api.errors import bad_input
from hub.auth.policy import Action, allows
from hub.context import Info
from hub.registry import model
from hub.registry.model import ConsolidationMethod, KpiKind, KpiUnit, ReportingMode
from hub.reporting.graphql import KpiValueType, check_filter
from hub.reporting.loaders import KpiValueKey


@strawberry.type
class CategoryRate:
    category: str
    rate_percent: Decimal

    @classmethod
    def of(cls, rate: model.CategoryRate) -> CategoryRate:
        return cls(category=rate.category, rate_percent=rate.rate_percent)


@strawberry.type(description="One part of a contribution: a rate on a base, flat or by category.")
class ContributionComponent:
    name: str
    base: str
    rate_percent: Decimal | None
    by: str | None
    rates: list[CategoryRate]
    min_rate_percent: Decimal | None
    max_rate_percent: Decimal | None
    illustrative: bool = strawberry.field(description="True when the figures are not published.")

    @classmethod
    def of(cls, component: model.ContributionComponent) -> ContributionComponent:
        return cls(
            name=component.name,
            base=component.base,
            rate_percent=component.rate_percent,
            by=component.by,
            rates=[CategoryRate.of(r) for r in component.rates],
            min_rate_percent=component.min_rate_percent,
            max_rate_percent=component.max_rate_percent,
            illustrative=component.illustrative,
        )


@strawberry.type(description="A common-contribution rule and the dates it applies between.")
class ContributionRule:
    entity: str
    valid_from: dt.date
    valid_to: dt.date | None
    description: str
    published_rate_percent: Decimal | None
    source: str | None
    components: list[ContributionComponent]

    @classmethod
    def of(cls, rule: model.ContributionRule) -> ContributionRule:
        return cls(
            entity=rule.entity,
            valid_from=rule.valid_from,
            valid_to=rule.valid_to,
            description=rule.description,
            published_rate_percent=rule.published_rate_percent,
            source=rule.source,
            components=[ContributionComponent.of(c) for c in rule.components],
        )


@strawberry.type
class KpiDefinition:
    code: str
    label: str
    unit: KpiUnit
    kind: KpiKind
    required: bool
    allow_negative: bool

    @classmethod
    def of(cls, kpi: model.KpiDefinition) -> KpiDefinition:
        return cls(
            code=kpi.code,
            label=kpi.label,
            unit=kpi.unit,
            kind=kpi.kind,
            required=kpi.required,
            allow_negative=kpi.allow_negative,
        )


@strawberry.type(description="A national entity of the network.")
class Entity:
    code: str
    name: str
    country: str
    legal_form: str
    legal_form_local: str
    founded: int
    offices: list[str]
    currency: str
    fiscal_year_start_month: int
    parent: str | None
    ownership_share: Decimal | None
    consolidation_method: ConsolidationMethod
    ownership_illustrative: bool
    chart_of_accounts: str
    import_formats: list[str]
    reporting: ReportingMode = strawberry.field(
        description="Who reports its figures: CENTRAL (its team, on the hub) or NODE (its own "
        "node, as signed envelopes; its team cannot change its reports on the hub)."
    )
    national: strawberry.Private[NationalEntity]

    @strawberry.field(
        description="The rules, oldest first; only the one in force on `on` if given."
    )
    def contribution_rules(self, on: dt.date | None = None) -> list[ContributionRule]:
        rules = self.national.rules
        if on is not None:
            rules = tuple(rule for rule in rules if rule.applies_on(on))
        return [ContributionRule.of(rule) for rule in rules]

    @strawberry.field(
        description="This entity's KPI values the caller may read (latest versions by default)."
    )
    async def kpi_values(
        self,
        info: Info,
        period: list[str] | None = None,
        kpi: list[str] | None = None,
        version: int | None = None,
    ) -> Sequence[KpiValueType]:
        registry = info.context.hub.registry
        kpi_filter = check_filter(registry, period, kpi)._replace(version=version)
        if not allows(info.context.caller, Action.READ_FIGURES, self.code):
            return []
        values = await info.context.loaders.kpi_values.load(KpiValueKey(self.code, kpi_filter))
        return KpiValueType.of_rows(values, registry)

    @classmethod
    def of(cls, national: NationalEntity) -> Entity:
        config = national.config
        return cls(
            code=config.code,
            name=config.name,
            country=config.country,
            legal_form=config.legal_form,
            legal_form_local=config.legal_form_local,
            founded=config.founded,
            offices=list(config.offices),
            currency=config.currency,
            fiscal_year_start_month=config.fiscal_year_start_month,
            parent=config.parent,
            ownership_share=config.ownership_share,
            consolidation_method=config.consolidation,
            ownership_illustrative=config.ownership_illustrative,
            chart_of_accounts=national.profile.chart_of_accounts.name,
            import_formats=list(national.profile.import_formats),
            reporting=config.reporting,
            national=national,
        )


@strawberry.type
class Network:
    name: str
    group_currency: str
    parent: str


@strawberry.type
class Me:
    name: str
    role: str
    entity: str | None


@strawberry.type
class RegistryQuery:
    @strawberry.field(description="The caller, as the hub knows them.")
    def me(self, info: Info) -> Me:
        caller = info.context.caller
        return Me(name=caller.name, role=caller.role.value, entity=caller.entity)

    @strawberry.field
    def network(self, info: Info) -> Network:
        net = info.context.hub.registry.config.network
        return Network(name=net.name, group_currency=net.group_currency, parent=net.parent)

    @strawberry.field(description="The network's entities, in config order.")
    def entities(self, info: Info) -> list[Entity]:
        return [Entity.of(national) for national in info.context.hub.countries.values()]

    @strawberry.field
    def entity(self, info: Info, code: str) -> Entity:
        national = info.context.hub.countries.get(code)
        if national is None:
            known = ", ".join(info.context.hub.countries)
            raise bad_input("code", f"unknown entity {code!r}; known entities: {known}")
        return Entity.of(national)

    @strawberry.field(description="The KPI definitions every entity reports against.")
    def kpis(self, info: Info) -> list[KpiDefinition]:
        return [KpiDefinition.of(k) for k in info.context.hub.registry.kpis.values()]
