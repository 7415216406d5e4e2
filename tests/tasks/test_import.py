"""xiangcun import-tasks and the import service: aliases, townships, all or nothing."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from xiangcun.domain.tasks import COLUMNS
from xiangcun.tasks.models import Task, TaskUnit
from xiangcun.tasks.services import import_tasks

TODAY = dt.date(2026, 3, 1)


def book(rows: list[list[object]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "任务"
    ws.append(list(COLUMNS))
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_departments_by_alias_and_townships_by_name_or_code(county):  # type: ignore[no-untyped-def]
    data = book([
        ["2026-01", "（二）推进农村户厕精准化改造", "新改造农村户用卫生厕所", "500座", "农业局", "教科局、甲镇、140000002000",
         "2026-10-31", 2026],
        ["2026-02", "", "学校改造", "", "教体局", "各镇（街道）", "年底", 2026],
    ])  # fmt: skip
    report = import_tasks(data, "t.xlsx", county.county, today=TODAY)
    assert report.ok, report.errors
    assert report.summary() == "导入成功：任务新增 2、更新 0、未变 0。"
    first = Task.objects.get(code="2026-01")
    assert first.goal_label == "500座" and first.deadline == dt.date(2026, 10, 31)
    units = {(u.role, u.name) for u in first.units.all()}
    assert units == {
        ("lead", "农业农村局"),
        ("cooperating", "教育局"),
        ("cooperating", "甲镇"),
        ("cooperating", "乙乡"),
    }
    second = Task.objects.get(code="2026-02")
    assert second.units.filter(role="cooperating", township__isnull=False).count() == 2
    assert second.deadline == dt.date(2026, 12, 31)


def test_reimport_updates_and_keeps_units_with_reports(county):  # type: ignore[no-untyped-def]
    import_tasks(
        book([["T1", "", "甲", "", "农业局", "教育局", "年底", 2026]]), "t.xlsx", county.county, today=TODAY
    )
    report = import_tasks(book([["T1", "", "甲（修订）", "", "教育局", "", "2026-06-30", 2026]]), "t.xlsx",
                          county.county, today=TODAY)  # fmt: skip
    assert report.summary() == "导入成功：任务新增 0、更新 1、未变 0。"
    task = Task.objects.get(code="T1")
    assert task.content == "甲（修订）"
    assert [(u.role, u.name) for u in task.units.all()] == [("lead", "教育局")]


def test_unknown_unit_fails_the_whole_file(county):  # type: ignore[no-untyped-def]
    data = book([
        ["T1", "", "甲", "", "农业局", "", "年底", 2026],
        ["T2", "", "乙", "", "农业局", "水利局、丙镇", "年底", 2026],
    ])  # fmt: skip
    report = import_tasks(data, "t.xlsx", county.county, today=TODAY)
    assert not report.ok
    assert [str(e) for e in report.errors] == [
        "「任务」表第3行「配合单位」列：「水利局」不是本县的部门或乡镇（部门可在“管理·部门”中添加别名）",
        "「任务」表第3行「配合单位」列：「丙镇」不是本县的部门或乡镇（部门可在“管理·部门”中添加别名）",
    ]
    assert report.summary() == "导入失败：发现 2 处错误，没有写入任何数据。"
    assert not Task.objects.exists() and not TaskUnit.objects.exists()


def test_command(county, tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "任务.xlsx"
    path.write_bytes(book([["T1", "", "甲", "", "农业局", "", "年底", 2026]]))
    out = io.StringIO()
    call_command("import_tasks", str(path), stdout=out)
    assert "任务新增 1" in out.getvalue()
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(book([["T1", "", "甲", "", "不存在局", "", "年底", 2026]]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="导入失败"):
        call_command("import_tasks", str(bad), stderr=err)
    assert "不存在局" in err.getvalue()
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("import_tasks", str(tmp_path / "none.xlsx"))


def test_tasks_from_a_confirmed_plan(county):  # type: ignore[no-untyped-def]
    from xiangcun.plans.models import Plan, PlanItem, PlanVersion
    from xiangcun.tasks.services import tasks_from_plan

    plan = Plan.objects.create(region=county.county, title="示范县创建方案")
    version = PlanVersion.objects.create(plan=plan, number=1, filename="p.txt", file="plans/p.txt", sha256="0" * 64,
                                         size=1, status="confirmed")  # fmt: skip
    PlanItem.objects.create(
        version=version,
        kind="task",
        position=1,
        key="一",
        status="confirmed",
        data={"number": "（二）", "title": "推进农村户厕精准化改造", "lead": ["农业局"]},
        departments={"lead": [county.agriculture.pk], "cooperating": [county.education.pk]},
    )
    PlanItem.objects.create(version=version, kind="task", position=2, key="二", status="pending",
                            data={"title": "未确认的任务"})  # fmt: skip
    assert tasks_from_plan(county.county, 2026) == 1
    task = Task.objects.get()
    assert task.content == "推进农村户厕精准化改造" and task.deadline == dt.date(2026, 12, 31)
    assert {(u.role, u.name) for u in task.units.all()} == {("lead", "农业农村局"), ("cooperating", "教育局")}
    assert tasks_from_plan(county.county, 2026) == 0  # once
    # A breakdown row names the plan task as its 所属规划条目 and is linked to it.
    report = import_tasks(book([["B1", "推进农村户厕精准化改造", "改厕", "", "农业局", "", "年底", 2026]]), "t.xlsx",
                          county.county, today=TODAY)  # fmt: skip
    assert report.ok and Task.objects.get(code="B1").plan_item.data["title"] == "推进农村户厕精准化改造"
