"""The registry workbook: bad files, cell errors with sheet/row/column, and write → read round trips."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import numpy as np
import openpyxl
import pytest

from xiangcun.domain.households.screening import screen
from xiangcun.domain.households.workbook import (
    HOUSEHOLD_COLUMNS,
    read_registry,
    screening_columns,
    write_workbook,
)

from .factory import finance, household, id_number, member, workbook

VILLAGES = {"140000001201", "140000001202"}
TODAY = dt.date(2026, 1, 1)


def read(data: bytes, name: str = "r.xlsx", **kw):  # type: ignore[no-untyped-def]
    return read_registry(data, name, VILLAGES, today=TODAY, **kw)


def messages(data: bytes, **kw) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(e) for e in read(data, **kw).errors]


def clean() -> bytes:
    return workbook(
        [household(), household("H002", village="140000001202", 户类型="脱贫户", 特困="分散供养", 联系电话="")],
        [member(), member(number=id_number("20120301", 2), 姓名="张小", 与户主关系="子", 在校状况="小学"),
         member("H002", id_number("19500505", 3, female=True), 姓名="李四", 劳动能力="丧失劳动力", 残疾等级="一级",
                健康状况="残疾")],
        [finance(), finance("H001", 2023, 工资性收入=30000.5), finance("H002", 2024, 工资性收入=0)],
    )  # fmt: skip


def test_a_clean_workbook_is_read_with_derived_fields():
    registry = read(clean())
    assert registry.ok, [str(e) for e in registry.errors]
    assert (len(registry.households), len(registry.members), len(registry.finances)) == (2, 3, 3)
    first = registry.households[0]
    assert first["code"] == "H001" and first["village_code"] == "140000001201" and first["特困"] == "否"
    child = registry.members[1]
    assert (
        child["sex"] == "男" and child["birth_date"] == dt.date(2012, 3, 1) and child["household"] == "H001"
    )
    assert registry.members[2]["sex"] == "女" and registry.members[2]["残疾等级"] == "一级"
    assert registry.finances[1] == {"household": "H001", "year": 2023, "工资性收入": 30000.5, "生产经营性收入": 5000.0,
                                    "生产经营性支出": 1000.0, "财产性收入": 0.0, "转移性收入": 1000.0,
                                    "医疗自付支出": 0.0, "教育支出": 0.0}  # fmt: skip
    assert registry.member_household.tolist() == [0, 0, 1]
    assert registry.finance_household.tolist() == [0, 0, 1]


def test_write_then_read_round_trips_exactly():
    first = read(clean())
    again = read(write_workbook(first.households, first.members, first.finances))
    assert again.ok
    assert list(again.households) == list(first.households)
    assert list(again.members) == list(first.members)
    assert list(again.finances) == list(first.finances)


def test_writing_to_a_file(tmp_path):  # type: ignore[no-untyped-def]
    first = read(clean())
    path = tmp_path / "export.xlsx"
    assert write_workbook(first.households, first.members, first.finances, path) is None
    assert read_registry(path, village_codes=VILLAGES, today=TODAY).ok


def test_the_parsed_registry_feeds_the_screening():
    registry = read(clean())
    results = screen(*screening_columns(registry, 2024), year=2024, threshold=6000)
    # H002: one person, 特困 分散供养, 一级残疾, 0 wage + 5000 − 1000 + 1000 = 5000 < 6000
    assert results["SINGLE_TEKUN"].tolist() == [False, True]
    assert results["INCOME_BELOW"].tolist() == [False, True]
    assert results["MULTI_IDENTITY"].tolist() == [False, True]  # 脱贫户 + 特困 + 残疾
    assert results["per_capita_income"][0] == pytest.approx(12500)


def test_cell_errors_name_sheet_row_and_column_and_nothing_is_returned():
    data = workbook(
        [household(), household("H002", village="999999999999"), household("H001"), household("H004", 低保="有")],
        [member(), member("H002", number="110105194912310021"), member("H003", number=id_number("19900101", 5)),
         member("H004", id_number("19900230", 6)), member("H004", id_number("19910101", 7), 在校状况="上学")],
        [finance(), finance("H001"), finance("H001", 2023, 工资性收入="很多"), finance("H002", 1999),
         finance("H004", 2024, 财产性收入=-5), finance("H009", 2024)],
    )  # fmt: skip
    registry = read(data)
    found = [str(e) for e in registry.errors]
    assert (
        "「户」表第3行「村代码」列：「999999999999」不是系统中的行政村或社区代码（已撤并的村请填合并后的村）"
        in found
    )
    assert "「户」表第4行「户编号」列：「H001」与第2行重复" in found
    assert "「户」表第5行「低保」列：「有」无效，应为 是、否 之一" in found
    assert "「成员」表第3行「身份证号」列：「110105194912310021」的校验位应为 X，可能有数字录错" in found
    assert "「成员」表第4行「户编号」列：「H003」在「户」表中不存在" in found
    assert (
        f"「成员」表第5行「身份证号」列：「{id_number('19900230', 6)}」中的出生日期 19900230 不存在" in found
    )
    assert (
        "「成员」表第6行「在校状况」列：「上学」无效，应为 学龄前、小学、初中、高中、中职、高职、大专、本科及以上、非在校 之一"
        in found
    )
    assert "「收支」表第3行「年度」列：户「H001」的 2024 年收支与第2行重复" in found
    assert "「收支」表第4行「工资性收入」列：「很多」不是数字" in found
    assert "「收支」表第5行「年度」列：「1999」不是有效年度（2000–2026）" in found
    assert "「收支」表第6行「财产性收入」列：金额 -5 不能为负数（亏损请计入生产经营性支出）" in found
    assert "「收支」表第7行「户编号」列：「H009」在「户」表中不存在" in found
    assert registry.error_count == len(found)
    assert len(registry.households) == 0 and len(registry.members) == 0 and len(registry.finances) == 0
    first = registry.errors[0]
    assert (first.sheet, first.row, first.column) == ("户", 3, "村代码")


def test_the_same_person_in_two_households_and_twice_in_one():
    number = id_number("19700101")
    data = workbook(
        [household(), household("H002")],
        [member(number=number), member("H002", number=number), member("H002", number=number)],
        [],
    )
    found = messages(data)
    assert "「成员」表第3行「身份证号」列：与第2行（户 H001）重复：同一人不能登记在两户" in found
    assert "「成员」表第4行「身份证号」列：与第2行（户 H001）重复：同一人不能登记在两户" in found


def test_a_household_without_members_and_required_cells():
    data = workbook([household(), household("H002", 户主姓名="")], [member(姓名="")], [])
    found = messages(data)
    assert "「户」表第3行「户编号」列：户「H002」在「成员」表中没有任何成员" in found
    assert "「户」表第3行「户主姓名」列：不能为空" in found
    assert "「成员」表第2行「姓名」列：不能为空" in found


def test_blank_rows_are_skipped_and_row_numbers_stay_those_of_excel():
    book = openpyxl.load_workbook(io.BytesIO(clean()))
    book["成员"].insert_rows(3)
    book["成员"]["A5"] = "H404"
    buffer = io.BytesIO()
    book.save(buffer)
    assert "「成员」表第5行「户编号」列：「H404」在「户」表中不存在" in messages(buffer.getvalue())


def test_numbers_typed_as_text_and_codes_typed_as_numbers_are_read():
    data = workbook([household("1001")], [member("1001")], [finance("1001", "2024", 工资性收入="20,000")])
    book = openpyxl.load_workbook(io.BytesIO(data))
    book["户"]["A2"] = 1001  # a number cell in Excel
    buffer = io.BytesIO()
    book.save(buffer)
    registry = read(buffer.getvalue())
    assert registry.ok, [str(e) for e in registry.errors]
    assert registry.households[0]["code"] == "1001" and registry.finances[0]["工资性收入"] == 20000


def zip_bytes(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "r.xlsx", "文件是空的"),
        (
            "户编号,村代码\nH001,1\n".encode(),
            "r.xlsx",
            "文件内容是纯文本（可能是改了扩展名的 .txt 或 .csv），不是 Excel 工作簿",
        ),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "r.xlsx", "旧版 Excel（.xls）"),
        (b"\x00\x01\x02garbage", "r.xlsx", "不是有效的 Excel 工作簿"),
        (b"PK\x03\x04broken zip", "r.xlsx", "压缩结构已损坏"),
        (zip_bytes({"word/document.xml": b"<w/>"}), "r.xlsx", "不是 Excel 工作簿"),
        (b"a,b\n", "r.csv", "不支持「.csv」文件"),
    ],
)
def test_bad_files_get_one_clear_message(data: bytes, name: str, message: str) -> None:
    registry = read(data, name)
    assert len(registry.errors) == 1 and message in str(registry.errors[0]) and not registry.ok


def test_a_corrupt_workbook_part_is_refused_without_a_traceback():
    data = zip_bytes({"xl/workbook.xml": b"<not really", "[Content_Types].xml": b"?"})
    assert "不是有效的 Excel 工作簿" in messages(data)[0]


def test_size_limits():
    assert "文件过大" in messages(clean(), max_file_bytes=1000)[0]
    found = messages(clean(), row_limits={"成员": 2})
    assert found == ["「成员」表：数据行数过多（3 行），单次导入上限为 2 行，请按乡镇分批导入"]


def test_a_missing_sheet():
    only_one = openpyxl.Workbook()
    only_one.active.title = "户"
    only_one.active.append(list(HOUSEHOLD_COLUMNS))
    buffer = io.BytesIO()
    only_one.save(buffer)
    found = messages(buffer.getvalue())
    assert found[0].startswith("「成员」表：工作簿中缺少「成员」工作表") and "现有：户" in found[0]
    assert found[1].startswith("「收支」表：工作簿中缺少「收支」工作表")


def edited(change) -> bytes:  # type: ignore[no-untyped-def]
    book = openpyxl.load_workbook(io.BytesIO(clean()))
    change(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_merged_header_is_refused():
    found = messages(edited(lambda b: b["户"].merge_cells("A1:B1")))
    assert found == ["「户」表第1行：表头不能有合并单元格（A1:B1），请取消合并，每列一个列名"]


def test_wrong_missing_or_extra_header_columns():
    def rename(book):  # type: ignore[no-untyped-def]
        book["成员"]["C1"] = "身份证"

    found = messages(edited(rename))
    assert len(found) == 1 and found[0].startswith("「成员」表第1行：表头应依次为「户编号、姓名、身份证号")
    assert "缺少列：身份证号；多出列：身份证" in found[0]

    def extra(book):  # type: ignore[no-untyped-def]
        book["收支"]["J1"] = "备注"

    assert "多出列：备注" in messages(edited(extra))[0]

    def swap(book):  # type: ignore[no-untyped-def]
        book["户"]["A1"], book["户"]["B1"] = "村代码", "户编号"

    assert "列的顺序不对" in messages(edited(swap))[0]


def test_an_empty_sheet_has_no_header():
    def clear(book):  # type: ignore[no-untyped-def]
        del book["收支"]
        book.create_sheet("收支")

    assert "缺少列：户编号、年度" in messages(edited(clear))[0]


def test_errors_are_capped_and_counted():
    households = [household(f"H{n:03d}", 低保="?") for n in range(30)]
    members = [member(f"H{n:03d}", id_number("19800101", n)) for n in range(30)]
    registry = read(workbook(households, members, []), max_errors=5)
    assert registry.error_count == 30 and len(registry.errors) == 6
    assert registry.errors[-1].message == "另有 25 处错误未列出，请先改正以上错误"


def test_records_behave_like_a_list_of_dicts():
    registry = read(clean())
    members = registry.members
    assert members[-1]["name"] == "李四" and [m["name"] for m in members[:2]] == ["张三", "张小"]
    with pytest.raises(IndexError):
        members[3]
    assert members.column("劳动能力").tolist() == ["普通劳动力", "普通劳动力", "丧失劳动力"]
    assert members.columns["birth_date"].dtype == np.dtype("datetime64[D]")


def test_money_texts_are_the_amounts_formatted_to_the_fen() -> None:
    from xiangcun.domain.households.workbook import money_texts

    rng = np.random.default_rng(5)
    amounts = np.concatenate([
        rng.integers(0, 10_000_000, 500).astype(float), rng.integers(0, 10**9, 50) / 100, rng.random(20) * 1e6,
        [0.0, -0.0, 0.005, 0.015, 2.675, 1e15, 2.0**53, 2.0**53 + 2, 1e20, -3.0, -2.5, np.inf, -np.inf, np.nan],
    ])  # fmt: skip
    expected = [f"{a:.2f}" for a in amounts.tolist()]
    assert money_texts(amounts) == expected
    assert money_texts(amounts[:500]) == expected[:500]  # all whole: the fast path alone
    assert money_texts(amounts[500:]) == expected[500:]  # mostly fractions: a format call each
    assert money_texts(np.zeros(0)) == []
