"""The assignment file's texts are validated as strictly as the plan's: a name cut at a comma
(YAML reads the rest as keys of their own) is an error, every one reported at once with its
file, line, field and code; the bundled example keeps its names whole."""

from __future__ import annotations

import pytest

from kaoping.assess.tasks import (
    AssignmentError,
    example_assignment_path,
    load_assignment,
    parse_assignment,
)
from kaoping.plan.bundled import find_plan
from kaoping.plan.loader import load_plan

PLAN = load_plan(find_plan("zhengzhou-2009-2020"))

CUT = """\
plan: zhengzhou-2009-2020
label: {zh: 示例, en: Example, draft}
departments:
  - {key: culture, name: {zh: 市文化局, en: Municipal Culture, Radio and Tourism Bureau}}
  - {key: stats, name: {zh: 市统计局, en: 42}}
  - {key: env, name: {en: Ecology Bureau}}
tasks:
  - key: t1
    article: 36
    title: {zh: 降低能耗, en: Cut energy use per 10,000 yuan of GDP}
    lead: culture
    deadline: 2020-12-31
    milestones:
      - {date: 2015-06-30, text: {zh: 中期, en: Midway, fr: "à mi-chemin"}}
  - key: t2
    article: 36
    title: {zh: "  "}
    lead: stats
    deadline: 2020-12-31
"""


def test_texts_cut_at_commas_are_all_reported_at_once():
    with pytest.raises(AssignmentError) as err:
        parse_assignment(CUT, PLAN, "cut.yaml")
    got = [(p.line, p.code, p.field) for p in err.value.problems]
    assert got == [
        (2, "unknown-field", "label.draft"),
        (4, "unknown-field", "departments[0].name.Radio and Tourism Bureau"),
        (5, "wrong-type", "departments[1].name.en"),
        (6, "missing-field", "departments[2].name"),
        (10, "unknown-field", "tasks[0].title.000 yuan of GDP"),
        (14, "unknown-field", "tasks[0].milestones[0].text.fr"),
        (17, "empty-text", "tasks[1].title.zh"),
    ]
    assert all(p.file == "cut.yaml" for p in err.value.problems)
    by_field = {p.field: p.message for p in err.value.problems}
    # the words after a comma: told to quote the whole text
    assert (
        'quotes: en: "…, Radio and Tourism Bureau"'
        in by_field["departments[0].name.Radio and Tourism Bureau"]
    )
    # a key given a value is simply not a field of a text
    assert "quotes" not in by_field["tasks[0].milestones[0].text.fr"]
    assert "a number" in by_field["departments[1].name.en"]


def test_quoted_texts_keep_their_commas():
    text = CUT.replace(
        "en: Municipal Culture, Radio and Tourism Bureau}",
        'en: "Municipal Culture, Radio and Tourism Bureau"}',
    )
    text = text.replace("{zh: 示例, en: Example, draft}", '{zh: 示例, en: "Example, draft"}')
    text = text.replace("en: Cut energy use per 10,000 yuan of GDP}", "en: 'Cut energy, 10,000'}")
    text = text.replace(', fr: "à mi-chemin"', "").replace("en: 42", "en: Statistics")
    text = text.replace("{en: Ecology Bureau}", "{zh: 生态局, en: Ecology Bureau}")
    text = text.replace('{zh: "  "}', "任务二")  # one string: Chinese only
    asg = parse_assignment(text, PLAN)
    assert asg.label_en == "Example, draft"
    assert ("culture", "市文化局", "Municipal Culture, Radio and Tourism Bureau") in asg.departments
    assert asg.task("t1").title_en == "Cut energy, 10,000"
    assert (asg.task("t2").title_zh, asg.task("t2").title_en) == ("任务二", "")


def test_an_empty_assignment_file_says_so():
    with pytest.raises(AssignmentError) as err:
        parse_assignment("", PLAN, "empty.yaml")
    [p] = err.value.problems
    assert p.code == "not-a-mapping" and "assignment file is empty" in p.message


def test_the_bundled_example_keeps_whole_names():
    asg = load_assignment(example_assignment_path(PLAN.id), PLAN)
    names = {key: en for key, _zh, en in asg.departments}
    assert names["culture_tourism"] == "Municipal Culture, Radio, Television and Tourism Bureau"
    titles = {t.key: t.title_en for t in asg.tasks}
    assert any(
        t == "Cut energy use per 10,000 yuan of GDP and spread clean energy"
        for t in titles.values()
    )
    # no name or title of the example ends where a comma cut it
    assert all(not en.endswith(("Culture", "per 10")) for en in [*names.values(), *titles.values()])
