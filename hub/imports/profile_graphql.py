"""GraphQL for column profiles: an entity's profile and its history, a proposal from a file with
the first rows read with it, and saving one. The entity's national team, finance and admins."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from decimal import Decimal

import msgspec
import strawberry

from hub.api.errors import bad_input
from hub.context import Info
from hub.imports import profiles
from hub.imports.detect import Detected
from hub.imports.formats import Source
from hub.imports.graphql import ImportFileInput
from hub.imports.profile import ColumnProfile
from hub.imports.profiles_repository import SavedProfile
from hub.imports.service import ImportRefused

_COLUMNS = "A header title, or #N for the N-th column (#1 is column A)."


@strawberry.type(
    name="ColumnProfile",
    description="How a CSV or Excel trial balance is laid out. " + _COLUMNS,
)
class ColumnProfileType:
    kind: str = strawberry.field(description="csv or xlsx")
    encoding: str
    delimiter: str
    quote: str
    header_rows: int = strawberry.field(description="Rows before the data; titles on the last.")
    sheet: str | None
    account: str
    name: str | None
    debit: str | None
    credit: str | None
    balance: str | None
    balance_sign: str = strawberry.field(description="debit-positive or credit-positive")
    partner: str | None
    currency: str | None
    decimal_separator: str
    thousands_separator: str | None

    @classmethod
    def of(cls, profile: ColumnProfile) -> ColumnProfileType:
        return cls(**msgspec.structs.asdict(profile))


@strawberry.input(description="A column profile to save. " + _COLUMNS)
class ColumnProfileInput:
    kind: str = "csv"
    encoding: str = "utf-8"
    delimiter: str = ";"
    quote: str = '"'
    header_rows: int = 1
    sheet: str | None = None
    account: str
    name: str | None = None
    debit: str | None = None
    credit: str | None = None
    balance: str | None = None
    balance_sign: str = "debit-positive"
    partner: str | None = None
    currency: str | None = None
    decimal_separator: str = ","
    thousands_separator: str | None = None


@strawberry.type(name="SavedColumnProfile")
class SavedProfileType:
    id: int
    entity: str
    saved_by: str
    saved_at: dt.datetime
    profile: ColumnProfileType

    @classmethod
    def of(cls, saved: SavedProfile) -> SavedProfileType:
        return cls(
            id=saved.id,
            entity=saved.entity,
            saved_by=saved.saved_by,
            saved_at=saved.saved_at,
            profile=ColumnProfileType.of(saved.profile),
        )


@strawberry.type(name="ColumnProfiles")
class ProfilesType:
    entity: str
    current: SavedProfileType | None = strawberry.field(description="The profile in force.")
    history: list[SavedProfileType] = strawberry.field(description="Newest first.")


@strawberry.type(name="ColumnProfilePreviewRow")
class PreviewRowType:
    line: int = strawberry.field(description="The CSV line or the sheet's row.")
    account: str | None
    name: str | None
    partner: str | None
    amount: Decimal | None = strawberry.field(description="The balance, debit positive.")
    problem: str | None


@strawberry.type(name="DetectedColumnProfile")
class DetectedType:
    profile: ColumnProfileType | None = strawberry.field(
        description="The proposal; null when the account or amounts could not be found."
    )
    headers: list[str]
    preview: list[PreviewRowType] = strawberry.field(description="The first rows, read with it.")
    notes: list[str] = strawberry.field(description="What was guessed, and why.")
    undecided: list[str] = strawberry.field(description="What could not be decided.")

    @classmethod
    def of(cls, detected: Detected) -> DetectedType:
        return cls(
            profile=None if detected.profile is None else ColumnProfileType.of(detected.profile),
            headers=list(detected.headers),
            preview=[
                PreviewRowType(
                    line=row.line,
                    account=row.account,
                    name=row.name,
                    partner=row.partner,
                    amount=row.amount,
                    problem=row.problem,
                )
                for row in detected.preview
            ],
            notes=list(detected.notes),
            undecided=list(detected.undecided),
        )


def _checked(info: Info, entity: str) -> None:
    try:
        profiles.check_access(info.context.hub, info.context.caller, entity)
    except ImportRefused as refused:
        raise bad_input("entity", str(refused)) from refused


@strawberry.type
class ColumnProfileQuery:
    @strawberry.field(
        description="An entity's column profile for CSV and Excel trial balances, and the "
        "profiles saved before. The entity's national team, finance and admins."
    )
    async def column_profile(self, info: Info, entity: str) -> ProfilesType:
        _checked(info, entity)
        saved = await profiles.history(info.context.hub, info.context.caller, entity)
        return ProfilesType(
            entity=entity,
            current=SavedProfileType.of(saved[0]) if saved else None,
            history=[SavedProfileType.of(s) for s in saved],
        )

    @strawberry.field(
        description="Propose a column profile from a trial balance file (base64), with its "
        "first rows read with it; nothing is saved."
    )
    async def detect_column_profile(
        self, info: Info, entity: str, file: ImportFileInput
    ) -> DetectedType:
        _checked(info, entity)
        try:
            data = base64.b64decode(file.content_base64, validate=True)
        except binascii.Error as error:
            raise bad_input("file.contentBase64", f"not base64: {error}") from error
        detected = await profiles.propose(
            info.context.hub, info.context.caller, entity, Source(name=file.name, data=data)
        )
        return DetectedType.of(detected)


@strawberry.type
class ColumnProfileMutation:
    @strawberry.mutation(
        description="Save an entity's column profile; it reads the entity's next CSV or Excel "
        "imports. The entity's national team, finance and admins."
    )
    async def save_column_profile(
        self, info: Info, entity: str, profile: ColumnProfileInput
    ) -> SavedProfileType:
        _checked(info, entity)
        for field, value, allowed in (
            ("kind", profile.kind, ("csv", "xlsx")),
            ("balanceSign", profile.balance_sign, ("debit-positive", "credit-positive")),
        ):
            if value not in allowed:
                raise bad_input(f"profile.{field}", f"{' or '.join(allowed)}, not {value!r}")
        try:
            converted = msgspec.convert(vars(profile), ColumnProfile)
        except msgspec.ValidationError as error:
            raise bad_input("profile", str(error)) from error
        try:
            saved = await profiles.save(info.context.hub, info.context.caller, entity, converted)
        except profiles.ProfileRefused as refused:
            raise bad_input("profile", str(refused)) from refused
        return SavedProfileType.of(saved)
