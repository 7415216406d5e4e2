"""Region imports are all-or-nothing: every bad file leaves the database exactly as it was."""

from __future__ import annotations

import io

import openpyxl
import pytest
from auditlog.models import LogEntry

from xiangcun.regions.models import Region
from xiangcun.regions.services import export_csv, export_xlsx, import_regions

HEADER = "代码,名称,上级代码,级别,户籍人口\n"
GOOD = HEADER + (
    "150000000000,新县,,县,20000\n"
    "150000001000,东镇,150000000000,乡镇,8000\n"
    "150000001201,东一村,150000001000,行政村,1200\n"
    "150000001001,东城社区,150000001000,社区,3000\n"
    "150000001401,东一村上组,150000001201,自然村,300\n"
)


def snapshot() -> list[tuple]:
    return list(
        Region.objects.order_by("code").values_list(
            "code", "name", "parent__code", "level", "population", "path"
        )
    )


def xlsx(rows: list[list[object]], merge: str | None = None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for r in rows:
        sheet.append(r)
    if merge:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.django_db
def test_good_csv_builds_the_tree_with_paths():
    report = import_regions(GOOD.encode("utf-8"), "regions.csv")
    assert report.ok, report.errors
    assert report.created == 5
    village = Region.objects.get(code="150000001201")
    assert village.parent.code == "150000001000"
    assert village.depth == 5
    county = Region.objects.get(code="150000000000")
    assert set(Region.objects.within(county).values_list("code", flat=True)) == {
        "150000000000",
        "150000001000",
        "150000001201",
        "150000001001",
        "150000001401",
    }


@pytest.mark.django_db
def test_gbk_csv_is_read():
    report = import_regions(GOOD.encode("gbk"), "regions.csv")
    assert report.ok
    assert Region.objects.get(code="150000001000").name == "东镇"


@pytest.mark.django_db
def test_reimport_updates_in_place_and_is_audited(county):  # type: ignore[no-untyped-def]
    assert import_regions(GOOD.encode(), "r.csv").ok
    changed = GOOD.replace("东一村,150000001000,行政村,1200", "东一村,150000001000,行政村,1250")
    report = import_regions(changed.encode(), "r.csv")
    assert (report.created, report.updated, report.unchanged) == (0, 1, 4)
    entry = LogEntry.objects.get_for_object(Region.objects.get(code="150000001201")).order_by("-id").first()
    assert entry.changes_dict["population"] == ["1200", "1250"]


BAD_FILES = [
    (b"", "r.csv", "文件是空的"),
    ("代码,名称\n150000000000,新县\n".encode(), "r.csv", "缺少列：上级代码、级别、户籍人口"),
    ((HEADER + "15000000000X,新县,,县,1\n").encode(), "r.csv", "不是12位数字统计代码"),
    (
        (HEADER + "150000000000,新县,,县,1\n150000001201,东一村,150000000000,行政村,1\n").encode(),
        "r.csv",
        "上级应比它高一级",
    ),
    ((HEADER + "150000000000,新县,,县,1\n150000000000,新县,,县,1\n").encode(), "r.csv", "与第2行重复"),
    (
        (HEADER + "150000001000,东镇,150000002000,乡镇,1\n150000002000,西镇,150000001000,乡镇,1\n").encode(),
        "r.csv",
        "循环",
    ),
    ((HEADER + "150000000000,新县,,县,-3\n").encode(), "r.csv", "不能为负数"),
    ((HEADER + "150000001000,东镇,150000009000,乡镇,1\n").encode(), "r.csv", "不存在"),
    (b"this is a text file, not a workbook", "r.xlsx", "不是有效的 Excel 工作簿"),
    (b"\x00\x01\x02\xff\xfe\x00" * 100, "r.csv", "编码无法识别"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("data", "name", "message"), BAD_FILES)
def test_bad_files_change_nothing(county, data, name, message):  # type: ignore[no-untyped-def]
    before = snapshot()
    logs = LogEntry.objects.count()
    report = import_regions(data, name)
    assert not report.ok
    assert any(message in str(e) for e in report.errors), [str(e) for e in report.errors]
    assert snapshot() == before
    assert LogEntry.objects.count() == logs


@pytest.mark.django_db
def test_one_bad_row_among_good_ones_writes_nothing():
    data = GOOD + "150000001202,东二村,150000001000,行政村,abc\n"
    report = import_regions(data.encode(), "r.csv")
    assert [str(e) for e in report.errors] == ["第7行「户籍人口」：「abc」不是整数"]
    assert Region.objects.count() == 0


@pytest.mark.django_db
def test_xlsx_with_merged_header_cells_is_refused():
    data = xlsx(
        [["代码", "名称", "上级代码", "级别", "户籍人口"], ["150000000000", "新县", "", "县", 1]],
        merge="A1:B1",
    )
    report = import_regions(data, "r.xlsx")
    assert any("合并单元格" in str(e) for e in report.errors)
    assert Region.objects.count() == 0


@pytest.mark.django_db
def test_xlsx_import_and_round_trip_through_export():
    rows = [line.split(",") for line in GOOD.strip().split("\n")]
    assert import_regions(xlsx(rows), "r.xlsx").ok
    before = snapshot()
    exported = export_xlsx(Region.objects.all())
    csv_export = export_csv(Region.objects.all())
    report = import_regions(exported, "again.xlsx")
    assert report.ok and report.unchanged == 5
    assert import_regions(csv_export, "again.csv").unchanged == 5
    assert snapshot() == before


@pytest.mark.django_db
def test_moving_a_village_moves_its_natural_villages(county):  # type: ignore[no-untyped-def]
    move = HEADER + "140000001201,甲一村,140000002000,行政村,1500\n"
    assert import_regions(move.encode(), "m.csv").ok
    natural = Region.objects.get(code="140000001401")
    assert natural.path.startswith(Region.objects.get(code="140000002000").path)
    assert natural in Region.objects.within(county.town_b)
    assert natural not in Region.objects.within(county.town_a)


@pytest.mark.django_db
def test_scope_limits_what_an_import_may_touch(county):  # type: ignore[no-untyped-def]
    data = HEADER + "140000002202,乙二村,140000002000,行政村,800\n"
    report = import_regions(data.encode(), "r.csv", scope=county.town_a)
    assert any("不在您的管辖范围" in str(e) for e in report.errors)
    assert not Region.objects.filter(code="140000002202").exists()
