"""The full test plan (tests/plans/full) validates, reads its data from beside it, and has
every target form of docs/plan-file.md."""

from __future__ import annotations

import json
import re

from kaoping.cli import main
from kaoping.plan.expr import About, Between, Compare, Number, Ref

from ..conftest import FULL_MID, FULL_PLAN, FULL_PLAN_ID


def _forms(plan) -> set[str]:
    """The target forms a plan uses, named as in docs/plan-file.md."""
    forms: set[str] = set()
    for ind in plan.indicators:
        if not ind.targets:
            forms.add("monitoring-only")
        if ind.is_qualitative:
            forms.add("qualitative")
        quant = [t for t in ind.targets if t.parsed is not None]
        if len([t for t in quant if not t.parsed.every_year]) > 1:
            forms.add("intermediate")
        for spec in quant:
            t = spec.parsed
            c = t.condition
            if t.every_year:
                forms.add("every-year")
                continue
            if isinstance(c, Between):
                forms.add("range")
            elif isinstance(c, About):
                forms.add("about" if spec.tolerance is None else "about-with-tolerance")
            operand = c.rhs if isinstance(c, Compare) else getattr(c, "centre", None)
            if isinstance(operand, Ref):
                forms.add(f"relative-{operand.kind}")
            if t.measure == "level" and isinstance(c, Compare):
                forms.add(f"level {c.op}")
            elif t.measure == "change":
                forms.add("relative change" if t.relative else "absolute change")
                if t.ref_year is not None:
                    forms.add("change vs year")
            elif t.measure == "growth" and isinstance(operand, Number):
                forms.add("average growth")
    return forms


def test_the_plan_validates(capsys):
    assert main(["validate", str(FULL_PLAN / "plan.yaml")]) == 0
    out = capsys.readouterr().out
    assert f"plan {FULL_PLAN_ID} is valid" in out
    assert "27 indicators" in out and "3 area(s)" in out


def test_every_target_form_is_used(full_loaded):
    assert _forms(full_loaded.plan) >= {
        "level >=",
        "level <=",
        "level >",
        "level <",
        "level ==",
        "about-with-tolerance",
        "range",
        "relative change",
        "absolute change",
        "change vs year",
        "average growth",
        "relative-value",
        "relative-growth",
        "every-year",
        "qualitative",
        "monitoring-only",
        "intermediate",
    }


def test_the_plan_has_areas_groups_a_lens_departments_and_an_assessment(full_loaded):
    plan = full_loaded.plan
    assert [a.key for a in plan.areas if a.parent] == ["north", "south"]
    assert len(plan.groups) == 4 and len(plan.lenses) == 1
    assert len(plan.departments) == 7
    assert plan.assessment is not None and plan.assessment.units == "both"
    assert all(i.department for i in plan.indicators)


def test_the_comment_names_the_intended_status_of_every_indicator(full_loaded):
    """The header comment of plan.yaml lists every indicator with the status it is made to
    reach (tests/engine/test_full_plan_statuses.py checks them)."""
    text = (FULL_PLAN / "plan.yaml").read_text(encoding="utf-8")
    header = text.split("\nid:", 1)[0]
    listed = set(re.findall(r"^#   (\w+)\s{2,}", header, re.M))
    assert listed == {i.key for i in full_loaded.plan.indicators}


def test_evaluate_reads_the_data_beside_the_plan(capsys):
    code = main(["evaluate", str(FULL_PLAN), "--year", str(FULL_MID), "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    card = json.loads(out)
    assert card["plan"]["id"] == FULL_PLAN_ID and card["as_of"] == FULL_MID
    assert card["data_source"].endswith("observations.csv")
    assert card["overall"]["score"] is not None
    assert all(g["score"] is not None for g in card["groups"])
