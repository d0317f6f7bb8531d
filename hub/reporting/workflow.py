"""The reporting workflow as data: which action moves a report from which status to which,
who may take it, and whether it needs a reason. Pure; the service applies it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from http import HTTPStatus

from hub.auth.policy import Action
from hub.errors import Refusal
from hub.reporting.model import Status


class ReportAction(StrEnum):
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    APPROVE = "approve"
    RETURN = "return"
    LOCK = "lock"
    REOPEN = "reopen"


@dataclass(frozen=True, slots=True)
class Transition:
    sources: frozenset[Status]
    target: Status
    permission: Action
    needs_reason: bool = False


TRANSITIONS: dict[ReportAction, Transition] = {
    ReportAction.SUBMIT: Transition(
        frozenset({Status.DRAFT}), Status.SUBMITTED, Action.SUBMIT_FIGURES
    ),
    ReportAction.WITHDRAW: Transition(
        frozenset({Status.SUBMITTED}), Status.DRAFT, Action.SUBMIT_FIGURES
    ),
    ReportAction.APPROVE: Transition(
        frozenset({Status.SUBMITTED}), Status.APPROVED, Action.REVIEW_FIGURES
    ),
    ReportAction.RETURN: Transition(
        frozenset({Status.SUBMITTED}), Status.DRAFT, Action.REVIEW_FIGURES, needs_reason=True
    ),
    ReportAction.LOCK: Transition(frozenset({Status.APPROVED}), Status.LOCKED, Action.LOCK_PERIODS),
    ReportAction.REOPEN: Transition(
        frozenset({Status.APPROVED, Status.LOCKED}),
        Status.DRAFT,
        Action.LOCK_PERIODS,
        needs_reason=True,
    ),
}

# Only a draft takes new versions.
EDITABLE = Status.DRAFT


class WorkflowRefusal(Refusal):
    """The report's status does not allow this; the message says why and what to do."""

    code = "WORKFLOW"
    http_status = HTTPStatus.CONFLICT


def check_transition(action: ReportAction, status: Status, reason: str | None) -> Transition:
    transition = TRANSITIONS[action]
    if status not in transition.sources:
        allowed = " or ".join(sorted(s.value for s in transition.sources))
        raise WorkflowRefusal(
            f"cannot {action.value} a report that is {status.value}: it must be {allowed}"
        )
    if transition.needs_reason and not (reason and reason.strip()):
        raise WorkflowRefusal(f"{action.value} needs a reason")
    return transition


def check_editable(status: Status) -> None:
    if status is Status.LOCKED:
        raise WorkflowRefusal(
            "the period is locked: finance must reopen the report before it can change"
        )
    if status is not EDITABLE:
        raise WorkflowRefusal(
            f"the report is {status.value}: only a draft takes new versions "
            "(withdraw it, or ask finance to return or reopen it)"
        )
