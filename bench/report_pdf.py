"""Time the full Zhengzhou evaluation report as PDF in both languages (goal: under 10 s).

Each run is a new process that loads the plan and data, evaluates, builds the report and
renders the PDF (WeasyPrint, CJK font embedded) in English and in Chinese. Two figures:
the two languages one after the other in one process, and the two languages at once in
two processes (what a 2-core machine does when both are asked for together).

Run: uv run python bench/report_pdf.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

ONE = """
import sys, time
t0 = time.perf_counter()
from kaoping.report.build import evaluation_from_files, render
for lang in sys.argv[1:]:
    t = time.perf_counter()
    body = render(evaluation_from_files(None, None, 2020, lang), "pdf")
    print(lang, len(body), round(time.perf_counter() - t, 3))
"""


def run(langs: list[str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", ONE, *langs], stdout=subprocess.PIPE, text=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    run(["en"]).wait()  # warm the file and font caches
    sequential, parallel, detail = [], [], ""
    for _ in range(args.repeat):
        t = time.perf_counter()
        p = run(["en", "zh"])
        detail = p.communicate()[0]
        sequential.append(time.perf_counter() - t)
        t = time.perf_counter()
        procs = [run(["en"]), run(["zh"])]
        for q in procs:
            q.communicate()
        parallel.append(time.perf_counter() - t)
    pages = {}
    for line in detail.split("\n"):
        if line:
            lang, size, secs = line.split()
            pages[lang] = f"{lang} {int(size) / 1e6:.1f} MB in {float(secs):.2f} s"
    print("evaluation report, bundled plan as of 2020, PDF in English and Chinese:")
    seq, par = statistics.median(sequential), statistics.median(parallel)
    print(
        f"  one process, one language after the other: median {seq:.2f} s, "
        f"best {min(sequential):.2f} s over {args.repeat} runs (goal: < 10 s)"
    )
    print(f"    ({'; '.join(pages.values())}, plus start-up)")
    print(
        f"  two processes, both languages at once:      median {par:.2f} s, "
        f"best {min(parallel):.2f} s"
    )


if __name__ == "__main__":
    main()
