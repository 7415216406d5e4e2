from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from xiangcun.regions.models import Region
from xiangcun.tasks import selectors
from xiangcun.tasks.models import ProgressReport, Task, TaskSettings, TaskUnit

TODAY = dt.date(2026, 8, 1)


def test_task_summary_counts_and_overdue_list(county, tasks):  # type: ignore[no-untyped-def]
    summary = selectors.task_summary(county.county, 2026, today=TODAY)
    assert summary["total"] == 2
    assert summary["by_status"] == {"未开始": 1, "推进中": 0, "已完成": 0, "滞后": 1}
    assert summary["due"] == 1 and summary["on_time"] == 0
    assert summary["overdue"] == [
        {"code": "T1", "content": "新改造农村户用卫生厕所", "lead": "农业农村局", "deadline": dt.date(2026, 6, 30),
         "days": 32}
    ]  # fmt: skip
    # Q1 (due 4-10) and Q2 (due 7-10) from each responsible unit: 甲镇 cooperates and owes its part too.
    missing = {(r["code"], r["unit"], r["period"], r["days"]) for r in summary["missing_reports"]}
    assert missing == {
        ("T1", "农业农村局", "2026年第1季度", 113), ("T1", "农业农村局", "2026年第2季度", 22),
        ("T1", "甲镇", "2026年第1季度", 113), ("T1", "甲镇", "2026年第2季度", 22),
        ("T2", "教育局", "2026年第1季度", 113), ("T2", "教育局", "2026年第2季度", 22),
    }  # fmt: skip


def test_a_county_may_leave_cooperating_reports_voluntary(county, tasks):  # type: ignore[no-untyped-def]
    TaskSettings.objects.filter(county=county.county).update(cooperating_report=False)
    summary = selectors.task_summary(county.county, 2026, today=TODAY)
    assert "甲镇" not in {r["unit"] for r in summary["missing_reports"]}
    assert len(summary["missing_reports"]) == 4


def test_a_cooperating_units_own_inbox_lists_its_missing_reports(county, tasks):  # type: ignore[no-untyped-def]
    part = tasks["toilets"].units.get(role="cooperating")
    ProgressReport.objects.create(task=tasks["toilets"], unit=part, period="2026-Q1", status="推进中",
                                  text="已摸排", reported_at=dt.datetime(2026, 4, 8, tzinfo=dt.UTC))  # fmt: skip
    rows = selectors.supervision(Task.objects.all(), TODAY, unit_filter={"township_id": county.town_a.pk})
    # 甲镇 leads nothing, so the overdue task is not in its inbox; its Q2 part is.
    assert [(r["kind"], r["code"], r["period"], r["days"]) for r in rows] == [
        ("进度未报", "T1", "2026年第2季度", 22)
    ]


def test_a_township_summary_has_only_its_tasks(county, tasks):  # type: ignore[no-untyped-def]
    assert selectors.task_summary(county.town_a, 2026, today=TODAY)["total"] == 1
    assert selectors.task_summary(county.town_b, 2026, today=TODAY)["total"] == 0


def test_scorecards_rank_departments(county, tasks):  # type: ignore[no-untyped-def]
    lead = tasks["schools"].units.get()
    ProgressReport.objects.create(task=tasks["schools"], unit=lead, period="2026-Q1", status="推进中", text="进行中",
                                  reported_at=dt.datetime(2026, 4, 5, tzinfo=dt.UTC))  # fmt: skip
    result = selectors.scorecards(county.county, 2026, "department", today=TODAY)
    by_unit = {r["unit"]: r for r in result}
    assert by_unit["教育局"]["score"] == 50.0  # 1 of 2 period reports on time; nothing else to score
    assert by_unit["农业农村局"]["score"] == 0.0
    assert by_unit["教育局"]["rank"] == 1


def _supervision_queries() -> tuple[int, list[dict[str, object]]]:
    with CaptureQueriesContext(connection) as captured:
        rows = selectors.supervision(Task.objects.all(), TODAY)
    return len(captured), rows


def test_supervision_reads_the_same_queries_for_many_units(county, tasks):  # type: ignore[no-untyped-def]
    # 督办 of a county of 400 townships: units read as rows, not a query (or a model instance) per unit
    few, rows = _supervision_queries()
    for i in range(30):
        town = Region.objects.create(
            code=f"14000{i + 10:03d}000", name=f"镇{i}", level="township", parent=county.county
        )
        TaskUnit.objects.create(task=tasks["schools"], role="cooperating", township=town)
    many, more = _supervision_queries()
    assert many == few
    # each new township owes its part of the 教育局 task for Q1 and Q2, named with its role
    assert len(more) == len(rows) + 60
    assert {(r["unit"], r["role"], r["period"]) for r in more if r["unit"] == "镇7"} == {
        ("镇7", "配合", "2026年第1季度"),
        ("镇7", "配合", "2026年第2季度"),
    }
