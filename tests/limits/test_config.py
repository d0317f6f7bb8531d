"""`config/limits.toml`: a wrong file stops start-up with file, key and reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.assembly.app import create_app
from hub.limits.config import load_limits
from hub.registry.load import ConfigError
from tests.conftest import REPO
from tests.limits.config_dir import config_with


def test_the_shipped_file_loads() -> None:
    limits = load_limits(REPO / "config")
    assert limits.query.max_depth == 8
    assert limits.max_items("KpiReportInput.values") == 1_000
    assert limits.max_items("Query.comparison(periods:)") == 100  # the default


@pytest.mark.parametrize(
    ("replace", "by", "problem"),
    [
        (
            "max_depth = 8",
            "max_depht = 8",
            "query: Object contains unknown field `max_depht`",
        ),
        ("max_depth = 8", "max_depth = 0", "query.max_depth: Expected `int` >= 1"),
        (
            "max_seconds = 20",
            'max_seconds = "20"',
            "request.max_seconds: Expected `float`, got `str`",
        ),
    ],
)
def test_a_wrong_value_is_named_with_file_and_key(
    tmp_path: Path, replace: str, by: str, problem: str
) -> None:
    config_with(tmp_path)
    path = tmp_path / "limits.toml"
    path.write_text(path.read_text(encoding="utf-8").replace(replace, by), encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_limits(tmp_path)
    assert raised.value.problems == [problem]
    assert str(raised.value).startswith(f"invalid configuration in {path}:")


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        (
            '"KpiReportInput.valuez" = 5',
            "lists.max_items.'KpiReportInput.valuez': KpiReportInput has no field 'valuez'",
        ),
        (
            '"Query.comparison(period:)" = 5',
            "lists.max_items.'Query.comparison(period:)': Query.comparison has no argument "
            "'period'",
        ),
        (
            '"KpiReportInput.entity" = 5',
            "lists.max_items.'KpiReportInput.entity': KpiReportInput.entity is not a list",
        ),
    ],
)
def test_a_misspelt_field_or_argument_stops_the_app(
    tmp_path: Path, line: str, problem: str
) -> None:
    """Else the list would silently keep the default limit."""
    settings = config_with(tmp_path)
    path = tmp_path / "limits.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("[lists.max_items]\n", f"[lists.max_items]\n{line}\n"), "utf-8")
    with pytest.raises(ConfigError) as raised:
        create_app(settings, "postgresql://unused")
    assert raised.value.problems == [problem]
