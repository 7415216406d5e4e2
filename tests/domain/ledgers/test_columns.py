from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from xiangcun.domain.ledgers.columns import (
    Column,
    DefinitionError,
    parse_definition,
    parse_value,
    read_rows,
    write_workbook,
)
from xiangcun.domain.tables import read_table

COLUMNS = [
    Column("名称", required=True),
    Column("数量", "integer", required=True, minimum=Decimal(0)),
    Column("金额", "decimal", unit="元"),
    Column("日期", "date"),
    Column("状态", "choice", choices=("正常", "停用")),
]
TODAY = dt.date(2026, 6, 1)


def test_definition_lines_become_typed_columns() -> None:
    columns = parse_definition(
        "建成年份，整数，必填\n管护人, 文本\n运行状态，选项：正常/停用，必填\n投资，小数，单位：万元\n\n"
    )
    assert [(c.label, c.type, c.required) for c in columns] == [
        ("建成年份", "integer", True), ("管护人", "text", False), ("运行状态", "choice", True), ("投资", "decimal", False)
    ]  # fmt: skip
    assert columns[2].choices == ("正常", "停用") and columns[3].header == "投资（万元）"
    assert parse_definition("\n".join(c.describe() for c in columns)) == columns


def test_bad_definitions_say_which_line_and_why() -> None:
    with pytest.raises(DefinitionError) as caught:
        parse_definition("甲，数字\n乙，选项\n户编号，文本\n丙，文本\n丙，整数\n丁，文本，很重要")
    text = "；".join(caught.value.errors)
    assert "第1行「甲」：类型「数字」无效" in text
    assert "第2行「乙」：选项类型至少要列出两个选项" in text
    assert "「户编号」是台账的固定列" in text
    assert "第5行「丙」：列名重复" in text
    assert "看不懂「很重要」" in text
    with pytest.raises(DefinitionError, match="至少要定义一列"):
        parse_definition("  \n")


@pytest.mark.parametrize(
    ("column", "raw", "value", "error"),
    [
        (COLUMNS[1], 3.0, 3, None),
        (COLUMNS[1], "3.5", None, "「3.5」不是整数"),
        (COLUMNS[1], "-1", None, "-1 不能为负数"),
        (COLUMNS[1], "三", None, "「三」不是数字"),
        (COLUMNS[2], "1,200.5", Decimal("1200.50"), None),
        (COLUMNS[2], "1.234", None, "「1.234」超过 2 位小数"),
        (COLUMNS[3], "2024/5/1", dt.date(2024, 5, 1), None),
        (COLUMNS[3], "2024年5月1日", dt.date(2024, 5, 1), None),
        (COLUMNS[3], dt.datetime(2024, 5, 1), dt.date(2024, 5, 1), None),
        (COLUMNS[3], "2024-02-30", None, "「2024-02-30」不是有效日期"),
        (COLUMNS[3], "五月", None, "「五月」不是日期，请写成 2024-05-01"),
        (COLUMNS[4], "报废", None, "「报废」无效，应为 正常、停用 之一"),
        (COLUMNS[0], "  ", None, "不能为空"),
        (COLUMNS[0], "x" * 501, None, "过长（501 字），最多 500 字"),
    ],
)
def test_cells(column: Column, raw: object, value: object, error: str | None) -> None:
    assert parse_value(column, raw) == (value, error)


def test_read_rows_lists_every_problem_with_row_and_column() -> None:
    parsed = read_rows(
        ["状态", "名称", "数量", "金额（元）", "日期"],
        [
            ["正常", "甲", 1, 2.5, "2024-01-01"],
            ["坏", "", "x", "", "2027-01-01"],
            [None, None, None, None, None],
        ],
        COLUMNS,
        today=TODAY,
    )
    assert not parsed.ok
    assert [str(e) for e in parsed.errors] == [
        "第3行「名称」列：不能为空", "第3行「数量」列：「x」不是数字", "第3行「日期」列：2027-01-01 晚于今天",
        "第3行「状态」列：「坏」无效，应为 正常、停用 之一",
    ]  # fmt: skip


def test_read_rows_refuses_a_wrong_header_as_a_whole() -> None:
    parsed = read_rows(["名称", "多余"], [["甲", 1]], COLUMNS, today=TODAY)
    assert len(parsed.errors) == 1 and parsed.errors[0].row == 0
    assert "缺少列：数量" in str(parsed.errors[0]) and "多出列「多余」" in str(parsed.errors[0])
    assert "只有表头" in str(read_rows(["名称", "数量"], [], COLUMNS, today=TODAY).errors[0])


def test_an_export_reads_back_unchanged() -> None:
    rows = [["=HYPERLINK(1)", 2, Decimal("3.50"), dt.date(2024, 1, 2), "停用"]]
    table = read_table(write_workbook(COLUMNS, rows), "x.xlsx")
    parsed = read_rows(table.header, table.records, COLUMNS, today=TODAY)
    assert parsed.ok
    assert parsed.rows == [{"row": 2, "名称": "=HYPERLINK(1)", "数量": 2, "金额": Decimal("3.50"), "日期": dt.date(2024, 1, 2),
                            "状态": "停用"}]  # fmt: skip
