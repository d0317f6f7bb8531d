"""The workbook round trip: the template for (entity, period), and an upload saved all or
nothing with a located report."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import itertools
from collections.abc import Iterator
from decimal import Decimal

import msgspec

from hub.auth.policy import Action, Principal, authorize
from hub.db.pool import Connection
from hub.excel.layout import INSTRUCTIONS
from hub.excel.parse import CellError, UploadedWorkbook
from hub.excel.template import KpiCell, TbCell, TemplateData, build_template
from hub.reporting import repository, service
from hub.reporting.model import (
    Dataset,
    KpiSubmissionIn,
    KpiValueIn,
    Severity,
    StatementsIn,
    Status,
    TrialBalanceLineIn,
)
from hub.reporting.period import Period, PeriodError, parse_period
from hub.services import Hub


class BadRequest(Exception):
    """The entity or period of the URL is wrong."""


def _entity_and_period(hub: Hub, entity: str, period: str) -> Period:
    if entity not in hub.registry.entities:
        known = ", ".join(hub.registry.entities)
        raise BadRequest(f"unknown entity {entity!r}; known entities: {known}")
    try:
        return parse_period(period)
    except PeriodError as error:
        raise BadRequest(str(error)) from error


# --- the template ------------------------------------------------------------------------------


async def _version_content(
    connection: Connection, entity: str, period: str
) -> tuple[int, int, dict[str, KpiCell], dict[str, Decimal], tuple[TbCell, ...]]:
    kpi = await repository.latest_submission_id(connection, entity, period, Dataset.KPI)
    statements = await repository.latest_submission_id(
        connection, entity, period, Dataset.STATEMENTS
    )
    values = await repository.kpi_values(connection, [entity], [entity], [period], None, None)
    lines = await repository.statement_lines(connection, [entity], [entity], [period], None)
    tb: tuple[TbCell, ...] = ()
    if statements is not None:
        rows = await repository.trial_balance(
            connection, statements[0], entity, period, statements[1]
        )
        tb = tuple(TbCell(r.account, r.label, r.amount, r.partner) for r in rows)
    return (
        0 if kpi is None else kpi[1],
        0 if statements is None else statements[1],
        {v.kpi: KpiCell(v.amount, v.currency, v.note) for v in values},
        {line.line: line.amount for line in lines},
        tb,
    )


async def template_for(hub: Hub, principal: Principal, entity: str, period_text: str) -> bytes:
    """The entity's workbook for the period: its latest version's figures in the input
    columns, the previous period's beside them."""
    period = _entity_and_period(hub, entity, period_text)
    authorize(principal, Action.READ_DRAFTS, entity)
    async with hub.db.pool.acquire() as connection:
        kpi_base, statements_base, kpis, lines, tb = await _version_content(
            connection, entity, str(period)
        )
        _, _, previous_kpis, previous_lines, previous_tb = await _version_content(
            connection, entity, str(period.previous())
        )
    data = TemplateData(
        entity=hub.registry.entities[entity],
        period=period,
        chart=hub.countries[entity].profile.chart_of_accounts,
        group=hub.group_chart,
        kpis=tuple(hub.registry.kpis.values()),
        partners=tuple(code for code in hub.registry.entities if code != entity),
        kpi_base_version=kpi_base,
        statements_base_version=statements_base,
        current_kpis=kpis,
        previous_kpis={code: cell.amount for code, cell in previous_kpis.items()},
        current_lines=lines,
        previous_lines=previous_lines,
        current_tb=tb,
        previous_tb={(c.account, c.partner): c.amount for c in previous_tb},
    )
    return await asyncio.to_thread(build_template, data, dt.datetime.now(dt.UTC))


# --- the upload --------------------------------------------------------------------------------


class DatasetOutcome(msgspec.Struct, frozen=True):
    dataset: Dataset
    outcome: str  # saved, unchanged, replayed, rejected, conflict, not stored
    version: int | None = None
    message: str | None = None


