"""Load the demo network: demo users for every role, then the published figures, each entity's
submitted by its own national team through the same service a team's GraphQL call uses."""

from __future__ import annotations

from dataclasses import dataclass, field

from hub.auth.policy import AccessDenied, Principal, Role
from hub.auth.users import principal_for_token, upsert_user
from hub.demo.figures import NETWORK_TABLE, values_2023, values_2024
from hub.reporting import service
from hub.reporting.model import KpiSubmissionIn
from hub.services import Hub


@dataclass(frozen=True, slots=True)
class DemoUser:
    name: str
    role: Role
    entity: str | None = None


def demo_users(entities: list[str]) -> list[DemoUser]:
    return [
        DemoUser("board", Role.BOARD),
        DemoUser("finance", Role.FINANCE),
        DemoUser("admin", Role.ADMIN),
        *(DemoUser(f"national-{code.lower()}", Role.NATIONAL, code) for code in entities),
    ]


@dataclass(slots=True)
class DemoLoad:
    tokens: dict[str, str] = field(default_factory=dict)
    submitted: list[str] = field(default_factory=list)
    already_there: list[str] = field(default_factory=list)


class DemoLoadError(Exception):
    pass


async def load_demo(hub: Hub) -> DemoLoad:
    """Idempotent: reports already present are left alone; demo users get fresh tokens."""
    result = DemoLoad()
    principals: dict[str, Principal] = {}
    async with hub.db.transaction() as connection:
        for user in demo_users(list(hub.registry.entities)):
            token = await upsert_user(connection, user.name, user.role, user.entity)
            result.tokens[user.name] = token
            principal = await principal_for_token(connection, token)
            assert principal is not None
            if user.entity is not None:
                principals[user.entity] = principal
    for row in NETWORK_TABLE:
        for period, values in (("2023", values_2023(row)), ("2024", values_2024(row))):
            label = f"{row.entity} {period}"
            if await service.latest_version(hub, row.entity, period) is not None:
                result.already_there.append(label)
                continue
            submission = KpiSubmissionIn(
                entity=row.entity,
                period=period,
                values=values,
                source="demo",
                comment="Demo data: figures of the 2024 annual report",
            )
            try:
                outcome = await service.submit_kpi_values(hub, principals[row.entity], submission)
            except AccessDenied as error:
                raise DemoLoadError(f"{label}: {error}") from error
            if isinstance(outcome, list):
                problems = "; ".join(f"{e.field}: {e.message}" for e in outcome)
                raise DemoLoadError(f"{label} was refused: {problems}")
            result.submitted.append(label)
    return result
