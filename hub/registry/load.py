"""Read `network.toml` into a `Registry`; every problem is reported with file, key and reason."""

from __future__ import annotations

import hashlib
import itertools
import re
import tomllib
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

import msgspec

from hub.registry.model import (
    ConsolidationMethod,
    ContributionComponent,
    ContributionRule,
    EntityConfig,
    NetworkConfig,
)
from hub.registry.registry import Registry

T = TypeVar("T")


class ConfigError(Exception):
    """A config file that cannot be used; the message lists every problem found."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        lines = "\n".join(f"  {path}: {problem}" for problem in problems)
        super().__init__(f"invalid configuration in {path}:\n{lines}")


_MSGSPEC_PATH = re.compile(r"^(?P<reason>.*?) - at `\$\.?(?P<key>[^`]*)`$")


def decode_error(error: msgspec.ValidationError) -> str:
    """msgspec says 'reason - at `$.entities[2].currency`'; say 'entities[2].currency: reason'."""
    match = _MSGSPEC_PATH.match(str(error))
    if match is None:
        return str(error)
    return f"{match['key'] or '(top level)'}: {match['reason']}"


def decode_toml(path: Path, struct: type[T], *, parse_float: Callable[[str], object] = float) -> T:
    """The file decoded into `struct` (strict: unknown keys refused), or a `ConfigError` that
    names the file, the key and the reason."""
    return decode_toml_text(path, read_config(path).decode("utf-8"), struct, parse_float)


def read_config(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise ConfigError(path, [f"cannot read the file: {error.strerror}"]) from error


def decode_toml_text(
    path: Path, text: str, struct: type[T], parse_float: Callable[[str], object] = float
) -> T:
    """`decode_toml` of a text already read from `path`."""
    try:
        raw = tomllib.loads(text, parse_float=parse_float)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(path, [f"not valid TOML: {error}"]) from error
    try:
        return msgspec.convert(raw, struct)
    except msgspec.ValidationError as error:
        raise ConfigError(path, [decode_error(error)]) from error


def load_registry(path: Path) -> Registry:
    """The file is read once: the registry keeps the very text (and its SHA-256) it was decoded
    from, for the audit of reporting modes."""
    data = read_config(path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        problem = f"not UTF-8 text: {error.reason} at byte {error.start}"
        raise ConfigError(path, [problem]) from error
    config = decode_toml_text(path, text, NetworkConfig, parse_float=Decimal)
    problems = list(check_network(config))
    if problems:
        raise ConfigError(path, problems)
    return Registry(config, text, hashlib.sha256(data).hexdigest())


def check_network(config: NetworkConfig) -> Iterator[str]:
    """Rules a type cannot express: references, uniqueness, overlapping validity."""
    codes = [entity.code for entity in config.entities]
    yield from _duplicates("entities", codes, "code")
    yield from _duplicates("kpis", [kpi.code for kpi in config.kpis], "code")
    known = set(codes)
    if config.network.parent not in known:
        yield f"network.parent: unknown entity {config.network.parent!r}"
    for index, entity in enumerate(config.entities):
        yield from _check_entity(f"entities[{index}]", entity, known, config.network.parent)
    for index, rule in enumerate(config.contribution_rules):
        where = f"contribution_rules[{index}]"
        if rule.entity not in known:
            yield f"{where}.entity: unknown entity {rule.entity!r}"
        if rule.valid_to is not None and rule.valid_to < rule.valid_from:
            yield f"{where}.valid_to: {rule.valid_to} is before valid_from {rule.valid_from}"
        yield from _percent_fields(where, {"published_rate_percent": rule.published_rate_percent})
        if not rule.components:
            yield f"{where}.components: a rule needs at least one component"
        for position, component in enumerate(rule.components):
            yield from _check_component(f"{where}.components[{position}]", component)
    yield from _overlapping_rules(config.contribution_rules)
    yield from _bases(config)


def _duplicates(table: str, values: list[str], key: str) -> Iterator[str]:
    seen: set[str] = set()
    for index, value in enumerate(values):
        if value in seen:
            yield f"{table}[{index}].{key}: {value!r} appears more than once"
        seen.add(value)


def _check_entity(where: str, entity: EntityConfig, known: set[str], parent: str) -> Iterator[str]:
    if entity.parent is not None and entity.parent not in known:
        yield f"{where}.parent: unknown entity {entity.parent!r}"
    if entity.parent == entity.code:
        yield f"{where}.parent: an entity cannot be its own parent"
    is_parent = entity.code == parent
    if is_parent != (entity.consolidation is ConsolidationMethod.PARENT):
        yield (
            f"{where}.consolidation: only the network parent ({parent}) uses 'parent', "
            f"found {entity.consolidation.value!r} for {entity.code}"
        )
    if not is_parent and entity.parent is None:
        yield f"{where}.parent: every entity but the network parent needs a parent"
    needs_share = entity.consolidation in (ConsolidationMethod.FULL, ConsolidationMethod.EQUITY)
    if needs_share and entity.ownership_share is None:
        yield f"{where}.ownership_share: required for consolidation {entity.consolidation.value!r}"
    if not needs_share and entity.ownership_share is not None:
        yield f"{where}.ownership_share: not used with consolidation {entity.consolidation.value!r}"
    share = entity.ownership_share
    if share is not None and not Decimal(0) < share <= Decimal(1):
        yield f"{where}.ownership_share: must be above 0 and at most 1, got {share}"
    if not entity.offices:
        yield f"{where}.offices: at least one office is required"


def _percent_fields(where: str, values: dict[str, Decimal | None]) -> Iterator[str]:
    for key, value in values.items():
        if value is not None and not Decimal(0) <= value <= Decimal(100):
            yield f"{where}.{key}: a rate must be between 0 and 100 %, got {value}"


def _check_component(where: str, component: ContributionComponent) -> Iterator[str]:
    yield from _percent_fields(
        where,
        {
            "rate_percent": component.rate_percent,
            "min_rate_percent": component.min_rate_percent,
            "max_rate_percent": component.max_rate_percent,
        },
    )
    for index, rate in enumerate(component.rates):
        yield from _percent_fields(f"{where}.rates[{index}]", {"rate_percent": rate.rate_percent})
    flat = component.rate_percent is not None
    if flat == bool(component.rates):
        yield f"{where}: give either rate_percent or rates, not both or neither"
    if component.rates and component.by is None:
        yield f"{where}.by: rates by category need `by` to name the category"
    low, high = component.min_rate_percent, component.max_rate_percent
    if low is not None and high is not None and low > high:
        yield f"{where}.min_rate_percent: {low} is above max_rate_percent {high}"
    categories = [rate.category for rate in component.rates]
    yield from _duplicates(f"{where}.rates", categories, "category")
    for index, rate in enumerate(component.rates):
        if (low is not None and rate.rate_percent < low) or (
            high is not None and rate.rate_percent > high
        ):
            yield (
                f"{where}.rates[{index}].rate_percent: {rate.rate_percent} is outside {low}..{high}"
            )


def _bases(config: NetworkConfig) -> Iterator[str]:
    names = [base.name for base in config.contribution_bases]
    yield from _duplicates("contribution_bases", names, "name")
    kpis = {kpi.code for kpi in config.kpis}
    for index, base in enumerate(config.contribution_bases):
        if base.kpi is not None and base.lines:
            yield f"contribution_bases[{index}]: give lines or a kpi, not both"
        if base.kpi is not None and base.kpi not in kpis:
            yield f"contribution_bases[{index}].kpi: unknown KPI {base.kpi!r}"
    for index, rule in enumerate(config.contribution_rules):
        for position, component in enumerate(rule.components):
            where = f"contribution_rules[{index}].components[{position}]"
            if component.base not in names:
                yield f"{where}.base: unknown contribution base {component.base!r}"
            if component.booked_kpi is not None and component.booked_kpi not in kpis:
                yield f"{where}.booked_kpi: unknown KPI {component.booked_kpi!r}"
            if component.booked_kpi is not None and component.booked_line is not None:
                yield f"{where}: give booked_line or booked_kpi, not both"


def _overlapping_rules(rules: tuple[ContributionRule, ...]) -> Iterator[str]:
    by_entity: dict[str, list[tuple[int, ContributionRule]]] = {}
    for index, rule in enumerate(rules):
        by_entity.setdefault(rule.entity, []).append((index, rule))
    for entity, indexed in by_entity.items():
        ordered = sorted(indexed, key=lambda pair: pair[1].valid_from)
        for (first_index, first), (second_index, second) in itertools.pairwise(ordered):
            if first.valid_to is None or first.valid_to >= second.valid_from:
                yield (
                    f"contribution_rules[{second_index}].valid_from: the {entity} rule from "
                    f"{second.valid_from} overlaps contribution_rules[{first_index}] "
                    f"(valid from {first.valid_from} to {first.valid_to or 'open end'})"
                )
