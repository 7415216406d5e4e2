"""Tasks of the test county: two tasks, one led by 农业农村局 with 甲镇 cooperating, one led by 教育局."""

from __future__ import annotations

import datetime as dt

import pytest

from xiangcun.tasks.models import Task, TaskSettings, TaskUnit


@pytest.fixture
def tasks(county):  # type: ignore[no-untyped-def]
    TaskSettings.objects.create(county=county.county, period="quarter", grace_days=10)
    toilets = Task.objects.create(
        county=county.county, year=2026, code="T1", content="新改造农村户用卫生厕所", goal_value=500,
        goal_unit="座", deadline_kind="date", deadline=dt.date(2026, 6, 30),
    )  # fmt: skip
    TaskUnit.objects.create(task=toilets, role="lead", department=county.agriculture)
    TaskUnit.objects.create(task=toilets, role="cooperating", township=county.town_a)
    schools = Task.objects.create(
        county=county.county, year=2026, code="T2", content="改善农村义务教育学校办学条件",
        deadline_kind="年底", deadline=dt.date(2026, 12, 31),
    )  # fmt: skip
    TaskUnit.objects.create(task=schools, role="lead", department=county.education)
    return {"toilets": toilets, "schools": schools}
