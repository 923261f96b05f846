"""Reading plan files, through a cache of validated plans kept on disk.

A plan file is read, validated and cross-checked once (:func:`kaoping.plan.loader.parse_plan`,
YAML and pydantic); the validated plan is then stored as JSON of plain data
(:func:`kaoping.plan.light.plain`) under a name made of the SHA-256 of the file's text,
kaoping's version, the Python version and the size and date of the code that validates
(kaoping's plan modules and pydantic's). Loading the same text again reads the stored plan
into read-only views (:mod:`kaoping.plan.light`) without importing YAML or pydantic. A stored
file that cannot be read back (cut short, overwritten, from another build) is removed and the
plan is validated as if there were no cache. Plans with problems are never stored: their
errors are reported every time. With the cache off, a plan is validated and turned into the
same views, so that a plan reads the same either way.

The folder is ``KAOPING_CACHE_DIR`` (``off`` turns the cache off), else ``plans/`` in the
user's cache folder (``$XDG_CACHE_HOME/kaoping`` or ``~/.cache/kaoping`` on Linux). It holds
what the user's own commands wrote; give it the permissions of the user's home. Stored plans
are data (JSON), never code.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import PlanError, UsageError, read_input
from . import light

if TYPE_CHECKING:
    from .typed import Plan as TypedPlan

ENV = "KAOPING_CACHE_DIR"
_OFF = ("off", "0", "false", "no", "none")
#: the layout of a stored plan; raise it when :func:`kaoping.plan.light.plain` changes
FORMAT = 1
#: the modules whose code decides what a validated plan holds
_PLAN_CODE = ("typed.py", "loader.py", "checks.py", "checks_forms.py", "expr.py", "light.py")


def cache_dir() -> Path | None:
    """The folder of stored plans; None when the cache is turned off."""
    env = os.environ.get(ENV, "").strip()
    if env.lower() in _OFF:
        return None
    if env:
        return Path(env) / "plans"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("kaoping", appauthor=False)) / "plans"


def _code_stamp() -> bytes:
    """Size and date of the code that validates plans: kaoping's plan modules and pydantic's
    version file (found on the path without importing pydantic)."""
    here = Path(__file__).parent
    files = [here / name for name in _PLAN_CODE]
    for entry in sys.path:
        candidate = Path(entry or ".") / "pydantic" / "version.py"
        if candidate.is_file():
            files.append(candidate)
            break
    out = []
    for f in files:
        try:
            st = f.stat()
            out.append(f"{f.name}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            out.append(f"{f.name}:-")
    return "\0".join(out).encode()


def cache_key(text: str) -> str:
    """The stored plan's name: the text's hash and what built it."""
    from .. import __version__

    h = hashlib.sha256(text.encode("utf-8"))
    h.update(b"\0" + __version__.encode())
    h.update(b"\0" + sys.version.encode())
    h.update(b"\0" + str(FORMAT).encode())
    h.update(b"\0" + _code_stamp())
    return h.hexdigest()


def _version(text: str) -> str:
    """The plan's version: the first 12 hex digits of the SHA-256 of its text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def cached_plan(
    text: str, file: str, validate: Callable[[str, str], TypedPlan] | None = None
) -> light.Plan:
    """The plan of ``text`` as a read-only view: the stored one if there is one, else
    ``validate(text, file)`` (by default :func:`kaoping.plan.loader.parse_plan`), then stored.
    A stored plan that cannot be read is removed and validated again."""
    folder = cache_dir()
    path = folder / f"{cache_key(text)}.json" if folder is not None else None
    plan = _read(path) if path is not None else None
    if plan is None:
        if validate is None:
            from .loader import parse_plan as validate
        data = light.plain(validate(text, file))
        if path is not None:
            _write(path, data)
        plan = light.view(data)
    return plan.located(_version(text), file)


def _read(path: Path) -> light.Plan | None:
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    try:
        plan = json.loads(raw, object_hook=light.OBJECT_HOOK)
        if not isinstance(plan, light.Plan):
            raise TypeError("not a stored plan")
    except Exception:  # any damage: forget the file, validate again
        with contextlib.suppress(OSError):
            path.unlink()
        return None
    return plan


def _write(path: Path, data: Any) -> None:
    """Store atomically (a temporary file renamed into place); a folder that cannot be
    written only means no cache."""
    import tempfile

    try:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except (OSError, TypeError, ValueError):
        pass


def load_plan(path: str | Path) -> light.Plan:
    """The validated plan of the file at ``path`` (or of ``plan.yaml`` in the folder
    ``path``), as read-only views: read back from the cache when the file is unchanged."""
    p = Path(path)
    if p.is_dir():
        plan_file = p / "plan.yaml"
        if plan_file.exists():
            return load_plan(plan_file)
        raise UsageError(f"{p} is a folder with no plan.yaml in it")
    return cached_plan(read_input(p, PlanError), str(p))
