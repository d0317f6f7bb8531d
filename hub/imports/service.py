"""An export a national team already has (SIE, DATEV, a CSV or Excel trial balance) becomes a
draft version of its STATEMENTS report, on the path every report takes.

1. The file is measured (size limit), hashed (SHA-256) and read by its format's reader (a pure
   function over its lines, on a worker thread): a trial balance, or every problem, located.
2. What needs the network is checked: the file's organisation number is the entity's registered
   one (when configured), its currency the entity's, its fiscal year covers the period.
3. The trial balance is saved through `hub.reporting.service.save_statements` — the same
   validation, conflicts and workflow as a typed or uploaded report — with the accounts' own
   names from the file, the partners the file names, the reported group-chart lines of the
   latest version kept (so that they are reconciled with the new balance, not silently lost), the
   file's hash as idempotency key (a retried upload saves once) and its provenance stored with
   the version, in the same transaction. Nothing is stored on any error.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

import msgspec

from hub.auth.policy import Principal
from hub.db.pool import Connection
from hub.imports import profiles_repository, repository
from hub.imports.detect import detect, proposal_notes, sample_of
from hub.imports.formats import Source
from hub.imports.model import ImportProblem, Ledger
from hub.imports.readers import FORMATS
from hub.mappings import service as mappings
from hub.reporting import repository as reports
from hub.reporting import service as reporting
from hub.reporting.model import (
    Dataset,
    Finding,
    Severity,
    StatementLineIn,
    StatementsIn,
    TrialBalanceLineIn,
)
from hub.reporting.period import Period, PeriodError, parse_period
from hub.services import Hub

Progress = Callable[[int], None]


class ImportRefused(Exception):
    """The entity, period or format of the request is wrong (not the file's content)."""


class Unmapped(msgspec.Struct, frozen=True, kw_only=True):
    account: str
    name: str | None
    balance: Decimal
    reason: str | None  # the chart's, when it leaves the account out on purpose


class Located(msgspec.Struct, frozen=True, kw_only=True):
    """A problem or finding, said where: a line (and field) of the file, or an account."""

    severity: str
    line: int | None
    column: int | None
    account: str | None
    rule: str | None
    message: str


class ImportReport(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    accepted: bool
    entity: str
    period: str
    format: str
    outcome: str  # saved, unchanged, replayed, refused (the file), rejected (validation), conflict
    version: int | None
    problems: list[Located]  # errors: nothing was stored
    findings: list[Located]  # warnings and notices of the saved version
    unmapped: list[Unmapped]
    accounts: int
    derived_from: str | None
    program: str | None
    sha256: str
    notes: list[str]


def _period(hub: Hub, entity: str, period_text: str) -> Period:
    if entity not in hub.registry.entities:
        known = ", ".join(hub.registry.entities)
        raise ImportRefused(f"unknown entity {entity!r}; known entities: {known}")
    try:
        return parse_period(period_text)
    except PeriodError as error:
        raise ImportRefused(f"period: {error}") from error


def formats_of(hub: Hub, entity: str) -> tuple[str, ...]:
    """The national formats an entity imports (its country profile's), xlsx being the
    template's own upload."""
    return tuple(f for f in hub.countries[entity].profile.import_formats if f in FORMATS)


def _digest(sources: Sequence[Source]) -> tuple[str, int]:
    sha = hashlib.sha256()
    size = 0
    for source in sources:
        for chunk in source.chunks():
            sha.update(chunk)
            size += len(chunk)
    return sha.hexdigest(), size


def _network_problems(hub: Hub, entity: str, period: Period, ledger: Ledger) -> list[str]:
    config = hub.registry.entities[entity]
    problems = []
    if ledger.currency is not None and ledger.currency != config.currency:
        problems.append(f"the file is in {ledger.currency}; {entity} reports in {config.currency}")
    registered = config.registered_number
    if (
        registered is not None
        and ledger.organisation_number is not None
        and _digits(ledger.organisation_number) != _digits(registered)
    ):
        problems.append(
            f"the file is from organisation {ledger.organisation_number}, not {entity}'s "
            f"({registered}): is it another company's export?"
        )
    start, end = period.bounds(config.fiscal_year_start_month)
    if ledger.fiscal_year is not None:
        first, last = ledger.fiscal_year
        if not (first <= start and end <= last):
            problems.append(
                f"the file's fiscal year ({first} to {last}) does not cover {period} "
                f"({start} to {end})"
            )
    return problems


def _fiscal_year_start(day: dt.date, first_month: int) -> dt.date:
    """The first day of the entity's fiscal year holding `day` (for readers of files that do
    not state their fiscal year)."""
    start = dt.date(day.year, first_month, 1)
    return start if start <= day else dt.date(day.year - 1, first_month, 1)


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


async def import_ledger(
    hub: Hub,
    principal: Principal,
    entity: str,
    period_text: str,
    format_name: str,
    sources: Sequence[Source],
    *,
    options: Mapping[str, object] | None = None,
    progress: Progress | None = None,
    comment: str | None = None,
) -> ImportReport:
    """Read the export and save its trial balance as a draft version; see the module."""
    period = _period(hub, entity, period_text)
    reporting.authorize_reporting(hub, principal, entity)
    allowed = formats_of(hub, entity)
    if format_name not in allowed:
        raise ImportRefused(
            f"{entity} imports {', '.join(allowed) or 'no national format'}, not {format_name!r}"
        )
    reader = FORMATS[format_name]
    limit = hub.rules.upload.max_import_bytes
    sha, size = await asyncio.to_thread(_digest, sources)
    report = _Report(entity=entity, period=str(period), format_name=format_name, sha256=sha)
    if size > limit:
        return report.refused(
            [
                ImportProblem(
                    line=None,
                    column=None,
                    message=f"the file is {size:,} bytes; the limit is {limit:,} bytes",
                )
            ]
        )
    options = dict(options or {})
    if format_name == "csv":
        async with hub.db.pool.acquire() as connection:
            options["profile"] = await profiles_repository.current(connection, entity)
        options["limits"] = hub.rules.upload
        if options["profile"] is None and sources:
            detected = await asyncio.to_thread(detect, sample_of(sources[0]), sources[0].name)
            return report.refused(
                [ImportProblem(line=None, column=None, message=_no_profile(entity))],
                notes=proposal_notes(entity, detected),
            )
    config = hub.registry.entities[entity]
    start, end = period.bounds(config.fiscal_year_start_month)
    settings: dict[str, object] = {
        "fiscal_year_start": _fiscal_year_start(start, config.fiscal_year_start_month)
    }
    settings.update(options)
    ledger, problems = await asyncio.to_thread(reader, sources, start, end, progress, settings)
    if ledger is None or problems:
        return report.refused(problems)
    network = _network_problems(hub, entity, period, ledger)
    if network:
        return report.refused(
            [ImportProblem(line=None, column=None, message=m) for m in network], ledger
        )
    async with hub.db.pool.acquire() as connection:
        placer = await mappings.placer(hub, connection, entity, str(period))
    unmapped = []
    for balance in ledger.balances:
        placed = placer.place(balance.account)
        if placed is not None and placed.line is None and balance.amount:
            unmapped.append(
                Unmapped(
                    account=balance.account,
                    name=balance.name,
                    balance=balance.amount,
                    reason=placed.not_mapped,
                )
            )
    source = repository.SourceFile(
        format=ledger.format,
        program=ledger.program,
        program_version=ledger.program_version,
        organisation_number=ledger.organisation_number,
        company=ledger.company,
        file_names=tuple(s.name for s in sources),
        sha256=sha,
        size_bytes=size,
        derived_from=ledger.derived_from,
        notes=ledger.notes,
    )

    async def with_version(connection: Connection, submission_id: int) -> None:
        await repository.record(connection, submission_id, source)

    lines, base = await _latest_lines(hub, entity, str(period))
    statements = StatementsIn(
        entity=entity,
        period=str(period),
        lines=lines,
        trial_balance=tuple(
            TrialBalanceLineIn(
                account=b.account,
                amount=b.amount,
                currency=config.currency,
                label=b.name,
                partner=b.partner,
            )
            for b in ledger.balances
        ),
        source=format_name,
        comment=comment or f"imported from {', '.join(source.file_names)} ({ledger.format})",
        base_version=base,
        idempotency_key=f"file:{sha}",
    )
    outcome = await reporting.save_statements(hub, principal, statements, with_version)
    return report.saved(outcome, ledger, unmapped, statements)


def _no_profile(entity: str) -> str:
    return (
        f"no column profile is saved for {entity}: detect one (detectColumnProfile / hub "
        "import-profile detect FILE) and save it"
    )


async def _latest_lines(
    hub: Hub, entity: str, period: str
) -> tuple[tuple[StatementLineIn, ...], int | None]:
    """The group-chart lines of the report's latest version (kept with the imported trial
    balance), and that version: the import is a new version of it."""
    async with hub.db.pool.acquire() as connection:
        latest = await reports.latest_submission_id(connection, entity, period, Dataset.STATEMENTS)
        if latest is None:
            return (), None
        lines = await reports.statement_lines(connection, [entity], [entity], [period], latest[1])
    return (
        tuple(StatementLineIn(line=x.line, amount=x.amount, currency=x.currency) for x in lines),
        latest[1],
    )


@dataclasses.dataclass
class _Report:
    entity: str
    period: str
    format_name: str
    sha256: str

    def refused(
        self,
        problems: Sequence[ImportProblem],
        ledger: Ledger | None = None,
        notes: Sequence[str] = (),
    ) -> ImportReport:
        return ImportReport(
            accepted=False,
            entity=self.entity,
            period=self.period,
            format=self.format_name,
            outcome="refused",
            version=None,
            problems=[
                Located(
                    severity=Severity.ERROR.value,
                    line=p.line,
                    column=p.column,
                    account=None,
                    rule=None,
                    message=p.message,
                )
                for p in problems
            ],
            findings=[],
            unmapped=[],
            accounts=0 if ledger is None else len(ledger.balances),
            derived_from=None if ledger is None else ledger.derived_from,
            program=None if ledger is None else ledger.program,
            sha256=self.sha256,
            notes=[*([] if ledger is None else ledger.notes), *notes],
        )

    def saved(
        self,
        outcome: reporting.SaveOutcome,
        ledger: Ledger,
        unmapped: list[Unmapped],
        statements: StatementsIn,
    ) -> ImportReport:
        rows = list(statements.trial_balance)

        def located(finding: Finding) -> Located:
            index = finding.where.index
            account = (
                rows[index].account
                if finding.where.part == "trial_balance" and index is not None and index < len(rows)
                else None
            )
            return Located(
                severity=finding.severity.value,
                line=None,
                column=None,
                account=account,
                rule=finding.rule,
                message=finding.message,
            )

        base = ImportReport(
            accepted=False,
            entity=self.entity,
            period=self.period,
            format=self.format_name,
            outcome="conflict",
            version=None,
            problems=[],
            findings=[],
            unmapped=unmapped,
            accounts=len(ledger.balances),
            derived_from=ledger.derived_from,
            program=ledger.program,
            sha256=self.sha256,
            notes=list(ledger.notes),
        )
        if isinstance(outcome, reporting.Saved):
            kind = "replayed" if outcome.replayed else "unchanged" if outcome.unchanged else "saved"
            return msgspec.structs.replace(
                base,
                accepted=True,
                outcome=kind,
                version=outcome.submission.version,
                findings=[located(f) for f in outcome.findings],
            )
        if isinstance(outcome, reporting.Rejected):
            return msgspec.structs.replace(
                base,
                outcome="rejected",
                problems=[located(f) for f in outcome.errors],
                findings=[located(f) for f in outcome.warnings],
            )
        return msgspec.structs.replace(
            base,
            version=outcome.latest_version,
            problems=[
                Located(
                    severity=Severity.ERROR.value,
                    line=None,
                    column=None,
                    account=None,
                    rule="conflict",
                    message=outcome.message,
                )
            ],
        )
