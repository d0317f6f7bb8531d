"""A graphql-core executor with a fast path for lists of plain objects.

graphql-core completes every field of every object on its own: a path, a resolve-info object,
the resolver, then the completion of the value, about 70 % of the time of a `kpiValues` answer of
thousands of rows. Most such lists are of objects whose selected fields are all leaves (scalars,
enums) read by Strawberry's default resolver (an attribute of the object). For those the fast
path reads each attribute and coerces it with its type's own `coerce_output_value`, the very
calls graphql-core ends with.

Whatever is not certain to come out the same goes the normal way: a field with a resolver of
its own, arguments, an object or list type, field extensions, middleware (extensions with a
`resolve` hook), `@defer`/`@stream`, and, per item, anything unusual (a null where none may be,
an exception, an awaitable, a value the scalar refuses) is completed by graphql-core, which then
reports the error as it always does. Visibility is not a field resolver in the hub (who may see
a figure is decided in SQL, hub/reporting/visibility.py), so nothing is skipped that guards data.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import Decimal
from itertools import repeat
from types import CoroutineType, GeneratorType
from typing import Any, TypeVar, overload

from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import AwaitableOrValue, Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.field import StrawberryField

from graphql import (
    GraphQLField,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLString,
    Undefined,
    is_leaf_type,
)

T = TypeVar("T")

# One selected field of the fast path: its response key, how to read it from the object and its
# leaf type (None, None: `__typename`), whether it may not be null, its Python name (None when
# it is not read as an attribute).
_Column = tuple[str, Callable[[Any], Any] | None, GraphQLLeafType | None, bool, str | None]


class Rows(Sequence[T]):
    """What a resolver returns for thousands of objects made from rows: the rows, and how each
    attribute comes from them. The fast path reads the selected attributes as columns without
    making the objects; anything else (graphql-core, a field with a resolver of its own) sees
    the objects, made on first use."""

    def __init__(
        self,
        rows: Sequence[Any],
        make: Callable[[Any], T],
        columns: Mapping[str, Callable[[Sequence[Any]], list[Any]]],
    ) -> None:
        self.rows = rows
        self._make = make
        self._columns = columns
        self._objects: list[T] | None = None

    def column(self, name: str) -> list[Any] | None:
        """The attribute `name` of every object, or None if it is not a column of the rows."""
        read = self._columns.get(name)
        return None if read is None else read(self.rows)

    def objects(self) -> list[T]:
        if self._objects is None:
            self._objects = list(map(self._make, self.rows))
        return self._objects

    def __len__(self) -> int:
        return len(self.rows)

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> list[T]: ...
    def __getitem__(self, index: int | slice) -> T | list[T]:
        return self.objects()[index]

    def __iter__(self) -> Iterator[T]:
        return iter(self.objects())


# What an attribute holds that cannot be an awaitable or an exception: most values, checked by
# one set look-up instead of graphql-core's awaitable test.
_PLAIN = frozenset({str, int, float, bool, Decimal})


class _Slow(Exception):
    """This item is completed by graphql-core."""


class FastListExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor, completing lists of leaf-only objects in one tight loop."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Plans by (object type, identity of the field list), the field list kept alive like
        # graphql-core's own `collect_subfields` memo does.
        self._plans: dict[tuple[GraphQLObjectType, int], tuple[object, list[_Column] | None]] = {}

    def complete_list_value(
        self,
        return_type: GraphQLList[GraphQLOutputType],
        field_details_list: FieldDetailsList,
        info: GraphQLResolveInfo[Any],
        path: Path,
        result: Any,
        position_context: Any,
    ) -> AwaitableOrValue[list[Any]]:
        item_type = return_type.of_type
        object_type = item_type.of_type if isinstance(item_type, GraphQLNonNull) else item_type
        if isinstance(result, Rows):
            if isinstance(object_type, GraphQLObjectType) and object_type.is_type_of is None:
                columns = self._plan(object_type, field_details_list, path)
                if columns is not None:
                    found = _by_columns(columns, object_type.name, result.column, len(result))
                    if found is not None:
                        return found
            result = result.objects()
        if isinstance(result, list | tuple) and isinstance(object_type, GraphQLObjectType):
            columns = self._plan(object_type, field_details_list, path)
            if columns is not None:
                return self._complete_fast(
                    columns, object_type, item_type, field_details_list, info, path, result
                )
        return super().complete_list_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def _complete_fast(
        self,
        columns: list[_Column],
        object_type: GraphQLObjectType,
        item_type: GraphQLOutputType,
        field_details_list: FieldDetailsList,
        info: GraphQLResolveInfo[Any],
        path: Path,
        items: Sequence[Any],
    ) -> AwaitableOrValue[list[Any]]:
        is_type_of = object_type.is_type_of
        type_name = object_type.name
        # Items of the type's own Python class are neither null, nor exceptions, nor awaitables:
        # one identity test instead of three.
        definition = object_type.extensions.get("strawberry-definition")
        own_class = getattr(definition, "origin", None)
        if is_type_of is None and items and set(map(type, items)) == {own_class}:
            by_columns = _by_columns(columns, type_name, _attributes(columns, items), len(items))
            if by_columns is not None:
                return by_columns
        completed: list[Any] = []
        slow: list[int] = []
        for index, item in enumerate(items):
            try:
                if type(item) is not own_class and (
                    item is None or isinstance(item, Exception) or self.is_awaitable(item)
                ):
                    raise _Slow
                if is_type_of is not None:
                    known = is_type_of(item, info)
                    if known is not True:  # False, or an awaitable: graphql-core's way
                        raise _Slow
                row: dict[str, Any] = {}
                for key, read, leaf, non_null, _name in columns:
                    if read is None or leaf is None:
                        row[key] = type_name
                        continue
                    value = read(item)
                    if value is None or value is Undefined:
                        if non_null:
                            raise _Slow
                        row[key] = None
                        continue
                    kind = type(value)
                    if kind is str and leaf is GraphQLString:
                        row[key] = value  # GraphQLString's coercion of a str is the str
                        continue
                    if kind not in _PLAIN and (
                        isinstance(value, Exception) or self.is_awaitable(value)
                    ):
                        raise _Slow
                    coerced = leaf.coerce_output_value(value)
                    if coerced is None or coerced is Undefined:
                        raise _Slow
                    row[key] = coerced
                completed.append(row)
            except Exception:  # _Slow, or what a resolver or scalar raised: graphql-core says it
                completed.append(None)
                slow.append(index)
        if not slow:
            return completed
        return self._complete_slow_items(
            completed, slow, items, item_type, field_details_list, info, path
        )

    def _complete_slow_items(
        self,
        completed: list[Any],
        slow: list[int],
        items: Sequence[Any],
        item_type: GraphQLOutputType,
        field_details_list: FieldDetailsList,
        info: GraphQLResolveInfo[Any],
        path: Path,
    ) -> AwaitableOrValue[list[Any]]:
        """The items the fast path left, completed by graphql-core (errors and all)."""
        awaitables: list[tuple[int, Any]] = []
        for index in slow:
            item_path = path.add_key(index, None)
            item = items[index]
            if self.is_awaitable(item):
                awaitables.append(
                    (
                        index,
                        self.complete_awaitable_list_item_value(
                            item, item_type, field_details_list, info, item_path, None
                        ),
                    )
                )
                continue
            one: list[Any] = []
            if self.complete_list_item_value(
                item, one, item_type, field_details_list, info, item_path, None
            ):
                awaitables.append((index, one[0]))
            else:
                completed[index] = one[0]
        if not awaitables:
            return completed

        async def settled() -> list[Any]:
            for index, awaitable in awaitables:
                completed[index] = await awaitable
            return completed

        return settled()

    def _plan(
        self, object_type: GraphQLObjectType, field_details_list: FieldDetailsList, path: Path
    ) -> list[_Column] | None:
        """The columns of the fast path, or None when this list must go graphql-core's way."""
        key = (object_type, id(field_details_list))
        known = self._plans.get(key)
        if known is not None:
            return known[1]
        columns = self._columns(object_type, field_details_list, path)
        self._plans[key] = (field_details_list, columns)
        return columns

    def _columns(
        self, object_type: GraphQLObjectType, field_details_list: FieldDetailsList, path: Path
    ) -> list[_Column] | None:
        manager = self.middleware_manager
        if (manager is not None and manager.middlewares) or self.get_stream_usage(
            field_details_list, path
        ):
            return None
        grouped_field_set, new_defer_usages, _forbidden = self.collect_subfields(
            object_type, field_details_list
        )
        if new_defer_usages:
            return None
        columns: list[_Column] = []
        for response_key, details in grouped_field_set.items():
            node = details[0].node
            name = node.name.value
            if name == "__typename":
                columns.append((response_key, None, None, True, None))
                continue
            field = object_type.fields.get(name)
            if field is None or field.args or node.arguments:
                return None
            resolve = field.resolve
            if resolve is None or not getattr(resolve, "_is_default", False):
                return None  # a resolver of its own, or field extensions
            non_null = isinstance(field.type, GraphQLNonNull)
            leaf = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
            if not is_leaf_type(leaf):
                return None
            read, python_name = _reader(field, resolve)
            columns.append((response_key, read, leaf, non_null, python_name))
        return columns


