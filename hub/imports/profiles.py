"""Column profiles, as the API and the command line use them: read an entity's, propose one from
a file, save one. The entity's national team (its own entity) and finance or admins only."""

from __future__ import annotations

import asyncio

from hub.auth.policy import Action, Principal, authorize
from hub.imports import profiles_repository as repository
from hub.imports.detect import Detected, detect, sample_of
from hub.imports.formats import Source
from hub.imports.profile import ColumnProfile, profile_problems
from hub.imports.service import ImportRefused
from hub.services import Hub


class ProfileRefused(Exception):
    """The profile cannot read any file; `problems` say why."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def check_access(hub: Hub, principal: Principal, entity: str) -> None:
    if entity not in hub.registry.entities:
        known = ", ".join(hub.registry.entities)
        raise ImportRefused(f"unknown entity {entity!r}; known entities: {known}")
    authorize(principal, Action.MANAGE_IMPORT_PROFILES, entity)


async def history(hub: Hub, principal: Principal, entity: str) -> list[repository.SavedProfile]:
    """The entity's saved profiles, the one in force first."""
    check_access(hub, principal, entity)
    async with hub.db.pool.acquire() as connection:
        return await repository.history(connection, entity)


async def propose(hub: Hub, principal: Principal, entity: str, source: Source) -> Detected:
    check_access(hub, principal, entity)
    return await asyncio.to_thread(lambda: detect(sample_of(source), source.name))


async def save(
    hub: Hub, principal: Principal, entity: str, profile: ColumnProfile
) -> repository.SavedProfile:
    check_access(hub, principal, entity)
    problems = profile_problems(profile)
    if problems:
        raise ProfileRefused(problems)
    async with hub.db.transaction() as connection:
        await repository.save(connection, entity, profile, principal.user_id)
        return (await repository.history(connection, entity, limit=1))[0]
