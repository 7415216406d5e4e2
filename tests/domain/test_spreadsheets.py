"""The streaming .xlsx writer: what it writes reads back the same through openpyxl and python-calamine
(the import reader), text never becomes a formula, amounts keep their four decimals."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import openpyxl
import python_calamine

from xiangcun.domain.spreadsheets import XlsxWriter, amount, append_row, bold

HOSTILE = ['=HYPERLINK("http://evil.example/","点我")', "+1+1", "-2+3", "@SUM(1)", "\t=1", "\r=1"]


def _book() -> bytes:
    book = XlsxWriter()
    sheet = book.sheet("项目", widths={"B": 40, "AA": 12})
    sheet.append(["编号", "名称", "金额", "年份", "是否"])
    sheet.append(["XM001", "  前后有空格 ", amount(Decimal("1234.5678")), 2025, True])
    sheet.append([None, "<b>&amp;", amount(Decimal("0.0001"), bold=True), -3, 2.5])
    append_row(sheet, HOSTILE)
    second = book.sheet("公告")
    second.append(
        [bold("合计"), "", amount(Decimal("1E+3")), dt.date(2025, 3, 1), "多行\n文字", "控\x00制\x1f符"]
    )
    data = book.close()
    assert data is not None
    return data


def test_openpyxl_reads_back_values_styles_and_sheets() -> None:
    book = openpyxl.load_workbook(io.BytesIO(_book()))
    assert book.sheetnames == ["项目", "公告"]
    first, second = book["项目"], book["公告"]
    assert [c.value for c in first[2]][:5] == ["XM001", "  前后有空格 ", 1234.5678, 2025, True]
    assert first["C2"].number_format == "0.0000" and not first["C2"].font.b
    assert [c.value for c in first[3]][:5] == [None, "<b>&amp;", 0.0001, -3, 2.5]
    assert first["C3"].font.b and first["C3"].number_format == "0.0000"
    # a carriage return is stored as the OOXML escape _x000D_, which Excel, WPS and calamine decode and
    # openpyxl's reader leaves as it is
    assert [c.value for c in first[4]] == HOSTILE[:-1] + ["_x000D_=1"]
    assert all(c.data_type == "s" for c in first[4])
    assert 40 <= first.column_dimensions["B"].width < 41  # 40 characters, plus the padding Excel stores
    assert second["A1"].value == "合计" and second["A1"].font.b
    assert second["B1"].value is None and second["C1"].value == 1000
    assert second["D1"].value == dt.datetime(2025, 3, 1)
    assert second["E1"].value == "多行\n文字" and second["F1"].value == "控制符"


def test_calamine_reads_what_the_imports_read() -> None:
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(_book()))
    rows = book.get_sheet_by_name("项目").to_python()
    assert rows[1][:4] == ["XM001", "  前后有空格 ", 1234.5678, 2025]
    assert rows[3] == HOSTILE


def test_no_formula_anywhere_in_the_xml() -> None:
    with zipfile.ZipFile(io.BytesIO(_book())) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                xml = z.read(name).decode()
                assert "<f>" not in xml and "<f " not in xml, name


def test_writes_to_a_path_and_an_empty_book_still_opens(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "out.xlsx"
    book = XlsxWriter(path)
    book.sheet("a:b/c?" * 10).append([1])
    assert book.close() is None
    loaded = openpyxl.load_workbook(path)
    assert loaded.sheetnames == ["a_b_c_" * 5 + "a"] and loaded.active["A1"].value == 1
    empty = XlsxWriter().close()
    assert empty is not None and openpyxl.load_workbook(io.BytesIO(empty)).sheetnames == ["Sheet1"]
