"""A locked period's figures never change, under any sequence of later operations (hypothesis).

Each example starts from a copy of one database: the worked example (tests/consolidation/
test_service.py) with a journal in 2024 and 2024 locked. It then applies a random sequence of
operations through the real services: rates entered for any period, type and line, reports
corrected (reopened, a new version saved, submitted, approved) in any period, journals posted
and reversed, an ECB file with a revised day imported, a corrected chart, runs, 2023 locked and
unlocked, 2024 locked again or unlocked without a reason, and 2024 unlocked, its closing rate
changed and locked again (a new sign-off). After each operation:

- every locked period shows exactly the figures it showed when it was locked (the whole view:
  statements, comparatives, translation, sources, rates, digest, lock; and the drill-down of
  its assets to the national accounts);
- nothing a locked run used has changed: the effective rates it used, the approved versions of
  its reports, the journals of its period;
- an operation on what a locked period used was refused, any other one went through.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass, field
from decimal import Decimal

import asyncpg
import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub.auth.policy import Principal
from hub.auth.users import principal_for_token
from hub.consolidation import locking
from hub.consolidation import service as consolidation
from hub.consolidation.model import ConsolidationError
from hub.consolidation.register import service as register
from hub.consolidation.register.repository import OpeningLine
from hub.fx.ecb import decode_lines, derive_rates, parse_ecb
from hub.fx.model import MANUAL, RateKey, RateType
from hub.fx.service import effective_rates, import_ecb, override_rate
from hub.reporting import service as reporting
from hub.reporting.model import Dataset
from hub.reporting.workflow import WorkflowRefusal
from hub.services import Hub, open_hub
from hub.settings import Settings
from hub.signoff import Locked
from tests.conftest import with_database
from tests.consolidation.test_locks import correct, scaled
from tests.consolidation.test_service import ECB, set_up_worked
from tests.consolidation.worked_example import BELGIUM, BELGIUM_2023, SWEDEN, SWEDEN_2023

BOTH = ["BE", "SE"]
EXAMPLES = {("BE", "2023"): BELGIUM_2023, ("SE", "2023"): SWEDEN_2023}
EXAMPLES |= {("BE", "2024"): BELGIUM, ("SE", "2024"): SWEDEN}
REFUSED = (Locked, WorkflowRefusal, ConsolidationError)


@dataclass
class World:
    """The hub of one example and what the test knows of it."""

    hub: Hub
    actors: dict[str, Principal]
    journal_2024: int
    locked: dict[str, bytes] = field(default_factory=dict)  # period -> its view when locked
    opened_from_2023: bool = False  # 2024's sign-off opened from 2023's
    # periods with a rate entered for the movement of SE's capital line
    line_rates: set[str] = field(default_factory=set)
    locked_with_line: dict[str, bool] = field(default_factory=dict)

    @property
    def finance(self) -> Principal:
        return self.actors["finance"]

    async def snapshot(self, period: str) -> bytes:
        """The period's figures and the national accounts behind its assets."""
        view = await consolidation.view(self.hub, self.finance, period, BOTH)
        drill = await consolidation.drill_down(self.hub, self.finance, period, "BS.A", BOTH)
        return msgspec.json.encode((view, drill))

    async def lock(self, period: str) -> None:
        await locking.lock(self.hub, self.finance, period, BOTH, "signed off")
        self.locked[period] = await self.snapshot(period)
        self.locked_with_line[period] = period in self.line_rates
        if period == "2024":
            self.opened_from_2023 = "2023" in self.locked


async def expect(refused: bool, action: Awaitable[object]) -> bool:
    """Run the change; it must be refused exactly when `refused`. Whether it went through."""
    try:
        await action
    except REFUSED:
        assert refused, "refused though nothing locked uses it"
        return False
    assert not refused, "went through though a locked run uses it"
    return True


# --- operations --------------------------------------------------------------------------------


class Operation(msgspec.Struct, frozen=True):
    async def apply(self, world: World) -> None:
        raise NotImplementedError


