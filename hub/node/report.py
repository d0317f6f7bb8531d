"""The node's latest version of a report, read from its database as an envelope carries it:
statements (group lines, trial balance, comment) or KPI values (and comment), with the SHA-256
of the national export it was imported from, if it was."""

from __future__ import annotations

from dataclasses import dataclass

from hub.db.pool import Connection, plain
from hub.federation.envelope import KpiReport, ReportBody, StatementsReport
from hub.imports.repository import sources
from hub.reporting import repository
from hub.reporting.model import (
    Dataset,
    KpiValueIn,
    Provenance,
    StatementLineIn,
    TrialBalanceLineIn,
)


@dataclass(frozen=True, slots=True)
class LatestVersion:
    submission_id: int
    version: int
    report: ReportBody
    source_sha256: str | None


async def _statements(connection: Connection, submission_id: int, period: str) -> StatementsReport:
    lines = await connection.fetch(
        "select line_code, amount, currency from statement_line where submission_id = $1 "
        "order by line_code",
        submission_id,
    )
    rows = await connection.fetch(
        "select account_code, label, amount, currency, partner_entity from tb_line "
        "where submission_id = $1 order by position",
        submission_id,
    )
    comment: str | None = await connection.fetchval(
        "select comment from submission where id = $1", submission_id
    )
    return StatementsReport(
        period=period,
        lines=tuple(
            StatementLineIn(line=r["line_code"], amount=plain(r["amount"]), currency=r["currency"])
            for r in lines
        ),
        trial_balance=tuple(
            TrialBalanceLineIn(
                account=r["account_code"],
                amount=plain(r["amount"]),
                currency=r["currency"],
                label=r["label"],
                partner=r["partner_entity"],
            )
            for r in rows
        ),
        comment=comment,
    )


async def _kpis(connection: Connection, submission_id: int, period: str) -> KpiReport:
    rows = await connection.fetch(
        "select kpi_code, amount, currency, provenance, note from kpi_value "
        "where submission_id = $1 order by kpi_code",
        submission_id,
    )
    comment: str | None = await connection.fetchval(
        "select comment from submission where id = $1", submission_id
    )
    return KpiReport(
        period=period,
        values=tuple(
            KpiValueIn(
                kpi=r["kpi_code"],
                amount=plain(r["amount"]),
                currency=r["currency"],
                provenance=Provenance(r["provenance"]),
                note=r["note"],
            )
            for r in rows
        ),
        comment=comment,
    )


async def latest_version(
    connection: Connection, entity: str, period: str, dataset: Dataset
) -> LatestVersion | None:
    """`period` as the hub writes it (hub.reporting.period)."""
    found = await repository.latest_submission_id(connection, entity, period, dataset)
    if found is None:
        return None
    submission_id, version = found
    report: ReportBody = (
        await _kpis(connection, submission_id, period)
        if dataset is Dataset.KPI
        else await _statements(connection, submission_id, period)
    )
    source = (await sources(connection, [submission_id])).get(submission_id)
    return LatestVersion(
        submission_id=submission_id,
        version=version,
        report=report,
        source_sha256=None if source is None else source.sha256,
    )
