import datetime as dt
import io
import re
import zipfile

import openpyxl
import pytest

from xiangcun.domain.tables import (
    Checked,
    Problems,
    TableError,
    cell_text,
    decode_text,
    read_sheet,
    read_table,
)


def test_csv_in_gbk_and_utf8_with_bom():
    text = "代码,名称\n140000000000,测试县\n"
    for data in (text.encode("gbk"), text.encode("utf-8-sig"), text.encode("utf-8")):
        table = read_table(data, "regions.csv")
        assert table.header == ["代码", "名称"]
        assert table.records == [["140000000000", "测试县"]]


def test_undecodable_bytes_get_a_chinese_error():
    with pytest.raises(TableError, match="编码无法识别"):
        decode_text(b"\xff\x00\xfe\x81\x00" * 10)


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "a.csv", "文件是空的"),
        (b"just some text, not a workbook", "a.xlsx", "不是有效的 Excel 工作簿"),
        (b"PK\x03\x04garbage", "a.xlsx", "不是有效的 Excel 工作簿"),
        (b"a,b", "a.pdf", "不支持的文件类型"),
        (b"\n\n", "a.csv", "没有内容"),
    ],
)
def test_bad_files(data, name, message):  # type: ignore[no-untyped-def]
    with pytest.raises(TableError, match=message):
        read_table(data, name)


def test_xlsx_first_sheet():
    workbook = openpyxl.Workbook()
    workbook.active.append(["代码", "名称"])
    workbook.active.append(["140000000000", "测试县"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_table(buffer.getvalue(), "r.xlsx")
    assert table.header == ["代码", "名称"]
    assert table.records == [["140000000000", "测试县"]]


# ---------------------------------------------------------------- read_sheet: a named sheet with a fixed header

COLUMNS = ("编号", "名称", "年度")


def book(rows: list[list[object]], sheet: str = "数据", header: tuple[str, ...] = COLUMNS) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.title = sheet
    workbook.active.append(list(header))
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet_rows(data: bytes | str, name: str = "a.xlsx", **limits: int) -> list[tuple[int, list[object]]]:
    options = {"max_bytes": 10 * 1024 * 1024, "max_unpacked": 50 * 1024 * 1024, "max_rows": 100} | limits
    return read_sheet(data, name, "数据", COLUMNS, what="测试表", **options)


def test_rows_keep_the_numbers_excel_shows_and_are_cut_or_padded_to_the_header():
    rows = sheet_rows(book([["A1", "甲", 2024, "多余"], [None, " ", None], ["A2"]]))
    assert rows == [(2, ["A1", "甲", 2024]), (4, ["A2", "", ""])]  # row 3 is blank: skipped, not renumbered


def test_a_path_is_read_like_the_bytes(tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "表.xlsx"
    path.write_bytes(book([["A1", "甲", 2024]]))
    assert sheet_rows(str(path), "") == sheet_rows(path.read_bytes())
    with pytest.raises(TableError, match="找不到文件「无.xlsx」"):
        sheet_rows(str(tmp_path / "无.xlsx"), "")


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "a.xlsx", "文件是空的"),
        (b"x" * 100, "a.csv", "不支持「.csv」文件，请上传 .xlsx 格式的测试表"),
        ("编号,名称\n1,甲\n".encode("gbk"), "a.xlsx", "纯文本"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "a.xlsx", "旧版 Excel"),
        (b"PK\x03\x04garbage", "a.xlsx", "压缩结构已损坏"),
        (b"\x00\x01\x02binary", "a.xlsx", "不是有效的 Excel 工作簿（.xlsx）"),
    ],
)
def test_bad_files_get_one_chinese_message(data, name, message):  # type: ignore[no-untyped-def]
    with pytest.raises(TableError, match=re.escape(message)):
        sheet_rows(data, name)


def test_word_documents_and_zip_bombs_are_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<w/>")
    with pytest.raises(TableError, match="不是 Excel 工作簿"):
        sheet_rows(buffer.getvalue())
    with pytest.raises(TableError, match="解压后过大"):
        sheet_rows(book([["A1", "甲" * 500, 2024]] * 50), max_unpacked=10_000)


def test_limits_header_and_sheet():
    with pytest.raises(TableError, match=r"文件过大（.* MB），上限为 1 MB"):
        sheet_rows(book([]) + b"\0" * 1024 * 1024, max_bytes=1024 * 1024)
    with pytest.raises(TableError, match="数据行数过多（3 行），单次导入上限为 2 行"):
        sheet_rows(book([["A1"], ["A2"], ["A3"]]), max_rows=2)
    with pytest.raises(TableError, match="缺少「数据」工作表（现有：Sheet）"):
        sheet_rows(book([], sheet="Sheet"))
    with pytest.raises(TableError, match="缺少列：年度；多出列：备注"):
        sheet_rows(book([], header=("编号", "名称", "备注")))
    with pytest.raises(TableError, match="列的顺序不对"):
        sheet_rows(book([], header=("名称", "编号", "年度")))
    assert sheet_rows(book([], header=(*COLUMNS, "", ""))) == []  # trailing blank headers are fine


def test_cell_text_is_what_the_user_sees():
    values = [None, True, False, 2024.0, 2.5, dt.datetime(2026, 6, 30), dt.datetime(2026, 6, 30, 8, 5),
              dt.date(2026, 1, 2), "  甲  "]  # fmt: skip
    assert [cell_text(v) for v in values] == ["", "是", "否", "2024", "2.5", "2026-06-30", "2026-06-30 08:05:00",
                                              "2026-01-02", "甲"]  # fmt: skip


def test_problems_are_all_counted_and_the_first_ones_kept():
    problems = Problems("数据", limit=2)
    for row in (5, 3, 4):
        problems.add(row, "名称", "不能为空")
    assert problems.result([{"row": 1}]).rows == []
    result = problems.result([], overflow=True)
    assert result.error_count == 3 and not result.ok
    assert [str(e) for e in result.errors] == ["「数据」表第3行「名称」列：不能为空", "「数据」表第5行「名称」列：不能为空",
                                               "另有 1 处错误未列出，请先改正以上错误"]  # fmt: skip
    assert Problems().result([{"row": 2}]).rows == [{"row": 2}]
    assert str(Checked.failed("文件是空的").errors[0]) == "文件是空的"
