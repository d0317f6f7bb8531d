"""What a GraphQL document would cost, measured on its syntax tree before it is validated or run:
depth, aliases, estimated cost, and the length of every list it passes as an argument (written
in the query or sent as a variable).

One walk over the document; each fragment is measured once however often it is spread, so that
a document of fragments spreading fragments cannot make the measure itself slow.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLArgument,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    ListValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
)
from hub.limits.config import Limits

# Costs stop growing here: a document that multiplies lists beyond any limit keeps a number
# that prints, instead of one with hundreds of digits.
COST_CEILING = 10**12


@dataclass(frozen=True, slots=True)
class LongList:
    """A list argument longer than its limit: where it was given, what it is, its length."""

    where: str
    coordinate: str
    items: int
    limit: int


@dataclass(slots=True)
class Measure:
    depth: int = 0
    aliases: int = 0
    cost: int = 0
    # The field selected most often at one place (fragments included), and how often:
    # graphql-core compares such fields pairwise when it validates.
    repeated: str = ""
    repeats: int = 0
    long_lists: list[LongList] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Shape:
    depth: int
    cost: int
    # Response keys a selection set brings to the one it is part of: its fields, and those of
    # its inline fragments and fragment spreads. Empty for a field (its parent counts it).
    keys: Counter[str] = field(default_factory=Counter)


_EMPTY = _Shape(0, 0)


def measure(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: Mapping[str, Any] | None,
    limits: Limits,
) -> Measure:
    return _Walk(schema, document, variables or {}, limits).run()


class _Walk:
    def __init__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        variables: Mapping[str, Any],
        limits: Limits,
    ) -> None:
        self.schema = schema
        self.limits = limits
        self.variables = variables
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.operations = [
            d for d in document.definitions if isinstance(d, OperationDefinitionNode)
        ]
        self.defaults: dict[str, ValueNode] = {
            definition.variable.name.value: definition.default_value
            for operation in self.operations
            for definition in operation.variable_definitions or ()
            if definition.default_value is not None
        }
        self.fragment_shapes: dict[str, _Shape] = {}
        self.in_progress: set[str] = set()
        self.checked_variables: set[tuple[str, str]] = set()
        self.carries_lists: dict[str, bool] = {}
        self.result = Measure()

    def run(self) -> Measure:
        for operation in self.operations:
            root = self.schema.get_root_type(operation.operation)
            shape = self.selections(root, operation.selection_set)
            self.result.depth = max(self.result.depth, shape.depth)
            self.result.cost = max(self.result.cost, shape.cost)
        # Fragments no operation spreads are refused by validation; they still count here.
        for name in self.fragments:
            self.fragment(name)
        return self.result

    # -- selections: depth, aliases, cost --------------------------------------------------------

    def selections(
        self, parent: GraphQLNamedType | None, selection_set: SelectionSetNode
    ) -> _Shape:
        depth = cost = 0
        keys: Counter[str] = Counter()
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                shape = self.field(parent, selection)
                keys[(selection.alias or selection.name).value] += 1
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                shape = self.selections(inner, selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                shape = self.fragment(selection.name.value)
            else:  # pragma: no cover - the three kinds of selection
                continue
            depth = max(depth, shape.depth)
            cost = min(cost + shape.cost, COST_CEILING)
            keys.update(shape.keys)
        if keys:
            key, repeats = keys.most_common(1)[0]
            if repeats > self.result.repeats:
                self.result.repeated, self.result.repeats = key, repeats
        return _Shape(depth, cost, keys)

    def field(self, parent: GraphQLNamedType | None, node: FieldNode) -> _Shape:
        if node.alias is not None:
            self.result.aliases += 1
        name = node.name.value
        if name.startswith("__") and name != "__typename":
            # Introspection (__schema, __type) walks the schema, not the data: its nesting is
            # bounded by graphql-core's MaxIntrospectionDepthRule (one of its specified rules),
            # its size by the schema's.
            return _EMPTY
        if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            parent = None
        definition = None if parent is None else parent.fields.get(name)
        if parent is not None and definition is not None:
            for argument in node.arguments or ():
                declared = definition.args.get(argument.name.value)
                if declared is not None:
                    self.argument(parent, name, argument.name.value, declared, argument.value)
        coordinate = f"{parent.name}.{name}" if parent is not None else name
        own = self.limits.field_cost(coordinate)
        if node.selection_set is None:
            return _Shape(1, own)
        inner = get_named_type(definition.type) if definition is not None else None
        shape = self.selections(inner, node.selection_set)
        size = 1
        if definition is not None and _is_list(definition.type):
            size = self.limits.list_size(coordinate)
        return _Shape(1 + shape.depth, min(own + size * shape.cost, COST_CEILING))

    def fragment(self, name: str) -> _Shape:
        known = self.fragment_shapes.get(name)
        if known is not None:
            return known
        definition = self.fragments.get(name)
        if definition is None or name in self.in_progress:
            return _EMPTY  # unknown or cyclic fragments are refused by validation
        self.in_progress.add(name)
        shape = self.selections(
            self.schema.get_type(definition.type_condition.name.value), definition.selection_set
        )
        self.in_progress.discard(name)
        self.fragment_shapes[name] = shape
        return shape

    # -- list arguments --------------------------------------------------------------------------

    def argument(
        self,
        parent: GraphQLNamedType,
        field_name: str,
        argument_name: str,
        declared: GraphQLArgument,
        value: ValueNode,
    ) -> None:
        coordinate = f"{parent.name}.{field_name}({argument_name}:)"
        self.literal(value, declared.type, coordinate, f"{field_name}({argument_name})")

    def literal(
        self, value: ValueNode, type_: GraphQLInputType, coordinate: str, where: str
    ) -> None:
        if isinstance(value, VariableNode):
            self.variable(value.name.value, type_, coordinate)
            return
        if not self.has_lists(type_):
            return
        nullable = get_nullable_type(type_)
        if isinstance(nullable, GraphQLList):
            if not isinstance(value, ListValueNode):
                self.literal(value, nullable.of_type, coordinate, where)
            elif self.within(where, coordinate, len(value.values)) and self.has_lists(
                nullable.of_type
            ):
                for item in value.values:
                    self.literal(item, nullable.of_type, coordinate, where)
        elif isinstance(nullable, GraphQLInputObjectType) and isinstance(value, ObjectValueNode):
            for entry in value.fields:
                declared = nullable.fields.get(entry.name.value)
                if declared is not None:
                    self.literal(
                        entry.value,
                        declared.type,
                        f"{nullable.name}.{entry.name.value}",
                        f"{where}.{entry.name.value}",
                    )

    def variable(self, name: str, type_: GraphQLInputType, coordinate: str) -> None:
        if (name, coordinate) in self.checked_variables:
            return
        self.checked_variables.add((name, coordinate))
        if name in self.variables:
            self.raw(self.variables[name], type_, coordinate, f"${name}")
        elif name in self.defaults:
            self.literal(self.defaults[name], type_, coordinate, f"${name}")

    def raw(self, value: Any, type_: GraphQLInputType, coordinate: str, where: str) -> None:
        """A variable's value as decoded from JSON, walked along the type it is used as."""
        if not self.has_lists(type_):
            return
        nullable = get_nullable_type(type_)
        if isinstance(nullable, GraphQLList):
            if not isinstance(value, list):
                self.raw(value, nullable.of_type, coordinate, where)
            elif self.within(where, coordinate, len(value)) and self.has_lists(nullable.of_type):
                for index, item in enumerate(value):
                    self.raw(item, nullable.of_type, coordinate, f"{where}[{index}]")
        elif isinstance(nullable, GraphQLInputObjectType) and isinstance(value, dict):
            for key, item in value.items():
                declared = nullable.fields.get(key)
                if declared is not None:
                    self.raw(item, declared.type, f"{nullable.name}.{key}", f"{where}.{key}")

    def within(self, where: str, coordinate: str, items: int) -> bool:
        limit = self.limits.max_items(coordinate)
        if items <= limit:
            return True
        self.result.long_lists.append(LongList(where, coordinate, items, limit))
        return False

    def has_lists(self, type_: GraphQLInputType) -> bool:
        """Whether a value of this type can hold a list: most inputs cannot, and their values
        are not walked at all."""
        if _is_list(type_):
            return True
        named = get_named_type(type_)
        if not isinstance(named, GraphQLInputObjectType):
            return False
        known = self.carries_lists.get(named.name)
        if known is None:
            self.carries_lists[named.name] = False  # input types may refer to themselves
            known = any(self.has_lists(f.type) for f in named.fields.values())
            self.carries_lists[named.name] = known
        return known


def _is_list(type_: Any) -> bool:
    return isinstance(type_.of_type if isinstance(type_, GraphQLNonNull) else type_, GraphQLList)
