"""Submitting KPI values: check, authorise, append a version. The one path every writer uses."""

from __future__ import annotations

from hub.auth.policy import Action, Principal, authorize
from hub.reporting import repository
from hub.reporting.model import Dataset, FieldError, KpiSubmissionIn, Submission
from hub.reporting.period import parse_period
from hub.reporting.validate import check_entity, validate_kpi_submission
from hub.services import Hub


async def submit_kpi_values(
    hub: Hub, principal: Principal, submission: KpiSubmissionIn
) -> Submission | list[FieldError]:
    """Store the values as a new version, or return every problem and store nothing.

    Raises `AccessDenied` when the caller may not report for the entity.
    """
    errors = check_entity(submission.entity, hub.registry)
    if errors:
        return errors
    authorize(principal, Action.SUBMIT_FIGURES, submission.entity)
    errors = validate_kpi_submission(submission, hub.registry)
    if errors:
        return errors
    entity = hub.registry.entities[submission.entity]
    period = parse_period(submission.period)
    async with hub.db.transaction() as connection:
        submission_id = await repository.append_kpi_submission(
            connection,
            entity=entity.code,
            period=str(period),
            bounds=period.bounds(entity.fiscal_year_start_month),
            author_id=principal.user_id,
            source=submission.source,
            comment=submission.comment,
            values=submission.values,
        )
        [stored] = await repository.submissions_by_id(connection, [submission_id])
    return stored


async def submission_history(hub: Hub, entities: list[str], period: str | None) -> list[Submission]:
    async with hub.db.pool.acquire() as connection:
        return await repository.submission_history(connection, entities, period, Dataset.KPI)


async def latest_version(hub: Hub, entity: str, period: str) -> int | None:
    async with hub.db.pool.acquire() as connection:
        return await repository.latest_version(connection, entity, period, Dataset.KPI)
