from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.domain.assets.factory import asset, workbook
from xiangcun.domain.assets.workbook import COLUMNS, read_assets, write_assets

REGIONS = {"140000001201", "140000001000"}
TODAY = dt.date(2026, 6, 1)


def read(rows: list[dict], **kwargs) -> object:  # type: ignore[no-untyped-def]
    return read_assets(
        workbook(rows), "a.xlsx", REGIONS, {"XM001"}, kwargs.pop("disposed", ()), today=TODAY, **kwargs
    )


def messages(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(e) for e in result.errors]


def test_columns_are_in_the_issue_order():
    assert COLUMNS == ("资产编号", "资产名称", "来源项目编号", "资产类别", "所在区划代码", "原值（万元）", "形成年份",
                       "产权主体", "管护主体", "管护责任人", "经营方式", "状态")  # fmt: skip


def test_a_valid_row_is_parsed_exactly():
    result = read([asset(来源项目编号="XM001", **{"原值（万元）": "12.3456"})])
    assert result.ok
    row = result.rows[0]
    assert row["value"] == Decimal("12.3456") and row["year"] == 2022 and row["project"] == "XM001"
    assert row["owner_type"] == "村集体经济组织" and row["row"] == 2


@pytest.mark.parametrize(
    ("overrides", "column", "fragment"),
    [
        ({"资产类别": "经营类"}, "资产类别", "应为 经营性、公益性、到户类"),
        ({"所在区划代码": "140000002201"}, "所在区划代码", "不在您的管辖范围"),
        ({"所在区划代码": "12345"}, "所在区划代码", "12 位"),
        ({"来源项目编号": "XM999"}, "来源项目编号", "项目库中没有「XM999」"),
        ({"原值（万元）": -1}, "原值（万元）", "不能为负数"),
        ({"原值（万元）": "1.23456"}, "原值（万元）", "超过 4 位小数"),
        ({"原值（万元）": "十万"}, "原值（万元）", "不是数字"),
        ({"原值（万元）": ""}, "原值（万元）", "不能为空"),
        ({"形成年份": 2030}, "形成年份", "不是有效年份"),
        ({"经营方式": "出售"}, "经营方式", "应为 承包、托管"),
        ({"资产类别": "公益性", "经营方式": "租赁"}, "经营方式", "只有经营性资产"),
        ({"状态": "报废"}, "状态", "应为 正常运营、闲置、损毁、已处置"),
        ({"状态": "已处置"}, "状态", "资产处置须经审批"),
        ({"产权主体": ""}, "产权主体", "不能为空"),
        ({"资产名称": "很" * 101}, "资产名称", "过长"),
    ],
)
def test_row_errors_name_the_row_and_column(overrides, column, fragment):  # type: ignore[no-untyped-def]
    result = read([asset("ZC000"), asset(**overrides)])
    assert not result.ok and result.rows == []
    assert any(e.row == 3 and e.column == column and fragment in e.message for e in result.errors), messages(
        result
    )


def test_duplicate_codes_point_at_the_first_row():
    result = read([asset("ZC1"), asset("ZC2"), asset("ZC1")])
    assert messages(result) == ["「资产」表第4行「资产编号」列：「ZC1」与第2行重复"]


def test_disposed_assets_already_in_the_ledger_may_stay_disposed():
    assert read([asset(状态="已处置")], disposed={"ZC001"}).ok


@pytest.mark.parametrize(
    ("data", "name", "fragment"),
    [
        (b"", "a.xlsx", "文件是空的"),
        ("编号,名称\n1,2\n".encode(), "a.xlsx", "纯文本"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "a.xls", "不支持「.xls」"),
        (b"PK\x03\x04garbage", "a.xlsx", "压缩结构已损坏"),
    ],
)
def test_bad_files_get_one_clear_message(data, name, fragment):  # type: ignore[no-untyped-def]
    result = read_assets(data, name, REGIONS)
    assert len(result.errors) == 1 and fragment in result.errors[0].message


def test_missing_sheet_and_wrong_header():
    assert (
        "缺少「资产」工作表" in read_assets(workbook([asset()], sheet="Sheet1"), "a.xlsx").errors[0].message
    )
    swapped = (COLUMNS[1], COLUMNS[0], *COLUMNS[2:])
    assert "列的顺序不对" in read_assets(workbook([], header=swapped), "a.xlsx").errors[0].message
    short = COLUMNS[:-1]
    assert "缺少列：状态" in read_assets(workbook([], header=short), "a.xlsx").errors[0].message


def test_export_reads_back_unchanged():
    rows = [{"code": "ZC1", "name": "大棚", "project": "XM001", "category": "经营性", "region": "140000001201",
             "value": Decimal("0.0001"), "year": 2021, "owner": "乡镇", "custodian": "", "custodian_person": "",
             "operating_mode": "托管", "state": "闲置"}]  # fmt: skip
    result = read_assets(write_assets(rows), "a.xlsx", REGIONS, {"XM001"}, today=TODAY)
    assert result.ok
    back = {k: v for k, v in result.rows[0].items() if k in rows[0]}
    assert back == rows[0]
