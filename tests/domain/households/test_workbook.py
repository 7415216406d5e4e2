import io

import openpyxl

from xiangcun.domain.households.workbook import read_registry

from .factory import finance, household, id_number, member, workbook

VILLAGES = {"140000001201", "140000001202"}


def test_a_clean_workbook_round_trips():
    data = workbook([household()], [member(), member(number=id_number("20120301", 2), 姓名="张小", 与户主关系="子", 在校状况="小学")],
                    [finance()])  # fmt: skip
    registry = read_registry(data, "r.xlsx", VILLAGES)
    assert registry.ok, [str(e) for e in registry.errors]
    assert len(registry.households) == 1 and len(registry.members) == 2 and len(registry.finances) == 1
    assert registry.members[1]["sex"] == "男"
    assert registry.finances[0]["工资性收入"] == 20000


def test_errors_name_sheet_row_and_column_and_nothing_is_returned():
    data = workbook(
        [household(), household("H002", village="999999999999"), household("H001")],
        [
            member(),
            member("H002", number="110105194912310021"),
            member("H003", number=id_number("19900101", 5)),
        ],
        [finance(), finance("H001"), finance("H001", 2023, 工资性收入="很多")],
    )
    registry = read_registry(data, "r.xlsx", VILLAGES)
    messages = [str(e) for e in registry.errors]
    assert "「户」表第3行「村代码」列：「999999999999」不是系统中的行政村或社区代码" in messages
    assert any(m.startswith("「户」表第4行「户编号」列") and "重复" in m for m in messages)
    assert any(m.startswith("「成员」表第3行「身份证号」列") and "校验位" in m for m in messages)
    assert any(m.startswith("「成员」表第4行「户编号」列") for m in messages)
    assert any(m.startswith("「收支」表第3行「年度」列") and "重复" in m for m in messages)
    assert "「收支」表第4行「工资性收入」列：「很多」不是金额" in messages
    assert registry.households == [] and registry.members == []


def test_the_same_person_in_two_households():
    number = id_number("19700101")
    data = workbook(
        [household(), household("H002")], [member(number=number), member("H002", number=number)], []
    )
    messages = [str(e) for e in read_registry(data, "r.xlsx", VILLAGES).errors]
    assert any("同一人不能在两户" in m for m in messages)


def test_bad_files():
    assert "文件是空的" in str(read_registry(b"", "r.xlsx", VILLAGES).errors[0])
    assert "不是有效的 Excel" in str(read_registry(b"plain text", "r.xlsx", VILLAGES).errors[0])
    only_one = openpyxl.Workbook()
    only_one.active.title = "户"
    buffer = io.BytesIO()
    only_one.save(buffer)
    messages = [str(e) for e in read_registry(buffer.getvalue(), "r.xlsx", VILLAGES).errors]
    assert any("缺少「成员」工作表" in m for m in messages)


def test_a_merged_or_wrong_header_is_refused():
    book = openpyxl.load_workbook(io.BytesIO(workbook([household()], [member()], [finance()])))
    book["户"].merge_cells("A1:B1")
    buffer = io.BytesIO()
    book.save(buffer)
    messages = [str(e) for e in read_registry(buffer.getvalue(), "r.xlsx", VILLAGES).errors]
    assert any(m.startswith("「户」表第1行") and "表头应为" in m for m in messages)
