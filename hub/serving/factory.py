"""The app of a worker process of `hub serve --workers N`: uvicorn starts each worker from an
import string, so the worker reads its settings from the environment the parent set (the
database's URL included: the parent's embedded PostgreSQL, or HUB_DATABASE_URL)."""

from __future__ import annotations

from litestar import Litestar

from hub.assembly.app import create_app
from hub.serving.balance import from_env
from hub.serving.recycle import ConnectionRecycler
from hub.settings import Settings

IMPORT_STRING = "hub.serving.factory:app_from_env"


def app_from_env() -> Litestar:
    settings = Settings.from_env()
    if settings.database_url is None:
        raise RuntimeError("a worker of `hub serve` is started with HUB_DATABASE_URL set")
    # the workers share the load: keep-alive connections are recycled, and handed on by a
    # worker that carries more than its share
    recycler = ConnectionRecycler(loads=from_env())
    return create_app(settings, settings.database_url, outer=[recycler.middleware])
