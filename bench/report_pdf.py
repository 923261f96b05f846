"""Time the evaluation report as PDF: the first of a process, a warm one and a cached one,
for both bundled plans in Chinese and English, beside the goal (the first PDF of a year
in under 3 s).

Each figure comes from new processes (the PDF cache switched off unless said):

- first: the whole command ``kaoping report evaluation PLAN --lang L -o FILE`` timed from
  outside (start-up, imports, loading, evaluation, layout, writing): what a user of the
  command line waits for the first PDF of a year, and what a server's first build costs;
- in-process split of the same first PDF: imports, evaluation and document, layout and
  writing (CPU seconds too, which a busy machine inflates less than wall seconds);
- warm: the PDF of another year in a process that has made one already (a server after
  its first report; nothing cached applies);
- cached: the same report again (the PDF kept per digest of its HTML) from a new
  process, the cache on disk.

Run: uv run python bench/report_pdf.py [--repeat N] [--plans a,b] [--langs zh,en]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL = 3.0
PLANS = ("zhengzhou-2009-2020", "cn-fyp13")

CHILD = """
import json, sys, time
T = time.perf_counter
t0 = T(); c0 = time.process_time()
from kaoping.report.build import evaluation_from_files
from kaoping.report.pdf import render_pdf
import weasyprint  # noqa: F401 (the import is part of the first PDF)
t1 = T()
plan, lang, other = sys.argv[1], sys.argv[2], int(sys.argv[3])
doc = evaluation_from_files(plan, None, None, lang)
t2 = T(); c2 = time.process_time()
body = render_pdf(doc)
t3 = T(); c3 = time.process_time()
doc2 = evaluation_from_files(plan, None, other, lang)
t4 = T()
render_pdf(doc2)
t5 = T(); c5 = time.process_time()
print(json.dumps({"imports": t1 - t0, "document": t2 - t1, "pdf": t3 - t2,
    "cpu_first": c3 - c0, "warm": t5 - t4, "cpu_warm": c5 - c3, "first": t3 - t0,
    "bytes": len(body)}))
"""


def _env(cache: str) -> dict:
    return {**os.environ, "KAOPING_PDF_CACHE": cache}


def _timed(cmd: list[str], env: dict) -> tuple[float, float, str]:
    """Wall and CPU seconds of a new process, and what it printed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, out


def _kaoping() -> list[str]:
    exe = Path(sys.executable).with_name("kaoping")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "kaoping.cli"]


def _other_year(plan: str) -> int:
    from kaoping.plan.bundled import find_plan
    from kaoping.plan.loader import load_plan

    return load_plan(find_plan(plan)).period.end - 1


def _med(xs: list[float]) -> str:
    return f"{statistics.median(xs):5.2f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--plans", default=",".join(PLANS))
    ap.add_argument("--langs", default="zh,en")
    args = ap.parse_args()
    plans, langs = args.plans.split(","), args.langs.split(",")
    out_dir = Path(tempfile.mkdtemp(prefix="kaoping-bench-"))
    cache_dir = out_dir / "cache"
    # warm the operating system's file cache (fonts, modules)
    _timed([*_kaoping(), "report", "evaluation", "-o", str(out_dir / "w.pdf")], _env("off"))
    print(f"evaluation report as PDF, median of {args.repeat} (goal: first PDF < {GOAL:.0f} s)")
    print(
        "plan                 lang | command: wall   cpu | in process: imports  doc   pdf"
        "   cpu | warm: wall   cpu | cached: wall"
    )
    worst = 0.0
    for plan in plans:
        other = _other_year(plan)
        for lang in langs:
            rows: dict[str, list[float]] = {}
            for _ in range(args.repeat):
                out = out_dir / f"{plan}-{lang}.pdf"
                cmd = [*_kaoping(), "report", "evaluation", plan, "--lang", lang, "-o", str(out)]
                wall, cpu, _ = _timed(cmd, _env("off"))
                rows.setdefault("cmd_wall", []).append(wall)
                rows.setdefault("cmd_cpu", []).append(cpu)
                _, _, text = _timed(
                    [sys.executable, "-c", CHILD, plan, lang, str(other)], _env("off")
                )
                for k, v in json.loads(text).items():
                    rows.setdefault(k, []).append(v)
                _timed(cmd, _env(str(cache_dir)))  # fills the cache
                wall, _, _ = _timed(cmd, _env(str(cache_dir)))
                rows.setdefault("cached", []).append(wall)
            worst = max(worst, statistics.median(rows["cmd_wall"]))
            print(
                f"{plan:20} {lang:4} |        {_med(rows['cmd_wall'])} {_med(rows['cmd_cpu'])} |"
                f"             {_med(rows['imports'])} {_med(rows['document'])}"
                f" {_med(rows['pdf'])} {_med(rows['cpu_first'])} |"
                f"      {_med(rows['warm'])} {_med(rows['cpu_warm'])} |"
                f"        {_med(rows['cached'])}"
            )
    verdict = "within" if worst < GOAL else "over"
    print(
        f"slowest first PDF (whole command, median): {worst:.2f} s, {verdict} the {GOAL:.0f} s goal"
    )


if __name__ == "__main__":
    main()
