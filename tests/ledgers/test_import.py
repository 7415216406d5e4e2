from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry

from tests.ledgers.conftest import toilet, toilet_book
from xiangcun.domain.ledgers import schools
from xiangcun.domain.ledgers.columns import write_workbook
from xiangcun.ledgers import services
from xiangcun.ledgers.models import Ledger, LedgerRow, SchoolRecord, ToiletRecord

pytestmark = pytest.mark.django_db


def test_toilets_by_household_code_or_by_name_and_village_then_updated_in_place(county, households, users):  # type: ignore[no-untyped-def]
    data = toilet_book([toilet(), toilet(户编号="", 户主姓名="赵六", 所在村="甲二村", 改厕模式="双瓮式")])
    report = services.import_toilets(data, "t.xlsx", county.county, actor=users["county_admin"])
    assert report.ok, report.errors
    assert (report.created, report.updated) == (2, 0)
    registered = ToiletRecord.objects.get(household__code="A001")
    assert (registered.name, registered.village, registered.cost) == (
        "王大",
        county.village_a1,
        Decimal("3200.00"),
    )
    assert ToiletRecord.objects.get(name="赵六").village == county.village_a2
    again = toilet_book([toilet(县验收日期=dt.date(2023, 6, 1), 县验收人="县农业农村局",
                                镇验收日期=dt.date(2023, 5, 20), 镇验收人="镇干部"),
                         toilet(户编号="", 户主姓名="赵六", 所在村="140000001202", 改厕模式="双瓮式")])  # fmt: skip
    report = services.import_toilets(
        again, "t.xlsx", county.county, actor=users["township_a"], scope=county.town_a
    )
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    assert ToiletRecord.objects.count() == 2
    entry = LogEntry.objects.filter(object_pk=str(registered.pk), action=LogEntry.Action.UPDATE).get()
    assert entry.actor == users["township_a"] and "county_date" in entry.changes


def test_one_bad_row_writes_nothing_and_every_problem_is_listed_in_chinese(county, households):  # type: ignore[no-untyped-def]
    rows = [
        toilet(),
        toilet(户编号="X999"),
        toilet(户编号="", 户主姓名="孙七"),
        toilet(户编号="B001", 改厕模式="旱厕", **{"补助金额（元）": 5000}),
        toilet(户编号="", 户主姓名="周八", 所在村="甲一村", 镇验收日期=dt.date(2023, 5, 7), 镇验收人="镇干部",
               村验收日期=None, 村验收人=""),
        toilet(),
    ]  # fmt: skip
    report = services.import_toilets(toilet_book(rows), "t.xlsx", county.county)
    assert not report.ok and ToiletRecord.objects.count() == 0
    text = [str(e) for e in report.errors]
    assert len(text) == 5
    assert "第3行「户编号」列：农户登记中没有户编号「X999」，或该户不在您的管辖范围内" in text
    assert "第4行「户编号」列：请填写户编号；未登记的农户请填写户主姓名和所在村" in text
    assert "第5行「改厕模式」列：「旱厕」无效，应为 水冲式、双瓮式、三格式、粪尿分集、其他 之一" in text
    assert "第6行「镇验收日期」列：须先经村验收（验收顺序：施工方→村→镇→县）" in text
    assert "第7行「户编号」列：与第2行是同一户" in text
    assert report.summary().startswith("导入失败") and "没有写入任何数据" in report.summary()


def test_subsidy_over_cost_is_refused(county, households):  # type: ignore[no-untyped-def]
    report = services.import_toilets(
        toilet_book([toilet(**{"补助金额（元）": 5000})]), "t.xlsx", county.county
    )
    assert [str(e) for e in report.errors] == [
        "第2行「补助金额（元）」列：补助 5000.00 元多于改造费用 3200.00 元"
    ]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "t.xlsx", "文件是空的"),
        (b"hello,world\n", "t.txt", "不支持的文件类型"),
        ("户编号,改造年份\nA001,2023\n".encode("gbk"), "t.csv", "缺少列：改厕模式"),
        (b"PK\x03\x04garbage", "t.xlsx", "不是有效的 Excel 工作簿"),
        (b"\xff\xfe\x00garbage\x00\x01", "t.csv", "表头不对"),
    ],
)
def test_bad_files_get_one_clear_message(county, data, name, message):  # type: ignore[no-untyped-def]
    report = services.import_toilets(data, name, county.county)
    assert len(report.errors) == 1 and message in str(report.errors[0]), report.errors
    assert ToiletRecord.objects.count() == 0


