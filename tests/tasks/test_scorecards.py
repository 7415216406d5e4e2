"""Each scorecard item from the database against a hand-computed example (year 2024, judged on 1 June 2025)."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from xiangcun.households.models import Case, CaseStep, Household
from xiangcun.indicators import dashboard
from xiangcun.indicators.models import Indicator, Observation, Target
from xiangcun.indicators.services import ensure_national
from xiangcun.projects.models import Project
from xiangcun.tasks import selectors
from xiangcun.tasks.models import ProgressReport, Task, TaskSettings, TaskUnit

TODAY = dt.date(2025, 6, 1)


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


def _submitted(observation: Observation, day: dt.date, returned: bool = False) -> None:
    LogEntry.objects.get_for_object(observation).update(timestamp=_at(day))
    if returned:
        LogEntry.objects.create(
            content_type=ContentType.objects.get_for_model(Observation), object_pk=str(observation.pk),
            object_id=observation.pk, object_repr="x", action=LogEntry.Action.UPDATE,
            changes={"status": ["submitted", "returned"]}, timestamp=_at(day + dt.timedelta(days=2)),
        )  # fmt: skip


@pytest.fixture
def year_2024(county, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(dashboard, "current_year", lambda: 2025)
    ensure_national()
    toilets = Indicator.objects.get(code="N09")
    Target.objects.create(indicator=toilets, region=county.county, year=2024, value=85, op=">=", baseline_year=2020,
                          baseline_value=65, department=county.agriculture)  # fmt: skip
    for region, value, day, returned in [
        (county.county, 90.0, dt.date(2025, 3, 20), False),  # on time
        (county.town_a, 86.0, dt.date(2025, 4, 15), False),  # late (due 31 March)
        (county.town_b, 88.0, dt.date(2025, 3, 1), True),  # on time, returned once
    ]:
        o = Observation.objects.create(indicator=toilets, region=region, year=2024, value=value, status="submitted",
                                       department=county.agriculture if region == county.county else None)  # fmt: skip
        o.status = "approved"
        o.save()
        _submitted(o, day, returned)
    # A value loaded directly as approved has no reporting record: not judged for timeliness.
    Observation.objects.create(
        indicator=toilets, region=county.county, year=2023, value=80.0, status="approved"
    )

    # Monitoring in 甲镇: one overdue step of two, one 回头看 of two done.
    def household(code: str, village: object) -> Household:
        return Household.objects.create(code=code, village=village, head_name="户主", household_type="脱贫户",
                                        housing_grade="A")  # fmt: skip

    Case.objects.create(
        household=household("H1", county.village_a1),
        channel="筛查规则",
        phase="识别",
        step=0,
        step_started=dt.date(2024, 12, 1),
        opened_at=dt.date(2024, 12, 1),
    )  # 30 days > 7
    Case.objects.create(
        household=household("H2", county.village_a1),
        channel="筛查规则",
        phase="识别",
        step=0,
        step_started=dt.date(2024, 12, 28),
        opened_at=dt.date(2024, 12, 28),
    )  # 3 days
    done = Case.objects.create(
        household=household("H3", county.village_a2),
        channel="筛查规则",
        phase="已消除",
        step_started=dt.date(2024, 3, 1),
        opened_at=dt.date(2023, 9, 1),
        cleared_at=dt.date(2024, 3, 1),
        recheck_on=dt.date(2024, 8, 28),
    )
    CaseStep.objects.create(case=done, phase="已消除", name="回头看", passed=True)
    Case.objects.create(household=household("H4", county.village_a2), channel="筛查规则", phase="已消除",
                        step_started=dt.date(2024, 4, 1), opened_at=dt.date(2023, 9, 1),
                        cleared_at=dt.date(2024, 4, 1), recheck_on=dt.date(2024, 10, 1))  # fmt: skip
    # Projects in 乙乡: one of two finished by its planned date.
    for code, finish, status, actual in [("P1", dt.date(2024, 10, 31), "completed", dt.date(2024, 10, 20)),
                                         ("P2", dt.date(2024, 11, 30), "in_progress", None)]:  # fmt: skip
        Project.objects.create(county=county.county, code=code, name=code, project_type="industry",
                               region=county.village_b1, year=2024, planned_finish=finish, status=status,
                               actual_finish=actual)  # fmt: skip
    # A task led by 乙乡, done on 20 June (deadline 30 June); Q1 reported on time, Q2 late.
    task = Task.objects.create(
        county=county.county,
        year=2024,
        code="T",
        content="台账",
        deadline_kind="date",
        deadline=dt.date(2024, 6, 30),
        status="已完成",
        completed_on=dt.date(2024, 6, 20),
    )
    lead = TaskUnit.objects.create(task=task, role="lead", township=county.town_b)
    TaskUnit.objects.create(task=task, role="cooperating", department=county.agriculture)
    for period, day in [("2024-Q1", dt.date(2024, 4, 5)), ("2024-Q2", dt.date(2024, 7, 20))]:
        ProgressReport.objects.create(task=task, unit=lead, period=period, status="推进中", text="x",
                                      review="approved", reported_at=_at(day))  # fmt: skip


def _lines(county, kind: str, name: str) -> dict[str, float | None]:  # type: ignore[no-untyped-def]
    rows = {r["unit"]: r for r in selectors.scorecards(county.county, 2024, kind, today=TODAY)}
    return {line["code"]: line["score"] for line in rows[name]["lines"]} | {"total": rows[name]["score"]}


def test_department_items(county, year_2024):  # type: ignore[no-untyped-def]
    agri = _lines(county, "department", "农业农村局")
    # 已达标 1 → 100; no task it leads (cooperating only) but its part of Q1 and Q2 is owed and missing;
    # data 1 of 1 on time, never returned: (35×100 + 15×0 + 10×100 + 10×100) ÷ 70.
    assert agri == {"targets": 100.0, "tasks_on_time": None, "task_reports": 0.0, "data_timeliness": 100.0,
                    "data_returns": 100.0, "total": round(5500 / 70, 1)}  # fmt: skip


def test_cooperating_reports_count_only_when_the_county_requires_them(county, year_2024):  # type: ignore[no-untyped-def]
    TaskSettings.objects.update_or_create(county=county.county, defaults={"cooperating_report": False})
    agri = _lines(county, "department", "农业农村局")
    assert agri["task_reports"] is None and agri["total"] == 100.0


def test_township_items(county, year_2024):  # type: ignore[no-untyped-def]
    a = _lines(county, "township", "甲镇")
    assert a["targets"] == 100.0  # 86 ≥ 85 on the county's target
    assert a["data_timeliness"] == 0.0 and a["data_returns"] == 100.0  # reported 15 April, never returned
    assert a["case_steps"] == 50.0  # (1 − 1 ÷ 2) × 100
    assert a["rechecks"] == 50.0  # 1 of 2 due
    assert a["tasks_on_time"] is None and a["projects"] is None
    # (25×100 + 10×0 + 5×100 + 20×50 + 5×50) ÷ 65
    assert a["total"] == round((2500 + 0 + 500 + 1000 + 250) / 65, 1)
    b = _lines(county, "township", "乙乡")
    assert b["tasks_on_time"] == 100.0 and b["task_reports"] == 50.0  # Q2 reported after 10 July
    assert b["data_timeliness"] == 100.0 and b["data_returns"] == 0.0  # returned once of once
    assert b["projects"] == 50.0
    assert b["case_steps"] is None and b["rechecks"] is None


def test_ranking(county, year_2024):  # type: ignore[no-untyped-def]
    rows = selectors.scorecards(county.county, 2024, "township", today=TODAY)
    assert [r["rank"] for r in rows] == [1, 2]
    assert all(r["best_rank"] <= r["rank"] <= r["worst_rank"] for r in rows)


def test_values_loaded_directly_as_approved_have_no_reporting_record(county, year_2024):  # type: ignore[no-untyped-def]
    loaded = Observation.objects.get(year=2023)
    reported = Observation.objects.filter(year=2024, region=county.county)
    assert selectors._data_reports(Observation.objects.filter(pk=loaded.pk)) == {}
    assert selectors._data_reports(reported) == {reported.get().pk: (dt.date(2025, 3, 20), False)}
