"""GraphQL for the acquisition register: finance records, everyone who reads figures reads."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum

import strawberry

from hub.consolidation.register import repository as rows
from hub.consolidation.register import service as register
from hub.context import Info


@strawberry.type(name="RegisterLine")
class RegisterLineType:
    line: str
    amount: Decimal = strawberry.field(description="Balance terms: debit positive.")


@strawberry.type(name="Acquisition", description="One version of a subsidiary's acquisition.")
class AcquisitionType:
    id: int
    subsidiary: str
    parent: str
    acquired_on: dt.date
    method: str
    share: Decimal
    consideration: Decimal
    consideration_currency: str
    rate: Decimal | None = strawberry.field(
        description="The subsidiary's currency per EUR on that day; null: the ECB rate."
    )
    nci_fair_value: Decimal | None = strawberry.field(
        description="In the subsidiary's currency; null: NCI at their share of net assets."
    )
    illustrative: bool
    equity: list[RegisterLineType] = strawberry.field(
        description="Equity at acquisition by line, in the subsidiary's currency."
    )
    fair_value: list[RegisterLineType]
    in_force: bool = strawberry.field(description="The newest version: the one consolidated.")
    reason: str
    recorded_by: str
    recorded_at: dt.datetime

    @classmethod
    def of(cls, row: rows.AcquisitionRow, in_force: bool) -> AcquisitionType:
        return cls(
            id=row.id,
            subsidiary=row.subsidiary,
            parent=row.parent,
            acquired_on=row.acquired_on,
            method=row.method,
            share=row.share,
            consideration=row.consideration,
            consideration_currency=row.consideration_currency,
            rate=row.rate,
            nci_fair_value=row.nci_fair_value,
            illustrative=row.illustrative,
            equity=[RegisterLineType(line=x.line, amount=x.amount) for x in row.equity],
            fair_value=[RegisterLineType(line=x.line, amount=x.amount) for x in row.fair_value],
            in_force=in_force,
            reason=row.reason,
            recorded_by=row.recorded_by,
            recorded_at=row.recorded_at,
        )


@strawberry.type(name="OwnershipChange")
class OwnershipChangeType:
    id: int
    subsidiary: str
    effective_on: dt.date
    share: Decimal
    consideration: Decimal
    consideration_currency: str
    reason: str
    recorded_by: str
    recorded_at: dt.datetime
    withdrawn: str | None = strawberry.field(description="Why it was withdrawn, if it was.")


@strawberry.type(name="GoodwillImpairment")
class GoodwillImpairmentType:
    id: int
    subsidiary: str
    period: str
    amount: Decimal = strawberry.field(description="In the subsidiary's currency.")
    reason: str
    recorded_by: str
    recorded_at: dt.datetime
    withdrawn: str | None


@strawberry.type(name="OpeningPositionLine")
class OpeningPositionLineType:
    line: str
    local: Decimal
    translated: Decimal


@strawberry.type(name="OpeningPosition")
class OpeningPositionType:
    id: int
    entity: str
    period: str
    lines: list[OpeningPositionLineType]
    illustrative: bool
    reason: str
    recorded_by: str
    recorded_at: dt.datetime
    withdrawn: str | None


@strawberry.type(name="AcquisitionRegister")
class RegisterType:
    acquisitions: list[AcquisitionType]
    ownership_changes: list[OwnershipChangeType]
    goodwill_impairments: list[GoodwillImpairmentType]
    opening_positions: list[OpeningPositionType]


def _register(found: register.Register) -> RegisterType:
    newest = {row.subsidiary: row.id for row in found.acquisitions}
    return RegisterType(
        acquisitions=[
            AcquisitionType.of(row, newest[row.subsidiary] == row.id) for row in found.acquisitions
        ],
        ownership_changes=[
            OwnershipChangeType(**{f: getattr(row, f) for f in row.__struct_fields__})
            for row in found.ownership_changes
        ],
        goodwill_impairments=[
            GoodwillImpairmentType(**{f: getattr(row, f) for f in row.__struct_fields__})
            for row in found.impairments
        ],
        opening_positions=[
            OpeningPositionType(
                id=row.id,
                entity=row.entity,
                period=row.period,
                lines=[
                    OpeningPositionLineType(line=x.line, local=x.local, translated=x.translated)
                    for x in row.lines
                ],
                illustrative=row.illustrative,
                reason=row.reason,
                recorded_by=row.recorded_by,
                recorded_at=row.recorded_at,
                withdrawn=row.withdrawn,
            )
            for row in found.openings
        ],
    )


@strawberry.type
class RegisterQuery:
    @strawberry.field(
        description="The acquisition register: every version of each acquisition, changes of "
        "the share held, impairments of goodwill, opening positions."
    )
    async def acquisition_register(
        self, info: Info, entity: list[str] | None = None
    ) -> RegisterType:
        found = await register.register(info.context.hub, info.context.caller, entity)
        return _register(found)


@strawberry.input
class RegisterLineInput:
    line: str
    amount: Decimal = strawberry.field(description="Balance terms: credit negative.")


@strawberry.input
class AcquisitionInput:
    subsidiary: str
    acquired_on: dt.date
    share: Decimal = strawberry.field(description="The share acquired, e.g. 0.8.")
    consideration: Decimal
    consideration_currency: str
    equity: list[RegisterLineInput] = strawberry.field(
        description="The subsidiary's equity at acquisition by line, in its currency."
    )
    fair_value: list[RegisterLineInput] = strawberry.field(default_factory=list)
    rate: Decimal | None = strawberry.field(
        default=None, description="The subsidiary's currency per EUR that day (default: ECB)."
    )
    nci_fair_value: Decimal | None = strawberry.field(
        default=None, description="NCI at fair value, in the subsidiary's currency."
    )
    illustrative: bool = False
    reason: str


@strawberry.input
class OwnershipChangeInput:
    subsidiary: str
    effective_on: dt.date
    share: Decimal = strawberry.field(description="The share held from that day.")
    consideration: Decimal = strawberry.field(description="Paid (negative: received).")
    consideration_currency: str
    reason: str


@strawberry.input
class GoodwillImpairmentInput:
    subsidiary: str
    period: str
    amount: Decimal = strawberry.field(description="In the subsidiary's currency.")
    reason: str


@strawberry.input
class OpeningPositionLineInput:
    line: str
    local: Decimal = strawberry.field(description="The entity's currency, balance terms.")
    translated: Decimal = strawberry.field(description="Group currency, balance terms.")


@strawberry.input
class OpeningPositionInput:
    entity: str
    period: str
    lines: list[OpeningPositionLineInput]
    illustrative: bool = False
    reason: str


class RegisterEntryKind(StrEnum):
    OWNERSHIP_CHANGE = "ownership_change"
    GOODWILL_IMPAIRMENT = "goodwill_impairment"
    OPENING_POSITION = "opening_position"


strawberry.enum(RegisterEntryKind)


def _lines(items: list[RegisterLineInput]) -> tuple[rows.LineAmount, ...]:
    return tuple(rows.LineAmount(item.line, item.amount) for item in items)


async def _current(info: Info) -> RegisterType:
    return _register(await register.register(info.context.hub, info.context.caller, None))


@strawberry.type
class RegisterMutation:
    @strawberry.mutation(
        description="Record a subsidiary's or associate's acquisition, or correct it (a new "
        "version; the newest is in force). Finance."
    )
    async def record_acquisition(self, info: Info, input: AcquisitionInput) -> RegisterType:
        await register.record_acquisition(
            info.context.hub,
            info.context.caller,
            register.AcquisitionIn(
                subsidiary=input.subsidiary,
                acquired_on=input.acquired_on,
                share=input.share,
                consideration=input.consideration,
                consideration_currency=input.consideration_currency,
                equity=_lines(input.equity),
                fair_value=_lines(input.fair_value),
                rate=input.rate,
                nci_fair_value=input.nci_fair_value,
                illustrative=input.illustrative,
                reason=input.reason,
            ),
        )
        return await _current(info)

    @strawberry.mutation(description="Record a later change of the share held (IFRS 10.23).")
    async def record_ownership_change(
        self, info: Info, input: OwnershipChangeInput
    ) -> RegisterType:
        await register.record_ownership_change(
            info.context.hub,
            info.context.caller,
            register.OwnershipChangeIn(
                subsidiary=input.subsidiary,
                effective_on=input.effective_on,
                share=input.share,
                consideration=input.consideration,
                consideration_currency=input.consideration_currency,
                reason=input.reason,
            ),
        )
        return await _current(info)

    @strawberry.mutation(
        description="Record an impairment of goodwill, in the subsidiary's currency (IAS 21.47)."
    )
    async def record_goodwill_impairment(
        self, info: Info, input: GoodwillImpairmentInput
    ) -> RegisterType:
        await register.record_impairment(
            info.context.hub,
            info.context.caller,
            register.ImpairmentIn(
                subsidiary=input.subsidiary,
                period=input.period,
                amount=input.amount,
                reason=input.reason,
            ),
        )
        return await _current(info)

    @strawberry.mutation(
        description="Record an entity's equity at the start of a year as the group's previous "
        "accounts carried it (where IAS 21's roll-forward starts when the hub has no earlier "
        "year)."
    )
    async def record_opening_position(
        self, info: Info, input: OpeningPositionInput
    ) -> RegisterType:
        await register.record_opening(
            info.context.hub,
            info.context.caller,
            register.OpeningIn(
                entity=input.entity,
                period=input.period,
                lines=tuple(
                    rows.OpeningLine(line=x.line, local=x.local, translated=x.translated)
                    for x in input.lines
                ),
                illustrative=input.illustrative,
                reason=input.reason,
            ),
        )
        return await _current(info)

    @strawberry.mutation(description="Withdraw a register entry made by mistake, with a reason.")
    async def withdraw_register_entry(
        self, info: Info, kind: RegisterEntryKind, id: int, reason: str
    ) -> RegisterType:
        await register.withdraw(info.context.hub, info.context.caller, kind.value, id, reason)
        return await _current(info)
