"""What a GraphQL resolver is handed: the hub, the caller, and the request's DataLoaders.

The capabilities' resolvers annotate `info: Info` with this type; the assembly
(hub/assembly/context.py) authenticates each request and builds the loaders, so this module only
names their types. It lives beside hub/services.py (the `Hub` it carries) rather than in the
vocabulary (hub/api/), because it holds capability types: the hub's parts, the caller, reported
values and source files."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg
import strawberry
from litestar.exceptions import NotAuthorizedException
from strawberry.dataloader import DataLoader
from strawberry.litestar import BaseContext

from hub.auth.policy import Principal
from hub.imports.repository import SourceFile
from hub.reporting.loaders import KpiValueKey
from hub.reporting.model import StoredFinding, Submission
from hub.services import Hub


@dataclass(slots=True)
class Loaders:
    """Created for each request, so that no cache outlives it."""

    kpi_values: DataLoader[KpiValueKey, list[asyncpg.Record]]  # repository.kpi_value_rows
    submissions: DataLoader[int, Submission]
    findings: DataLoader[int, list[StoredFinding]]
    source_files: DataLoader[int, SourceFile | None]


class HubContext(BaseContext, kw_only=True):
    hub: Hub
    principal: Principal | None
    loaders: Loaders

    @property
    def caller(self) -> Principal:
        if self.principal is None:  # only the GraphiQL page is served without a token
            raise NotAuthorizedException("a bearer token is required")
        return self.principal


Info = strawberry.Info[HubContext, None]
