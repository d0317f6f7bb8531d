"""Records of national reporting: immutable, amounts as Decimal with their currency."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum

import msgspec


class Dataset(StrEnum):
    KPI = "kpi"


class Provenance(StrEnum):
    """Where a figure comes from; the board sees it next to the figure."""

    REPORTED = "reported"
    PUBLISHED = "published"
    DERIVED = "derived"
    ILLUSTRATIVE = "illustrative"


class FieldError(msgspec.Struct, frozen=True):
    """A problem with one input field, located by its path (`values[2].amount`)."""

    field: str
    message: str


class KpiValueIn(msgspec.Struct, frozen=True, kw_only=True):
    kpi: str
    amount: Decimal
    currency: str | None = None
    provenance: Provenance = Provenance.REPORTED
    note: str | None = None


class KpiSubmissionIn(msgspec.Struct, frozen=True, kw_only=True):
    entity: str
    period: str
    values: tuple[KpiValueIn, ...]
    source: str = "graphql"
    comment: str | None = None


class Submission(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    entity: str
    period: str
    dataset: str
    version: int
    author: str
    submitted_at: dt.datetime
    source: str
    comment: str | None


class KpiValue(msgspec.Struct, frozen=True, kw_only=True):
    entity: str
    period: str
    kpi: str
    amount: Decimal
    currency: str | None
    provenance: Provenance
    note: str | None
    version: int
    submission_id: int
