"""`hub user ...`: users and their tokens from the command line, audited as `cli:<os user>`.

A token is printed alone on standard output (so `TOKEN=$(hub user token anna)` works) and its
description on standard error; every other command prints one line. Refusals exit 1 with
`error: ...`. hub/cli.py adds the group.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TypeVar

import click

from hub.auth.model import Actor, AuditEntry, Issued, TokenInfo, UserAdminError, UserInfo, day
from hub.auth.policy import Role
from hub.auth.users import UserAdmin
from hub.cli_support import fail, run
from hub.services import open_hub
from hub.settings import Settings

T = TypeVar("T")

# How each input a refusal names is called on the command line (None: the message says it).
OPTION_NAMES: dict[str, str | None] = {
    "name": None,
    "token": None,
    "role": "--role",
    "entity": "--entity",
    "expires_in_days": "--expires-in",
    "label": "--label",
    "password": None,
}

data_dir_option = click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The installation's data folder (default: $HUB_DATA_DIR, else the user's data folder).",
)
label_option = click.option("--label", default="", help="What the token is for, e.g. 'laptop'.")
expires_option = click.option(
    "--expires-in",
    "expires_in",
    type=int,
    default=None,
    metavar="DAYS",
    help="Lifetime of the token (default: tokens.default_lifetime_days in config/auth.toml).",
)


def administer(data_dir: Path | None, work: Callable[[UserAdmin], Awaitable[T]]) -> T:
    """Run `work` in one transaction with the command line as actor; a refusal exits 1."""
    settings = Settings.from_env().with_data_dir(data_dir)

    async def in_database(url: str, described: str) -> T:
        async with open_hub(settings, url, pool_size=1) as hub, hub.db.transaction() as c:
            return await work(UserAdmin.of(hub, c, Actor.command_line()))

    try:
        return run(settings, in_database)
    except UserAdminError as error:
        option = OPTION_NAMES.get(error.field)
        fail(f"{option}: {error.reason}" if option else error.reason)
        raise  # unreachable: fail() exits


def _moment(moment: dt.datetime | None, never: str = "never") -> str:
    if moment is None:
        return never
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]
    lines = [headers, *rows]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )


def print_issued(issued: Issued, what: str) -> None:
    token = issued.token
    click.echo(issued.secret)
    label = f" ({token.label})" if token.label else ""
    click.echo(
        f"{what}: token {token.id}{label} for {token.user} expires on {day(token.expires_at)}; "
        "it is shown only this once",
        err=True,
    )


@click.group()
def user() -> None:
    """Manage users and their bearer tokens (every change is audited)."""


@user.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--entity", default=None, help="The entity of a national team (e.g. DE).")
@click.option(
    "--change-role",
    is_flag=True,
    help="Change an existing user's role (and entity) instead of refusing; issues no token.",
)
@label_option
@expires_option
@data_dir_option
def add(
    name: str,
    role: str,
    entity: str | None,
    change_role: bool,
    label: str,
    expires_in: int | None,
    data_dir: Path | None,
) -> None:
    """Create a user and print its first token (once). An existing user is refused, unless
    --change-role is given: then its role changes, and its tokens stay as they are."""
    if change_role and (label or expires_in is not None):
        fail("--label and --expires-in are for a new token; --change-role issues none")

    async def work(admin: UserAdmin) -> Issued | tuple[UserInfo, str | None]:
        exists = await admin.exists(name)
        if change_role:
            if not exists:
                raise UserAdminError("name", f"no user named {name!r}; leave out --change-role")
            return await admin.change_role(name, Role(role), entity)
        if exists:
            [found] = await admin.users([name])
            raise UserAdminError(
                "name",
                f"user {name!r} already exists ({found.described_role}): add --change-role to "
                f"change its role, or run `hub user token {name}` for a new token",
            )
        return await admin.create(name, Role(role), entity, label=label, expires_in_days=expires_in)

    done = administer(data_dir, work)
    if isinstance(done, Issued):
        described = role if entity is None else f"{role} of {entity}"
        print_issued(done, f"created user {name} ({described})")
        return
    changed, before = done
    if before is None:
        click.echo(f"{name} is already {changed.described_role}: nothing changed")
    else:
        click.echo(f"{name}: role changed from {before} to {changed.described_role}")


@user.command("token")
@click.argument("name")
@label_option
@expires_option
@data_dir_option
def token(name: str, label: str, expires_in: int | None, data_dir: Path | None) -> None:
    """Issue a new token to a user and print it (once). Its other tokens stay valid."""

    async def work(admin: UserAdmin) -> Issued:
        return await admin.issue_token(name, label=label, expires_in_days=expires_in)

    print_issued(administer(data_dir, work), "issued")


@user.command("list")
@click.option("--tokens", "show_tokens", is_flag=True, help="List every token instead.")
@data_dir_option
def list_users(show_tokens: bool, data_dir: Path | None) -> None:
    """The users (name, role, entity, disabled, active tokens, last use), or their tokens."""

    async def work(admin: UserAdmin) -> list[UserInfo]:
        return await admin.users()

    users = administer(data_dir, work)
    if show_tokens:
        tokens = [t for u in users for t in u.tokens]
        click.echo(table(TOKEN_HEADERS, [_token_row(t) for t in sorted(tokens, key=_by_id)]))
        return
    click.echo(
        table(
            ("name", "role", "entity", "disabled", "tokens", "last used"),
            [
                (
                    u.name,
                    u.role.value,
                    u.entity or "",
                    "no" if u.disabled_at is None else f"since {day(u.disabled_at)}",
                    str(u.active_tokens),
                    _moment(u.last_used_at),
                )
                for u in users
            ],
        )
    )


TOKEN_HEADERS = ("id", "user", "label", "state", "created", "expires", "last used")


def _by_id(token: TokenInfo) -> int:
    return token.id


def _token_row(t: TokenInfo) -> tuple[str, ...]:
    return (
        str(t.id),
        t.user,
        t.label,
        t.state.value if t.revoked_at is None else f"revoked {day(t.revoked_at)}",
        day(t.created_at),
        day(t.expires_at),
        _moment(t.last_used_at),
    )


@user.command("revoke")
@click.argument("target", metavar="NAME|TOKEN-ID")
@data_dir_option
def revoke(target: str, data_dir: Path | None) -> None:
    """Revoke one token (by its id, see `hub user list --tokens`), or every active token of a
    user (by name). A revoked token is refused from then on."""
    if target.isdigit():

        async def one(admin: UserAdmin) -> tuple[TokenInfo, bool]:
            return await admin.revoke_token(int(target))

        revoked, now = administer(data_dir, one)
        if now or revoked.revoked_at is None:
            click.echo(f"revoked token {revoked.id} of {revoked.user}")
        else:
            click.echo(
                f"token {revoked.id} of {revoked.user} was already revoked on "
                f"{day(revoked.revoked_at)}: nothing changed"
            )
        return

    async def every(admin: UserAdmin) -> list[TokenInfo]:
        return await admin.revoke_user_tokens(target)

    tokens = administer(data_dir, every)
    ids = ", ".join(str(t.id) for t in tokens)
    click.echo(
        f"revoked {len(tokens)} token(s) of {target}: {ids}"
        if tokens
        else f"{target} has no active token: nothing revoked"
    )


def _switch(name: str, disabled: bool, data_dir: Path | None) -> None:
    async def work(admin: UserAdmin) -> tuple[UserInfo, bool]:
        return await admin.set_disabled(name, disabled)

    found, changed = administer(data_dir, work)
    state = "disabled" if disabled else "enabled"
    if not changed:
        click.echo(f"{name} is already {state}: nothing changed")
    elif disabled:
        click.echo(
            f"disabled {name}: its {found.active_tokens} active token(s) are refused until "
            f"`hub user enable {name}`"
        )
    else:
        click.echo(f"enabled {name}: its {found.active_tokens} active token(s) are accepted again")


@user.command("disable")
@click.argument("name")
@data_dir_option
def disable(name: str, data_dir: Path | None) -> None:
    """Refuse every token of a user (kept, not revoked) until it is enabled again."""
    _switch(name, True, data_dir)


@user.command("enable")
@click.argument("name")
@data_dir_option
def enable(name: str, data_dir: Path | None) -> None:
    """Accept a disabled user's tokens again (those not expired or revoked)."""
    _switch(name, False, data_dir)