def _attributes(columns: list[_Column], items: Sequence[Any]) -> Callable[[str], list[Any] | None]:
    """Each column of `items` (objects of the type's own class) by its Python name."""
    readers = {name: read for _key, read, _leaf, _non_null, name in columns if name and read}

    def column(name: str) -> list[Any] | None:
        read = readers.get(name)
        return None if read is None else list(map(read, items))

    return column


def _by_columns(
    columns: list[_Column],
    type_name: str,
    column: Callable[[str], list[Any] | None],
    count: int,
) -> list[dict[str, Any]] | None:
    """Each selected field of all the items at once: read as one column (one C-level `map` over
    the objects, or straight from a resolver's `Rows`), checked by the set of its values'
    types, coerced by another `map`, and the rows zipped into dicts. None (the loop item by
    item decides) at the first doubt: a field that is not a column, a null where none may be,
    a value that is not plain (an enum member is), one the scalar refuses."""
    keys: list[str] = []
    values: list[list[Any]] = []
    for key, _read, leaf, non_null, name in columns:
        keys.append(key)
        if leaf is None:
            values.append([type_name] * count)
            continue
        found = None if name is None else column(name)
        if found is None:
            return None
        kinds = set(map(type, found))
        nulls = _NONE in kinds
        if nulls:
            if non_null:
                return None
            kinds.discard(_NONE)
        if not kinds <= _PLAIN and not all(_plain_kind(kind) for kind in kinds):
            return None
        if kinds == _TEXT and leaf is GraphQLString:
            values.append(found)  # GraphQLString's coercion of a str is the str
            continue
        coerce = leaf.coerce_output_value
        present = [v for v in found if v is not None] if nulls else found
        try:
            coerced = list(map(coerce, present))
        except Exception:  # a refused value: graphql-core reports it, item by item
            return None
        if None in coerced:  # refused without raising (Undefined == None too)
            return None
        if present is not found:
            given = iter(coerced)
            coerced = [None if v is None else next(given) for v in found]
        values.append(coerced)
    if not values:  # every field skipped: an empty object per item
        return [{} for _ in range(count)]
    return list(map(dict, map(zip, repeat(keys), zip(*values, strict=True))))


_NONE = type(None)
_TEXT = frozenset({str})


def _plain_kind(kind: type) -> bool:
    """Values of this type are neither exceptions nor awaitables (an enum member, say)."""
    awaitable = hasattr(kind, "__await__") or kind in (GeneratorType, CoroutineType)
    return not issubclass(kind, BaseException) and not awaitable and kind is not _UNDEFINED


_UNDEFINED = type(Undefined)


def _reader(
    field: GraphQLField, resolve: Callable[..., Any]
) -> tuple[Callable[[Any], Any], str | None]:
    """How the default resolver reads the field: Strawberry's default is `getattr` by the
    field's Python name, done here by `operator.attrgetter` without the resolver's calls."""
    definition = field.extensions.get("strawberry-definition")
    if isinstance(definition, StrawberryField) and definition.default_resolver is getattr:
        return operator.attrgetter(definition.python_name), definition.python_name
    return (lambda item: resolve(item, None)), None
