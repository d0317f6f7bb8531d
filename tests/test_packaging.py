"""The wheel ships the hub only: its packages, its configuration and assets, no `tests`.

The wheel is built from this checkout by the project's own build backend (hatchling, without
network access), unpacked by pip into a folder and run from there."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import REPO

SHIPPED = ("hub", "countries")
PIP = (sys.executable, "-m", "pip")
WHERE = "import hub.settings as s; print(s.__file__, s.default_config_dir())"


def build_wheel(into: Path) -> Path:
    subprocess.run(
        [*PIP, "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(into), str(REPO)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = into.glob("network_hub-*.whl")
    return wheel


def source_files(package: str) -> set[str]:
    root = REPO / package
    return {
        path.relative_to(REPO).as_posix()
        for path in root.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def test_the_wheel_holds_the_hub_its_config_and_no_tests(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path / "dist")
    names = set(zipfile.ZipFile(wheel).namelist())
    tops = {name.split("/")[0] for name in names}
    assert tops == {"hub", "countries", "network_hub-0.1.0.dist-info"}
    for package in SHIPPED:
        assert source_files(package) <= names, f"files of {package}/ missing from the wheel"
    config = {f"hub/_config/{p.name}" for p in (REPO / "config").glob("*.toml")}
    assert len(config) == 5
    assert config <= names


def test_the_installed_wheel_runs_from_its_own_copy(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path / "dist")
    site = tmp_path / "site"
    subprocess.run(
        [*PIP, "install", "-q", "--no-deps", "--target", str(site), str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    assert not (site / "tests").exists()
    assert sorted(p.name for p in site.iterdir() if not p.name.endswith(".dist-info")) == [
        "bin",
        "countries",
        "hub",
    ]
    # The dependencies come from this environment; the hub from the unpacked wheel, which is
    # first on the path (the checkout's editable install comes after it).
    env = {**os.environ, "PYTHONPATH": str(site)}
    env.pop("HUB_CONFIG_DIR", None)
    where = subprocess.run(
        [
            sys.executable,
            "-c",
            "import hub.settings as s; print(s.__file__, s.default_config_dir())",
        ],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert where == [str(site / "hub" / "settings.py"), str(site / "hub" / "_config")]
    sdl = subprocess.run(
        [sys.executable, "-m", "hub", "schema"],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert sdl.strip() == (REPO / "graphql" / "schema.graphql").read_text(encoding="utf-8").strip()