class EnterRate(Operation, frozen=True):
    type: RateType
    period: str
    rate: Decimal

    async def apply(self, world: World) -> None:
        await expect(
            self.period in world.locked,
            override_rate(
                world.hub,
                world.finance,
                currency="SEK",
                rate_type=self.type,
                period=self.period,
                entity=None,
                line=None,
                rate=self.rate,
                reason="entered",
            ),
        )


class EnterHistoricalRate(Operation, frozen=True):
    """A rate for a movement of SE's equity in a period (its capital line, or the entity as a
    whole, which consolidation does not use since equity is carried line by line)."""

    line: str | None
    period: str
    rate: Decimal

    async def apply(self, world: World) -> None:
        refused = (
            self.line is not None
            and self.period in world.locked
            and world.locked_with_line.get(self.period, False)
        )
        stored = await expect(
            refused,
            override_rate(
                world.hub,
                world.finance,
                currency="SEK",
                rate_type=RateType.HISTORICAL,
                period=self.period,
                entity="SE",
                line=self.line,
                rate=self.rate,
                reason="entered",
            ),
        )
        if stored and self.line is not None:
            world.line_rates.add(self.period)


class CorrectReport(Operation, frozen=True):
    entity: str
    period: str
    factor: int

    async def apply(self, world: World) -> None:
        national = world.actors[f"national-{self.entity.lower()}"]
        latest = await reporting.latest_version(
            world.hub, self.entity, self.period, Dataset.STATEMENTS
        )
        assert latest is not None
        example = scaled(EXAMPLES[(self.entity, self.period)], self.factor)
        await expect(
            self.period in world.locked,
            correct(world.hub, world.finance, national, example, self.period, base=latest),
        )


class PostJournal(Operation, frozen=True):
    period: str
    amount: Decimal

    async def apply(self, world: World) -> None:
        await expect(
            self.period in world.locked,
            consolidation.post_journal(
                world.hub,
                world.finance,
                self.period,
                "accrual",
                [("IS.PEC", "BE", self.amount), ("BS.L.DE.IX.C", "BE", -self.amount)],
            ),
        )


class ReverseJournal(Operation, frozen=True):
    """The journal posted in 2024 before its lock."""

    async def apply(self, world: World) -> None:
        await expect(
            "2024" in world.locked,
            consolidation.reverse_journal(
                world.hub, world.finance, world.journal_2024, "posted twice"
            ),
        )


class ImportRevisedEcb(Operation, frozen=True):
    """The ECB file with SEK's rate of 31 Dec 2024 revised: refused exactly when a closing or
    average rate derived from it differs from one a locked run used that came from an import
    (an import never replaces a rate entered by hand)."""

    sek: str

    async def apply(self, world: World) -> None:
        lines = ECB.read_bytes().split(b"\n")
        column = lines[0].split(b",").index(b"SEK")
        for index, line in enumerate(lines):
            if line.startswith(b"2024-12-31,"):
                fields = line.split(b",")
                fields[column] = self.sek.encode()
                lines[index] = b",".join(fields)
        data = b"\n".join(lines)
        derived = {d.key: d.rate for d in derive_rates(parse_ecb(decode_lines(data)))}
        changes = False
        for period in world.locked:
            inputs = await signed_off_inputs(world, period)
            keys = [
                key for used in inputs.rates_used if (key := rate_key(period, used)) is not None
            ]
            for key, row in (await effective_rates(world.hub, keys)).items():
                changes |= row.source != MANUAL and derived.get(key, row.rate) != row.rate
        await expect(changes, import_ecb(world.hub, data, world.finance.user_id))


class CorrectChart(Operation, frozen=True):
    """A corrected national chart (config, loaded at start-up): Sweden's cash mapped elsewhere.
    Not an operation a lock refuses; a recomputation would move."""

    async def apply(self, world: World) -> None:
        async with world.hub.db.pool.acquire() as connection:
            await connection.execute(
                "insert into account_mapping (entity_code, kind, first_account, last_account,"
                " line_code, starts_on, reason) values ('SE', 'account', '1910', '1910',"
                " 'BS.A.CA.VII.A', date '1900-01-01', 'a corrected chart')"
            )


