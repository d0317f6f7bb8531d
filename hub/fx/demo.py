"""The demo's exchange rates: the ECB excerpt shipped in hub/fx/data, imported like any file
(running it again adds nothing)."""

from __future__ import annotations

from importlib import resources

from hub.fx.model import ImportSummary
from hub.fx.service import import_ecb
from hub.services import Hub

EXCERPT = "eurofxref-hist-excerpt.csv"


def excerpt() -> bytes:
    """The ECB file excerpt (see hub/fx/data/README.md)."""
    return (resources.files("hub.fx") / "data" / EXCERPT).read_bytes()


async def load_demo_rates(hub: Hub) -> ImportSummary:
    return await import_ecb(hub, excerpt(), actor_id=None, source=f"ECB ({EXCERPT})")
