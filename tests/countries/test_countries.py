"""Each entity has its country module; hub/ never branches on a country."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from countries import UnknownCountryError, bind_countries, load_profile
from hub.registry.load import load_registry
from tests.conftest import REPO


def test_every_configured_entity_binds_to_its_module() -> None:
    registry = load_registry(REPO / "config" / "network.toml")
    bound = bind_countries(registry)
    assert {code: entity.currency for code, entity in bound.items()} == {
        "BE": "EUR",
        "DE": "EUR",
        "AT": "EUR",
        "IT": "EUR",
        "SE": "SEK",
    }
    assert bound["DE"].profile.import_formats == ("xlsx", "datev", "csv")
    assert bound["SE"].profile.import_formats == ("xlsx", "sie", "csv")
    assert bound["AT"].legal_form == "Cooperative"
    assert [rule.entity for rule in bound["SE"].rules] == ["SE"]


def test_an_entity_without_a_module_is_named() -> None:
    with pytest.raises(UnknownCountryError) as raised:
        load_profile("NL")
    assert str(raised.value) == "entity NL has no country module: add countries/nl.py"


COUNTRY_CODES = {"BE", "DE", "AT", "IT", "SE", "EUR", "SEK"}


def _country_comparisons(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Compare):
            for side in (node.left, *node.comparators):
                if isinstance(side, ast.Constant) and side.value in COUNTRY_CODES:
                    found.append(
                        f"{path.relative_to(REPO)}:{node.lineno} compares with {side.value!r}"
                    )
    return found


def test_hub_has_no_country_specific_branch() -> None:
    # The demo figures are data about the countries; the comparison there converts the
    # published euro figures into each entity's reporting currency.
    sources = [p for p in (REPO / "hub").rglob("*.py") if "demo" not in p.parts]
    assert [hit for p in sources for hit in _country_comparisons(p)] == []


@pytest.mark.parametrize(
    ("entity", "code", "parent"),
    [
        ("BE", "400000123", "400000"),
        ("SE", "19301", "1930"),
        ("IT", "01.01.001.07", "01.01.001"),
        ("SE", "19x", None),
        ("SE", "9999", None),
    ],
)
def test_sub_accounts_extend_a_listed_account(entity: str, code: str, parent: str | None) -> None:
    found = load_profile(entity).chart_of_accounts.account(code)
    assert (found.code if found else None) == parent


def test_a_sub_account_maps_like_the_account_it_extends() -> None:
    chart = load_profile("IT").chart_of_accounts
    for account in chart.accounts:
        assert chart.group_line(account.code + ".01") == chart.group_line(account.code)
