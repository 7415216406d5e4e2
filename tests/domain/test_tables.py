import io

import openpyxl
import pytest

from xiangcun.domain.tables import TableError, decode_text, read_table


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