@user.command("password")
@click.argument("name")
@click.option(
    "--generate",
    is_flag=True,
    help="Make up a password and print it (once) instead of asking for one.",
)
@data_dir_option
def password(name: str, generate: bool, data_dir: Path | None) -> None:
    """Set the password NAME signs in with from a browser: asked twice (not echoed), or made up
    with --generate and printed alone on standard output. Its sessions opened before end, and a
    lock-out after wrong passwords ends."""
    chosen: str | None = None
    if not generate:
        chosen = click.prompt(
            f"New password for {name}", hide_input=True, confirmation_prompt=True, err=True
        )

    async def work(admin: UserAdmin) -> str:
        return await admin.set_password(name, chosen)

    done = administer(data_dir, work)
    if generate:
        click.echo(done)
        click.echo(f"password of {name} set; it is shown only this once", err=True)
    else:
        click.echo(f"password of {name} set")


@user.command("audit")
@click.argument("name", required=False)
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
@data_dir_option
def show_audit(name: str | None, limit: int, data_dir: Path | None) -> None:
    """Who did what to which user, and when; the newest first."""

    async def work(admin: UserAdmin) -> list[AuditEntry]:
        return await admin.audit_entries(name, limit)

    entries = administer(data_dir, work)
    click.echo(
        table(
            ("when", "actor", "action", "user", "detail"),
            [(_moment(e.at), e.actor, e.action.value, e.user, e.detail) for e in entries],
        )
    )
