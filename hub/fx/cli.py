"""`hub rates import-ecb FILE`: import the ECB's eurofxref-hist.csv from the command line.
hub/cli.py adds the group."""

from __future__ import annotations

from pathlib import Path

import click

from hub.cli_support import fail, run
from hub.fx.ecb import EcbFormatError
from hub.fx.model import ImportSummary
from hub.fx.service import RateInputError, import_ecb
from hub.services import open_hub
from hub.settings import Settings
from hub.signoff import Locked


def describe(summary: ImportSummary) -> str:
    if not summary.days:
        return "The file has no rates: nothing imported."
    text = (
        f"Imported {summary.days:,} days ({summary.first_day} to {summary.last_day}) of "
        f"{len(summary.currencies)} currencies: {summary.daily_rates:,} daily rates, "
        f"{summary.daily_added:,} new"
    )
    if summary.daily_differing:
        text += f" ({summary.daily_differing:,} differ from those stored, which are kept)"
    text += (
        f"; {summary.derived:,} closing, average and opening rates, {summary.added:,} added, "
        f"{summary.unchanged:,} unchanged"
    )
    if summary.kept_overrides:
        text += f", {summary.kept_overrides:,} left to the rates entered by hand"
    return text + "."


@click.group()
def rates() -> None:
    """Exchange rates."""


@rates.command("import-ecb")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The installation's data folder (default: $HUB_DATA_DIR, else the user's data folder).",
)
def import_ecb_command(file: Path, data_dir: Path | None) -> None:
    """Import the ECB's euro reference rates file (eurofxref-hist.csv): its daily rates and the
    monthly, quarterly and yearly closing, average and opening rates derived from them."""
    settings = Settings.from_env().with_data_dir(data_dir)
    data = file.read_bytes()

    async def work(url: str, described: str) -> ImportSummary:
        async with open_hub(settings, url, pool_size=1) as hub:
            return await import_ecb(hub, data, actor_id=None, source=f"ECB ({file.name})")

    try:
        summary = run(settings, work)
    except (EcbFormatError, RateInputError, Locked) as error:
        fail(f"{file}: {error}")
        raise  # unreachable: fail() exits
    click.echo(describe(summary))
