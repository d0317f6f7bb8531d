"""One way to carry a value across the GraphQL edge: a GraphQL type from a domain model, or a
domain model from a GraphQL input, field by like-named field. Only what differs is written out:
the amounts shown rounded (`presented`) and any field computed or nested (`overrides`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any, TypeVar

from hub.api.presentation import present

T = TypeVar("T")


def _field_names(cls: type[Any]) -> tuple[str, ...]:
    struct_fields: tuple[str, ...] | None = getattr(cls, "__struct_fields__", None)
    if struct_fields is not None:  # a msgspec.Struct
        return struct_fields
    return tuple(f.name for f in dataclasses.fields(cls) if f.init)  # a strawberry type or input


def from_model(
    cls: type[T], *sources: object, presented: Iterable[str] = (), **overrides: Any
) -> T:
    """`cls` with each field taken from the first of `sources` that has an attribute of its name
    (a field none has must be in `overrides`); the fields named in `presented` rounded for
    showing, and `overrides` as given."""
    shown = set(presented)
    values: dict[str, Any] = {}
    for name in _field_names(cls):
        if name in overrides:
            continue
        source = next((s for s in sources if hasattr(s, name)), None)
        if source is None:
            continue  # the class's default applies, or construction names the missing field
        value = getattr(source, name)
        values[name] = present(value) if name in shown else value
    return cls(**values, **overrides)
