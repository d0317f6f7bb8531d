"""The GraphQL schema: the capabilities' queries and mutations merged into one."""

from __future__ import annotations

from decimal import Decimal
from functools import partial

from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from hub.api.errors import HubSchema
from hub.api.execution import FastListExecutor
from hub.api.input_text import InputText
from hub.api.scalars import (
    DecimalListScalar,
    DecimalMatrixScalar,
    DecimalScalar,
    IntListScalar,
    IntMatrixScalar,
    StringListScalar,
    StringMatrixScalar,
)
from hub.auth.graphql import UserMutation, UserQuery
from hub.board.graphql import (
    BoardQuery,
    DecimalList,
    DecimalMatrix,
    IntList,
    IntMatrix,
    StringList,
    StringMatrix,
)
from hub.breakeven.graphql import BreakEvenQuery
from hub.consolidation.graphql import ConsolidationMutation, ConsolidationQuery
from hub.consolidation.register.graphql import RegisterMutation, RegisterQuery
from hub.contributions.graphql import ContributionQuery
from hub.federation.graphql import FederationMutation, FederationQuery
from hub.federation.status_graphql import FederationStatusQuery
from hub.fx.graphql import FxMutation, FxQuery
from hub.imports.graphql import ImportMutation
from hub.imports.profile_graphql import ColumnProfileMutation, ColumnProfileQuery
from hub.investments.graphql import InvestmentMutation, InvestmentQuery
from hub.limits.config import Limits
from hub.limits.documents import DocumentCache
from hub.limits.extension import RequestLimitsExtension
from hub.mappings.graphql import MappingMutation, MappingQuery
from hub.node.graphql import NodeMutation, NodeQuery
from hub.registry.graphql import RegistryQuery
from hub.reporting.graphql import ReportingMutation, ReportingQuery
from hub.reporting.status_graphql import ReportingStatusQuery

Query = merge_types(
    "Query",
    (
        RegistryQuery,
        ReportingQuery,
        ReportingStatusQuery,
        FxQuery,
        ConsolidationQuery,
        RegisterQuery,
        ContributionQuery,
        InvestmentQuery,
        BreakEvenQuery,
        BoardQuery,
        UserQuery,
        ColumnProfileQuery,
        MappingQuery,
        FederationQuery,
        FederationStatusQuery,
        NodeQuery,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        ReportingMutation,
        FxMutation,
        ConsolidationMutation,
        RegisterMutation,
        ImportMutation,
        ColumnProfileMutation,
        InvestmentMutation,
        UserMutation,
        MappingMutation,
        FederationMutation,
        NodeMutation,
    ),
)


def build_schema(
    limits: Limits | None = None, *, cache_documents: bool = True, fast_lists: bool = True
) -> HubSchema:
    """The schema; with `limits`, every request is checked against them before it runs, and
    the documents that pass are kept parsed and validated (`cache_documents`). `fast_lists`:
    lists of plain objects completed by the fast path of hub/api/execution.py."""
    return HubSchema(
        execution_context_class=FastListExecutor if fast_lists else None,
        query=Query,
        mutation=Mutation,
        extensions=[
            *(
                []
                if limits is None
                else [
                    partial(
                        RequestLimitsExtension,
                        limits=limits,
                        documents=DocumentCache() if cache_documents else None,
                    )
                ]
            ),
            InputText,
        ],
        config=StrawberryConfig(
            scalar_map={
                Decimal: DecimalScalar,
                DecimalList: DecimalListScalar,
                IntList: IntListScalar,
                DecimalMatrix: DecimalMatrixScalar,
                IntMatrix: IntMatrixScalar,
                StringList: StringListScalar,
                StringMatrix: StringMatrixScalar,
            }
        ),
    )


def schema_sdl() -> str:
    """The SDL committed as `graphql/schema.graphql`."""
    return build_schema().as_str() + "\n"
