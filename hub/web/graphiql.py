"""The GraphiQL page, served at GET /graphql where it is enabled (`hub serve --graphiql`,
HUB_GRAPHIQL=1, always in `hub demo`). GraphiQL and React are the npm packages' own files, kept
in static/graphiql/ with their licences (versions and checksums in static/graphiql/SOURCES.txt);
the page loads nothing from elsewhere."""

from __future__ import annotations

from pathlib import Path

from litestar import MediaType, Response

PAGE = (Path(__file__).resolve().parent / "graphiql.html").read_text(encoding="utf-8")

# GraphiQL's styles set inline style attributes (editor layout, tooltips); its scripts and its
# queries go nowhere but the hub. Fonts and icons are data: URLs inside its stylesheet.
POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)

GRAPHIQL_OFF = (
    "GraphiQL is off on this hub: start it with `hub serve --graphiql` (or HUB_GRAPHIQL=1) to "
    "use the page; the API answers POST /graphql"
)


def graphiql_page() -> Response[str]:
    return Response(PAGE, media_type=MediaType.HTML, headers={"Content-Security-Policy": POLICY})
