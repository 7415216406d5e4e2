"""The audit log and the history include read as a person reads them (issue 16, item 3)."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from xiangcun.plans.models import Plan, PlanVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan_version(county, users):  # type: ignore[no-untyped-def]
    plan = Plan.objects.create(
        region=county.county, title="测试县乡村振兴规划", created_by=users["county_admin"]
    )
    version = PlanVersion.objects.create(
        plan=plan, number=1, filename="规划.txt", sha256="0" * 64, size=10, uploaded_by=users["county_admin"]
    )
    version.status = PlanVersion.Status.CONFIRMED
    version.confirmed_by = users["county_admin"]
    version.confirmed_at = dt.datetime(2026, 3, 1, 2, 30, tzinfo=dt.UTC)
    version.save()
    return version


def test_log_with_a_plan_version_entry_does_not_crash(client_for, users, plan_version):  # type: ignore[no-untyped-def]
    response = client_for(users["system_admin"]).get(reverse("audit:log"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "规划版本" in page and "测试县乡村振兴规划（第1版）" in page


def test_history_include_with_a_plan_version_entry_does_not_crash(plan_version):  # type: ignore[no-untyped-def]
    from django.template.loader import render_to_string

    html = render_to_string("audit/_history.html", {"entries": LogEntry.objects.get_for_object(plan_version)})
    assert "状态" in html and "已确认" in html


def test_changes_show_chinese_labels_and_readable_values(client_for, users, plan_version):  # type: ignore[no-untyped-def]
    page = (
        client_for(users["system_admin"]).get(reverse("audit:log"), {"model": "planversion"}).content.decode()
    )
    assert "待审核 → 已确认" in page  # choice labels, not codes
    assert "确认人" in page and "confirmed_by" not in page
    assert "确认时间" in page and "2026-03-01 10:30" in page  # local (Asia/Shanghai) time, not UTC 02:30
    assert "<strong>status</strong>" not in page


def test_booleans_related_objects_and_json_are_decoded(client_for, users, county):  # type: ignore[no-untyped-def]
    from xiangcun.households.models import Case, CaseStep, Household

    household = Household.objects.create(
        code="H0001", head_name="张三", village=county.village_a1, phone="13812345678"
    )
    case = Case.objects.create(
        household=household,
        channel="干部排查",
        step_started=dt.date(2026, 3, 1),
        opened_at=dt.date(2026, 3, 1),
    )
    CaseStep.objects.create(
        case=case, phase="核实", name="入户核实", passed=True, actor=users["county_admin"]
    )
    page = client_for(users["system_admin"]).get(reverse("audit:log")).content.decode()
    assert "passed" not in page and "通过</strong>：— → 是" in page
    assert "<strong>actor" not in page and "</strong>：— → county</div>" in page
    assert "户主姓名" in page or "户主" in page
    assert "head_name" not in page
    assert "13812345678" not in page and "1381234" not in page and "*5678" in page
    assert "<strong>联系电话</strong>：— → " in page  # auditlog's masked "None" is still a missing value
    assert "\\u" not in page
    assert "办理步骤" in page and "case step" not in page


def test_personal_fields_are_masked_even_when_written_by_a_bulk_import(client_for, users, county):  # type: ignore[no-untyped-def]
    from xiangcun.audit.services import record_bulk
    from xiangcun.households.models import Household, Member

    household = Household.objects.create(code="H0002", head_name="李四", village=county.village_a1)
    member = Member(household=household, name="李四", id_number="140101199001011234")
    record_bulk(
        Member, [(member, "create", {"id_number": (None, "140101199001011234")})], users["county_admin"]
    )
    page = client_for(users["system_admin"]).get(reverse("audit:log")).content.decode()
    assert "140101199001011234" not in page and "1401**********1234" in page


def test_json_fields_are_decoded_without_escapes(client_for, users, county):  # type: ignore[no-untyped-def]
    from xiangcun.departments.models import Department

    department = Department.objects.create(region=county.county, name="民政局", aliases=["民政"])
    department.aliases = ["民政", "民政部门"]
    department.save()
    page = (
        client_for(users["system_admin"]).get(reverse("audit:log"), {"model": "department"}).content.decode()
    )
    assert "\\u" not in page and "民政 → 民政、民政部门" in page
    assert "别名" in page or "aliases" not in page


def test_model_filter_lists_chinese_names(client_for, users, county):  # type: ignore[no-untyped-def]
    page = client_for(users["system_admin"]).get(reverse("audit:log")).content.decode()
    assert ">行政区划</option>" in page


def test_entry_times_are_local(client_for, users, county):  # type: ignore[no-untyped-def]
    entry = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(county.county)).latest(
        "id"
    )
    page = client_for(users["system_admin"]).get(reverse("audit:log")).content.decode()
    assert timezone.localtime(entry.timestamp).strftime("%Y-%m-%d %H:%M") in page


def test_every_audited_field_has_a_chinese_name() -> None:
    from auditlog.registry import auditlog

    from xiangcun.audit.display import field_label, model_name

    english = []
    for model in auditlog.get_models():
        if model_name(model).isascii():
            english.append(model.__name__)
        for f in model._meta.concrete_fields:
            if field_label(model, f.name).isascii():
                english.append(f"{model.__name__}.{f.name}")
    assert english == []


def test_related_records_are_looked_up_once_per_model(
    client_for, users, county, django_assert_max_num_queries
):  # type: ignore[no-untyped-def]
    for i in range(40):
        county.village_a1.population = 1000 + i
        county.village_a1.save()
    client = client_for(users["system_admin"])
    client.get(reverse("audit:log"))  # warm the content-type cache
    with django_assert_max_num_queries(15):
        assert client.get(reverse("audit:log")).status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get(reverse("regions:detail", args=[county.village_a1.code])).status_code == 200


def test_empty_fields_of_a_new_record_are_not_listed(client_for, users, plan_version):  # type: ignore[no-untyped-def]
    page = (
        client_for(users["system_admin"]).get(reverse("audit:log"), {"model": "planversion"}).content.decode()
    )
    assert "：— → —</div>" not in page
    assert "<strong>文件名</strong>：— → 规划.txt" in page
