"""Benchmark: assessment of every target for 1, 100 and 3 000 counties × 40 indicators × 5 years.

Judged in 2025: a third of the targets are 2022 intermediate targets (judged on their own year),
the rest 2025 targets on the progress path, with forecasts clamped to each kind's bounds.

The batch assessment is numpy over whole columns; the target is under 2 s for 3 000 counties.
It also times the plan dashboard page of the demo county (target: under 300 ms).

    .venv/bin/python bench/assess.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from typing import Any

import numpy as np

from xiangcun.domain.assessment import assess_batch

YEARS = np.array([2021, 2022, 2023, 2024, 2025])


def synthetic(counties: int, indicators: int = 40, seed: int = 7) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    n = counties * indicators
    baseline = rng.uniform(10, 90, n)
    target = baseline + rng.uniform(-20, 30, n)
    progress = rng.uniform(-0.3, 1.4, n)[:, None] * np.linspace(0.2, 1.0, len(YEARS))[None, :]
    values = baseline[:, None] + (target - baseline)[:, None] * progress
    values[rng.random(values.shape) < 0.1] = np.nan
    ops = rng.choice(np.array([">=", ">", "<=", "="]), n)
    kind = rng.choice(np.array(["percentage", "quantity", "ratio", "count"]), n)
    # A third of the targets are intermediate ones (2022) already over in 2025: judged on their own year.
    target_year = np.where(rng.random(n) < 1 / 3, 2022.0, 2025.0)
    return {"years": YEARS, "values": values, "target_year": target_year, "target": target, "op": ops,
            "baseline_year": np.full(n, 2020.0), "baseline": baseline, "lower": target < baseline,
            "quantity": kind == "quantity", "zero": rng.random(n) < 0.02, "binding": rng.random(n) < 0.3,
            "kind": kind, "as_of": 2025}  # fmt: skip


def dashboard_ms() -> float | None:
    """Time the dashboard page of the demo county in a throwaway SQLite database."""
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, XIANGCUN_DATA_DIR=tmp, DATABASE_URL=f"sqlite:///{tmp}/b.sqlite3",
                   ALLOWED_HOSTS="testserver", DJANGO_SETTINGS_MODULE="xiangcun.settings")  # fmt: skip
        code = (
            "import django,time;django.setup();from django.core.management import call_command;"
            "call_command('demo','--quiet','--households','0',verbosity=0);"
            "from django.test import Client;from xiangcun.accounts.models import User;c=Client();"
            "c.force_login(User.objects.get(username='county'),backend='django.contrib.auth.backends.ModelBackend');"
            "c.get('/indicators/dashboard/');ts=[];"
            "exec('for _ in range(5):\\n t=time.perf_counter();r=c.get(\"/indicators/dashboard/\");ts.append(time.perf_counter()-t)');"
            "assert r.status_code==200;print(min(ts)*1000)"
        )
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
        return float(out.stdout.strip().splitlines()[-1]) if out.returncode == 0 else None


def main() -> None:
    print(f"{'counties':>9}{'targets':>9}{'seconds':>9}{'peak MB':>9}{'per target µs':>15}")
    for counties in (1, 100, 3000):
        data = synthetic(counties)
        tracemalloc.start()
        start = time.perf_counter()
        result = assess_batch(**data)
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
        tracemalloc.stop()
        n = len(result["status"])
        print(f"{counties:>9}{n:>9}{seconds:>9.3f}{peak:>9.1f}{seconds / n * 1e6:>15.2f}")
    ms = dashboard_ms()
    print(f"demo county plan dashboard: {'failed' if ms is None else f'{ms:.0f} ms'}")


if __name__ == "__main__":
    main()
