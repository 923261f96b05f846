"""Start-up: a command reading a stored plan into a pipe imports only what it needs, and every
plan command prints the same with the cache of validated plans on and off."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

#: never imported by ``kaoping evaluate … | cat`` once the plan is stored
HEAVY = (
    "pandas",
    "sqlalchemy",
    "fastapi",
    "starlette",
    "weasyprint",
    "openpyxl",
    "pydantic",
    "pydantic_core",
    "yaml",
    "rich",
    "uvicorn",
    "jinja2",
)

# runs the command line in a fresh interpreter, then writes the top-level packages it
# imported to the file named by the first argument (stdout stays the command's, a pipe)
PROBE = """
import json, sys
out, args = sys.argv[1], sys.argv[2:]
from kaoping.cli import main
try:
    code = main(args)
finally:
    sys.stdout.flush()
    with open(out, "w") as f:
        json.dump(sorted({m.split(".")[0] for m in sys.modules}), f)
sys.exit(code)
"""


def _run(args: list[str], cache: str, tmp_path: Path) -> tuple[str, set[str]]:
    env = {**os.environ, "KAOPING_CACHE_DIR": cache}
    env.pop("FORCE_COLOR", None)
    seen = tmp_path / "modules.json"
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, str(seen), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout, set(json.loads(seen.read_text()))


@pytest.mark.parametrize(
    "args",
    [
        ["evaluate", "--year", "2020"],
        ["evaluate", "cn-fyp13", "--year", "2020"],
        ["evaluate", "cn-fyp13", "--format", "json", "--lang", "zh"],
        ["validate", "cn-fyp13"],
    ],
)
def test_a_stored_plan_needs_no_heavy_module(args: list[str], tmp_path: Path) -> None:
    cache = str(tmp_path / "cache")
    first, imported_first = _run(args, cache, tmp_path)  # validates and stores the plan
    assert "pydantic" in imported_first and "yaml" in imported_first
    again, imported = _run(args, cache, tmp_path)
    assert again == first
    assert not imported & set(HEAVY), sorted(imported & set(HEAVY))
    assert "numpy" in imported or args[0] == "validate"  # the probe sees what was imported


def test_the_command_line_itself_imports_no_heavy_module(tmp_path: Path) -> None:
    out, imported = _run(["--help"], "off", tmp_path)
    assert "evaluate" in out
    assert not imported & {*HEAVY, "numpy"}, sorted(imported & {*HEAVY, "numpy"})


@pytest.mark.parametrize(
    "args",
    [
        ["evaluate", "--year", "2015", "--lang", "zh"],
        ["evaluate", "--format", "csv"],
        ["evaluate", "cn-fyp13", "--year", "2018", "--format", "json"],
        ["validate"],
        ["validate", "cn-fyp13", "--lang", "zh"],
        ["plans"],
    ],
)
def test_same_output_with_the_cache_on_and_off(args: list[str], tmp_path: Path) -> None:
    off, _ = _run(args, "off", tmp_path)
    cache = str(tmp_path / "cache")
    cold, _ = _run(args, cache, tmp_path)
    warm, _ = _run(args, cache, tmp_path)
    assert off and cold == off and warm == off