class Run(Operation, frozen=True):
    period: str

    async def apply(self, world: World) -> None:
        await expect(
            self.period in world.locked,
            consolidation.run(world.hub, world.finance, self.period, BOTH),
        )


class Lock2023(Operation, frozen=True):
    async def apply(self, world: World) -> None:
        if "2023" in world.locked:
            await expect(True, locking.lock(world.hub, world.finance, "2023", BOTH, "again"))
        else:
            await world.lock("2023")


class Unlock2023(Operation, frozen=True):
    async def apply(self, world: World) -> None:
        refused = "2023" not in world.locked or ("2024" in world.locked and world.opened_from_2023)
        if await expect(refused, locking.unlock(world.hub, world.finance, "2023", "restated")):
            del world.locked["2023"]


class LockAgainOrUnlockWithoutReason(Operation, frozen=True):
    unlock: bool

    async def apply(self, world: World) -> None:
        if self.unlock:
            await expect(True, locking.unlock(world.hub, world.finance, "2024", " "))
        else:
            await expect(True, locking.lock(world.hub, world.finance, "2024", BOTH, "again"))


class SignOffAnew(Operation, frozen=True):
    """Unlock 2024 with a reason, enter its closing rate, lock it again: new signed-off
    figures, which from then on must not change."""

    closing: Decimal

    async def apply(self, world: World) -> None:
        await locking.unlock(world.hub, world.finance, "2024", "closing rate corrected")
        del world.locked["2024"]
        await override_rate(
            world.hub,
            world.finance,
            currency="SEK",
            rate_type=RateType.CLOSING,
            period="2024",
            entity=None,
            line=None,
            rate=self.closing,
            reason="corrected",
        )
        await world.lock("2024")


rates = st.decimals(min_value=Decimal("9"), max_value=Decimal("13"), places=3)
operations = st.one_of(
    st.builds(
        EnterRate,
        st.sampled_from([RateType.CLOSING, RateType.AVERAGE]),
        st.sampled_from(["2023", "2024", "2025"]),
        rates,
    ),
    st.builds(
        EnterHistoricalRate,
        st.sampled_from([None, "BS.L.EQ.I"]),
        st.sampled_from(["2023", "2024"]),
        rates,
    ),
    st.builds(
        CorrectReport,
        st.sampled_from(["BE", "SE"]),
        st.sampled_from(["2023", "2024"]),
        st.integers(2, 5),
    ),
    st.builds(
        PostJournal,
        st.sampled_from(["2023", "2024", "2025"]),
        st.decimals(min_value=Decimal(1), max_value=Decimal(10**6), places=2),
    ),
    st.builds(ReverseJournal),
    st.builds(ImportRevisedEcb, st.sampled_from(["11.459", "11.47", "11.5"])),
    st.builds(CorrectChart),
    st.builds(Run, st.sampled_from(["2023", "2024"])),
    st.builds(Lock2023),
    st.builds(Unlock2023),
    st.builds(LockAgainOrUnlockWithoutReason, st.booleans()),
    st.builds(SignOffAnew, rates),
)


# --- invariants --------------------------------------------------------------------------------


async def signed_off_inputs(world: World, period: str) -> consolidation.Inputs:
    async with world.hub.db.pool.acquire() as connection:
        stored = await consolidation.signed_off(connection, period)
    assert stored is not None
    return stored.inputs


def rate_key(period: str, used: consolidation.RateUsed) -> RateKey | None:
    if used.type == "acquisition":
        return None
    if used.type == RateType.HISTORICAL:
        return RateKey.historical(used.currency, used.entity, used.line, used.period)
    return RateKey(used.currency, RateType(used.type), period)


