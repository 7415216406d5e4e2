"""The project workbook: every import error the issue lists, exact Decimal sums, bad files, round trip."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import openpyxl
import pytest

from xiangcun.domain.projects import next_statuses, parse_amount
from xiangcun.domain.projects.workbook import COLUMNS, NOTICE_SHEET, SHEET, read_projects, write_projects

TODAY = dt.date(2026, 6, 1)
REGIONS = {"140000001000", "140000001201", "140000002201"}
DEPARTMENTS = {"农业农村局": "agri", "农业局": "agri", "交通运输局": "transport"}


def row(**changes: Any) -> list[Any]:
    base = {
        "项目编号": "2025-001", "项目名称": "甲一村食用菌大棚", "项目类型": "产业发展", "以工代赈": "否",
        "建设地点代码": "140000001201", "建设内容及规模": "新建大棚 20 座", "实施单位": "农业农村局", "计划年度": 2025,
        "总投资（万元）": 120.5, "衔接资金（万元）": 100.1234, "其中中央（万元）": 60.1234, "其中省级（万元）": 30,
        "其中市县（万元）": 10, "其他资金（万元）": 20.3766, "劳务报酬（万元）": 0, "受益脱贫户数": 35,
        "受益监测户数": 4, "状态": "入库",
    }  # fmt: skip
    base.update(changes)
    return [base[c] for c in COLUMNS]


def workbook(*rows: list[Any], header: tuple[str, ...] = COLUMNS, sheet: str = SHEET) -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(list(header))
    for r in rows:
        ws.append(r)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def read(data: bytes, filename: str = "项目.xlsx", **kwargs: Any):  # type: ignore[no-untyped-def]
    return read_projects(data, filename, REGIONS, DEPARTMENTS.get, today=TODAY, **kwargs)


def messages(data: bytes, **kwargs: Any) -> list[str]:
    return [str(e) for e in read(data, **kwargs).errors]


def test_a_good_row_is_read_with_exact_amounts() -> None:
    sheet = read(workbook(row(), row(项目编号="2025-002", 以工代赈="是", 劳务报酬=9)))
    assert sheet.ok, sheet.errors
    first = sheet.rows[0]
    assert first["link_fund"] == Decimal("100.1234")
    assert first["other_fund"] == Decimal("20.3766")
    assert first["total_investment"] == Decimal("120.5000")
    assert first["department"] == "agri" and first["region_code"] == "140000001201"
    assert first["project_type"] == "industry" and first["status"] == "admitted"
    assert sheet.rows[1]["work_relief"] is True


def test_department_recognised_through_an_alias() -> None:
    assert read(workbook(row(实施单位="农业局"))).rows[0]["department"] == "agri"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"建设地点代码": "999999999999"},
            "第2行「建设地点代码」列：「999999999999」不是本县的乡镇或村（社区）统计代码",
        ),
        ({"实施单位": "宇宙局"}, "第2行「实施单位」列：「宇宙局」不是本县的部门"),
        (
            {"项目类型": "产业"},
            "第2行「项目类型」列：「产业」无效，应为 产业发展、就业增收、乡村建设、易地搬迁后续扶持、乡村治理、其他 之一",
        ),
        ({"状态": "已批复"}, "第2行「状态」列：「已批复」无效"),
        (
            {"其他资金（万元）": -1, "总投资（万元）": 99.1234},
            "第2行「其他资金（万元）」列：金额 -1 不能为负数",
        ),
        ({"其中省级（万元）": 30.00001}, "第2行「其中省级（万元）」列：金额 30.00001 超过 4 位小数"),
        ({"其中省级（万元）": "30.12345"}, "第2行「其中省级（万元）」列：金额 30.12345 超过 4 位小数"),
        (
            {"总投资（万元）": 120.5001},
            "第2行「总投资（万元）」列：总投资 120.5001 ≠ 衔接资金 100.1234 + 其他资金 20.3766（= 120.5000）",
        ),
        (
            {"其中市县（万元）": 10.0001},
            "第2行「衔接资金（万元）」列：衔接资金 100.1234 ≠ 中央 60.1234 + 省级 30.0000 + 市县 10.0001（= 100.1235）",
        ),
        ({"衔接资金（万元）": "一百"}, "第2行「衔接资金（万元）」列：「一百」不是数字"),
        ({"以工代赈": "Y"}, "第2行「以工代赈」列：「Y」无效，应为 是 或 否"),
        ({"计划年度": 1999}, "第2行「计划年度」列：「1999」不是有效年度"),
        ({"受益脱贫户数": 3.5}, "第2行「受益脱贫户数」列：「3.5」不是户数"),
        ({"项目名称": None}, "第2行「项目名称」列：不能为空"),
    ],
)
def test_each_error_names_row_column_and_cause(changes: dict[str, Any], expected: str) -> None:
    found = messages(workbook(row(**changes)))
    assert any(expected in m for m in found), found


def test_out_of_scope_region_is_named_as_such() -> None:
    found = messages(workbook(row(建设地点代码="140000002000")), other_region_codes={"140000002000"})
    assert found == ["「项目」表第2行「建设地点代码」列：「140000002000」不在您的管辖范围内"]


def test_duplicate_code_points_at_the_first_row() -> None:
    found = messages(workbook(row(), row(项目名称="另一个")))
    assert found == ["「项目」表第3行「项目编号」列：「2025-001」与第2行重复"]


def test_every_error_of_the_file_is_listed_at_once() -> None:
    sheet = read(workbook(row(项目类型="x"), row(项目编号="2", 状态="y"), row(项目编号="3", 计划年度="z")))
    assert not sheet.rows
    assert [(e.row, e.column) for e in sheet.errors] == [(2, "项目类型"), (3, "状态"), (4, "计划年度")]


def test_sums_are_exact_where_floats_are_not() -> None:
    # 0.1 + 0.2 != 0.3 in binary floating point; in 万元 with four decimals it must pass.
    sheet = read(workbook(row(**{"总投资（万元）": 0.3, "衔接资金（万元）": 0.3, "其中中央（万元）": 0.1,
                                "其中省级（万元）": 0.2, "其中市县（万元）": 0, "其他资金（万元）": 0})))  # fmt: skip
    assert sheet.ok, sheet.errors
    assert sheet.rows[0]["link_fund"] == Decimal("0.3000")


@pytest.mark.parametrize(
    ("data", "filename", "expected"),
    [
        (b"", "项目.xlsx", "文件是空的"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "项目.xls", "不支持「.xls」文件"),
        ("项目编号,项目名称\n1,2\n".encode(), "项目.xlsx", "不是有效的 Excel 工作簿"),
        (b"PK\x03\x04garbage", "项目.xlsx", "压缩结构已损坏"),
    ],
)
def test_bad_files_get_one_clear_message(data: bytes, filename: str, expected: str) -> None:
    sheet = read(data, filename)
    assert len(sheet.errors) == 1 and expected in str(sheet.errors[0]) and not sheet.rows


def test_wrong_sheet_and_wrong_columns() -> None:
    assert "缺少「项目」工作表（现有：Sheet1）" in messages(workbook(row(), sheet="Sheet1"))[0]
    swapped = (COLUMNS[1], COLUMNS[0], *COLUMNS[2:])
    assert "列的顺序不对" in messages(workbook(row(), header=swapped))[0]
    assert "缺少列：状态" in messages(workbook(row()[:-1], header=COLUMNS[:-1]))[0]
    assert "多出列：备注" in messages(workbook(row(), header=(*COLUMNS, "备注")))[0]


def test_huge_files_are_refused_before_reading() -> None:
    assert "文件过大" in messages(workbook(row()), max_file_bytes=1000)[0]
    assert "数据行数过多（2 行）" in messages(workbook(row(), row(项目编号="2")), max_rows=1)[0]


def test_export_reads_back_unchanged_and_the_notice_adds_up() -> None:
    rows = read(workbook(
        row(),
        row(项目编号="2025-002", 项目类型="乡村建设", **{"总投资（万元）": 0.0003, "衔接资金（万元）": 0.0003,
            "其中中央（万元）": 0.0001, "其中省级（万元）": 0.0001, "其中市县（万元）": 0.0001, "其他资金（万元）": 0}),
        row(项目编号="2025-003", 项目类型="乡村建设"),
    )).rows  # fmt: skip
    for r in rows:
        r["department_name"] = "农业农村局"
    data = write_projects(rows)
    assert data is not None
    again = read(data)
    assert again.ok, again.errors
    keep = ("code", "project_type", "link_fund", "central_fund", "total_investment", "status", "work_relief")
    assert [{k: r[k] for k in keep} for r in again.rows] == [{k: r[k] for k in keep} for r in rows]
    notice = openpyxl.load_workbook(io.BytesIO(data))[NOTICE_SHEET]
    lines = [[c.value for c in line] for line in notice.iter_rows()]
    labels = [line[1] for line in lines]
    assert labels[3:] == [
        "产业发展（小计）",
        "甲一村食用菌大棚",
        "乡村建设（小计）",
        "甲一村食用菌大棚",
        "甲一村食用菌大棚",
        "合计",
    ]
    link = [Decimal(str(line[5])) for line in lines[3:]]
    assert link[0] == link[1] == Decimal("100.1234")
    assert link[2] == link[3] + link[4] == Decimal("100.1237")
    assert link[5] == link[0] + link[2] == Decimal("200.2471")


def test_status_chain() -> None:
    assert next_statuses("reserve") == ["admitted", "terminated"]
    assert next_statuses("completed") == ["accepted", "terminated"]
    assert next_statuses("accepted") == ["assets_formed"]
    assert next_statuses("assets_formed") == [] and next_statuses("terminated") == []


@pytest.mark.parametrize(
    ("cell", "amount"),
    [(None, Decimal("0")), (1.5, Decimal("1.5000")), ("1,234.5678", Decimal("1234.5678")), (1e-4, Decimal("0.0001")),
     (12345678.1234, Decimal("12345678.1234")), ("2.50000", Decimal("2.5000"))],
)  # fmt: skip
def test_amount_cells(cell: object, amount: Decimal) -> None:
    assert parse_amount(cell) == (amount, "")
