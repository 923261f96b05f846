"""Small things a user trips on: the new-user form starts at the least-privileged role, and a
zero deduction or adjustment reads 0.0 — never "−0.0 / +0.0"."""

from __future__ import annotations

import re

from kaoping.web.routes_assessment import signed

from .conftest import form_token


def test_the_user_form_starts_at_the_least_privileged_role(user_client):
    admin = user_client("admin")
    page = admin.get("/staff/users").text
    form = page[page.index('id="user-form"') :]
    select = re.search(r'<select id="n-role".*?</select>', form, re.S).group(0)
    assert re.findall(r'<option value="(\w+)" selected>', select) == ["viewer"]
    # a form sent back with a mistake keeps the role chosen
    r = admin.post(
        "/staff/users",
        data={
            "csrf_token": form_token(admin, "/staff/users"),
            "username": "x",  # too short a password: refused
            "role": "reviewer",
            "department": "",
            "password": "short",
        },
    )
    again = re.search(r'<select id="n-role".*?</select>', r.text, re.S).group(0)
    assert re.findall(r'<option value="(\w+)" selected>', again) == ["reviewer"]


def test_signed_numbers_never_show_a_signed_zero():
    assert signed(0.0, 1) == "0.0"
    assert signed(-0.0, 1) == "0.0"
    assert signed(-0.04, 1) == "0.0"  # shows as zero: no sign
    assert signed(0.0, 1, negate=True) == "0.0"
    assert signed(15, 1, negate=True) == "−15.0"
    assert signed(2.5, 1) == "+2.5" and signed(-1.5, 1) == "−1.5"
    assert signed(2.5) == "+2.5" and signed(-2) == "−2" and signed(0) == "0"
    assert signed(None, 1) == "—"


def test_a_unit_without_deductions_or_adjustments_shows_zeros(user_client):
    rev = user_client("rev")
    for lang in ("en", "zh"):
        page = rev.get("/assessment/env", params={"year": 2015, "lang": lang}).text
        assert 'id="deductions">0.0</span> / <span id="adjustments">0.0</span>' in page
        assert "−0.0" not in page and "+0.0" not in page and "-0.0" not in page
    r = rev.post(
        "/assessment/env/adjust?year=2015",
        data={"delta": "2", "reason": "figures corrected", "csrf_token": form_token(rev)},
    )
    assert r.status_code == 200, r.text
    assert '<span id="adjustments">+2.0</span>' in r.text
    assert "<strong>+2</strong> — figures corrected" in r.text
