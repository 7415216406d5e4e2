"""The 报告 page: build, list and download (scoped, audited); other townships and roles get 404."""

from __future__ import annotations

import io

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from docx import Document

from tests.reports.conftest import YEAR
from xiangcun.reports.models import Report

pytestmark = pytest.mark.django_db


def build_as(client, region_code: str, year: int = YEAR):  # type: ignore[no-untyped-def]
    return client.post(reverse("reports:build"), {"region": region_code, "year": year})


def test_county_builds_lists_and_downloads_the_report(client_for, users, report_data):  # type: ignore[no-untyped-def]
    client = client_for(users["county_admin"])
    page = client.get(reverse("reports:index"))
    assert page.status_code == 200 and "生成报告" in page.content.decode()
    response = build_as(client, report_data.county.code)
    assert response.status_code == 302
    report = Report.objects.get()
    assert (
        report.region == report_data.county
        and report.year == YEAR
        and report.created_by == users["county_admin"]
    )
    listing = client.get(reverse("reports:index")).content.decode()
    assert reverse("reports:download", args=[report.pk]) in listing
    download = client.get(reverse("reports:download", args=[report.pk]))
    assert download.status_code == 200
    assert "wordprocessingml" in download["Content-Type"]
    document = Document(io.BytesIO(download.content))
    assert document.paragraphs[0].text == f"测试县{YEAR}年度乡村振兴规划实施评估报告"
    exports = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=users["county_admin"])
    assert any("评估报告" in str(e.changes) for e in exports)


def test_navigation_links_the_report_page(client_for, users, county):  # type: ignore[no-untyped-def]
    page = client_for(users["leader"]).get(reverse("reports:index")).content.decode()
    assert f'href="{reverse("reports:index")}"' in page


def test_leader_may_build_the_county_report(client_for, users, report_data):  # type: ignore[no-untyped-def]
    assert build_as(client_for(users["leader"]), report_data.county.code).status_code == 302
    assert Report.objects.filter(region=report_data.county).count() == 1


def test_township_gets_its_own_report_only(client_for, users, report_data):  # type: ignore[no-untyped-def]
    client = client_for(users["township_a"])
    page = client.get(reverse("reports:index")).content.decode()
    assert "甲镇" in page and "测试县</option>" not in page and "乙乡" not in page
    assert build_as(client, report_data.town_a.code).status_code == 302
    assert build_as(client, report_data.county.code).status_code == 404
    assert build_as(client, report_data.town_b.code).status_code == 404
    assert Report.objects.filter(region=report_data.town_a).count() == 1


def test_reports_out_of_scope_are_404(client_for, users, report_data):  # type: ignore[no-untyped-def]
    county_report = build_as(client_for(users["county_admin"]), report_data.county.code)
    assert county_report.status_code == 302
    b_report = build_as(client_for(users["township_b"]), report_data.town_b.code)
    assert b_report.status_code == 302
    county_pk = Report.objects.get(region=report_data.county).pk
    b_pk = Report.objects.get(region=report_data.town_b).pk
    township_a = client_for(users["township_a"])
    assert township_a.get(reverse("reports:download", args=[b_pk])).status_code == 404
    assert township_a.get(reverse("reports:download", args=[county_pk])).status_code == 404
    listing = township_a.get(reverse("reports:index")).content.decode()
    assert reverse("reports:download", args=[b_pk]) not in listing and "还没有生成过报告" in listing


@pytest.mark.parametrize("role", ["department_reporter", "village_a1"])
def test_department_and_village_accounts_get_404(client_for, users, report_data, role):  # type: ignore[no-untyped-def]
    client = client_for(users[role])
    assert client.get(reverse("reports:index")).status_code == 404
    assert build_as(client, report_data.county.code).status_code == 404


def test_bad_year_changes_nothing(client_for, users, report_data):  # type: ignore[no-untyped-def]
    response = build_as(client_for(users["county_admin"]), report_data.county.code, 1999)
    assert response.status_code == 302 and not Report.objects.exists()


def test_login_required(client):  # type: ignore[no-untyped-def]
    assert client.get(reverse("reports:index")).status_code == 302
