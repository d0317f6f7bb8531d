"""GraphQL for national exports: import one (the file base64-encoded, within the /graphql body
limit; larger files go through REST or the `hub import` command), and where a version came
from."""

from __future__ import annotations

import base64
import binascii
from decimal import Decimal

import strawberry

from hub.api.errors import bad_input
from hub.context import Info
from hub.imports import repository
from hub.imports.formats import Source
from hub.imports.service import ImportRefused, ImportReport, Located, import_ledger


@strawberry.type(name="ImportLocated", description="A problem or a finding, said where.")
class LocatedType:
    severity: str
    line: int | None = strawberry.field(description="The file's line (problems of the file).")
    column: int | None
    account: str | None = strawberry.field(description="The account (validation findings).")
    rule: str | None
    message: str


@strawberry.type(name="ImportUnmapped")
class UnmappedType:
    account: str
    name: str | None
    balance: Decimal
    reason: str | None = strawberry.field(description="The chart's, when it leaves it out.")


@strawberry.type(name="ImportReport")
class ImportReportType:
    accepted: bool
    entity: str
    period: str
    format: str
    outcome: str = strawberry.field(
        description="saved, unchanged, replayed, refused (the file), rejected (validation), "
        "conflict"
    )
    version: int | None
    problems: list[LocatedType]
    findings: list[LocatedType]
    unmapped: list[UnmappedType]
    accounts: int
    derived_from: str | None
    program: str | None
    sha256: str
    notes: list[str]

    @classmethod
    def of(cls, report: ImportReport) -> ImportReportType:
        return cls(
            accepted=report.accepted,
            entity=report.entity,
            period=report.period,
            format=report.format,
            outcome=report.outcome,
            version=report.version,
            problems=[_located(p) for p in report.problems],
            findings=[_located(f) for f in report.findings],
            unmapped=[
                UnmappedType(account=u.account, name=u.name, balance=u.balance, reason=u.reason)
                for u in report.unmapped
            ],
            accounts=report.accounts,
            derived_from=report.derived_from,
            program=report.program,
            sha256=report.sha256,
            notes=report.notes,
        )


def _located(item: Located) -> LocatedType:
    return LocatedType(
        severity=item.severity,
        line=item.line,
        column=item.column,
        account=item.account,
        rule=item.rule,
        message=item.message,
    )


@strawberry.type(name="SourceFile", description="The national export a version was read from.")
class SourceFileType:
    format: str
    program: str | None
    program_version: str | None
    organisation_number: str | None
    company: str | None
    file_names: list[str]
    sha256: str
    size_bytes: int
    derived_from: str
    notes: list[str]

    @classmethod
    def of(cls, source: repository.SourceFile) -> SourceFileType:
        return cls(
            format=source.format,
            program=source.program,
            program_version=source.program_version,
            organisation_number=source.organisation_number,
            company=source.company,
            file_names=list(source.file_names),
            sha256=source.sha256,
            size_bytes=source.size_bytes,
            derived_from=source.derived_from,
            notes=list(source.notes),
        )


@strawberry.input
class ImportFileInput:
    name: str
    content_base64: str


@strawberry.input
class ImportInput:
    entity: str
    period: str
    format: str = strawberry.field(description="sie, datev or csv (the entity's formats).")
    files: list[ImportFileInput]
    comment: str | None = None


@strawberry.type
class ImportMutation:
    @strawberry.mutation(
        description="Read a national export (SIE, DATEV, a CSV or Excel trial balance) and save "
        "its trial balance as a draft version of the STATEMENTS report. National teams, own "
        "entity."
    )
    async def import_ledger(self, info: Info, input: ImportInput) -> ImportReportType:
        sources = []
        for index, item in enumerate(input.files):
            try:
                data = base64.b64decode(item.content_base64, validate=True)
            except binascii.Error as error:
                raise bad_input(
                    f"input.files[{index}].contentBase64", f"not base64: {error}"
                ) from error
            sources.append(Source(name=item.name, data=data))
        if not sources:
            raise bad_input("input.files", "give at least one file")
        try:
            report = await import_ledger(
                info.context.hub,
                info.context.caller,
                input.entity,
                input.period,
                input.format,
                sources,
                comment=input.comment,
            )
        except ImportRefused as refused:
            raise bad_input("input", str(refused)) from refused
        return ImportReportType.of(report)
