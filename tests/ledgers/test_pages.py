"""The ledger pages for each role: content, filters, scopes (another township's rows are absent or 404)."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.ledgers.conftest import toilet, toilet_book
from xiangcun.domain.ledgers import schools
from xiangcun.domain.ledgers.columns import write_workbook
from xiangcun.domain.tables import read_table
from xiangcun.ledgers import services
from xiangcun.ledgers.models import Ledger, LedgerRow, ToiletRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(county, households):  # type: ignore[no-untyped-def]
    rows = [toilet(), toilet(户编号="B001", 改厕模式="水冲式", 摸排发现问题="粪池渗漏"),
            toilet(户编号="", 户主姓名="赵六", 所在村="甲二村", 施工方验收日期="", 施工方验收人="", 村验收日期="", 村验收人="")]  # fmt: skip
    assert services.import_toilets(toilet_book(rows), "t.xlsx", county.county).ok
    book = write_workbook(schools.COLUMNS, [["东雷庄学校", "甲镇", "小学", 2024, 6, 3, 15],
                                            ["乙乡中学", "乙乡", "初中", 2024, 900, 50, 20]])  # fmt: skip
    assert services.import_schools(book, "s.xlsx", county.county).ok


def test_menu_and_list(client_for, users, ledger):  # type: ignore[no-untyped-def]
    page = client_for(users["township_a"]).get(reverse("ledgers:index")).content.decode()
    assert 'href="/ledgers/"' in page and "户厕台账" in page and "学校台账" in page
    assert "新建台账" not in page  # only the county defines ledgers
    assert "新建台账" in client_for(users["county_admin"]).get(reverse("ledgers:index")).content.decode()


def test_toilet_rows_filters_and_scope(client_for, users, ledger):  # type: ignore[no-untyped-def]
    client = client_for(users["township_a"])
    page = client.get(reverse("ledgers:toilets")).content.decode()
    assert "王大" in page and "赵六" in page and "李四" not in page
    assert "待施工方验收" in page and "待镇验收" in page
    waiting = client.get(reverse("ledgers:toilets"), {"state": "待施工方验收"}).content.decode()
    assert "赵六</a>" in waiting and "王大</a>" not in waiting
    county_page = (
        client_for(users["county_admin"]).get(reverse("ledgers:toilets"), {"problems": "1"}).content.decode()
    )
    assert "李四</a>" in county_page and "粪池渗漏" in county_page and "王大</a>" not in county_page
    other = ToiletRecord.objects.get(name="李四")
    client = client_for(users["township_a"])
    assert client.get(reverse("ledgers:toilet", args=[other.pk])).status_code == 404
    assert client.post(reverse("ledgers:toilet", args=[other.pk]), {"model": "其他"}).status_code == 404
    exported = client.get(reverse("ledgers:toilets_export"))
    names = [r[1] for r in read_table(exported.content, "t.xlsx").records]
    assert sorted(names) == ["王大", "赵六"]
    access = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=users["township_a"])
    assert any("户厕台账" in str(e.changes) and "2 户" in str(e.changes) for e in access)


def test_township_staff_record_an_acceptance_in_order(client_for, users, ledger):  # type: ignore[no-untyped-def]
    record = ToiletRecord.objects.get(name="王大")
    client = client_for(users["township_a"])
    form = client.get(reverse("ledgers:toilet", args=[record.pk])).context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    skip = data | {"county_date": "2023-06-01", "county_by": "县验收组"}
    response = client.post(reverse("ledgers:toilet", args=[record.pk]), skip)
    assert response.status_code == 200 and "须先经镇验收" in response.content.decode()
    good = data | {"township_date": "2023-05-20", "township_by": "镇干部"}
    assert client.post(reverse("ledgers:toilet", args=[record.pk]), good).status_code == 302
    record.refresh_from_db()
    assert record.township_date == dt.date(2023, 5, 20)
    assert LogEntry.objects.filter(
        object_pk=str(record.pk), action=LogEntry.Action.UPDATE, actor=users["township_a"]
    ).exists()
    leader = client_for(users["leader"])
    assert leader.get(reverse("ledgers:toilet", args=[record.pk])).context["form"] is None
    assert leader.post(reverse("ledgers:toilet", args=[record.pk]), good).status_code == 403


def test_upload_page_reports_errors_and_imports(client_for, users, ledger):  # type: ignore[no-untyped-def]
    client = client_for(users["township_a"])
    bad = SimpleUploadedFile("t.xlsx", toilet_book([toilet(户编号="B001")]))
    page = client.post(reverse("ledgers:toilets_import"), {"file": bad}).content.decode()
    assert "导入失败" in page and "不在您的管辖范围内" in page
    good = SimpleUploadedFile("t.xlsx", toilet_book([toilet(户编号="", 户主姓名="新户", 所在村="甲一村")]))
    assert client.post(reverse("ledgers:toilets_import"), {"file": good}).status_code == 302
    assert ToiletRecord.objects.filter(name="新户").exists()
    assert client_for(users["leader"]).get(reverse("ledgers:toilets_import")).status_code == 403
    template = client.get(reverse("ledgers:toilets_template"))
    assert read_table(template.content, "t.xlsx").header[:4] == ["户编号", "户主姓名", "所在村", "改造年份"]


def test_progress_page(client_for, users, ledger):  # type: ignore[no-untyped-def]
    settings = services.toilet_settings(ledger_county := users["county_admin"].region)
    settings.yearly_plan, settings.rural_households = {"2023": 5}, 100
    settings.save()
    page = client_for(users["county_admin"]).get(reverse("ledgers:progress")).content.decode()
    assert "按年度对照规划" in page and "<svg" in page and "甲一村" in page and "乙一村" in page
    assert "农村卫生厕所普及率" in page and "计入指标" in page
    town = client_for(users["township_a"]).get(reverse("ledgers:progress")).content.decode()
    assert "乙一村" not in town and "计入指标" not in town
    assert (
        client_for(users["township_a"]).post(reverse("ledgers:publish_coverage"), {"year": 2023}).status_code
        == 403
    )
    response = client_for(users["county_admin"]).post(
        reverse("ledgers:publish_coverage"), {"year": 2023}, follow=True
    )
    assert "已计入指标数据" in response.content.decode()
    assert ledger_county is not None


def test_progress_pages_its_village_table_at_a_fixed_query_cost(  # type: ignore[no-untyped-def]
    client_for, users, ledger, monkeypatch, django_assert_max_num_queries
):
    # 5 000 villages made a 1.4 MB page; the village table now comes a page at a time, the totals stay whole
    monkeypatch.setattr("xiangcun.ledgers.views.VILLAGES_PER_PAGE", 1)
    client = client_for(users["county_admin"])
    with django_assert_max_num_queries(40):
        first = client.get(reverse("ledgers:progress")).content.decode()
    assert "甲一村" in first and "乙一村" not in first and "下一页" in first and "按年度对照规划" in first
    pages = int(first.split("第 1/")[1].split(" ")[0])
    last = client.get(reverse("ledgers:progress"), {"page": pages}).content.decode()
    assert "甲一村" not in last and "上一页" in last
    assert "乙一村" in "".join(
        client.get(reverse("ledgers:progress"), {"page": n}).content.decode() for n in range(2, pages + 1)
    )


def test_schools_page_and_standards(client_for, users, ledger):  # type: ignore[no-untyped-def]
    page = client_for(users["county_admin"]).get(reverse("ledgers:schools")).content.decode()
    assert "东雷庄学校" in page and "教师富余" in page and "乙乡中学" in page and "教师不足" in page
    town = client_for(users["township_a"]).get(reverse("ledgers:schools")).content.decode()
    assert "东雷庄学校" in town and "乙乡中学" not in town
    assert client_for(users["township_a"]).get(reverse("ledgers:school_settings")).status_code == 403
    client = client_for(users["county_admin"])
    form = client.get(reverse("ledgers:school_settings")).context["form"]
    data = {name: field.initial for name, field in form.fields.items()} | {"ratio_1": "20"}
    assert client.post(reverse("ledgers:school_settings"), data).status_code == 302
    assert "教师不足" not in client.get(reverse("ledgers:schools")).content.decode()


def test_county_defines_a_ledger_and_townships_keep_their_rows(client_for, users, ledger, county):  # type: ignore[no-untyped-def]
    client = client_for(users["county_admin"])
    response = client.post(reverse("ledgers:new"), {"name": "村级光伏台账", "unit": "village", "yearly": "on",
                                                    "columns": "装机容量，小数，单位：千瓦，必填\n运行状态，选项：正常/停用"})  # fmt: skip
    assert response.status_code == 302
    item = Ledger.objects.get(name="村级光伏台账")
    bad = client.post(reverse("ledgers:new"), {"name": "x", "unit": "village", "columns": "户编号，文本"})
    assert "是台账的固定列" in bad.content.decode()
    assert client_for(users["township_a"]).get(reverse("ledgers:new")).status_code == 403
    rows = [["甲一村", 2025, 30, "正常"], ["乙一村", 2025, 20, "停用"]]
    data = write_workbook(services.ledger_columns(item), rows)
    assert services.import_ledger_rows(item, data, "l.xlsx").ok
    town = client_for(users["township_a"])
    page = town.get(reverse("ledgers:ledger", args=[item.pk])).content.decode()
    assert "甲一村" in page and "乙一村" not in page and "装机容量（千瓦）" in page
    exported = read_table(town.get(reverse("ledgers:ledger_export", args=[item.pk])).content, "l.xlsx")
    assert [r[0] for r in exported.records] == ["140000001201"]
    assert LedgerRow.objects.count() == 2
    other_county = Ledger.objects.create(
        county=county.town_b, name="乙乡自有台账", unit="village", columns=[]
    )
    assert town.get(reverse("ledgers:ledger", args=[other_county.pk])).status_code == 404
    assert town.get(reverse("ledgers:ledger_export", args=[other_county.pk])).status_code == 404
