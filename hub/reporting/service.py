"""Saving and moving reports: check, authorise, append a version, record the workflow.

This is the one path every writer uses (GraphQL, the Excel upload, the imports, a node's
envelopes, the demo loader), and `authorize_reporting` the one rule of who may change an
entity's figures here: its team when the entity is reported centrally, its node user when it is
reported by a node (config/network.toml, `reporting`).
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import itertools
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

import msgspec

from hub.auth.policy import (
    AccessDenied,
    Action,
    Principal,
    authorize,
    draft_readers,
    is_node_user,
)
from hub.db.pool import Connection
from hub.mappings import service as mappings
from hub.registry.model import ReportingMode
from hub.reporting import repository
from hub.reporting.model import (
    Change,
    Dataset,
    Finding,
    KpiSubmissionIn,
    Report,
    ReportEvent,
    Severity,
    StatementsIn,
    Status,
    Submission,
    TrialBalanceLineIn,
    Where,
)
from hub.reporting.period import Period, parse_period
from hub.reporting.reported_by import reported_by_node, reported_centrally
from hub.reporting.validate import (
    StatementsCheck,
    check_entity,
    check_period,
    error,
    errors_only,
    validate_kpi_submission,
)
from hub.reporting.workflow import (
    TRANSITIONS,
    ReportAction,
    WorkflowRefusal,
    check_editable,
    check_transition,
)
from hub.services import Hub
from hub.signoff import Kind, Locked, refuse_if_used, report_key

TB_BATCH = 2_000

# Transitions that change which version of a report is published: refused while a locked
# consolidation uses the report (hub/signoff.py). What each does, for the refusal.
CHANGES_PUBLISHED: dict[ReportAction, str] = {
    ReportAction.REOPEN: "reopening",
    ReportAction.APPROVE: "approving a new version of",
}


class Saved(msgspec.Struct, frozen=True, kw_only=True):
    submission: Submission
    findings: list[Finding]
    unchanged: bool = False  # the content equals the latest version: no new version
    replayed: bool = False  # a retry with a known idempotency key: the earlier result


class Rejected(msgspec.Struct, frozen=True, kw_only=True):
    """Nothing was stored. `errors` lists at most the configured number; `error_count` is all."""

    errors: list[Finding]
    error_count: int
    warnings: list[Finding] = []


class Conflict(msgspec.Struct, frozen=True, kw_only=True):
    """The report moved on, or its status refuses changes; nothing was stored."""

    message: str
    latest_version: int
    status: Status


SaveOutcome = Saved | Rejected | Conflict


class _Abort(Exception):
    """Leaves the transaction (rolling it back) with an outcome to return."""

    def __init__(self, outcome: SaveOutcome) -> None:
        self.outcome = outcome


# Writes a version's rows; returns the findings of the content and its digest.
Writer = Callable[[Connection, int], Awaitable[tuple[list[Finding], bytes]]]


def _rejected(findings: list[Finding], limit: int) -> Rejected:
    errors = errors_only(findings)
    return Rejected(
        errors=errors[:limit],
        error_count=len(errors),
        warnings=[f for f in findings if f.severity is not Severity.ERROR],
    )


@dataclass(frozen=True, slots=True)
class SaveRequest:
    """One report to save: where it goes, and the writer of its rows."""

    dataset: Dataset
    entity: str
    period: str
    source: str
    comment: str | None
    base_version: int | None
    idempotency_key: str | None
    write: Writer
    # What can be found without the database: with a bad period the save stops before the
    # database, and still reports the content's errors with it.
    content_check: Callable[[], list[Finding]] = list
    # Written with a new version, in its transaction (an import's provenance).
    with_version: Callable[[Connection, int], Awaitable[None]] | None = None
    # Where the person finds a finding in what was uploaded (a workbook's sheet and cell).
    locate: Callable[[Finding], str | None] = lambda _finding: None


class ReportedElsewhere(AccessDenied):
    """The entity's reports do not come from this caller's side: its node reports it and a
    person tried, or it is reported centrally and its node user tried."""


def authorize_reporting(hub: Hub, principal: Principal, entity: str) -> None:
    """Whether the caller may save, import, upload, submit or withdraw the entity's reports:
    the one rule every path goes through. Raises `AccessDenied` (`ReportedElsewhere` when the
    entity reports the other way). Finance's transitions do not ask it: they work in both
    modes. `entity` is a known entity."""
    authorize(principal, Action.SUBMIT_FIGURES, entity)
    by_node = hub.registry.entities[entity].reporting is ReportingMode.NODE
    if by_node and not is_node_user(principal):
        raise ReportedElsewhere(reported_by_node(entity))
    if not by_node and is_node_user(principal):
        raise ReportedElsewhere(reported_centrally(entity))


def _precheck(hub: Hub, principal: Principal, request: SaveRequest) -> Rejected | None:
    limit = hub.rules.upload.max_listed_errors
    findings = check_entity(request.entity, hub.registry)
    if findings:
        return _rejected(findings, limit)
    authorize_reporting(hub, principal, request.entity)
    findings = check_period(request.period)
    if findings:
        return _rejected(findings + request.content_check(), limit)
    return None


async def _save_in(
    hub: Hub, connection: Connection, principal: Principal, request: SaveRequest
) -> SaveOutcome:
    """Save one report within a savepoint of the caller's transaction: whatever is not a new
    version (refused, conflicting, unchanged, replayed) leaves nothing behind."""
    limit = hub.rules.upload.max_listed_errors
    entity = hub.registry.entities[request.entity]
    period = parse_period(request.period)
    try:
        async with connection.transaction():
            report = await repository.lock_report(
                connection,
                entity.code,
                str(period),
                request.dataset,
                period.bounds(entity.fiscal_year_start_month),
                create=True,
            )
            assert report is not None
            key = request.idempotency_key
            earlier = (
                None if key is None else await repository.submission_by_key(connection, report, key)
            )
            stale: Conflict | None = None
            if earlier is None:
                try:
                    check_editable(report.status)
                except WorkflowRefusal as refusal:
                    raise _Abort(_conflict(report, refusal)) from refusal
                try:
                    _check_base(report, request.base_version)
                except WorkflowRefusal as refusal:
                    # Content equal to the latest version is "unchanged" whatever it started
                    # from (the same workbook uploaded twice); other content is refused.
                    stale = _conflict(report, refusal)
            version = report.latest_version + 1
            submission_id = await repository.insert_submission(
                connection,
                report,
                version=version,
                author_id=principal.user_id,
                source=request.source,
                comment=request.comment,
                idempotency_key=None if earlier is not None else key,
            )
            findings, digest = await request.write(connection, submission_id)
            if errors_only(findings):
                raise _Abort(_rejected(findings, limit))
            if earlier is not None:
                raise _Abort(_replay(earlier, digest, key))
            if report.latest_version:
                latest = await repository.submission_of_version(
                    connection, report, report.latest_version
                )
                if latest is not None and latest[1] == digest:
                    raise _Abort(Saved(submission=latest[0], findings=findings, unchanged=True))
            if stale is not None:
                raise _Abort(stale)
            await repository.set_content_hash(connection, submission_id, digest)
            await repository.store_findings(
                connection,
                submission_id,
                [
                    (f.severity, f.rule, f.where.path(), f.message, request.locate(f), f.comment)
                    for f in findings
                ],
            )
            await repository.set_head(
                connection,
                report,
                latest_version=version,
                status=Status.DRAFT,
                approved_version=report.approved_version,
                published_status=report.published_status,
            )
            await repository.record_event(
                connection,
                report,
                action="save",
                from_status=report.status if report.latest_version else None,
                to_status=Status.DRAFT,
                version=version,
                actor_id=principal.user_id,
                reason=request.comment,
            )
            if request.with_version is not None:
                await request.with_version(connection, submission_id)
            [stored] = await repository.submissions_by_id(connection, [submission_id])
    except _Abort as abort:
        return abort.outcome
    return Saved(submission=stored, findings=findings)


async def _save(hub: Hub, principal: Principal, request: SaveRequest) -> SaveOutcome:
    refused = _precheck(hub, principal, request)
    if refused is not None:
        return refused
    async with hub.db.transaction() as connection:
        return await _save_in(hub, connection, principal, request)


async def save_in(
    hub: Hub, connection: Connection, principal: Principal, request: SaveRequest
) -> SaveOutcome:
    """`_save` within the caller's transaction: the version stands or falls with what the
    caller writes next to it (a federation envelope's row)."""
    refused = _precheck(hub, principal, request)
    if refused is not None:
        return refused
    return await _save_in(hub, connection, principal, request)


class _Rollback(Exception):
    pass


async def save_together(
    hub: Hub,
    principal: Principal,
    requests: list[SaveRequest],
    other_errors: Callable[[], bool],
) -> list[SaveOutcome]:
    """Save several reports all or nothing (one workbook). `other_errors` tells whether there
    are problems outside the reports' own checks (a bad cell), known once the rows have been
    read; they, or any report not saved, roll everything back."""
    outcomes: list[SaveOutcome] = []
    try:
        async with hub.db.transaction() as connection:
            for request in requests:
                refused = _precheck(hub, principal, request)
                outcomes.append(
                    refused
                    if refused is not None
                    else await _save_in(hub, connection, principal, request)
                )
            failed = any(not isinstance(o, Saved) for o in outcomes)
            if failed or other_errors():
                raise _Rollback
    except _Rollback:
        pass
    return outcomes


def _conflict(report: Report, refusal: WorkflowRefusal) -> Conflict:
    return Conflict(
        message=str(refusal), latest_version=report.latest_version, status=report.status
    )


def _check_base(report: Report, base_version: int | None) -> None:
    if report.latest_version == 0:
        if base_version not in (None, 0):
            raise WorkflowRefusal(
                f"baseVersion {base_version} does not exist: this is the report's first version"
            )
        return
    if base_version is None:
        raise WorkflowRefusal(
            f"the report already has version {report.latest_version}: send the version your "
            "change starts from as baseVersion"
        )
    if base_version != report.latest_version:
        raise WorkflowRefusal(
            f"version {report.latest_version} was saved since version {base_version}, which "
            "your change starts from: reload, apply your change again and resend"
        )


def _replay(
    earlier: tuple[Submission, bytes | None], digest: bytes, key: str | None
) -> SaveOutcome:
    submission, earlier_digest = earlier
    if earlier_digest == digest:
        return Saved(submission=submission, findings=[], replayed=True)
    return Rejected(
        errors=[
            error(
                "idempotency-key",
                Where("idempotencyKey"),
                f"idempotency key {key!r} was already used for version {submission.version} "
                "with different content",
            )
        ],
        error_count=1,
    )


def canonical(amount: Decimal) -> str:
    """An amount as the content digest sees it: 302, 302.00 and 302.000000 are one figure (the
    workbook gives what a cell holds, the database its column's scale, GraphQL what was sent)."""
    if not amount.is_finite():
        return str(amount)
    return format((amount + 0).normalize(), "f")


def _digest(items: Iterable[object]) -> bytes:
    sha = hashlib.sha256()
    for item in items:
        sha.update(msgspec.json.encode(item))
    return sha.digest()


async def _previous_period(
    connection: Connection, entity: str, period_text: str, dataset: Dataset
) -> dict[str, object]:
    previous = str(parse_period(period_text).previous())
    return await repository.published_values_of_period(connection, entity, previous, dataset)


def kpi_request(hub: Hub, submission: KpiSubmissionIn) -> SaveRequest:
    async def write(connection: Connection, submission_id: int) -> tuple[list[Finding], bytes]:
        previous = await _previous_period(
            connection, submission.entity, submission.period, Dataset.KPI
        )
        findings = validate_kpi_submission(
            submission,
            hub.registry,
            hub.rules,
            {k: v for k, v in previous.items() if isinstance(v, Decimal)},
        )
        if not errors_only(findings):
            await repository.copy_kpi_values(connection, submission_id, submission.values)
        ordered = sorted(submission.values, key=lambda v: v.kpi)
        return findings, _digest(
            (v.kpi, canonical(v.amount), v.currency, v.provenance, v.note) for v in ordered
        )

    return SaveRequest(
        dataset=Dataset.KPI,
        entity=submission.entity,
        period=submission.period,
        source=submission.source,
        comment=submission.comment,
        base_version=submission.base_version,
        idempotency_key=submission.idempotency_key,
        write=write,
        content_check=lambda: [
            f
            for f in validate_kpi_submission(submission, hub.registry, hub.rules, {})
            if f.where.part != "period"
        ],
    )


async def save_kpi_values(
    hub: Hub, principal: Principal, submission: KpiSubmissionIn
) -> SaveOutcome:
    return await _save(hub, principal, kpi_request(hub, submission))


async def _in_batches(
    rows: Iterable[TrialBalanceLineIn],
) -> AsyncIterator[list[tuple[int, TrialBalanceLineIn]]]:
    """Pull rows in batches on a worker thread: a workbook is parsed while the event loop
    keeps serving other requests."""
    numbered: Iterator[tuple[int, TrialBalanceLineIn]] = enumerate(rows)
    while True:
        batch = await asyncio.to_thread(lambda: list(itertools.islice(numbered, TB_BATCH)))
        if not batch:
            return
        yield batch


def statements_request(hub: Hub, statements: StatementsIn) -> SaveRequest:
    async def write(connection: Connection, submission_id: int) -> tuple[list[Finding], bytes]:
        entity = hub.registry.entities[statements.entity]
        chart = hub.countries[entity.code].profile.chart_of_accounts
        check = StatementsCheck(
            entity,
            chart,
            hub.group_chart,
            hub.rules,
            hub.registry.entities,
        )
        placer = await mappings.placer(hub, connection, entity.code, statements.period)
        findings: list[Finding] = []
        for index, line in enumerate(statements.lines):
            findings.extend(check.line(index, line))
        max_rows = hub.rules.upload.max_trial_balance_rows
        sha = hashlib.sha256()
        for line in sorted(statements.lines, key=lambda item: item.line):
            sha.update(
                msgspec.json.encode(("line", line.line, canonical(line.amount), line.currency))
            )

        known = hub.registry.entities
        currency = entity.currency

        async def records() -> AsyncIterator[repository.TbRecord]:
            """Every row goes to COPY, checked on the way. A value that would break a
            constraint is replaced by a stand-in: its error is recorded, so the save is refused
            and rolled back, but the remaining rows are still checked and counted."""
            async for batch in _in_batches(statements.trial_balance):
                for index, row in batch:
                    if index >= max_rows:
                        findings.append(
                            error(
                                "row-limit",
                                Where("trial_balance", index),
                                f"the trial balance has more than {max_rows} rows",
                            )
                        )
                        return
                    placed = placer.place(row.account)
                    findings.extend(check.tb_line(index, row, placed))
                    amount = canonical(row.amount)
                    sha.update(
                        msgspec.json.encode(
                            (row.account, row.label, amount, row.currency, row.partner)
                        )
                    )
                    yield (
                        submission_id,
                        index,
                        row.account,
                        row.label,
                        row.amount if row.amount.is_finite() else 0,
                        row.currency if row.currency == currency else currency,
                        row.partner if row.partner in known else None,
                        None if placed is None else placed.key,
                    )

        await repository.copy_trial_balance(connection, records())
        if check.tb_rows:
            findings.extend(
                check.duplicates(await repository.repeated_accounts(connection, submission_id))
            )
        if not errors_only(findings):
            await repository.copy_statement_lines(connection, submission_id, statements.lines)
        previous = await _previous_period(
            connection, statements.entity, statements.period, Dataset.STATEMENTS
        )
        previous_lines = {
            key.removeprefix("line "): value
            for key, value in previous.items()
            if key.startswith("line ") and isinstance(value, Decimal)
        }
        findings.extend(check.finish(previous_lines))
        return findings, sha.digest()

    return SaveRequest(
        dataset=Dataset.STATEMENTS,
        entity=statements.entity,
        period=statements.period,
        source=statements.source,
        comment=statements.comment,
        base_version=statements.base_version,
        idempotency_key=statements.idempotency_key,
        write=write,
    )


async def save_statements(
    hub: Hub,
    principal: Principal,
    statements: StatementsIn,
    with_version: Callable[[Connection, int], Awaitable[None]] | None = None,
) -> SaveOutcome:
    """`with_version`: written with the new version, in its transaction (nothing without it)."""
    request = statements_request(hub, statements)
    if with_version is not None:
        request = dataclasses.replace(request, with_version=with_version)
    return await _save(hub, principal, request)


async def transition_report(
    hub: Hub,
    principal: Principal,
    *,
    entity: str,
    period: str,
    dataset: Dataset,
    action: ReportAction,
    reason: str | None = None,
) -> Report:
    """Move a report along the workflow; raises `WorkflowRefusal` or `AccessDenied`."""
    _check_transition_request(hub, principal, entity, period, action)
    async with hub.db.transaction() as connection:
        return await _transition_in(
            hub, connection, principal, entity, parse_period(period), dataset, action, reason
        )


async def transition_in(
    hub: Hub,
    connection: Connection,
    principal: Principal,
    *,
    entity: str,
    period: str,
    dataset: Dataset,
    action: ReportAction,
    reason: str | None = None,
) -> Report:
    """`transition_report` within the caller's transaction (a node's envelope: saved and
    submitted together, or neither)."""
    _check_transition_request(hub, principal, entity, period, action)
    return await _transition_in(
        hub, connection, principal, entity, parse_period(period), dataset, action, reason
    )


def _check_transition_request(
    hub: Hub, principal: Principal, entity: str, period: str, action: ReportAction
) -> None:
    problems = check_entity(entity, hub.registry) + check_period(period)
    if problems:
        raise WorkflowRefusal("; ".join(f"{p.where.path()}: {p.message}" for p in problems))
    permission = TRANSITIONS[action].permission
    if permission is Action.SUBMIT_FIGURES:
        authorize_reporting(hub, principal, entity)
    else:
        authorize(principal, permission, entity)


async def _transition_in(
    hub: Hub,
    connection: Connection,
    principal: Principal,
    entity: str,
    parsed: Period,
    dataset: Dataset,
    action: ReportAction,
    reason: str | None,
) -> Report:
    config = hub.registry.entities[entity]
    report = await repository.lock_report(
        connection,
        entity,
        str(parsed),
        dataset,
        parsed.bounds(config.fiscal_year_start_month),
        create=False,
    )
    if report is None or report.latest_version == 0:
        raise WorkflowRefusal(f"{entity} has no {dataset.value} report for {parsed} yet")
    transition = check_transition(action, report.status, reason)
    if action in CHANGES_PUBLISHED:
        await _refuse_if_signed_off(connection, report, CHANGES_PUBLISHED[action])
    if action is ReportAction.SUBMIT:
        await _check_warnings_explained(connection, report, reason)
    approved, published = report.approved_version, report.published_status
    if transition.target is Status.APPROVED:
        approved, published = report.latest_version, Status.APPROVED
        await repository.publish(connection, report, report.latest_version)
    elif transition.target is Status.LOCKED:
        published = Status.LOCKED
    await repository.set_head(
        connection,
        report,
        latest_version=report.latest_version,
        status=transition.target,
        approved_version=approved,
        published_status=published,
    )
    await repository.record_event(
        connection,
        report,
        action=action.value,
        from_status=report.status,
        to_status=transition.target,
        version=report.latest_version,
        actor_id=principal.user_id,
        reason=reason,
    )
    return Report(
        entity=report.entity,
        period=report.period,
        dataset=report.dataset,
        status=transition.target,
        latest_version=report.latest_version,
        approved_version=approved,
        published_status=published,
    )


async def _refuse_if_signed_off(connection: Connection, report: Report, doing: str) -> None:
    key = report_key(report.entity, report.period, report.dataset.value)
    try:
        await refuse_if_used(
            connection,
            Kind.REPORT,
            key,
            f"{doing} {report.entity}'s {report.dataset.value} report for {report.period}",
        )
    except Locked as error:
        raise WorkflowRefusal(str(error)) from error


async def _check_warnings_explained(
    connection: Connection, report: Report, comment: str | None
) -> None:
    """Every warning needs a comment: the one saved with its line (a KPI's note), or the
    submit's comment."""
    latest = await repository.submission_of_version(connection, report, report.latest_version)
    assert latest is not None
    open_warnings = [
        f for f in await repository.findings_of(connection, [latest[0].id]) if f.needs_comment
    ]
    if open_warnings and not (comment and comment.strip()):
        first = open_warnings[0]
        raise WorkflowRefusal(
            f"version {report.latest_version} has {len(open_warnings)} warning(s) without a "
            "comment: submitting needs a comment that explains them (a KPI's note, the "
            "workbook's Note column, explains its own line); first: "
            f"{first.shown_where()}: {first.message}"
        )


# --- reading -----------------------------------------------------------------------------------


def drafts_for(hub: Hub, principal: Principal) -> list[str]:
    return draft_readers(principal, list(hub.registry.entities))


async def submission_history(
    hub: Hub, principal: Principal, entities: list[str], period: str | None, dataset: Dataset | None
) -> list[Submission]:
    async with hub.db.pool.acquire() as connection:
        return await repository.submission_history(
            connection, entities, drafts_for(hub, principal), period, dataset
        )


async def report_events(
    hub: Hub, principal: Principal, keys: list[tuple[str, str, str]]
) -> list[ReportEvent]:
    async with hub.db.pool.acquire() as connection:
        return await repository.events(connection, keys, drafts_for(hub, principal))


async def latest_version(
    hub: Hub, entity: str, period: str, dataset: Dataset = Dataset.KPI
) -> int | None:
    """The report's latest version, whoever may see it (for loaders, not for callers)."""
    async with hub.db.pool.acquire() as connection:
        rows = await repository.reports(connection, [entity], [entity], [period], [dataset.value])
    return rows[0].latest_version if rows else None


async def diff_versions(
    hub: Hub,
    principal: Principal,
    *,
    entity: str,
    period: str,
    dataset: Dataset,
    from_version: int,
    to_version: int,
) -> list[Change]:
    """What changed from one version to another, item by item (added, removed, changed)."""
    history = await submission_history(hub, principal, [entity], period, dataset)
    by_version = {s.version: s for s in history}
    missing = [v for v in (from_version, to_version) if v not in by_version]
    if missing:
        raise WorkflowRefusal(
            f"{entity} {dataset.value} {period} has no version {missing[0]} you may read"
        )
    async with hub.db.pool.acquire() as connection:
        before = await repository.content_of(connection, by_version[from_version].id, dataset)
        after = await repository.content_of(connection, by_version[to_version].id, dataset)
    changes = []
    for item in sorted(before.keys() | after.keys()):
        old, new = before.get(item), after.get(item)
        if old != new:
            assert old is None or isinstance(old, Decimal)
            assert new is None or isinstance(new, Decimal)
            changes.append(Change(item=item, before=old, after=new))
    return changes
