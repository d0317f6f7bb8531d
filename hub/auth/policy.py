"""Roles, actions and the one function that decides whether a caller may act on an entity."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from http import HTTPStatus

from hub.errors import Refusal


class Role(StrEnum):
    BOARD = "board"
    NATIONAL = "national"
    FINANCE = "finance"
    ADMIN = "admin"


class Action(StrEnum):
    READ_NETWORK = "read the network registry"
    READ_FIGURES = "read published figures"
    READ_DRAFTS = "read unpublished figures"
    SUBMIT_FIGURES = "report figures"
    REVIEW_FIGURES = "approve or return reports"
    LOCK_PERIODS = "lock or reopen reports"
    MANAGE_RATES = "import or override exchange rates"
    CONSOLIDATE = "run consolidations and post adjustments"
    MANAGE_INVESTMENTS = "manage investment programmes and loans"
    MANAGE_USERS = "manage users"
    MANAGE_IMPORT_PROFILES = "read or save the column profiles of trial balance imports"
    READ_MAPPINGS = "read the mapping of national accounts to group lines"
    MANAGE_MAPPINGS = "map national accounts to group lines"
    MANAGE_NODE_KEYS = "register or end the keys of national nodes"
    READ_FEDERATION = "read the nodes' deliveries and the history of reporting modes"


@dataclass(frozen=True, slots=True)
class Grant:
    action: Action
    own_entity_only: bool = False


# Who may do what. A national team is bound to one entity; everyone else acts network-wide.
# Published figures are those of an approved (or locked) version; everything else is a draft.
POLICY: dict[Role, tuple[Grant, ...]] = {
    Role.BOARD: (Grant(Action.READ_NETWORK), Grant(Action.READ_FIGURES)),
    Role.NATIONAL: (
        Grant(Action.READ_NETWORK),
        Grant(Action.READ_FIGURES),
        Grant(Action.READ_DRAFTS, own_entity_only=True),
        Grant(Action.SUBMIT_FIGURES, own_entity_only=True),
        Grant(Action.MANAGE_IMPORT_PROFILES, own_entity_only=True),
        Grant(Action.READ_MAPPINGS, own_entity_only=True),
    ),
    Role.FINANCE: (
        Grant(Action.READ_NETWORK),
        Grant(Action.READ_FIGURES),
        Grant(Action.READ_DRAFTS),
        Grant(Action.REVIEW_FIGURES),
        Grant(Action.LOCK_PERIODS),
        Grant(Action.MANAGE_RATES),
        Grant(Action.CONSOLIDATE),
        Grant(Action.MANAGE_INVESTMENTS),
        Grant(Action.MANAGE_IMPORT_PROFILES),
        Grant(Action.READ_MAPPINGS),
        Grant(Action.MANAGE_MAPPINGS),
        Grant(Action.READ_FEDERATION),
    ),
    Role.ADMIN: (
        Grant(Action.READ_NETWORK),
        Grant(Action.READ_FIGURES),
        Grant(Action.READ_DRAFTS),
        Grant(Action.MANAGE_USERS),
        Grant(Action.MANAGE_IMPORT_PROFILES),
        Grant(Action.READ_MAPPINGS),
        Grant(Action.MANAGE_NODE_KEYS),
        Grant(Action.READ_FEDERATION),
    ),
}


@dataclass(frozen=True, slots=True)
class Principal:
    user_id: int
    name: str
    role: Role
    entity: str | None = None


NODE_USER = re.compile(r"node-[A-Z]{2}")


def node_user_name(entity: str) -> str:
    """The user an entity's node's signed envelopes are saved and submitted by: created with
    the node's first key (hub/federation/register.py); nobody signs in as it."""
    return f"node-{entity}"


def is_node_user(principal: Principal) -> bool:
    return (
        principal.role is Role.NATIONAL
        and principal.entity is not None
        and principal.name == node_user_name(principal.entity)
    )


class AccessDenied(Refusal):
    """The caller is known but may not do this. The message says what and why."""

    code = "FORBIDDEN"
    http_status = HTTPStatus.FORBIDDEN


def _grant(principal: Principal, action: Action) -> Grant | None:
    return next((g for g in POLICY[principal.role] if g.action == action), None)


def allows(principal: Principal, action: Action, entity: str | None = None) -> bool:
    grant = _grant(principal, action)
    if grant is None:
        return False
    if not grant.own_entity_only:
        return True
    return entity is not None and entity == principal.entity


def authorize(principal: Principal, action: Action, entity: str | None = None) -> None:
    if allows(principal, action, entity):
        return
    if _grant(principal, action) is None:
        raise AccessDenied(f"the {principal.role} role may not {action}")
    raise AccessDenied(
        f"{principal.name} ({principal.role} team of {principal.entity}) may not {action} "
        f"for {entity}: only for {principal.entity}"
    )


def draft_readers(principal: Principal, entities: list[str]) -> list[str]:
    """The entities whose unpublished figures the caller may read."""
    return [code for code in entities if allows(principal, Action.READ_DRAFTS, code)]
