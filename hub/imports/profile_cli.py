"""`hub import-profile detect FILE --entity BE` proposes a column profile and shows the first rows
read with it; `hub import-profile save --entity BE --user NAME --from-detect FILE` (or `--json
FILE`, a profile as `detect --json` prints it) saves one for the entity's next imports."""

from __future__ import annotations

from pathlib import Path

import click
import msgspec

from hub.auth.policy import AccessDenied
from hub.auth.users import principal_by_name
from hub.cli_support import fail, run
from hub.imports import profiles
from hub.imports.detect import Detected, detect, sample_of
from hub.imports.formats import Source
from hub.imports.profile import ColumnProfile
from hub.imports.service import ImportRefused
from hub.services import open_hub
from hub.settings import Settings

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def _proposal(path: Path) -> Detected:
    return detect(sample_of(Source(name=path.name, path=path)), path.name)


def _print(entity: str, detected: Detected) -> None:
    if detected.profile is None:
        click.echo(f"{entity}: no profile could be proposed")
    else:
        click.echo(f"{entity}: proposed column profile")
        for key, value in msgspec.structs.asdict(detected.profile).items():
            if value is not None:
                click.echo(f"  {key.replace('_', ' ')}: {value!r}")
    for note in detected.notes:
        click.echo(f"  detected: {note}")
    for item in detected.undecided:
        click.secho(f"  undecided: {item}", fg="yellow")
    if detected.preview:
        click.echo("  first rows read with it (balance, debit positive):")
    for row in detected.preview:
        read = f"{row.account} {row.name or ''} {row.amount}".rstrip()
        partner = f" partner {row.partner}" if row.partner else ""
        click.echo(f"    line {row.line}: {row.problem or read + partner}")


@click.group("import-profile")
def import_profile() -> None:
    """The column profiles of CSV and Excel trial balance imports."""


@import_profile.command("detect")
@click.argument("file", type=_FILE)
@click.option("--entity", required=True, help="The entity the file is of, e.g. BE.")
@click.option("--json", "as_json", is_flag=True, help="Print the proposed profile as JSON.")
def detect_command(file: Path, entity: str, as_json: bool) -> None:
    """Propose a column profile for FILE and show its first rows read with it; nothing is saved."""
    detected = _proposal(file)
    if as_json:
        if detected.profile is None:
            _print(entity, detected)
            raise SystemExit(1)
        click.echo(msgspec.json.encode(detected.profile).decode())
        return
    _print(entity, detected)


@import_profile.command("save")
@click.option("--entity", required=True, help="The entity, e.g. BE.")
@click.option("--user", "user_name", required=True, help="Who saves it (national team, finance).")
@click.option("--from-detect", "sample", type=_FILE, help="Save the profile proposed for a file.")
@click.option("--json", "json_file", type=_FILE, help="Save the profile in a JSON file.")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The installation's data folder (default: $HUB_DATA_DIR, else the user's data folder).",
)
def save_command(
    entity: str,
    user_name: str,
    sample: Path | None,
    json_file: Path | None,
    data_dir: Path | None,
) -> None:
    """Save the entity's column profile: the proposal for a file, or one written as JSON."""
    if (sample is None) == (json_file is None):
        fail("give --from-detect FILE or --json FILE")
    if sample is not None:
        detected = _proposal(sample)
        if detected.profile is None:
            _print(entity, detected)
            fail(f"no profile could be proposed for {sample.name}: write one as JSON")
        profile = detected.profile
    else:
        assert json_file is not None
        try:
            profile = msgspec.json.decode(json_file.read_bytes(), type=ColumnProfile)
        except msgspec.DecodeError as error:
            fail(f"{json_file.name}: not a column profile: {error}")
    assert profile is not None
    settings = Settings.from_env().with_data_dir(data_dir)

    async def work(url: str, described: str) -> int:
        async with open_hub(settings, url, pool_size=2) as hub:
            async with hub.db.pool.acquire() as connection:
                principal = await principal_by_name(connection, user_name)
            if principal is None:
                fail(f"no user {user_name!r} (or it is disabled): see `hub user list`")
            assert principal is not None
            try:
                saved = await profiles.save(hub, principal, entity, profile)
            except (ImportRefused, AccessDenied, profiles.ProfileRefused) as refused:
                fail(str(refused))
                raise
            return saved.id

    saved_id = run(settings, work)
    click.echo(f"Saved the column profile of {entity} (#{saved_id}); it reads its next imports")
