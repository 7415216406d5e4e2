"""The demo tasks: the proposal's six tasks with their departments, a breakdown, reports in every status."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from xiangcun.departments.services import ensure_defaults
from xiangcun.tasks import selectors
from xiangcun.tasks.demo import build_demo
from xiangcun.tasks.models import Evidence, ProgressReport, Task

REAL = timezone.localdate


@pytest.fixture(autouse=True)
def _december(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(
        timezone, "localdate", lambda value=None, tz=None: REAL(value) if value else dt.date(2026, 12, 1)
    )


def test_demo_tasks(county):  # type: ignore[no-untyped-def]
    ensure_defaults(county.county)
    message = build_demo(county.county)
    assert message.startswith("演示任务：2026年 20 项") and "2025年 20 项" in message
    six = Task.objects.get(code="2026-06")
    assert six.content == "（六）推进乡村系统化治理"
    assert sorted(u.name for u in six.units.filter(role="lead")) == ["宣传部", "政法委"]
    assert six.units.filter(role="cooperating", township__isnull=False).count() == 2  # 各镇（街道）
    assert {r for r in ProgressReport.objects.values_list("review", flat=True)} == {
        "approved",
        "returned",
        "submitted",
    }
    assert Evidence.objects.exists()
    summary = selectors.task_summary(county.county, 2026)
    assert all(summary["by_status"][s] > 0 for s in ("未开始", "推进中", "已完成", "滞后")), summary[
        "by_status"
    ]
    assert summary["overdue"] and summary["missing_reports"]
    # last year is closed: every report reviewed, every task judged, so the 2025 report has a chapter 6
    last_year = ProgressReport.objects.filter(task__year=2025)
    assert last_year.exists() and not last_year.exclude(review="approved").exists()
    closed = selectors.task_summary(county.county, 2025)
    assert closed["by_status"]["已完成"] > 0 and closed["by_status"]["滞后"] > 0, closed["by_status"]
    assert build_demo(county.county) == "演示任务已存在，未重复生成。"
