"""Build hook: compiles the board's arithmetic kernel (hub/board/_kernel.c) with the machine's
C compiler, for the wheel and for an editable install (`pip install -e .`).

Without a compiler the build goes on and the hub runs the same arithmetic in Python
(hub/board/kernel.py), slower; the build says so on stderr. HUB_KERNEL=python skips the
compilation on purpose (the tests of that path run either way: tests/board/test_kernel.py).
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SOURCE = Path("hub/board/_kernel.c")


def compile_kernel(root: Path) -> Path | None:
    """The compiled module beside its source, or None (said on stderr) when it cannot be."""
    if os.environ.get("HUB_KERNEL") == "python":
        return None
    if sys.platform == "win32":
        print(
            "hub: the C kernel is not built on Windows; the board runs in Python", file=sys.stderr
        )
        return None
    source = root / SOURCE
    target = source.with_name("_kernel" + str(sysconfig.get_config_var("EXT_SUFFIX")))
    compiler = shlex.split(str(sysconfig.get_config_var("CC") or "cc"))
    link = ["-bundle", "-undefined", "dynamic_lookup"] if sys.platform == "darwin" else ["-shared"]
    command = [
        *compiler,
        "-O2",
        "-fPIC",
        "-std=gnu11",
        "-Wall",
        *link,
        f"-I{sysconfig.get_paths()['include']}",
        str(source),
        "-o",
        str(target),
    ]
    try:
        subprocess.run(command, check=True, capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.SubprocessError) as error:
        said = getattr(error, "stderr", None) or str(error)
        print(
            f"hub: could not compile {SOURCE} ({said.strip()}); the board's arithmetic runs in "
            "Python, about twice as slow (hub/board/kernel.py)",
            file=sys.stderr,
        )
        return None
    return target


class KernelBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return
        built = compile_kernel(Path(self.root))
        if built is None:
            return
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        if version != "editable":  # an editable install imports it from the checkout
            build_data["force_include"][str(built)] = f"hub/board/{built.name}"
