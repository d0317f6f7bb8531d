"""The demo's consolidation: Sweden's acquisition and its 2023 opening position in the register
(both illustrative), 2023 signed off by finance, 2024 left open; and the line `hub demo` prints
about it. Everything goes through finance's own services, as over GraphQL."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_EVEN, Decimal

from hub.auth.policy import Principal
from hub.consolidation import locking
from hub.consolidation import service as consolidation
from hub.consolidation.register import service as register
from hub.consolidation.register.repository import LineAmount, OpeningLine
from hub.consolidation.translation import exact
from hub.demo.ledgers import PARENT, PARTNERS, SWEDEN_CAPITAL, SWEDEN_SHARES
from hub.registry.model import ConsolidationMethod
from hub.services import Hub
from hub.signoff import current

SUBSIDIARY = "SE"
SIGNED_OFF = "2023"
OPEN = "2024"
LOCK_REASON = "Demo: the 2023 consolidation, signed off by finance"

# Sweden was incorporated on 31 Dec 2012 with its capital paid in by Belgium: the register takes
# the ECB rate of that day, 8.582 SEK per EUR.
ACQUIRED_ON = dt.date(2012, 12, 31)
ACQUISITION_RATE = Decimal("8.582")
ACQUISITION = register.AcquisitionIn(
    subsidiary=SUBSIDIARY,
    acquired_on=ACQUIRED_ON,
    share=Decimal(1),
    consideration=SWEDEN_SHARES,
    consideration_currency="EUR",
    equity=(LineAmount("BS.L.EQ.I", -SWEDEN_CAPITAL),),
    illustrative=True,
    reason=(
        "Demo (illustrative): Smart Sweden incorporated on 31 Dec 2012, its capital paid in "
        "by SmartCoop, with the founders' start-up costs taken over"
    ),
)

# Sweden's equity at 1 Jan 2023 as the group's 2022 accounts carried it: the capital at the
# acquisition rate; the losses of 2013-2022 each at its year's average rate, about 10 SEK per EUR.
SWEDEN_LOSSES_CARRIED_EUR = Decimal(600_000)
OPENING = register.OpeningIn(
    entity=SUBSIDIARY,
    period=SIGNED_OFF,
    lines=(
        OpeningLine(
            line="BS.L.EQ.I",
            local=-SWEDEN_CAPITAL,
            translated=exact(-SWEDEN_CAPITAL / ACQUISITION_RATE),
        ),
        OpeningLine(
            line="BS.L.EQ.V",
            local=PARTNERS[SUBSIDIARY].brought_forward_2023,
            translated=SWEDEN_LOSSES_CARRIED_EUR,
        ),
    ),
    illustrative=True,
    reason="Demo (illustrative): Sweden's equity as the group's 2022 accounts carried it",
)


def demo_register_problems(hub: Hub) -> list[str]:
    """Why the register entries cannot go into this network (checked before anything is
    written)."""
    config = hub.registry.entities.get(SUBSIDIARY)
    if config is None:
        return []  # said already: the network has no such entity
    if config.parent != PARENT or config.consolidation is not ConsolidationMethod.FULL:
        return [
            f"{SUBSIDIARY} is consolidated as {config.consolidation.value} here; the demo "
            f"records its acquisition by {PARENT}, in full"
        ]
    return []


async def sign_off_2023(hub: Hub, finance: Principal) -> list[str]:
    """Record what is not recorded yet, then lock 2023 (unless it is): what was done."""
    done = []
    entries = await register.register(hub, finance, [SUBSIDIARY])
    if not entries.acquisitions:
        await register.record_acquisition(hub, finance, ACQUISITION)
        done.append(f"{SUBSIDIARY} acquisition of {ACQUIRED_ON} recorded (illustrative)")
    if not any(o.period == SIGNED_OFF for o in entries.openings):
        await register.record_opening(hub, finance, OPENING)
        done.append(f"{SUBSIDIARY} opening position for {SIGNED_OFF} recorded (illustrative)")
    async with hub.db.pool.acquire() as connection:
        locked = await current(connection, SIGNED_OFF)
    if locked is None:
        signed = await locking.lock(hub, finance, SIGNED_OFF, None, LOCK_REASON)
        done.append(f"{SIGNED_OFF} consolidation locked (run {signed.run_id})")
    return done


def _eur(amount: Decimal) -> str:
    return f"{amount.quantize(Decimal('0.01'), rounding=ROUND_HALF_EVEN):,} EUR"


async def summary(hub: Hub, finance: Principal) -> str:
    """One line: the signed-off year, and the open year's consolidated figures."""
    async with hub.db.pool.acquire() as connection:
        lock = await current(connection, SIGNED_OFF)
    view = await consolidation.view(hub, finance, OPEN)
    total = view.result.total
    roles = hub.group_chart.roles
    said = "not signed off" if lock is None else f"signed off by {lock.locked_by}"
    if lock is not None:
        said += f" (run {lock.run_id})"
    failed = [c.name for c in view.result.checks if not c.ok]
    return (
        f"{SIGNED_OFF} {said}; {OPEN} open: total assets {_eur(total[roles.assets])}, "
        f"translation reserve {_eur(total[roles.translation_reserve])}, "
        f"{len(view.result.eliminations)} eliminations, "
        + ("every check ok" if not failed else f"checks failing: {', '.join(failed)}")
    )
