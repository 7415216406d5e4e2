"""Benchmark: assessment of every target for 1, 100 and 3 000 counties × 40 indicators × 5 years.

Judged in 2025: a third of the targets are 2022 intermediate targets (judged on their own year),
the rest 2025 targets on the progress path, with forecasts clamped to each kind's bounds.

The batch assessment is numpy over whole columns; the target is under 2 s for 3 000 counties.
It also times the plan dashboard page of the demo county (target: under 300 ms).

    .venv/bin/python bench/assess.py [--sizes 1,100,3000]
"""

from __future__ import annotations

import argparse
import json
import sys
import tracemalloc
from typing import Any

import numpy as np
from _common import Table, best, clock, in_child, setup_django, sizes

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


def dashboard() -> dict[str, float]:
    """The dashboard page of the demo county (no households), best of five after a warm-up, in ms."""
    setup_django()
    from django.core.management import call_command
    from django.test import Client

    from xiangcun.accounts.models import User

    call_command("demo", "--quiet", "--households", "0", verbosity=0)
    client = Client()
    client.force_login(
        User.objects.get(username="county"), backend="django.contrib.auth.backends.ModelBackend"
    )
    assert client.get("/indicators/dashboard/").status_code == 200
    timing = best(lambda: client.get("/indicators/dashboard/"))
    return {"wall_ms": round(timing.wall * 1000), "cpu_ms": round(timing.cpu * 1000)}


def main() -> None:
    if sys.argv[1:] == ["--dashboard"]:
        print(json.dumps(dashboard()))
        return
    parser = argparse.ArgumentParser(description="目标评估（numpy 批量）和规划看板页面的基准")
    parser.add_argument("--sizes", default="1,100,3000", help="县数（每县 40 个指标），逗号分隔")
    counts = sizes(parser.parse_args().sizes)
    table = Table(("counties", 9), ("targets", 9), ("seconds", 9), ("CPU s", 9), ("peak MB", 9),
                  ("per target µs", 15))  # fmt: skip
    for counties in counts:
        data = synthetic(counties)
        tracemalloc.start()
        with clock() as timing:
            result = assess_batch(**data)
        peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
        tracemalloc.stop()
        n = len(result["status"])
        table.row(
            counties,
            n,
            f"{timing.wall:.3f}",
            f"{timing.cpu:.3f}",
            f"{peak:.1f}",
            f"{timing.wall / n * 1e6:.2f}",
        )
    page = in_child(__file__, "--dashboard", env={"ALLOWED_HOSTS": "testserver"})
    print(f"demo county plan dashboard: {page['wall_ms']} ms (CPU {page['cpu_ms']} ms)")


if __name__ == "__main__":
    main()
