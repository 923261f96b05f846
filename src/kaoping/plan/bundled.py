"""The plans that ship inside the package (``kaoping/plans/<id>/plan.yaml``)."""

from __future__ import annotations

from pathlib import Path

from ..errors import UsageError

PLANS_DIR = Path(__file__).resolve().parent.parent / "plans"
DEFAULT_PLAN = "zhengzhou-2009-2020"


def bundled_plans() -> dict[str, Path]:
    """Bundled plan ids and the folders that hold them."""
    return {
        p.name: p for p in sorted(PLANS_DIR.iterdir()) if p.is_dir() and (p / "plan.yaml").is_file()
    }


def find_plan(name: str | None) -> Path:
    """The plan file for a bundled id or a path; the flagship plan when ``name`` is None."""
    name = name or DEFAULT_PLAN
    plans = bundled_plans()
    if name in plans:
        return plans[name] / "plan.yaml"
    p = Path(name)
    if p.is_dir():
        p = p / "plan.yaml"
    if p.exists():
        return p
    known = ", ".join(plans) or "none"
    raise UsageError(f"no plan file {name!r} and no bundled plan of that id (bundled: {known})")


def bundled_data(plan_file: Path, name: str = "observations.csv") -> Path | None:
    """A data file shipped beside a plan file (observations by default), if any."""
    p = plan_file.parent / name
    return p if p.exists() else None
