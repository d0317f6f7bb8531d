"""`hub import FORMAT FILE... --entity XX --period YYYY --user NAME`: a national export read and
saved as a draft version, on the server, with a progress bar for large files."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from hub.auth.users import principal_by_name
from hub.cli_support import fail, run
from hub.imports.formats import Source
from hub.imports.service import ImportRefused, ImportReport, import_ledger
from hub.services import open_hub
from hub.settings import Settings


def _print(report: ImportReport) -> None:
    verdict = f"{report.outcome}: version {report.version}" if report.accepted else report.outcome
    click.echo(
        f"{report.entity} {report.period} ({report.format}): {verdict}; {report.accounts} "
        f"accounts, {report.derived_from or 'not read'}"
        + (f", from {report.program}" if report.program else "")
    )
    for problem in report.problems:
        where = ", ".join(
            part
            for part in (
                None if problem.line is None else f"line {problem.line}",
                None if problem.column is None else f"field {problem.column}",
                None if problem.account is None else f"account {problem.account}",
            )
            if part
        )
        click.secho(
            f"  error: {where + ': ' if where else ''}{problem.message}", fg="red", err=True
        )
    for finding in report.findings:
        account = f"account {finding.account}: " if finding.account else ""
        click.echo(f"  {finding.severity}: {account}{finding.message}")
    for unmapped in report.unmapped:
        reason = f" ({unmapped.reason})" if unmapped.reason else ""
        name = f" {unmapped.name}" if unmapped.name else ""
        click.echo(f"  unmapped: {unmapped.account}{name} {unmapped.balance}{reason}")
    for note in report.notes:
        click.echo(f"  note: {note}")


@click.command("import")
@click.argument("format_name", metavar="FORMAT", type=click.Choice(["sie", "datev", "csv"]))
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--entity", required=True, help="The entity the export is of, e.g. SE.")
@click.option("--period", required=True, help="The period, e.g. 2024 or 2024-Q3.")
@click.option("--user", "user_name", required=True, help="The national-team user it is saved as.")
@click.option("--comment", default=None, help="Kept with the version (default: the file names).")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The installation's data folder (default: $HUB_DATA_DIR, else the user's data folder).",
)
def import_command(
    format_name: str,
    files: tuple[Path, ...],
    entity: str,
    period: str,
    user_name: str,
    comment: str | None,
    data_dir: Path | None,
) -> None:
    """Read a national export (SIE, DATEV, CSV) and save its trial balance as a draft version of
    the entity's STATEMENTS report; every problem is printed with its line."""
    settings = Settings.from_env().with_data_dir(data_dir)
    total = sum(path.stat().st_size for path in files)

    async def work(url: str, described: str) -> ImportReport:
        async with open_hub(settings, url, pool_size=2) as hub:
            async with hub.db.pool.acquire() as connection:
                principal = await principal_by_name(connection, user_name)
            if principal is None:
                fail(f"no user {user_name!r} (or it is disabled): see `hub user list`")
            assert principal is not None
            with click.progressbar(
                length=total, label=f"Reading {files[0].name}", file=sys.stderr
            ) as bar:
                seen = [0]

                def progress(done: int) -> None:
                    bar.update(done - seen[0])
                    seen[0] = done

                try:
                    return await import_ledger(
                        hub,
                        principal,
                        entity,
                        period,
                        format_name,
                        [Source(name=path.name, path=path) for path in files],
                        progress=progress,
                        comment=comment,
                    )
                except ImportRefused as refused:
                    fail(str(refused))
                    raise

    report = run(settings, work)
    _print(report)
    if not report.accepted:
        sys.exit(1)
