from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from kaoping.core import evaluate_loaded, load
from kaoping.data.exports import export_evaluation, export_observations
from kaoping.errors import UsageError
from kaoping.store import Store
from tests.store import fixtures

# the store fixtures (SQLite and PostgreSQL), shared with tests/store
db_url, empty_store, pg_admin, store = (
    fixtures.db_url,
    fixtures.empty_store,
    fixtures.pg_admin,
    fixtures.store,
)


def read_csv(blob: bytes) -> list[dict]:
    assert blob.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(blob.decode("utf-8-sig"))))


def test_observations_in_both_languages_and_back(store: Store):
    store.submit("ann", "share", "city", 2021, 40, status="final", flags=("estimated",))
    store.approve("rita", store.history("share")[0]["id"])
    t = store.observations()
    plan = store.plan()
    en = read_csv(export_observations(t, plan, "csv", "en"))
    assert en[0]["indicator"] == "share" and en[0]["name"] == "Share"
    assert en[0]["status"] == "final" and en[0]["state"] == "approved"
    assert en[0]["approved_at"].endswith("Z")
    zh = read_csv(export_observations(t, plan, "csv", "zh"))
    assert zh[0]["指标代码"] == "share" and zh[0]["指标名称"] == "比重"
    assert zh[0]["数据状态"] == "正式" and zh[0]["标记"] == "估计" and zh[0]["审核状态"] == "已通过"
    data = json.loads(export_observations(t, plan, "json", "zh"))
    assert data[0]["status"] == "正式" and data[0]["value"] == 40.0
    wb = load_workbook(io.BytesIO(export_observations(t, plan, "xlsx", "zh")))
    ws = wb.active
    assert ws["A1"].value == "指标代码" and ws["E2"].value == 40
    # a Chinese export imports back (unchanged)
    store.unlock("rita", "share", "city", 2021, "check the round trip")
    report = store.import_file(
        "ann", export_observations(t, plan, "csv", "zh"), "zh.csv", dry_run=True
    )
    assert report.ok and report.counts["unchanged"] == 1


def test_evaluations_in_both_languages():
    loaded = load(None)
    ev = evaluate_loaded(loaded, 2020)
    en = read_csv(export_evaluation(loaded.plan, ev, "csv", "en"))
    zh = read_csv(export_evaluation(loaded.plan, ev, "csv", "zh"))
    assert len(en) == len(zh) == len(loaded.plan.indicators)
    assert "status_label" in en[0] and "状态" in zh[0] and "实现程度" in zh[0]
    assert {r["状态"] for r in zh} <= {
        *("已实现", "提前实现", "快于预期", "基本符合预期", "滞后", "倒退"),
        *("数据过旧", "无数据", "仅监测"),
    }
    card = json.loads(export_evaluation(loaded.plan, ev, "json", "zh"))
    assert card["lang"] == "zh" and card["plan"]["id"] == loaded.plan.id
    wb = load_workbook(io.BytesIO(export_evaluation(loaded.plan, ev, "xlsx", "en")))
    assert wb.active["B1"].value == "key" and wb.active.max_row == len(en) + 1
    with pytest.raises(UsageError):
        export_evaluation(loaded.plan, ev, "pdf", "en")
    with pytest.raises(UsageError):
        export_evaluation(loaded.plan, ev, "csv", "fr")