class UploadReport(msgspec.Struct, frozen=True, rename="camel"):
    accepted: bool
    entity: str
    period: str
    datasets: list[DatasetOutcome]
    error_count: int
    errors: list[CellError]
    warnings: list[CellError]


async def _with_known_provenance(
    hub: Hub, entity: str, period: str, values: tuple[KpiValueIn, ...]
) -> tuple[KpiValueIn, ...]:
    """The workbook has no provenance column: a value the latest version holds as it is (same
    amount, currency and note) keeps that version's provenance (published, derived...), so a
    template uploaded unchanged is unchanged; any other value is reported."""
    async with hub.db.pool.acquire() as connection:
        latest = await repository.kpi_values(connection, [entity], [entity], [period], None, None)
    known = {(v.kpi, v.amount, v.currency, v.note): v.provenance for v in latest}
    return tuple(
        msgspec.structs.replace(value, provenance=provenance)
        if (provenance := known.get((value.kpi, value.amount, value.currency, value.note)))
        else value
        for value in values
    )


def _peek(rows: Iterator[TrialBalanceLineIn]) -> tuple[bool, Iterator[TrialBalanceLineIn]]:
    first = next(rows, None)
    if first is None:
        return False, iter(())
    return True, itertools.chain([first], rows)


async def upload_workbook(
    hub: Hub,
    principal: Principal,
    entity_code: str,
    period_text: str,
    data: bytes,
    idempotency_key: str | None = None,
) -> UploadReport:
    period = _entity_and_period(hub, entity_code, period_text)
    service.authorize_reporting(hub, principal, entity_code)
    entity = hub.registry.entities[entity_code]
    limits = hub.rules.upload
    report = _Report(entity_code, str(period), limits.max_listed_errors)
    if len(data) > limits.max_bytes:
        report.errors.append(
            CellError(
                None,
                None,
                "size-limit",
                f"the file is {len(data):,} bytes; the limit is {limits.max_bytes:,} bytes",
            )
        )
        return report.done()
    workbook = UploadedWorkbook(data, limits)
    try:
        if not await asyncio.to_thread(workbook.open, entity, period):
            report.errors.extend(workbook.errors)
            return report.done()
        values = await _with_known_provenance(
            hub, entity_code, str(period), await asyncio.to_thread(workbook.kpi_values)
        )
        lines = await asyncio.to_thread(workbook.statement_lines)
        has_rows, rows = await asyncio.to_thread(_peek, workbook.trial_balance())
        requests, datasets = [], []
        key = idempotency_key
        if values:
            datasets.append(Dataset.KPI)
            requests.append(
                service.kpi_request(
                    hub,
                    KpiSubmissionIn(
                        entity=entity_code,
                        period=str(period),
                        values=values,
                        source="excel",
                        base_version=workbook.kpi_base_version or None,
                        idempotency_key=key,
                    ),
                )
            )
        if lines or has_rows:
            datasets.append(Dataset.STATEMENTS)
            requests.append(
                service.statements_request(
                    hub,
                    StatementsIn(
                        entity=entity_code,
                        period=str(period),
                        lines=lines,
                        trial_balance=rows,
                        source="excel",
                        base_version=workbook.statements_base_version or None,
                        idempotency_key=key,
                    ),
                )
            )
        if not requests and not workbook.errors:
            workbook.fail(INSTRUCTIONS, None, "not-empty", "the workbook has no amounts to report")
        requests = [dataclasses.replace(r, locate=workbook.place) for r in requests]
        outcomes = await service.save_together(
            hub, principal, requests, other_errors=lambda: bool(workbook.errors)
        )
    finally:
        workbook.close()
    report.errors.extend(workbook.errors)
    for dataset, outcome in zip(datasets, outcomes, strict=True):
        report.add(dataset, outcome, workbook)
    return report.done()


