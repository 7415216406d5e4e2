"""Benchmark: the yearly evaluation report (.docx) of the demo county and of a county with 5 000 villages.

Each county is built with `xiangcun demo` (100 villages, then `--villages 5000`) in a temporary data
folder (XIANGCUN_DATA_DIR, SQLite) and the report for the last full year is built three times in a fresh
process: collecting the live data (assessment, index and its trend, township ranking, monitoring
statistics, projects, tasks and scorecards), assembling and rendering (three charts, python-docx). The
figures are the best of three, wall and CPU seconds (a busy machine inflates wall time, not CPU time).
Target: under 10 s.

    .venv/bin/python bench/report.py [--villages 100,5000] [--data-dir DIR ...]

--data-dir reuses folders where the demo was already built (one per size, in the order of --villages).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

MEASURE = r"""
import json, time, django
django.setup()
from xiangcun.indicators.dashboard import current_year
from xiangcun.regions.models import Region
from xiangcun.reports.services import build
county = Region.objects.get(depth=3)
year = current_year() - 1
best = None
for _ in range(3):
    wall, cpu = time.perf_counter(), time.process_time()
    built = build(county, year)
    figures = {**built.seconds, "cpu": time.process_time() - cpu, "wall": time.perf_counter() - wall}
    if best is None or figures["wall"] < best["wall"]:
        best = figures
villages = Region.objects.filter(depth=5).count()
townships = Region.objects.filter(depth=4).count()
print(json.dumps({"villages": villages, "townships": townships, "kb": len(built.data) // 1024,
                  "charts": built.charts, **best}))
"""


def environment(data_dir: str) -> dict[str, str]:
    return dict(os.environ, XIANGCUN_DATA_DIR=data_dir, DJANGO_SETTINGS_MODULE="xiangcun.settings",
                DATABASE_URL=f"sqlite:///{data_dir}/xiangcun.sqlite3")  # fmt: skip


def build_demo(data_dir: str, villages: int) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "xiangcun.cli", "demo", "--quiet", "--villages", str(villages)],
                   env=environment(data_dir), check=True, cwd=data_dir)  # fmt: skip
    return time.perf_counter() - start


def measure(data_dir: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", MEASURE], env=environment(data_dir), capture_output=True,
                         text=True, check=True)  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--villages", default="100,5000")
    parser.add_argument("--data-dir", action="append", default=[])
    args = parser.parse_args()
    sizes = [int(v) for v in args.villages.split(",")]
    print(f"{'villages':>9}{'towns':>7}{'demo s':>8}{'collect s':>10}{'render s':>9}{'total s':>8}{'cpu s':>7}"
          f"{'KB':>6}{'charts':>7}")  # fmt: skip
    for i, villages in enumerate(sizes):
        given = args.data_dir[i] if i < len(args.data_dir) else None
        with tempfile.TemporaryDirectory() as tmp:
            data_dir = given or tmp
            demo = 0.0 if given else build_demo(data_dir, villages)
            f = measure(data_dir)
        print(f"{f['villages']:>9}{f['townships']:>7}{demo:>8.0f}{f['collect']:>10.2f}{f['render']:>9.2f}"
              f"{f['total']:>8.2f}{f['cpu']:>7.2f}{f['kb']:>6}{f['charts']:>7}")  # fmt: skip


if __name__ == "__main__":
    main()
