"""Task rules: deadlines, goals, units, periods, overdue days, evidence checks, the 任务 workbook."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from xiangcun.domain import tasks as t


def test_deadlines():
    assert t.parse_deadline("年底", 2026) == ("年底", dt.date(2026, 12, 31))
    assert t.parse_deadline("2026-06-30", 2026) == ("date", dt.date(2026, 6, 30))
    assert t.parse_deadline("2026年6月30日", 2026) == ("date", dt.date(2026, 6, 30))
    assert t.parse_deadline("2026/9/1", 2026) == ("date", dt.date(2026, 9, 1))
    assert t.parse_deadline("6月底", 2026) == ("date", dt.date(2026, 6, 30))
    assert t.parse_deadline("每季度", 2026) == ("每季度", None)
    assert t.parse_deadline("长期", 2026) == ("长期", None)
    with pytest.raises(ValueError, match="不是有效日期"):
        t.parse_deadline("2026-02-30", 2026)
    with pytest.raises(ValueError, match="应为日期"):
        t.parse_deadline("尽快", 2026)


def test_goals():
    assert t.parse_goal("新改造农村户用卫生厕所 500 座") == (Decimal("500"), "座", "新改造农村户用卫生厕所")
    assert t.parse_goal("85%") == (Decimal("85"), "%", "")
    assert t.parse_goal("2.1万人") == (Decimal("2.1"), "万人", "")
    assert t.parse_goal("") == (None, "", "")
    with pytest.raises(ValueError, match="没有数字"):
        t.parse_goal("大幅提升")


def test_units_split_on_chinese_separators_and_keep_all_townships_whole():
    assert t.split_units("乡村振兴局、卫健局，住建局") == ["乡村振兴局", "卫健局", "住建局"]
    assert t.split_units("农业农村局、各镇(街道)") == ["农业农村局", "各镇（街道）"]


def test_periods_and_due_dates():
    quarters = t.periods(2026, "quarter")
    assert [p.key for p in quarters] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert quarters[1].end == dt.date(2026, 6, 30) and quarters[1].due(10) == dt.date(2026, 7, 10)
    months = t.periods(2026, "month")
    assert len(months) == 12 and months[1].end == dt.date(2026, 2, 28)
    assert t.period_by_key("2026-M03").label == "2026年3月"
    assert [p.key for p in t.due_periods(2026, "quarter", dt.date(2026, 7, 10))] == ["2026-Q1", "2026-Q2"]
    with pytest.raises(ValueError):
        t.period_by_key("2026-Q5")


def test_overdue_days_and_missing_reports():
    today = dt.date(2026, 8, 1)
    assert t.overdue_days(dt.date(2026, 6, 30), completed=False, today=today) == 32
    assert t.overdue_days(dt.date(2026, 6, 30), completed=True, today=today) == 0
    assert t.overdue_days(None, completed=False, today=today) == 0
    assert t.overdue_days(dt.date(2026, 9, 30), completed=False, today=today) == 0
    missing = t.missing_reports(2026, "quarter", {"2026-Q2"}, today, grace_days=10)
    assert [(p.key, days) for p, days in missing] == [("2026-Q1", 113)]  # due 4-10
    # Nothing owed for periods after the task was completed.
    assert (
        t.missing_reports(2026, "quarter", set(), today, 10, completed=dt.date(2026, 3, 20))[0][0].key
        == "2026-Q1"
    )
    assert len(t.missing_reports(2026, "quarter", set(), today, 10, completed=dt.date(2026, 3, 20))) == 1


def test_status_shown():
    today = dt.date(2026, 8, 1)
    assert t.current_status(None, dt.date(2026, 12, 31), today) == "未开始"
    assert t.current_status("推进中", dt.date(2026, 6, 30), today) == "滞后"
    assert t.current_status("已完成", dt.date(2026, 6, 30), today) == "已完成"
    assert t.completed_on_time(dt.date(2026, 6, 30), dt.date(2026, 6, 30)) is True
    assert t.completed_on_time(dt.date(2026, 6, 30), dt.date(2026, 7, 1)) is False
    assert t.completed_on_time(None, dt.date(2026, 7, 1)) is None


def _zip(member: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(member, "<x/>")
    return buffer.getvalue()


def test_evidence_is_checked_by_content():
    assert t.evidence_kind("总结.pdf", b"%PDF-1.4 ...") == "pdf"
    assert t.evidence_kind("照片.JPG", b"\xff\xd8\xff\xe0rest") == "jpg"
    assert t.evidence_kind("照片.png", b"\x89PNG\r\n\x1a\nrest") == "png"
    assert t.evidence_kind("台账.xlsx", _zip("xl/workbook.xml")) == "xlsx"
    assert t.evidence_kind("报告.docx", _zip("word/document.xml")) == "docx"
    with pytest.raises(ValueError, match="只接受"):
        t.evidence_kind("脚本.exe", b"MZ")
    with pytest.raises(ValueError, match="内容不是PDF文件"):
        t.evidence_kind("伪装.pdf", b"<html><script>")
    with pytest.raises(ValueError, match=r"内容不是Word（\.docx）文件"):
        t.evidence_kind("表格.docx", _zip("xl/workbook.xml"))
    with pytest.raises(ValueError, match="空文件"):
        t.evidence_kind("空.png", b"")
    with pytest.raises(ValueError, match="过大"):
        t.evidence_kind("大.pdf", b"%PDF-" + b"0" * 2000, max_bytes=1000)


def book(rows: list[list[object]], header: list[str] | None = None, sheet: str = "任务") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(header or list(t.COLUMNS))
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


UNITS = {"农业农村局": t.Unit("农业农村局", department=1), "甲镇": t.Unit("甲镇", township=2)}


def read(data: bytes, name: str = "任务.xlsx") -> t.TaskSheet:
    return t.read_tasks(data, name, UNITS.get, lambda: [UNITS["甲镇"]], today=dt.date(2026, 3, 1))


def test_workbook_rows_are_parsed():
    sheet = read(book([["T1", "", "改厕", "500座", "农业农村局", "甲镇、各镇（街道）", "年底", 2026]]))
    assert sheet.ok, sheet.errors
    row = sheet.rows[0]
    assert row["lead"] == [UNITS["农业农村局"]] and row["cooperating"] == [UNITS["甲镇"], UNITS["甲镇"]]
    assert row["deadline"] == dt.date(2026, 12, 31) and row["goal_value"] == Decimal("500")


def test_workbook_errors_name_row_and_column():
    sheet = read(book([
        ["T1", "", "改厕", "很多", "农牧局", "", "下周", 2026],
        ["T1", "", "", "", "", "", "年底", "明年"],
    ]))  # fmt: skip
    messages = [str(e) for e in sheet.errors]
    assert (
        "「任务」表第2行「量化目标」列：「很多」中没有数字，量化目标应写为“数字+单位”，如 500座、85%"
        in messages
    )
    assert any("第2行「牵头单位」列：「农牧局」不是本县的部门或乡镇" in m for m in messages)
    assert any("第2行「完成时限」列" in m for m in messages)
    assert any("第3行「任务编号」列" in m for m in messages) is False  # different 年度 text, checked below
    assert any("第3行「年度」列" in m for m in messages)
    assert any("第3行「任务内容」列：不能为空" in m for m in messages)
    assert any("第3行「牵头单位」列：不能为空" in m for m in messages)
    assert sheet.rows == []


def test_duplicate_codes_in_one_year():
    sheet = read(
        book(
            [
                ["T1", "", "甲", "", "农业农村局", "", "年底", 2026],
                ["T1", "", "乙", "", "农业农村局", "", "年底", 2026],
            ]
        )
    )
    assert [str(e) for e in sheet.errors] == ["「任务」表第3行「任务编号」列：「T1」与第2行重复"]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "a.xlsx", "文件是空的"),
        (b"hello", "a.csv", "不支持「.csv」"),
        (b"\xd0\xcf\x11\xe0xxxx", "a.xlsx", "旧版 Excel"),
        (b"garbage!", "a.xlsx", "不是有效的 Excel"),
    ],
)
def test_bad_files(data: bytes, name: str, message: str):
    sheet = read(data, name)
    assert not sheet.ok and message in str(sheet.errors[0])


def test_wrong_sheet_and_header():
    assert "缺少「任务」工作表" in str(read(book([], sheet="Sheet")).errors[0])
    header = list(t.COLUMNS[:-1])
    assert "缺少列：年度" in str(read(book([], header=header)).errors[0])
    assert "没有数据行" in str(read(book([])).errors[0])