DATASET_NAMES = {Dataset.KPI: "the KPI report", Dataset.STATEMENTS: "the financial statements"}


def conflict_message(dataset: Dataset, conflict: service.Conflict, base: int) -> str:
    """The refusal in the workbook's terms: a draft refuses a stale workbook only (its base
    version, kept in the hidden sheet, is not the latest); other statuses say what to do."""
    name = DATASET_NAMES[dataset]
    if conflict.status is not Status.DRAFT:
        return f"{name}: {conflict.message}"
    downloaded = (
        "before its first version was saved" if base == 0 else f"when it was at version {base}"
    )
    return (
        f"{name}: this workbook was downloaded {downloaded}; version "
        f"{conflict.latest_version} has been saved since. Download the template again (it "
        "holds the latest version) and make your change in it"
    )


class _Report:
    def __init__(self, entity: str, period: str, limit: int) -> None:
        self.entity, self.period, self.limit = entity, period, limit
        self.errors: list[CellError] = []
        self.warnings: list[CellError] = []
        self.datasets: list[tuple[Dataset, service.SaveOutcome]] = []
        self.extra_error_count = 0
        self.conflicts: dict[Dataset, str] = {}

    def add(
        self, dataset: Dataset, outcome: service.SaveOutcome, workbook: UploadedWorkbook
    ) -> None:
        self.datasets.append((dataset, outcome))
        if isinstance(outcome, service.Rejected):
            self.errors.extend(workbook.locate(f) for f in outcome.errors)
            self.extra_error_count += outcome.error_count - len(outcome.errors)
            self.warnings.extend(workbook.locate(f) for f in outcome.warnings)
        elif isinstance(outcome, service.Conflict):
            base = (
                workbook.kpi_base_version
                if dataset is Dataset.KPI
                else workbook.statements_base_version
            )
            self.conflicts[dataset] = conflict_message(dataset, outcome, base)
            self.errors.append(CellError(None, None, "conflict", self.conflicts[dataset]))
        else:
            self.warnings.extend(workbook.locate(f) for f in outcome.findings)

    def done(self) -> UploadReport:
        accepted = not self.errors and all(isinstance(o, service.Saved) for _, o in self.datasets)
        summaries = []
        for dataset, outcome in self.datasets:
            if isinstance(outcome, service.Saved):
                kind = (
                    "replayed"
                    if outcome.replayed
                    else "unchanged"
                    if outcome.unchanged
                    else "saved"
                )
                summaries.append(
                    DatasetOutcome(
                        dataset,
                        kind if accepted else "not stored",
                        outcome.submission.version if accepted else None,
                        None
                        if accepted
                        else "the workbook has errors elsewhere: nothing was stored",
                    )
                )
            elif isinstance(outcome, service.Conflict):
                summaries.append(DatasetOutcome(dataset, "conflict", None, self.conflicts[dataset]))
            else:
                summaries.append(DatasetOutcome(dataset, "rejected", None, None))
        errors = [e for e in self.errors if e.severity is Severity.ERROR]
        return UploadReport(
            accepted=accepted,
            entity=self.entity,
            period=self.period,
            datasets=summaries,
            error_count=len(errors) + self.extra_error_count,
            errors=errors[: self.limit],
            warnings=self.warnings,
        )


async def reported_template(hub: Hub, principal: Principal, entity: str, period_text: str) -> bytes:
    """`template_for`, refused for a period the entity has reported nothing for (the blank
    form is for filling in, not for printing): the message names the periods it has."""
    period = _entity_and_period(hub, entity, period_text)
    async with hub.db.pool.acquire() as connection:
        periods = await repository.reported_periods(connection, entity)
    if str(period) not in periods:
        having = f"periods it has: {', '.join(periods)}" if periods else "it has none yet"
        raise BadRequest(f"{entity} {period}: nothing is reported for {period}; {having}")
    return await template_for(hub, principal, entity, str(period))
