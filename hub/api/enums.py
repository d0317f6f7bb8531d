"""Domain enums exposed in GraphQL, registered once for every capability's types."""

import strawberry

from hub.registry import model
from hub.reporting.model import Provenance as _Provenance

ConsolidationMethod = strawberry.enum(model.ConsolidationMethod)
KpiUnit = strawberry.enum(model.KpiUnit)
KpiKind = strawberry.enum(model.KpiKind)
Provenance = strawberry.enum(_Provenance)
