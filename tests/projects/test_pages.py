"""Project pages: what each role sees and may do; another township's project is 404 everywhere."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from xiangcun.plans.models import Plan, PlanItem, PlanVersion
from xiangcun.projects.models import FundRule, Project, StepAttachment


def text(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def test_library_lists_only_the_township_s_projects(users, client_for, projects) -> None:  # type: ignore[no-untyped-def]
    page = text(client_for(users["township_a"]).get("/projects/"))
    assert "A-1" in page and "甲镇道路硬化" in page and "B-1" not in page
    county_page = text(client_for(users["county_admin"]).get("/projects/"))
    assert all(code in county_page for code in ("A-1", "A-2", "B-1"))


def test_department_sees_the_projects_it_implements(users, client_for, projects) -> None:  # type: ignore[no-untyped-def]
    page = text(client_for(users["department_reporter"]).get("/projects/"))
    assert "A-1" in page and "A-2" not in page and "B-1" not in page
    assert client_for(users["department_reporter"]).get(f"/projects/{projects['A-2'].pk}/").status_code == 404


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/projects/{pk}/"),
        ("get", "/projects/{pk}/edit/"),
        ("post", "/projects/{pk}/edit/"),
        ("post", "/projects/{pk}/step/"),
    ],
)
def test_another_townships_project_is_404(users, client_for, projects, method, url) -> None:  # type: ignore[no-untyped-def]
    client = client_for(users["township_a"])
    response = getattr(client, method)(url.format(pk=projects["B-1"].pk), {"to_status": "completed"})
    assert response.status_code == 404
    assert Project.objects.get(code="B-1").status == "in_progress"


def test_another_townships_attachment_is_404(users, client_for, projects) -> None:  # type: ignore[no-untyped-def]
    client_for(users["township_b"]).post(
        f"/projects/{projects['B-1'].pk}/step/",
        {"to_status": "completed", "expected_status": "in_progress", "remarks": "完工",
         "files": SimpleUploadedFile("完工照片.jpg", b"\xff\xd8\xff\xe0 a jpeg")},
    )  # fmt: skip
    attachment = StepAttachment.objects.get()
    assert client_for(users["township_b"]).get(f"/projects/attachments/{attachment.pk}/").status_code == 200
    assert client_for(users["township_a"]).get(f"/projects/attachments/{attachment.pk}/").status_code == 404


def test_export_leaves_out_another_townships_projects(users, client_for, projects) -> None:  # type: ignore[no-untyped-def]
    response = client_for(users["township_a"]).get("/projects/export/")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    codes = [r[0] for r in book["项目"].iter_rows(min_row=2, values_only=True)]
    assert codes == ["A-1", "A-2"]
    notice = [r[1] for r in book["公告"].iter_rows(values_only=True)]
    assert "乙一村饮水工程" not in notice and "合计" in notice
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=users["township_a"]).exists()


def test_funds_page_and_rules_are_scoped(users, client_for, projects) -> None:  # type: ignore[no-untyped-def]
    page = text(client_for(users["township_b"]).get("/projects/funds/?year=2025"))
    assert "乙乡" in page and "甲镇" not in page
    assert "100.1234" in page  # B-1's 衔接资金, the township's whole total
    county_page = text(client_for(users["county_admin"]).get("/projects/funds/?year=2025"))
    assert "300.3702" in county_page  # three projects of 100.1234 each


def test_step_chain_admission_needs_the_county(users, client_for, county) -> None:  # type: ignore[no-untyped-def]
    from tests.domain.projects.test_workbook import row, workbook
    from xiangcun.projects.services import import_projects

    assert import_projects(workbook(row(状态="储备")), "p.xlsx", county.county).ok
    project = Project.objects.get()
    town = client_for(users["township_a"])
    assert "储备项目须由县级账号论证后办理入库" in text(town.get(f"/projects/{project.pk}/"))
    town.post(f"/projects/{project.pk}/step/", {"to_status": "admitted", "expected_status": "reserve"})
    project.refresh_from_db()
    assert project.status == "reserve"
    county_client = client_for(users["county_admin"])
    county_client.post(
        f"/projects/{project.pk}/step/", {"to_status": "admitted", "expected_status": "reserve"}
    )
    project.refresh_from_db()
    assert project.status == "admitted"
    # A stale page (still showing 储备) cannot move it again.
    response = county_client.post(
        f"/projects/{project.pk}/step/", {"to_status": "admitted", "expected_status": "reserve"}, follow=True
    )
    assert "项目状态已被他人改为「入库」" in text(response)
    # Skipping steps is refused; terminating needs a reason.
    assert "不能改为「已验收」" in text(county_client.post(
        f"/projects/{project.pk}/step/", {"to_status": "accepted", "expected_status": "admitted"}, follow=True))  # fmt: skip
    assert "终止项目须写明终止原因" in text(county_client.post(
        f"/projects/{project.pk}/step/", {"to_status": "terminated", "expected_status": "admitted"}, follow=True))  # fmt: skip
    for to, before in (("in_progress", "admitted"), ("completed", "in_progress"), ("accepted", "completed")):
        town.post(
            f"/projects/{project.pk}/step/", {"to_status": to, "expected_status": before, "remarks": "按期"}
        )
    project.refresh_from_db()
    assert project.status == "accepted" and project.actual_start and project.actual_finish
    page = text(town.get(f"/projects/{project.pk}/"))
    assert page.count("按期") == 3 and "已完工 → 已验收" in page


def test_leader_reads_but_cannot_change(users, client_for, projects) -> None:  # type: ignore[no-untyped-def]
    leader = client_for(users["leader"])
    page = text(leader.get(f"/projects/{projects['A-1'].pk}/"))
    assert "甲一村食用菌大棚" in page and "办理下一步" not in page
    assert leader.get(f"/projects/{projects['A-1'].pk}/edit/").status_code == 403
    assert (
        leader.post(f"/projects/{projects['A-1'].pk}/step/", {"to_status": "in_progress"}).status_code == 404
    )


def test_edit_checks_sums_and_concurrent_changes(users, client_for, projects, county) -> None:  # type: ignore[no-untyped-def]
    client = client_for(users["township_a"])
    project = projects["A-1"]
    page = client.get(f"/projects/{project.pk}/edit/")
    form = page.context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data.update(
        region=county.village_a2.pk,
        department=county.agriculture.pk,
        updated_token=form["updated_token"].value(),
    )
    data["other_fund"] = "20.3767"
    response = client.post(f"/projects/{project.pk}/edit/", data)
    assert "总投资 120.5000 ≠ 衔接资金 100.1234 + 其他资金 20.3767" in text(response)
    data["other_fund"] = "20.3766"
    assert client.post(f"/projects/{project.pk}/edit/", data).status_code == 302
    project.refresh_from_db()
    assert project.region == county.village_a2
    change = LogEntry.objects.get_for_object(project).filter(actor=users["township_a"]).get()
    assert set(change.changes_dict) == {"region"}  # audited, with only what changed
    # The same stale form again: someone (we) saved in between.
    assert "已被他人修改" in text(client.post(f"/projects/{project.pk}/edit/", data))
    # A township cannot move its project into another township.
    fresh = client.get(f"/projects/{project.pk}/edit/").context["form"]["updated_token"].value()
    data.update(region=county.village_b1.pk, updated_token=fresh)
    assert "选择一个有效的选项" in text(client.post(f"/projects/{project.pk}/edit/", data))


def test_funds_command_prints_the_issue_json(county, projects) -> None:  # type: ignore[no-untyped-def]
    FundRule.objects.create(county=county.county, year=2025, labour_floor="0.08")
    out = io.StringIO()
    call_command("funds", "--year", "2025", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {
        "year": 2025,
        "total": "300.3702",
        "by_type": {
            "产业发展": "100.1234",
            "就业增收": "0.0000",
            "乡村建设": "200.2468",
            "易地搬迁后续扶持": "0.0000",
            "乡村治理": "0.0000",
            "其他": "0.0000",
        },  # fmt: skip
        "industry_share": 0.3333,
        "warnings": [{"project": None, "rule": "INDUSTRY_SHARE", "value": 0.3333, "floor": 0.55}],
    }
    FundRule.objects.filter(year=2025).update(labour_floor="0.15")  # 5 ÷ 60.1234 = 0.0832
    Project.objects.filter(code="B-1").update(status="terminated")  # left out
    out = io.StringIO()
    call_command("funds", "--year", "2025", "--json", stdout=out)
    summary = json.loads(out.getvalue())
    assert summary["total"] == "200.2468" and summary["industry_share"] == 0.5
    assert summary["warnings"][0] == {
        "project": "A-2",
        "rule": "LABOUR_SHARE",
        "value": 0.0832,
        "floor": 0.15,
    }


def test_rules_page_shows_sources_and_only_the_county_changes_them(users, client_for, county) -> None:  # type: ignore[no-untyped-def]
    page = text(client_for(users["township_a"]).get("/projects/rules/"))
    assert "劳务报酬发放比例不得低于财政资金的 15%" in page and "55.00%" in page
    assert client_for(users["township_a"]).post("/projects/rules/", {"year": 2025}).status_code == 403
    client = client_for(users["county_admin"])
    response = client.post("/projects/rules/", {"year": 2025, "industry_floor": "0.6", "industry_source": "县政府文件",
                                                "labour_floor": "0.15", "labour_source": "永和规划"})  # fmt: skip
    assert response.status_code == 302
    assert "60.00%" in text(client.get("/projects/funds/?year=2025"))


def test_plan_project_taken_into_the_library_once(users, client_for, county) -> None:  # type: ignore[no-untyped-def]
    plan = Plan.objects.create(region=county.county, title="测试县衔接规划", period_start=2021)
    version = PlanVersion.objects.create(
        plan=plan, number=1, filename="p.docx", sha256="x", size=1, status="confirmed"
    )
    item = PlanItem.objects.create(
        version=version, kind="project", position=0, key="k", status="confirmed",
        data={"box": "专栏8 农村基础设施建设工程", "name": "农村公路提档升级", "length_km": 35.0,
              "investment_wan_yuan": 12000.0, "quote": "农村公路提档升级35公里，总投资1.2亿元"},
    )  # fmt: skip
    assert client_for(users["township_a"]).get("/projects/from-plans/").status_code == 403
    assert client_for(users["township_a"]).post(f"/projects/from-plans/{item.pk}/take/").status_code == 403
    client = client_for(users["county_admin"])
    assert "作为储备项目入库" in text(client.get("/projects/from-plans/"))
    client.post(f"/projects/from-plans/{item.pk}/take/")
    client.post(f"/projects/from-plans/{item.pk}/take/")
    project = Project.objects.get()
    assert (
        project.plan_item == item and project.status == "reserve" and project.project_type == "construction"
    )
    assert str(project.total_investment) == "12000.0000" and project.total_investment == project.other_fund
    page = text(client.get(f"/projects/{project.pk}/"))
    assert "测试县衔接规划" in page and "专栏8" in page
    assert "已在项目库" in text(client.get("/projects/from-plans/"))


def test_edit_form_shows_saved_dates_as_the_browser_date_field_reads_them(
    users, client_for, projects
) -> None:  # type: ignore[no-untyped-def]
    # a date field only accepts 2025-03-01; zh-hans formats dates as 2025/03/01, which the browser drops,
    # and saving the form then wiped the dates
    import datetime as dt

    project = projects["A-1"]
    type(project).objects.filter(pk=project.pk).update(planned_start=dt.date(2025, 3, 1))
    page = text(client_for(users["township_a"]).get(f"/projects/{project.pk}/edit/"))
    assert 'value="2025-03-01"' in page and "2025/03/01" not in page
