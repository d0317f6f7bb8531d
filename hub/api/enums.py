"""Registers the domain enums that GraphQL exposes; the types annotate with the domain classes."""

import strawberry

from hub.registry.model import ConsolidationMethod, KpiKind, KpiUnit
from hub.reporting.model import Provenance

for _enum in (ConsolidationMethod, KpiKind, KpiUnit, Provenance):
    strawberry.enum(_enum)
