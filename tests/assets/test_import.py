from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.domain.assets.factory import asset, workbook
from xiangcun.assets.models import Asset
from xiangcun.assets.services import import_assets

pytestmark = pytest.mark.django_db


def test_import_creates_then_updates_by_code_and_audits(county, project):  # type: ignore[no-untyped-def]
    data = workbook(
        [
            asset("ZC1", 来源项目编号="XM2024-001"),
            asset("ZC2", "140000002201", 资产类别="公益性", 经营方式=""),
        ]
    )
    report = import_assets(data, "a.xlsx")
    assert report.ok and (report.created, report.updated) == (2, 0)
    one = Asset.objects.get(code="ZC1")
    assert one.project == project and one.value == Decimal("120.5000") and one.county == county.county
    report = import_assets(workbook([asset("ZC1", 状态="闲置")]), "a.xlsx")
    assert (report.created, report.updated) == (0, 1)
    assert Asset.objects.get(code="ZC1").state == "闲置"
    assert LogEntry.objects.get_for_object(one).filter(action=LogEntry.Action.UPDATE).exists()


def test_an_error_anywhere_writes_nothing(county):  # type: ignore[no-untyped-def]
    report = import_assets(workbook([asset("ZC1"), asset("ZC2", **{"原值（万元）": "1.00001"})]), "a.xlsx")
    assert not report.ok and "第3行「原值（万元）」列" in str(report.errors[0])
    assert not Asset.objects.exists()


def test_township_import_cannot_touch_another_township(county, users, client_for, assets):  # type: ignore[no-untyped-def]
    client = client_for(users["township_a"])
    page = client.post(
        reverse("assets:upload"),
        {"file": SimpleUploadedFile("a.xlsx", workbook([asset("ZC9", "140000002201")]))},
    )
    assert "不在您的管辖范围" in page.content.decode() and not Asset.objects.filter(code="ZC9").exists()
    page = client.post(
        reverse("assets:upload"), {"file": SimpleUploadedFile("a.xlsx", workbook([asset("ZC-B1")]))}
    )
    assert "已登记在您管辖范围以外" in page.content.decode()
    assert Asset.objects.get(code="ZC-B1").region == county.village_b1
    ok = client.post(
        reverse("assets:upload"), {"file": SimpleUploadedFile("a.xlsx", workbook([asset("ZC8")]))}
    )
    assert ok.status_code == 302 and Asset.objects.filter(code="ZC8").exists()
    assert client_for(users["leader"]).get(reverse("assets:upload")).status_code == 403


def test_command_imports_and_reports_errors(county, tmp_path, capsys):  # type: ignore[no-untyped-def]
    good = tmp_path / "a.xlsx"
    good.write_bytes(workbook([asset("ZC1")]))
    call_command("import_assets", str(good))
    assert "资产新增 1" in capsys.readouterr().out
    bad = tmp_path / "b.xlsx"
    bad.write_bytes(workbook([asset("ZC2", 资产类别="x")]))
    with pytest.raises(CommandError, match="没有写入任何数据"):
        call_command("import_assets", str(bad))
    assert "「资产类别」列" in capsys.readouterr().err


def test_export_is_scoped_audited_and_reads_back(county, users, client_for, assets):  # type: ignore[no-untyped-def]
    response = client_for(users["township_a"]).get(reverse("assets:export"))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    codes = [r[0] for r in book["资产"].iter_rows(min_row=2, values_only=True)]
    assert codes == ["ZC-A1", "ZC-A2"]
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=users["township_a"]).exists()
    assert import_assets(response.content, "back.xlsx").updated == 0


def test_a_file_with_more_problems_than_listed_counts_them_all(county):  # type: ignore[no-untyped-def]
    report = import_assets(workbook([asset(f"ZC{n}", 资产类别="房屋") for n in range(1200)]), "a.xlsx")
    assert len(report.errors) == 1001 and "另有 200 处错误未列出" in str(report.errors[-1])
    assert report.summary() == "导入失败：发现 1200 处错误，没有写入任何数据。"
    assert not Asset.objects.exists()