async def check_invariants(world: World) -> None:
    for period, figures in world.locked.items():
        assert await world.snapshot(period) == figures, f"the locked {period} figures changed"
        async with world.hub.db.pool.acquire() as connection:
            stored = await consolidation.signed_off(connection, period)
            rows = await connection.fetch(
                "select entity_code, approved_version from report "
                "where dataset = 'statements' and period = $1",
                period,
            )
        approved: dict[str, int] = {row["entity_code"]: row["approved_version"] for row in rows}
        assert stored is not None
        inputs = stored.inputs
        keys = {
            key: used.rate
            for used in inputs.rates_used
            if (key := rate_key(period, used)) is not None
        }
        effective = await effective_rates(world.hub, keys)
        assert {key: row.rate for key, row in effective.items()} == keys
        assert {s.entity: s.version for s in inputs.sources} == {
            entity: approved[entity] for entity in BOTH
        }
        journals = await consolidation.journals(world.hub, world.finance, period)
        assert [j.id for j in journals] == [j.id for j in inputs.journals]


# --- the test ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Template:
    name: str
    tokens: dict[str, str]
    journal_2024: int


@pytest.fixture
async def locked_template(
    server_url: str, template_db: str, settings_80: Settings
) -> AsyncIterator[Template]:
    """The database every example copies: the worked example, a 2024 journal, 2024 locked."""
    name = f"hub_test_{uuid.uuid4().hex[:10]}_locked"
    admin = await asyncpg.connect(server_url)
    try:
        await admin.execute(f'create database "{name}" template "{template_db}"')
        async with open_hub(settings_80, with_database(server_url, name), pool_size=2) as hub:
            tokens = await set_up_worked(hub)
            actors = await principals(hub, tokens)
            # Sweden's 2023 opening, as the group's 2022 accounts carried it: a corrected 2023
            # trial balance still has where its equity starts.
            await register.record_opening(
                hub,
                actors["finance"],
                register.OpeningIn(
                    entity="SE",
                    period="2023",
                    lines=(
                        OpeningLine(
                            line="BS.L.EQ.I",
                            local=Decimal(-1_000_000),
                            translated=Decimal(-1_000_000) / Decimal("8.582"),
                        ),
                    ),
                    reason="the 2022 consolidated accounts",
                ),
            )
            journal = await consolidation.post_journal(
                hub,
                actors["finance"],
                "2024",
                "invoice of December booked in January",
                [("IS.PEC", "BE", Decimal(1000)), ("BS.L.DE.IX.C", "BE", Decimal(-1000))],
            )
            await locking.lock(hub, actors["finance"], "2024", BOTH, "signed off")
        yield Template(name, tokens, journal.id)
        await admin.execute(f'drop database if exists "{name}" with (force)')
    finally:
        await admin.close()


async def principals(hub: Hub, tokens: dict[str, str]) -> dict[str, Principal]:
    found = {}
    async with hub.db.pool.acquire() as connection:
        for name, token in tokens.items():
            principal = await principal_for_token(connection, token)
            assert principal is not None
            found[name] = principal
    return found


# Each example copies a database and opens the hub on it (about a second): a few dozen
# sequences keep the suite's time; the function-scoped fixtures are read-only templates.
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(operations, min_size=1, max_size=8))
async def test_a_locked_period_never_changes(
    steps: list[Operation],
    locked_template: Template,
    server_url: str,
    settings_80: Settings,
) -> None:
    name = f"hub_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(server_url)
    try:
        await admin.execute(f'create database "{name}" template "{locked_template.name}"')
        url = with_database(server_url, name)
        async with open_hub(settings_80, url, pool_size=3) as hub:
            world = World(
                hub, await principals(hub, locked_template.tokens), locked_template.journal_2024
            )
            world.locked["2024"] = await world.snapshot("2024")
            world.locked_with_line["2024"] = False
            for step in steps:
                await step.apply(world)
                await check_invariants(world)
    finally:
        await admin.execute(f'drop database if exists "{name}" with (force)')
        await admin.close()
