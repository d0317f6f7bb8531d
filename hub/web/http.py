"""The dashboard's routes: the page at `/`, its assets under `/static/`. Everything the page
needs is served from here (no CDN: the hub runs offline); its data comes from `/graphql`."""

from __future__ import annotations

from pathlib import Path

from litestar import MediaType, get
from litestar.datastructures import CacheControlHeader
from litestar.response import File
from litestar.static_files import create_static_files_router
from litestar.types import ControllerRouterHandler

STATIC = Path(__file__).resolve().parent / "static"

# The page loads nothing but its own files and talks to nothing but the hub.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


@get("/", include_in_schema=False, name="web-dashboard")
async def dashboard() -> File:
    return File(
        STATIC / "index.html",
        filename="index.html",
        media_type=MediaType.HTML,
        content_disposition_type="inline",
        headers=SECURITY_HEADERS,
    )


@get("/team", include_in_schema=False, name="web-team")
async def team() -> File:
    """The national team's page; its script sends a visitor who is not signed in to /sign-in."""
    return File(
        STATIC / "team.html",
        filename="team.html",
        media_type=MediaType.HTML,
        content_disposition_type="inline",
        headers=SECURITY_HEADERS,
    )


assets = create_static_files_router(
    path="/static",
    directories=[STATIC],
    name="web-static",
    # Revalidated on each load, so that a new hub version's scripts are picked up at once.
    cache_control=CacheControlHeader(no_cache=True),
)

WEB_ROUTES: list[ControllerRouterHandler] = [dashboard, team, assets]
