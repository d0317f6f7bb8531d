"""Typed shape of `config/network.toml`. Decoding rejects unknown keys and wrong types."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, TypeAlias

import msgspec

EntityCode: TypeAlias = Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{2}$")]
CurrencyCode: TypeAlias = Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{3}$")]
KpiCode: TypeAlias = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]*$")]
Percent: TypeAlias = Decimal  # 0..100, checked by registry.load


class ConsolidationMethod(StrEnum):
    PARENT = "parent"
    FULL = "full"
    EQUITY = "equity"
    AGGREGATION = "aggregation"


class KpiUnit(StrEnum):
    CURRENCY = "currency"
    PERSONS = "persons"
    FTE = "fte"
    PERCENT = "percent"
    COUNT = "count"


class ReportingMode(StrEnum):
    """Who reports an entity's figures to the hub: its national team on the hub itself
    (central), or its own node, as signed envelopes (docs/federation.md)."""

    CENTRAL = "central"
    NODE = "node"


class KpiKind(StrEnum):
    STOCK = "stock"
    FLOW = "flow"
    COUNT = "count"
    RATIO = "ratio"


class Strict(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Base for every config table: immutable, and an unknown key is an error."""


class NetworkInfo(Strict, frozen=True, kw_only=True):
    name: str
    group_currency: CurrencyCode
    parent: EntityCode


class EntityConfig(Strict, frozen=True, kw_only=True):
    code: EntityCode
    name: str
    country: str
    legal_form: str
    legal_form_local: str
    founded: Annotated[int, msgspec.Meta(ge=1800, le=2100)]
    offices: tuple[str, ...]
    currency: CurrencyCode
    fiscal_year_start_month: Annotated[int, msgspec.Meta(ge=1, le=12)] = 1
    parent: EntityCode | None = None
    ownership_share: Decimal | None = None  # 0 < share <= 1, checked by registry.load
    consolidation: ConsolidationMethod
    ownership_illustrative: bool = False
    # The countries/ module of the entity; by default its code (a second Belgian entity would
    # name "be").
    country_module: str | None = None
    # Partners the network invests in: the year they should break even, or the plan they follow.
    break_even_target: Annotated[int, msgspec.Meta(ge=2000, le=2100)] | None = None
    break_even_plan: str | None = None
    # The number the entity is registered under (organisation, enterprise or VAT number): an
    # imported export from another company is refused. Unset: not checked.
    registered_number: str | None = None
    # Reported on the hub by the national team (central), or by the entity's node as signed
    # envelopes (node). A change is recorded at start-up (entity_reporting, migration 0017).
    reporting: ReportingMode = ReportingMode.CENTRAL


class CategoryRate(Strict, frozen=True, kw_only=True):
    category: str
    rate_percent: Percent


class ContributionComponent(Strict, frozen=True, kw_only=True):
    """One part of a contribution: a rate on a base, flat or by category of the base."""

    name: str
    base: str
    rate_percent: Percent | None = None
    by: str | None = None
    rates: tuple[CategoryRate, ...] = ()
    min_rate_percent: Percent | None = None
    max_rate_percent: Percent | None = None
    illustrative: bool = False
    # Where the contribution actually booked is read: a group line of the statements or a KPI.
    booked_line: str | None = None
    booked_kpi: KpiCode | None = None


class ContributionRule(Strict, frozen=True, kw_only=True):
    entity: EntityCode
    valid_from: dt.date
    valid_to: dt.date | None = None
    description: str
    published_rate_percent: Percent | None = None
    source: str | None = None
    components: tuple[ContributionComponent, ...]

    def applies_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class ContributionBase(Strict, frozen=True, kw_only=True):
    """What a contribution rate applies to: group lines of the statements, or a KPI."""

    name: str
    label: str
    lines: tuple[str, ...] = ()
    kpi: KpiCode | None = None


class KpiDefinition(Strict, frozen=True, kw_only=True):
    code: KpiCode
    label: str
    unit: KpiUnit
    kind: KpiKind
    required: bool = False
    allow_negative: bool = False

    @property
    def is_money(self) -> bool:
        return self.unit is KpiUnit.CURRENCY

    @property
    def whole_numbers_only(self) -> bool:
        return self.unit in (KpiUnit.PERSONS, KpiUnit.COUNT)


class NetworkConfig(Strict, frozen=True, kw_only=True):
    network: NetworkInfo
    entities: tuple[EntityConfig, ...]
    contribution_bases: tuple[ContributionBase, ...] = ()
    contribution_rules: tuple[ContributionRule, ...] = ()
    kpis: tuple[KpiDefinition, ...]
