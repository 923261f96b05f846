"""The staff pages in human terms: names instead of keys, local times to the minute, values
with their unit, and the audit log as readable changes — in Chinese and in English."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import pytest

from .conftest import form_token

# 11:29:33.470912 UTC is 19:29 in Shanghai (the default KAOPING_TIMEZONE)
AT = datetime(2026, 11, 30, 11, 29, 33, 470912, tzinfo=UTC)
LOCAL = "2026-11-30 19:29"
NAMES = {
    "zh": {"ind": "人均国内生产总值", "area": "郑州市", "dept": "市统计局"},
    "en": {"ind": "GDP per capita", "area": "Zhengzhou", "dept": "Municipal Bureau of Statistics"},
}
# what a user must not read on a staff page
MACHINE = [
    re.compile(r"\bgdp_per_capita\b"),
    re.compile(r"\bzhengzhou\b"),
    re.compile(r"\d{2}:\d{2}:\d{2}"),  # seconds
    re.compile(r"\+00:00|\bUTC\b"),
    re.compile(r"\\u[0-9a-f]{4}"),  # escaped Chinese
    re.compile(r"\{\s*\""),  # JSON
    re.compile(r"\b77179\.0\b|\b77200\.0\b"),
]


def visible(page: str) -> str:
    """The text a reader sees: no tags, no attributes, no scripts or styles."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    body = re.sub(r"</?(span|code|time)\b[^>]*>", "", body)  # inline: no space of its own
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def _machine_words(text: str) -> list[str]:
    return [m.group(0) for rx in MACHINE for m in [rx.search(text)] if m]


@pytest.fixture
def cell(store, user_client):
    """gdp_per_capita 2015 submitted twice by the reporter (77,179 then 77,200 yuan) at a
    known time, the department given its real names."""
    store.clock = lambda: AT
    store.add_department("stats", "市统计局", "Municipal Bureau of Statistics")
    rep = user_client("rep")
    for value in ("77179", "77200"):
        page = rep.get("/staff/entry?indicator=gdp_per_capita&area=zhengzhou&year=2015")
        base = re.search(r'id="base_revision" value="(\d*)"', page.text).group(1)
        r = rep.post(
            "/staff/entry",
            data={
                "csrf_token": form_token(rep),
                "indicator": "gdp_per_capita",
                "area": "zhengzhou",
                "year": "2015",
                "value": value,
                "status": "final",
                "source": "郑州市统计公报",
                "note": "",
                "base_revision": base,
            },
        )
        assert r.status_code == 200, r.text
        assert 'id="saved"' in r.text
    return rep


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_review_and_changes_show_names_units_and_local_minutes(cell, user_client, lang):
    rev = user_client("rev")
    names = NAMES[lang]
    unit = "元" if lang == "zh" else " yuan"
    review = visible(rev.get(f"/staff/review?lang={lang}").text)
    assert names["ind"] in review and names["area"] in review
    # the pending value and the time it was submitted, to the minute, in Shanghai
    assert f"77,200{unit}" in review
    assert LOCAL in review
    assert _machine_words(review) == []
    changes = visible(rev.get(f"/staff/changes?lang={lang}").text)
    assert names["ind"] in changes and names["dept"] in changes
    assert f"77,200{unit}" in changes and LOCAL in changes
    assert _machine_words(changes) == []
    assert re.search(r"\bstats\b", changes) is None


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_entry_page_names_the_cell(cell, lang):
    page = visible(cell.get(f"/staff/entry?indicator=gdp_per_capita&year=2015&lang={lang}").text)
    names = NAMES[lang]
    assert f"{names['ind']} · {names['area']} · 2015" in page
    unit = "元" if lang == "zh" else " yuan"
    assert f"77,200{unit}" in page  # the current value
    assert _machine_words(page) == []


@pytest.mark.parametrize(
    ("lang", "lines"),
    [
        # the second submission changed the value from 77,179 to 77,200 yuan (revision 2);
        # its source is new in the record (the value kept before has none): no arrow
        ("zh", ["数值: 77,179元 → 77,200元", "修订: 2", "来源: 郑州市统计公报"]),
        ("en", ["Value: 77,179 yuan → 77,200 yuan", "Revision: 2", "Source: 郑州市统计公报"]),
    ],
)
def test_audit_reads_as_changes(cell, user_client, lang, lines):
    rev = user_client("rev")
    page = rev.get(f"/staff/audit?lang={lang}").text
    text = visible(page)
    names = NAMES[lang]
    for line in lines:
        assert line in text, line
    # the cell by name, the time in local minutes, the action in words
    assert f"{names['ind']} · {names['area']} · 2015" in text
    assert LOCAL in text
    action = "提交数值" if lang == "zh" else "Value submitted"
    assert action in text
    # Chinese stays Chinese: the source was written in Chinese
    assert "郑州市统计公报" in text
    assert "\\u" not in page
    assert _machine_words(text) == [], text[
        text.find("zhengzhou") - 300 : text.find("zhengzhou") + 100
    ]
    # translated headers, none of the old "key" / "detail"
    header = re.search(r"<thead>(.*?)</thead>", page, re.S).group(1)
    assert not re.search(r">\s*(key|detail)\s*<", header)
    expected = ("对象", "变更内容") if lang == "zh" else ("Subject", "Changes")
    assert all(h in header for h in expected)


