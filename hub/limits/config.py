"""`config/limits.toml`: the bounds of a GraphQL request, decoded into frozen Structs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import msgspec

from graphql import (
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLType,
)
from hub.registry.load import ConfigError, decode_toml

Count = Annotated[int, msgspec.Meta(ge=1)]
Seconds = Annotated[float, msgspec.Meta(gt=0)]

FILE_NAME = "limits.toml"


class QueryLimits(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    max_depth: Count
    max_aliases: Annotated[int, msgspec.Meta(ge=0)]
    max_field_repeats: Count
    max_tokens: Count
    max_cost: Count
    default_list_size: Count
    # "Type.field" of a list field -> the number of items it is assumed to return.
    list_sizes: dict[str, Count] = {}
    # "Type.field" -> its own cost instead of 1: fields that compute much from many rows.
    field_costs: dict[str, Count] = {}


class ListLimits(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    default_max_items: Count
    # "Type.field(argument:)" or "InputType.field" -> the most items that list may hold.
    max_items: dict[str, Count] = {}


class RequestLimits(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    max_body_bytes: Count
    max_seconds: Seconds


class DatabaseLimits(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    statement_timeout_seconds: Seconds


class Limits(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    query: QueryLimits
    lists: ListLimits
    request: RequestLimits
    database: DatabaseLimits

    def list_size(self, coordinate: str) -> int:
        return self.query.list_sizes.get(coordinate, self.query.default_list_size)

    def field_cost(self, coordinate: str) -> int:
        return self.query.field_costs.get(coordinate, 1)

    def max_items(self, coordinate: str) -> int:
        return self.lists.max_items.get(coordinate, self.lists.default_max_items)


def load_limits(config_dir: Path) -> Limits:
    path = config_dir / FILE_NAME
    return decode_toml(path, Limits)


def check_coordinates(config_dir: Path, limits: Limits, schema: GraphQLSchema) -> None:
    """Every field or argument the file names must be a list of the schema: a misspelt name
    would otherwise leave its list at the default without a word."""
    problems = [
        *(
            f"query.list_sizes.{key!r}: {reason}"
            for key in limits.query.list_sizes
            if (reason := _output_problem(schema, key, list_only=True)) is not None
        ),
        *(
            f"query.field_costs.{key!r}: {reason}"
            for key in limits.query.field_costs
            if (reason := _output_problem(schema, key, list_only=False)) is not None
        ),
        *(
            f"lists.max_items.{key!r}: {reason}"
            for key in limits.lists.max_items
            if (reason := _input_list_problem(schema, key)) is not None
        ),
    ]
    if problems:
        raise ConfigError(config_dir / FILE_NAME, problems)


def _is_list(type_: GraphQLType) -> bool:
    return isinstance(type_.of_type if isinstance(type_, GraphQLNonNull) else type_, GraphQLList)


def _output_problem(schema: GraphQLSchema, coordinate: str, *, list_only: bool) -> str | None:
    type_name, _, field_name = coordinate.partition(".")
    owner = schema.get_type(type_name)
    if not isinstance(owner, GraphQLObjectType | GraphQLInterfaceType):
        return f"no object type {type_name!r} in the schema (expected 'Type.field')"
    field = owner.fields.get(field_name)
    if field is None:
        return f"{type_name} has no field {field_name!r}"
    return None if not list_only or _is_list(field.type) else f"{coordinate} is not a list"


def _input_list_problem(schema: GraphQLSchema, coordinate: str) -> str | None:
    head, _, argument = coordinate.partition("(")
    type_name, _, field_name = head.partition(".")
    owner = schema.get_type(type_name)
    if argument:
        if not argument.endswith(":)"):
            return "an argument is written 'Type.field(argument:)'"
        if not isinstance(owner, GraphQLObjectType | GraphQLInterfaceType):
            return f"no object type {type_name!r} in the schema"
        field = owner.fields.get(field_name)
        if field is None:
            return f"{type_name} has no field {field_name!r}"
        found = field.args.get(argument[:-2])
        if found is None:
            return f"{head} has no argument {argument[:-2]!r}"
        return None if _is_list(found.type) else f"{coordinate} is not a list"
    if not isinstance(owner, GraphQLInputObjectType):
        return f"no input type {type_name!r} in the schema (expected 'Input.field')"
    input_field = owner.fields.get(field_name)
    if input_field is None:
        return f"{type_name} has no field {field_name!r}"
    return None if _is_list(input_field.type) else f"{coordinate} is not a list"
