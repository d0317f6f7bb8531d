"""Decoding `network.toml`: the real file loads; a wrong one names file, key and reason."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from hub.registry.load import ConfigError, load_registry
from tests.conftest import REPO

NETWORK = (REPO / "config" / "network.toml").read_text(encoding="utf-8")


def test_the_network_config_loads_as_published() -> None:
    registry = load_registry(REPO / "config" / "network.toml")
    assert list(registry.entities) == ["BE", "DE", "AT", "IT", "SE"]
    se = registry.entities["SE"]
    assert (se.currency, se.founded, se.offices) == ("SEK", 2012, ("Stockholm",))
    assert registry.entities["IT"].offices == ("Rome", "Milan")
    rates = {
        code: registry.contribution_rule_on(code, dt.date(2024, 12, 31)).published_rate_percent  # type: ignore[union-attr]
        for code in registry.entities
    }
    assert rates == {
        "BE": Decimal("6.5"),
        "DE": Decimal(9),
        "AT": Decimal(10),
        "IT": Decimal("9.5"),
        "SE": Decimal("7.33"),
    }
    assert registry.contribution_rule_on("DE", dt.date(2023, 12, 31)) is None
    assert registry.kpis["turnover"].is_money


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "network.toml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(ConfigError) as raised:
        load_registry(path)
    assert str(raised.value).startswith(f"invalid configuration in {path}:")
    return raised.value.problems


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            'currency = "SEK"',
            'currency = "kronor"',
            ["entities[4].currency: Expected `str` matching regex '^[A-Z]{3}$'"],
        ),
        (
            'code = "DE"\nname = "Smart Germany"',
            'code = "DE"\nname = "Smart Germany"\ncolour = "red"',
            ["entities[1]: Object contains unknown field `colour`"],
        ),
        (
            "founded = 2015\n",
            "",
            ["entities[1]: Object missing required field `founded`"],
        ),
        (
            'consolidation = "full"',
            'consolidation = "proportional"',
            ["entities[4].consolidation: Invalid enum value 'proportional'"],
        ),
        (
            'parent = "BE"\nconsolidation = "aggregation"\nownership_illustrative = true\n'
            'break_even_target = 2025\n\n[[entities]]\ncode = "AT"',
            'parent = "NL"\nconsolidation = "aggregation"\nownership_illustrative = true\n'
            'break_even_target = 2025\n\n[[entities]]\ncode = "AT"',
            ["entities[1].parent: unknown entity 'NL'"],
        ),
        (
            "ownership_share = 1.00",
            "ownership_share = 1.5",
            ["entities[4].ownership_share: must be above 0 and at most 1, got 1.5"],
        ),
        (
            'name = "on_turnover"\nbase = "turnover"\nbooked_kpi = "contribution_income"\n'
            "rate_percent = 9\n",
            'name = "on_turnover"\nbase = "turnover"\nbooked_kpi = "contribution_income"\n'
            "rate_percent = 109\n",
            [
                "contribution_rules[1].components[0].rate_percent: a rate must be between 0 and "
                "100 %, got 109"
            ],
        ),
        (
            'entity = "AT"\nvalid_from = 2024-01-01',
            'entity = "DE"\nvalid_from = 2024-06-01',
            [
                "contribution_rules[2].valid_from: the DE rule from 2024-06-01 overlaps "
                "contribution_rules[1] (valid from 2024-01-01 to open end)"
            ],
        ),
        (
            'entity = "IT"\nvalid_from = 2024-01-01',
            'entity = "IT"\nvalid_from = 2024-01-01\nvalid_to = 2023-12-31',
            ["contribution_rules[3].valid_to: 2023-12-31 is before valid_from 2024-01-01"],
        ),
        (
            'name = "on_turnover"\nbase = "turnover"\nbooked_kpi = "contribution_income"\n'
            "rate_percent = 10\n",
            'name = "on_turnover"\nbase = "turnover"\n',
            [
                "contribution_rules[2].components[0]: give either rate_percent or rates, not both "
                "or neither"
            ],
        ),
    ],
)
def test_a_wrong_file_names_the_key_and_the_reason(
    tmp_path: Path, old: str, new: str, expected: list[str]
) -> None:
    assert old in NETWORK
    assert problems(write(tmp_path, NETWORK.replace(old, new, 1))) == expected


def test_not_toml_at_all(tmp_path: Path) -> None:
    [problem] = problems(write(tmp_path, "[network\nname = 1"))
    assert problem.startswith("not valid TOML: ")


def test_a_missing_file(tmp_path: Path) -> None:
    assert problems(tmp_path / "absent.toml") == ["cannot read the file: No such file or directory"]


def test_every_problem_is_listed_at_once(tmp_path: Path) -> None:
    text = NETWORK.replace("ownership_share = 1.00", "ownership_share = 2").replace(
        "rate_percent = 9.5\n", "rate_percent = 195\n"
    )
    assert problems(write(tmp_path, text)) == [
        "entities[4].ownership_share: must be above 0 and at most 1, got 2",
        "contribution_rules[3].published_rate_percent: a rate must be between 0 and 100 %, got 195",
        "contribution_rules[3].components[0].rate_percent: a rate must be between 0 and 100 %, "
        "got 195",
    ]