def test_township_staff_only_reach_their_own_villages(county, households, users):  # type: ignore[no-untyped-def]
    other = toilet_book([toilet(户编号="B001")])
    report = services.import_toilets(other, "t.xlsx", county.county, scope=county.town_a)
    assert "该户不在您的管辖范围内" in str(report.errors[0])
    by_name = toilet_book([toilet(户编号="", 户主姓名="钱九", 所在村="乙一村")])
    assert "不在您的管辖范围内" in str(
        services.import_toilets(by_name, "t.xlsx", county.county, scope=county.town_a).errors[0]
    )
    assert ToiletRecord.objects.count() == 0


def test_schools_yearly_update_and_scope(county, users):  # type: ignore[no-untyped-def]
    def book(rows: list[list[object]]) -> bytes:
        return write_workbook(schools.COLUMNS, rows)

    first = book(
        [
            ["东雷庄学校", "甲镇", "小学", 2024, 6, 3, 15],
            ["阳渠学校", "140000002000", "小初一体", 2024, 716, 68, 28.8],
        ]
    )
    assert services.import_schools(first, "s.xlsx", county.county, actor=users["county_admin"]).created == 2
    update = book(
        [["东雷庄学校", "甲镇", "小学", 2025, 4, 3, 15], ["东雷庄学校", "甲镇", "小学", 2024, 7, 3, 15]]
    )
    report = services.import_schools(update, "s.xlsx", county.county, scope=county.town_a)
    assert (report.created, report.updated) == (1, 1)
    assert SchoolRecord.objects.get(name="东雷庄学校", year=2024).students == 7
    outside = services.import_schools(book([["阳渠学校", "乙乡", "小初一体", 2025, 700, 68, 28.8]]), "s.xlsx",
                                      county.county, scope=county.town_a)  # fmt: skip
    assert "不是系统中的乡镇，或不在您的管辖范围内" in str(outside.errors[0])
    bad = services.import_schools(book([["甲校", "甲镇", "大学", 2024, -1, 3, ""]]), "s.xlsx", county.county)
    assert {e.column for e in bad.errors} == {"规模", "在校人数"}


def test_a_county_defined_ledger_imports_exports_and_reimports(county, households, users):  # type: ignore[no-untyped-def]
    ledger = Ledger.objects.create(county=county.county, name="村级公共服务设施台账", unit="facility", yearly=True,
                                   columns=[{"label": "建成年份", "type": "integer", "required": True},
                                            {"label": "运行状态", "type": "choice", "choices": ["正常", "停用"]},
                                            {"label": "投资", "type": "decimal", "unit": "万元"},
                                            {"label": "验收日期", "type": "date"}])  # fmt: skip
    headers = [c.header for c in services.ledger_columns(ledger)]
    assert headers == ["设施名称", "所在区划", "年度", "建成年份", "运行状态", "投资（万元）", "验收日期"]
    data = write_workbook(services.ledger_columns(ledger), [["甲一村卫生室", "甲一村", 2025, 2019, "正常", 12.5, dt.date(2019, 9, 1)],
                                                           ["乙乡敬老院", "乙乡", 2025, 2015, "停用", "", ""]])  # fmt: skip
    report = services.import_ledger_rows(ledger, data, "l.xlsx", actor=users["county_admin"])
    assert report.ok and report.created == 2
    row = LedgerRow.objects.get(label="甲一村卫生室")
    assert row.values == {"建成年份": 2019, "运行状态": "正常", "投资": "12.50", "验收日期": "2019-09-01"}
    assert row.region == county.village_a1 and row.year == 2025
    exported = services.export_ledger(ledger, LedgerRow.objects.all())
    again = services.import_ledger_rows(ledger, exported, "l.xlsx")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2), again.errors
    outside = services.import_ledger_rows(ledger, data, "l.xlsx", scope=county.town_a)
    assert "不是系统中的区划，或不在您的管辖范围内" in str(outside.errors[0])
    bad = write_workbook(
        services.ledger_columns(ledger), [["甲一村卫生室", "甲一村", 2025, "", "报废", "", ""]]
    )
    errors = [str(e) for e in services.import_ledger_rows(ledger, bad, "l.xlsx").errors]
    assert errors == [
        "第2行「建成年份」列：不能为空",
        "第2行「运行状态」列：「报废」无效，应为 正常、停用 之一",
    ]


def test_household_ledger_by_code(county, households):  # type: ignore[no-untyped-def]
    ledger = Ledger.objects.create(county=county.county, name="农户改水台账", unit="household",
                                   columns=[{"label": "改水方式", "type": "text"}])  # fmt: skip
    data = write_workbook(
        services.ledger_columns(ledger), [["A001", "", "", "集中供水"], ["", "吴十", "甲二村", "水窖"]]
    )
    assert services.import_ledger_rows(ledger, data, "l.xlsx").created == 2
    assert LedgerRow.objects.get(household__code="A001").label == "王大"
