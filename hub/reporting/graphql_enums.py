"""Registers the domain enums that GraphQL exposes; the types annotate with the domain classes."""

import strawberry

from hub.registry.group_chart import Statement
from hub.registry.model import ConsolidationMethod, KpiKind, KpiUnit, ReportingMode
from hub.reporting.model import Dataset, Provenance, Severity, Status
from hub.reporting.workflow import ReportAction

for _enum in (
    ConsolidationMethod,
    Dataset,
    KpiKind,
    KpiUnit,
    Provenance,
    ReportAction,
    ReportingMode,
    Severity,
    Statement,
    Status,
):
    strawberry.enum(_enum)
