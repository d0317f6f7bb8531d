"""Records of national reporting: immutable, amounts as Decimal with their currency."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from enum import StrEnum

import msgspec


class Dataset(StrEnum):
    KPI = "kpi"
    STATEMENTS = "statements"


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    LOCKED = "locked"


class Provenance(StrEnum):
    """Where a figure comes from; the board sees it next to the figure."""

    REPORTED = "reported"
    PUBLISHED = "published"
    DERIVED = "derived"
    ILLUSTRATIVE = "illustrative"


class Severity(StrEnum):
    ERROR = "error"  # blocks: nothing is stored
    WARNING = "warning"  # stored; submitting needs a comment
    NOTICE = "notice"  # stored and reported, e.g. a published rounding difference


class Where(msgspec.Struct, frozen=True):
    """A place in the input: `part` (period, values, lines, trial_balance...), the item's index
    within it and the field. Each front end renders it its own way (a GraphQL path, a cell)."""

    part: str
    index: int | None = None
    field: str | None = None

    def path(self) -> str:
        text = self.part
        if self.index is not None:
            text += f"[{self.index}]"
        if self.field is not None:
            text += f".{self.field}"
        return text


class Finding(msgspec.Struct, frozen=True):
    severity: Severity
    rule: str
    where: Where
    message: str
    # A warning's explanation given with its line (a KPI's note): it needs no other comment.
    comment: str | None = None


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


class TrialBalanceLineIn(msgspec.Struct, frozen=True, kw_only=True):
    account: str
    amount: Decimal
    currency: str | None
    label: str | None = None
    partner: str | None = None


class StatementLineIn(msgspec.Struct, frozen=True, kw_only=True):
    line: str
    amount: Decimal
    currency: str | None


class KpiSubmissionIn(msgspec.Struct, frozen=True, kw_only=True):
    entity: str
    period: str
    values: tuple[KpiValueIn, ...]
    source: str = "graphql"
    comment: str | None = None
    base_version: int | None = None
    idempotency_key: str | None = None


class StatementsIn(msgspec.Struct, frozen=True, kw_only=True):
    """Financial statements: reported lines of the group chart and/or a national trial balance.

    `trial_balance` may be a one-pass iterable (rows streamed from a workbook).
    """

    entity: str
    period: str
    lines: tuple[StatementLineIn, ...] = ()
    trial_balance: Iterable[TrialBalanceLineIn] = ()
    source: str = "graphql"
    comment: str | None = None
    base_version: int | None = None
    idempotency_key: str | None = None


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


class StatementLine(msgspec.Struct, frozen=True, kw_only=True):
    entity: str
    period: str
    line: str
    amount: Decimal
    currency: str
    version: int
    submission_id: int


class TrialBalanceLine(msgspec.Struct, frozen=True, kw_only=True):
    entity: str
    period: str
    position: int
    account: str
    label: str | None
    amount: Decimal
    currency: str
    partner: str | None
    version: int
    submission_id: int


class Report(msgspec.Struct, frozen=True, kw_only=True):
    entity: str
    period: str
    dataset: Dataset
    status: Status
    latest_version: int
    approved_version: int | None  # the version published last (approved, perhaps locked since)
    published_status: Status | None = None  # that version's status: approved or locked


class ReportEvent(msgspec.Struct, frozen=True, kw_only=True):
    entity: str
    period: str
    dataset: Dataset
    action: str
    from_status: Status | None
    to_status: Status
    version: int
    actor: str
    at: dt.datetime
    reason: str | None


class StoredFinding(msgspec.Struct, frozen=True, kw_only=True):
    submission_id: int
    severity: Severity
    rule: str
    location: str  # the input path (values[2].amount)
    message: str
    place: str | None = None  # where the person finds it: the workbook's sheet and cell
    comment: str | None = None  # the explanation saved with its line

    @property
    def needs_comment(self) -> bool:
        return self.severity is Severity.WARNING and not self.comment

    def shown_where(self) -> str:
        """Where a person finds it: the cell, else the input path as GraphQL names it."""
        return self.place or self.location.replace("trial_balance", "trialBalance", 1)


class Change(msgspec.Struct, frozen=True, kw_only=True):
    """One difference between two versions of a report."""

    item: str
    before: Decimal | None
    after: Decimal | None

    @property
    def delta(self) -> Decimal | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before
