"""The pages of the hub and the role each is for, as `hub demo`'s banner lists them (the pages'
own header, static/js/header.js, lists the same for the browser)."""

from __future__ import annotations

from dataclasses import dataclass

from hub.auth.policy import Role


@dataclass(frozen=True, slots=True)
class Page:
    path: str
    what: str


SIGN_IN = Page("/sign-in", "sign in with a user name and password")
DASHBOARD = Page("/", "the board's dashboard")

# The page a user of each role lands on after signing in.
FIRST_PAGE: dict[Role, Page] = {
    Role.BOARD: DASHBOARD,
    Role.NATIONAL: Page("/team", "the team's reports: what is due, upload, submit"),
    Role.FINANCE: Page(
        "/finance", "who has reported what, rates, consolidation, mappings, ownership"
    ),
    Role.ADMIN: Page("/admin", "users, passwords and tokens"),
}
