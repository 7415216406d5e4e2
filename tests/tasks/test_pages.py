"""Task pages: who sees which task and scorecard (404 otherwise), reporting with evidence, review, downloads."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from xiangcun.tasks.models import Evidence, ProgressReport, Task

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: dt.date(2026, 8, 1))


def _report(client, task, unit, **extra):  # type: ignore[no-untyped-def]
    data = {
        "unit": unit.pk,
        "period": "2026-Q2",
        "status": "推进中",
        "text": "已完成 300 座",
        "figure": "300",
        **extra,
    }
    return client.post(reverse("tasks:report", args=[task.pk]), data, follow=True)


def test_county_leader_see_all_department_and_township_their_own(county, users, tasks, client_for):  # type: ignore[no-untyped-def]
    toilets, schools = tasks["toilets"], tasks["schools"]
    for who, visible, hidden in [
        ("county_admin", [toilets, schools], []),
        ("leader", [toilets, schools], []),
        ("department_reporter", [toilets], [schools]),  # 农业农村局
        ("township_a", [toilets], [schools]),  # 甲镇 cooperates on the toilets
        ("township_b", [], [toilets, schools]),
        ("village_a1", [toilets], [schools]),
    ]:
        client = client_for(users[who])
        page = client.get(reverse("tasks:list"), {"year": 2026}).content.decode()
        for task in visible:
            assert client.get(reverse("tasks:detail", args=[task.pk])).status_code == 200, who
            assert task.content in page, who
        for task in hidden:
            assert client.get(reverse("tasks:detail", args=[task.pk])).status_code == 404, who
            assert task.content not in page, who


def test_lead_department_reports_with_evidence_and_county_reviews(county, users, tasks, client_for):  # type: ignore[no-untyped-def]
    toilets = tasks["toilets"]
    lead = toilets.units.get(role="lead")
    client = client_for(users["department_reporter"])
    page = _report(client, toilets, lead, files=[SimpleUploadedFile("验收.pdf", PDF)]).content.decode()
    assert "已报送2026年第2季度进展" in page
    report = ProgressReport.objects.get()
    assert report.review == "submitted" and report.figure == 300
    evidence = Evidence.objects.get()
    assert evidence.kind == "pdf" and f"tasks/{county.county.code}/{toilets.pk}/" in evidence.file.name

    # The department cannot review; the county returns with a reason, then approves the resubmission.
    url = reverse("tasks:review", args=[report.pk])
    # In scope, but reviewing is not the department's right: 403.
    assert client.post(url, {"decision": "approve"}).status_code == 403
    county_client = client_for(users["county_admin"])
    assert "退回时请写明原因" in county_client.post(url, {"decision": "return"}, follow=True).content.decode()
    county_client.post(url, {"decision": "return", "reason": "请补充现场照片"})
    report.refresh_from_db()
    assert (report.review, report.return_reason, report.times_returned) == ("returned", "请补充现场照片", 1)
    client = client_for(users["department_reporter"])
    _report(client, toilets, lead, status="已完成", text="全部完成")
    client = client_for(users["county_admin"])
    client.post(url, {"decision": "approve"})
    toilets.refresh_from_db()
    assert toilets.status == Task.Status.DONE and toilets.completed_on == dt.date(2026, 8, 1)


def test_bad_evidence_changes_nothing(county, users, tasks, client_for):  # type: ignore[no-untyped-def]
    toilets = tasks["toilets"]
    lead = toilets.units.get(role="lead")
    client = client_for(users["department_reporter"])
    page = _report(
        client, toilets, lead, files=[SimpleUploadedFile("照片.png", b"<script>alert(1)</script>")]
    )
    assert "「照片.png」的内容不是PNG 图片文件" in page.content.decode()
    assert not ProgressReport.objects.exists() and not Evidence.objects.exists()
    page = _report(client, toilets, lead, files=[SimpleUploadedFile("a.exe", b"MZ")])
    assert "只接受 pdf、docx、xlsx、jpg、png" in page.content.decode()
    page = _report(client, toilets, lead, period="2026-Q4")
    assert "还没有开始" in page.content.decode()
    assert not ProgressReport.objects.exists()


def test_evidence_file_over_the_limit(county, users, tasks, client_for, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr("xiangcun.domain.tasks.MAX_EVIDENCE_BYTES", 10)
    toilets = tasks["toilets"]
    client = client_for(users["department_reporter"])
    page = _report(client, toilets, toilets.units.get(role="lead"), files=[SimpleUploadedFile("a.pdf", PDF)])
    assert "过大" in page.content.decode() and not ProgressReport.objects.exists()


def test_cooperating_township_adds_its_part_others_cannot_report(county, users, tasks, client_for):  # type: ignore[no-untyped-def]
    toilets = tasks["toilets"]
    part = toilets.units.get(role="cooperating")
    _report(client_for(users["township_a"]), toilets, part, text="甲镇完成 120 座")
    assert ProgressReport.objects.get().unit == part
    # A leader reads but has nothing to report; 乙乡 does not see the task at all.
    assert client_for(users["leader"]).post(reverse("tasks:report", args=[toilets.pk]), {}).status_code == 404
    assert (
        client_for(users["township_b"]).post(reverse("tasks:report", args=[toilets.pk]), {}).status_code
        == 404
    )
    # The department cannot report for the township's unit.
    page = _report(client_for(users["department_reporter"]), toilets, part).content.decode()
    assert "报送失败" in page and ProgressReport.objects.count() == 1


def test_evidence_download_is_scoped_audited_and_safe(county, users, tasks, client_for):  # type: ignore[no-untyped-def]
    toilets = tasks["toilets"]
    _report(client_for(users["department_reporter"]), toilets, toilets.units.get(role="lead"),
            files=[SimpleUploadedFile("验收.pdf", PDF)])  # fmt: skip
    evidence = Evidence.objects.get()
    url = reverse("tasks:evidence", args=[evidence.pk])
    downloads = LogEntry.objects.get_for_object(evidence).filter(action=LogEntry.Action.ACCESS)
    assert not downloads.exists()
    response = client_for(users["leader"]).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    # the download is audited on the file, with who (logins are ACCESS entries too, on the account)
    assert [e.actor for e in downloads] == [users["leader"]]
    for who in ("township_b",):
        assert client_for(users[who]).get(url).status_code == 404
    # Another department (教育局) does not see 农业农村局's evidence.
    from xiangcun.accounts.models import Role, User

    other = User.objects.create(username="edu", role=Role.DEPARTMENT_REPORTER, region=county.county,
                                department=county.education)  # fmt: skip
    assert client_for(other).get(url).status_code == 404


def test_supervision_lists_days_overdue_per_inbox(county, users, tasks, client_for):  # type: ignore[no-untyped-def]
    page = (
        client_for(users["county_admin"]).get(reverse("tasks:supervision"), {"year": 2026}).content.decode()
    )
    assert "任务超期" in page and "32" in page and "改善农村义务教育学校办学条件" in page
    own = (
        client_for(users["department_reporter"])
        .get(reverse("tasks:supervision"), {"year": 2026})
        .content.decode()
    )
    assert "新改造农村户用卫生厕所" in own and "改善农村义务教育学校办学条件" not in own
    assert (
        "改善农村义务教育"
        not in client_for(users["township_b"]).get(reverse("tasks:supervision")).content.decode()
    )


def test_supervision_pages_a_long_list_most_overdue_first(county, users, tasks, client_for):  # type: ignore[no-untyped-def]
    from xiangcun.tasks.models import TaskUnit

    for n in range(130):  # a county whose tasks fall to every township owes hundreds of reports
        task = Task.objects.create(county=county.county, year=2026, code=f"X{n:03d}", content=f"批量任务{n:03d}",
                                   deadline_kind="date", deadline=dt.date(2026, 1, 1) + dt.timedelta(days=n))  # fmt: skip
        TaskUnit.objects.create(task=task, role="lead", department=county.agriculture)
    client = client_for(users["county_admin"])
    first = client.get(reverse("tasks:supervision"), {"year": 2026}).content.decode()
    pages = int(re.search(r"第 1/(\d+) 页", first).group(1))  # type: ignore[union-attr]
    assert pages >= 2 and "下一页" in first and first.count("<tr>") <= 101
    assert "批量任务000" in first  # the most days overdue
    last = client.get(reverse("tasks:supervision"), {"year": 2026, "page": pages}).content.decode()
    assert "上一页" in last and "批量任务000" not in last


def test_county_only_pages(county, users, tasks, client_for):  # type: ignore[no-untyped-def]
    """403 (a right the role lacks), as on every county-only page (`core.permissions.require_county`);
    these pages used to answer 404, which is kept for objects out of scope."""
    for who in ("department_reporter", "township_a", "leader"):
        client = client_for(users[who])
        assert client.get(reverse("tasks:upload")).status_code == 403
        assert client.get(reverse("tasks:settings")).status_code == 403
        assert client.post(reverse("tasks:from_plan"), {"year": 2026}).status_code == 403
    client = client_for(users["county_admin"])
    assert client.get(reverse("tasks:upload")).status_code == 200
    page = client.post(
        reverse("tasks:upload"), {"file": SimpleUploadedFile("a.txt", b"hello")}
    ).content.decode()
    assert "不支持「.txt」文件" in page


def test_settings_form_checks_weights(county, users, tasks, client_for):  # type: ignore[no-untyped-def]
    client = client_for(users["county_admin"])
    data = {"period": "month", "grace_days": 5, "data_due_month": 3, "data_due_day": 31,
            **{f"department_{k}": 0 for k in ("targets", "tasks_on_time", "task_reports", "data_timeliness", "data_returns")},
            **{f"township_{k}": 1 for k in ("targets", "tasks_on_time", "task_reports", "data_timeliness", "data_returns",
                                            "case_steps", "rechecks", "projects")}}  # fmt: skip
    assert "权重不能全为 0" in client.post(reverse("tasks:settings"), data).content.decode()
    data["department_targets"] = 50
    assert client.post(reverse("tasks:settings"), data).status_code == 302
    from xiangcun.tasks.models import TaskSettings

    setting = TaskSettings.objects.get(county=county.county)
    assert setting.period == "month" and setting.weights("department")["targets"] == 50


def test_scorecards_scoped(county, users, tasks, client_for):  # type: ignore[no-untyped-def]
    county_page = client_for(users["county_admin"]).get(
        reverse("tasks:scorecards"), {"year": 2026, "kind": "department"}
    )
    assert "农业农村局" in county_page.content.decode() and "教育局" in county_page.content.decode()
    own = (
        client_for(users["department_reporter"])
        .get(reverse("tasks:scorecards"), {"year": 2026})
        .content.decode()
    )
    assert "农业农村局" in own and "教育局" not in own
    agri = reverse("tasks:scorecard", args=["department", county.agriculture.pk])
    edu = reverse("tasks:scorecard", args=["department", county.education.pk])
    client = client_for(users["department_reporter"])
    assert client.get(agri, {"year": 2026}).status_code == 200
    assert client.get(edu, {"year": 2026}).status_code == 404
    town_a = reverse("tasks:scorecard", args=["township", county.town_a.pk])
    town_b = reverse("tasks:scorecard", args=["township", county.town_b.pk])
    client = client_for(users["township_a"])
    assert client.get(town_a, {"year": 2026}).status_code == 200
    assert client.get(town_b, {"year": 2026}).status_code == 404
    assert client.get(agri, {"year": 2026}).status_code == 404
    own = client.get(reverse("tasks:scorecards"), {"year": 2026}).content.decode()
    assert "甲镇" in own and "乙乡" not in own
    leader = client_for(users["leader"])
    assert leader.get(town_b, {"year": 2026}).status_code == 200
    assert leader.get(reverse("tasks:scorecard", args=["nothing", 1])).status_code == 404
    what_if = leader.get(reverse("tasks:scorecards"), {"year": 2026, "kind": "department", "w_targets": "0"})
    assert "调整权重后" in what_if.content.decode()


def test_scorecards_page_a_ranking_and_rerank_without_gathering_again(  # type: ignore[no-untyped-def]
    county, users, tasks, client_for, monkeypatch, django_assert_max_num_queries
):
    # 400 townships made a 420 KB page, and other weights gathered every fact a second time
    monkeypatch.setattr("xiangcun.tasks.views.SCORECARDS_PER_PAGE", 1)
    client = client_for(users["county_admin"])
    url = reverse("tasks:scorecards")
    with django_assert_max_num_queries(25) as plain:
        first = client.get(url, {"year": 2026, "kind": "department"}).content.decode()
    with django_assert_max_num_queries(len(plain) + 1):
        what_if = client.get(url, {"year": 2026, "kind": "department", "w_targets": "0"}).content.decode()
    assert "调整权重后" in what_if and "第 1/" in what_if
    assert "下一页" in first and "上一页" not in first
    pages = int(first.split("第 1/")[1].split(" ")[0])
    shown = [client.get(url, {"year": 2026, "kind": "department", "page": n}).content.decode()
             for n in range(1, pages + 1)]  # fmt: skip
    assert sum("农业农村局</a>" in p for p in shown) == 1 and sum("教育局</a>" in p for p in shown) == 1
    assert "kind=department" in shown[1].split("上一页")[0].rsplit("href=", 1)[1]