def test_audit_department_change_and_filter(cell, user_client):
    rev = user_client("rev")
    text = visible(rev.get("/staff/audit?lang=zh&action=department.save").text)
    assert "保存部门" in text
    # the department was saved as "stats" by the fixture and renamed here
    assert "名称（中文）: stats → 市统计局" in text
    assert "名称（英文）: stats → Municipal Bureau of Statistics" in text
    assert "提交数值" not in text.split("全部操作")[-1].split("保存部门", 1)[-1]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_users_and_tokens_in_words(cell, store, user_client, lang):
    store.auth_clock = lambda: AT  # sessions and tokens keep the real clock otherwise
    admin = user_client("admin")
    users = visible(admin.get(f"/staff/users?lang={lang}").text)
    role = "填报员" if lang == "zh" else "reporter"
    assert role in users and NAMES[lang]["dept"] in users
    assert "empty → generated" not in users
    hint = "至少10个字符" if lang == "zh" else "At least 10 characters"
    assert hint in users
    if lang == "zh":
        assert (
            re.search(r"\b(admin|reviewer|reporter|viewer)\b", users.replace("admin ", "")) is None
        )
    r = admin.post(
        f"/staff/tokens?lang={lang}",
        data={"csrf_token": form_token(admin), "name": "script", "days": "30"},
    )
    tokens = visible(r.text)
    # issued at 19:29 Shanghai; expires 30 days later at the same local minute
    assert LOCAL in tokens and "2026-12-30 19:29" in tokens
    assert _machine_words(tokens) == []


def _view(lang):
    from types import SimpleNamespace as NS

    from kaoping.web.staff_view import StaffView

    class Name(dict):
        def get(self, lang, default=None):
            return dict.get(self, lang, default)

    plan = NS(
        id="zz",
        title=Name(zh="郑州规划", en="Zhengzhou plan"),
        short_title=None,
        indicators=[NS(key="gdp", name=Name(zh="地区生产总值", en="GDP"), unit="%")],
        areas=[NS(key="zz", name=Name(zh="郑州市", en="Zhengzhou"))],
        milestones=[],
    )
    depts = [{"key": "stats", "name_zh": "市统计局", "name_en": "Bureau of Statistics"}]
    return StaffView(plan, depts, lang, "Asia/Shanghai")


def test_audit_lines_of_each_shape():
    zh, en = _view("zh"), _view("en")
    role = {
        "action": "user.role",
        "entity": "user",
        "key": "wang",
        "detail": {
            "before": {"role": "reporter", "department": "stats"},
            "after": {"role": "reviewer", "department": None},
        },
    }
    assert zh.audit(role) == ["角色: 填报员 → 审核员", "责任部门: 市统计局 → —"]
    assert en.audit(role) == ["Role: reporter → reviewer", "Department: Bureau of Statistics → —"]
    assigned = {"action": "assignment.set", "entity": "indicator", "key": "gdp"}
    assigned["detail"] = {"before": None, "after": "stats"}
    assert zh.subject(assigned) == "地区生产总值"
    assert zh.audit(assigned) == ["责任部门: — → 市统计局"]
    # a first value: every field written, flags in the language's list, % attached
    first = {
        "action": "observation.submit",
        "entity": "observation",
        "key": "gdp/zz/2020",
        "detail": {
            "revision": 1,
            "before": None,
            "after": {"value": 6.1, "flags": ["estimated", "break"], "status": "final"},
        },
    }
    assert en.subject(first) == "GDP · Zhengzhou · 2020"
    lines = en.audit(first)
    assert "Value: — → 6.1%" in lines and "Revision: 1" in lines
    assert "Flags: — → estimated, series break" in lines
    assert not any("、" in line for line in lines)
    assert "数据状态: — → 最终" in zh.audit(first)
    # a token: its expiry in local time to the minute
    token = {"action": "token.create", "entity": "user", "key": "wang"}
    token["detail"] = {"name": "script", "expires_at": "2026-11-30 20:05:00.123456"}
    assert zh.audit(token)[1].endswith("2026-12-01 04:05")


def test_audit_marks_data_and_names_fields_by_subject():
    """Values that are data (a token's name, a file's name, a checksum, a version, a user's
    key) are shown as they are, marked translate="no"; ``name`` is labelled by whose it is."""
    zh, en = _view("zh"), _view("en")
    token = {"action": "token.create", "entity": "user", "key": "wang"}
    token["detail"] = {"name": "script", "expires_at": "2026-11-30 20:05:00"}
    assert zh.audit(token)[0] == '令牌名称: <span translate="no">script</span>'
    assert zh.subject(token) == '<code translate="no">wang</code>'
    update = {"action": "task.update", "entity": "task", "key": "t1/2020-Q4"}
    files = [{"name": "进展报告.txt", "size": 30, "sha256": "ab12"}]
    update["detail"] = {"revision": 1, "before": None, "after": {"files": files}}
    assert zh.audit(update)[0] == (
        '佐证: — → 文件名: <span translate="no">进展报告.txt</span>; 大小（字节）: 30; '
        '文件指纹（SHA-256）: <code translate="no">ab12</code>'
    )
    assert en.audit(update)[0].startswith('Evidence: — → File name: <span translate="no">')
    # a version changed: "field: old → new", each version as data; the subject's too
    activate = {"action": "plan.activate", "entity": "plan", "key": "zz@bbb"}
    activate["detail"] = {"before": "aaa", "after": "bbb"}
    assert zh.audit(activate) == [
        '版本: <code translate="no">aaa</code> → <code translate="no">bbb</code>'
    ]
    assert zh.subject(activate) == '郑州规划 · <code translate="no">bbb</code>'
    # data is escaped, never markup of its own
    upload = {
        "action": "import",
        "entity": "import",
        "key": "3",
        "detail": {"filename": "a<b>.csv"},
    }
    assert en.audit(upload) == ['File: <code translate="no">a&lt;b&gt;.csv</code>']
