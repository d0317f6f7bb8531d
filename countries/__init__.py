"""National entities: one module per country, each exposing `PROFILE`, a `CountryProfile`.

What is a fact about an entity (legal form, currency, offices, contribution rates) lives in
`config/network.toml`; what a country *does* differently (its chart of accounts, its national
file formats) lives in its module here. `bind_countries` joins the two, so the rest of the hub
never branches on a country code.
"""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass
from typing import Protocol

from countries.charts import ChartOfAccounts
from hub.registry.model import ContributionRule, EntityConfig
from hub.registry.registry import Registry


class CountryProfile(Protocol):
    """What each `countries/<cc>.py` module provides as `PROFILE`."""

    @property
    def code(self) -> str: ...

    @property
    def chart_of_accounts(self) -> ChartOfAccounts: ...

    @property
    def import_formats(self) -> tuple[str, ...]: ...


@dataclass(frozen=True, slots=True)
class Profile:
    """The plain implementation of `CountryProfile` the modules use."""

    code: str
    chart_of_accounts: ChartOfAccounts
    import_formats: tuple[str, ...] = ("xlsx", "csv")


@dataclass(frozen=True, slots=True)
class NationalEntity:
    """An entity of the network: its configured facts joined with its country's behaviour."""

    config: EntityConfig
    profile: CountryProfile
    rules: tuple[ContributionRule, ...]

    @property
    def code(self) -> str:
        return self.config.code

    @property
    def legal_form(self) -> str:
        return self.config.legal_form

    @property
    def currency(self) -> str:
        return self.config.currency

    def contribution_rule_on(self, day: dt.date) -> ContributionRule | None:
        return next((rule for rule in self.rules if rule.applies_on(day)), None)


class UnknownCountryError(Exception):
    pass


def load_profile(module_name: str, entity: str | None = None) -> CountryProfile:
    """The profile of `countries/<module_name>.py`, for `entity` (by default the module's own
    code; several entities of one country share its module)."""
    name = module_name.lower()
    try:
        module = importlib.import_module(f"countries.{name}")
    except ModuleNotFoundError as error:
        raise UnknownCountryError(
            f"entity {entity or module_name} has no country module: add countries/{name}.py"
        ) from error
    profile: CountryProfile = module.PROFILE
    if entity is None and profile.code != module_name.upper():
        raise UnknownCountryError(
            f"countries/{name}.py declares code {profile.code!r}, expected {module_name.upper()!r}"
        )
    return profile


def bind_countries(registry: Registry) -> dict[str, NationalEntity]:
    return {
        code: NationalEntity(
            entity,
            load_profile(entity.country_module or code, code),
            registry.contribution_rules(code),
        )
        for code, entity in registry.entities.items()
    }
