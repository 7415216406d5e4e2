"""Importing the 项目 sheet: command and page, all or nothing, re-import updates, scopes, audit."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from tests.domain.projects.test_workbook import row, workbook
from tests.projects.conftest import project_rows
from xiangcun.projects.models import Project, ProjectStep


def upload(client, data: bytes, name: str = "项目.xlsx"):  # type: ignore[no-untyped-def]
    return client.post("/projects/import/", {"file": SimpleUploadedFile(name, data)})


def test_command_imports_and_reimport_updates_by_code(county, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "项目.xlsx"
    path.write_bytes(workbook(*project_rows()))
    out = io.StringIO()
    call_command("import_projects", str(path), stdout=out)
    assert "项目新增 3、更新 0" in out.getvalue()
    a1 = Project.objects.get(code="A-1")
    assert a1.link_fund == Decimal("100.1234") and a1.department.name == "农业农村局"
    assert a1.region.name == "甲一村" and a1.status == "admitted" and a1.county == county.county

    changed = project_rows()
    changed[0] = row(项目编号="A-1", 项目名称="甲一村食用菌大棚（扩建）", 状态="实施中")
    path.write_bytes(workbook(*changed))
    out = io.StringIO()
    call_command("import_projects", str(path), stdout=out)
    assert "项目新增 0、更新 1、未变 2" in out.getvalue()
    assert Project.objects.count() == 3
    a1.refresh_from_db()
    assert a1.name == "甲一村食用菌大棚（扩建）" and a1.status == "in_progress"
    assert list(a1.steps.values_list("from_status", "to_status")) == [
        ("", "admitted"),
        ("admitted", "in_progress"),
    ]
    assert LogEntry.objects.get_for_object(a1).filter(action=LogEntry.Action.UPDATE).exists()


def test_command_lists_every_error_and_writes_nothing(county, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "项目.xlsx"
    path.write_bytes(
        workbook(row(), row(项目编号="2", 实施单位="宇宙局"), row(项目编号="3", **{"其中中央（万元）": 1}))
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="发现 2 处错误，没有写入任何数据"):
        call_command("import_projects", str(path), stderr=err)
    assert "第3行「实施单位」列" in err.getvalue() and "第4行「衔接资金（万元）」列" in err.getvalue()
    assert not Project.objects.exists()


def test_page_import_for_the_county(county, users, client_for) -> None:  # type: ignore[no-untyped-def]
    response = upload(client_for(users["county_admin"]), workbook(*project_rows()))
    assert response.status_code == 302
    assert Project.objects.count() == 3
    assert ProjectStep.objects.filter(actor=users["county_admin"]).count() == 3


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"", "项目.xlsx", "文件是空的"),
        (b"just text, not excel", "项目.xlsx", "不是有效的 Excel 工作簿"),
        (b"x" * 10, "项目.csv", "不支持「.csv」文件"),
    ],
)
def test_page_refuses_bad_files_with_a_clear_message(county, users, client_for, data, name, expected) -> None:  # type: ignore[no-untyped-def]
    response = upload(client_for(users["county_admin"]), data, name)
    assert response.status_code == 200
    text = response.content.decode()
    assert expected in text
    assert not Project.objects.exists()


def test_township_imports_only_inside_its_township(county, users, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(users["township_a"])
    response = upload(
        client, workbook(row(状态="储备"), row(项目编号="B-9", 建设地点代码="140000002201", 状态="储备"))
    )
    assert "「140000002201」不在您的管辖范围内" in response.content.decode()
    assert not Project.objects.exists()


def test_township_cannot_admit_projects_by_import(county, users, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(users["township_a"])
    response = upload(client, workbook(row(状态="入库")))
    assert "只有县级账号可以将项目入库" in response.content.decode()
    assert upload(client, workbook(row(状态="储备"))).status_code == 302
    assert Project.objects.get().status == "reserve"


def test_reimport_cannot_touch_another_townships_project(county, users, client_for, projects) -> None:  # type: ignore[no-untyped-def]
    client = client_for(users["township_a"])
    response = upload(client, workbook(row(项目编号="B-1", 项目名称="改名", 状态="实施中")))
    assert "「B-1」已登记在您管辖范围以外" in response.content.decode()
    assert Project.objects.get(code="B-1").name == "乙一村饮水工程"


def test_leaders_and_departments_cannot_import(county, users, client_for) -> None:  # type: ignore[no-untyped-def]
    for role in ("leader", "department_reporter", "village_a1"):
        assert upload(client_for(users[role]), workbook(row())).status_code == 403
    assert not Project.objects.exists()
