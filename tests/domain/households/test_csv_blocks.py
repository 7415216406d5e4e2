"""The CSV registry read a block at a time as columns gives what the csv module gives, rows and errors alike."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xiangcun.domain.households import workbook as wb
from xiangcun.domain.households.workbook import SHEETS, read_registry

from .factory import finance, household, id_number, member

VILLAGES = {"140000001201"}
TODAY = dt.date(2026, 1, 1)


def lines(count: int = 40) -> dict[str, list[str]]:
    """Each sheet as CSV lines (header first), `count` households with a member and a finance row each."""
    records = {
        "户": [household(f"H{n:03d}", 户主姓名=f"户主{n}") for n in range(count)],
        "成员": [member(f"H{n:03d}", id_number("19800101", n), 姓名=f"成员{n}") for n in range(count)],
        "收支": [finance(f"H{n:03d}", 工资性收入=1000 + n) for n in range(count)],
    }
    return {
        name: [",".join(columns), *(",".join(str(r[c]) for c in columns) for r in records[name])]
        for name, columns in SHEETS.items()
    }


def files(sheets: dict[str, list[str]], end: str = "\n") -> dict[str, bytes]:
    return {name: (end.join(rows) + end).encode() for name, rows in sheets.items()}


def both(data: dict[str, bytes]) -> tuple[wb.Registry, wb.Registry]:
    """Read as columns (the import) and through the csv module (what a preview reads), same file."""
    fast = read_registry(data, "", VILLAGES, today=TODAY)
    rows = read_registry(data, "", VILLAGES, today=TODAY, preview_rows=1)
    return fast, rows


def assert_same(fast: wb.Registry, rows: wb.Registry) -> None:
    assert [str(e) for e in fast.errors] == [str(e) for e in rows.errors]
    for name in ("households", "members", "finances"):
        a, b = getattr(fast, name).columns, getattr(rows, name).columns
        assert a.keys() == b.keys()
        for key in a:
            assert np.array_equal(a[key], b[key]), (name, key)


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wb._CsvRows, "BLOCK", 300)  # many blocks, cut in the middle of lines


def test_a_plain_file_read_in_blocks_equals_the_csv_module() -> None:
    fast, rows = both(files(lines()))
    assert fast.ok and len(fast.households) == 40 and len(fast.members) == 40
    assert fast.members[39]["name"] == "成员39" and float(fast.finances[7]["工资性收入"]) == 1007
    assert_same(fast, rows)


def test_windows_line_ends_read_the_same() -> None:
    fast, rows = both(files(lines(), end="\r\n"))
    assert fast.ok and fast.households[0]["head_name"] == "户主0"
    assert_same(fast, rows)


def test_a_quoted_cell_late_in_the_file_and_an_error_after_it() -> None:
    sheets = lines()
    sheets["成员"][30] = sheets["成员"][30].replace("成员29", '"成员,29"')
    sheets["收支"][35] = sheets["收支"][35].replace("H034", "H999")
    fast, rows = both(files(sheets))
    assert [str(e) for e in fast.errors] == ["「收支」表第36行「户编号」列：「H999」在「户」表中不存在"]
    assert_same(fast, rows)
    sheets["收支"][35] = sheets["收支"][35].replace("H999", "H034")
    fast, rows = both(files(sheets))
    assert fast.ok and fast.members[29]["name"] == "成员,29"
    assert_same(fast, rows)


def test_blank_and_empty_rows_keep_the_row_numbers_of_the_file() -> None:
    sheets = lines()
    sheets["成员"].insert(20, "")
    sheets["成员"].insert(25, "," * (len(SHEETS["成员"]) - 1))
    sheets["成员"][33] = "H404," + sheets["成员"][33].split(",", 1)[1]
    fast, rows = both(files(sheets))
    assert "「成员」表第34行「户编号」列：「H404」在「户」表中不存在" in [str(e) for e in fast.errors]
    assert_same(fast, rows)


def test_a_short_row_and_a_long_row_in_one_block_are_not_taken_as_two_good_ones() -> None:
    sheets = lines(6)
    sheets["户"][2] = sheets["户"][2].rsplit(",", 1)[0]  # one field short
    sheets["户"][3] = sheets["户"][3] + ",多"  # one field over: together they have the right count
    fast, rows = both(files(sheets))
    assert not fast.ok
    assert_same(fast, rows)


def test_a_bad_byte_late_in_the_file_is_one_chinese_message() -> None:
    data = files(lines(1500))  # the bad byte after the part read to tell the encoding
    data["成员"] = data["成员"][:-40] + b"\xff\xfe" + data["成员"][-40:]
    fast, rows = both(data)
    assert len(fast.errors) == 1 and "「成员」表的 CSV 文件无法读取（编码或引号有误）" in str(fast.errors[0])
    assert_same(fast, rows)


def test_a_nul_late_in_the_file_is_refused_as_before() -> None:
    data = files(lines(1500))  # after the part read to tell the encoding
    data["户"] = data["户"][:-30] + b"\x00" + data["户"][-30:]
    fast, rows = both(data)
    assert not fast.ok
    assert_same(fast, rows)


def test_gb18030_reads_the_same() -> None:
    data = {name: text.decode().encode("gb18030") for name, text in files(lines()).items()}
    fast, rows = both(data)
    assert fast.ok and fast.members[3]["name"] == "成员3"
    assert_same(fast, rows)


# Cells a clerk's file may hold: padding of every kind (stripped), text over the length limit, numbers in the
# forms a float or an int parse reads differently (-0, full-width digits, 1_000, a sign, an exponent) and codes.
_CELLS = ["", " ", "\u3000", "\t", "\xa0", "\x1c", "\u200b", "x", "1", "0", "-0", "12.5", "1e3", "+7", " 7 ",
          "１２", "1_000", "99999999999999999999", "2025", "2024 ", "1999", "是", " 否", "脱贫户", "A", "H001",
          "H002 ", "140000001201", "138-1234 5678", "+8613812345678", "1234", "1" * 101, "名" * 120, "x" * 60,
          "一级", "14010119800101123x", "ß", "中 文"]  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_edited_cells_read_in_plain_blocks_equal_the_csv_module(data: st.DataObject) -> None:
    """A block with nothing to strip or cut skips the per-cell checks: whatever the cells, the result (values
    and errors, in order) is the one the csv-module path, which checks every cell, gives."""
    sheets = lines(data.draw(st.integers(1, 12)))
    for _ in range(data.draw(st.integers(0, 6))):
        name = data.draw(st.sampled_from(list(SHEETS)))
        row = data.draw(st.integers(1, len(sheets[name]) - 1))
        cells = sheets[name][row].split(",")
        column = data.draw(st.integers(0, len(cells) - 1))
        cells[column] = data.draw(st.sampled_from([*_CELLS, f" {cells[column]}", f"{cells[column]}\u3000"]))
        sheets[name][row] = ",".join(cells)
    assert_same(*both(files(sheets)))


def test_padding_around_a_cell_is_stripped_and_inner_spaces_kept() -> None:
    sheets = lines(3)
    sheets["户"][1] = sheets["户"][1].replace("户主0", " 户主 0\u3000")
    sheets["成员"][2] = sheets["成员"][2].replace("H001", "H001 ", 1)
    sheets["收支"][3] = sheets["收支"][3].replace("1002", " 1002.5 ")
    fast, rows = both(files(sheets))
    assert fast.ok, [str(e) for e in fast.errors]
    assert fast.households[0]["head_name"] == "户主 0"
    assert fast.members[1]["household"] == "H001"
    assert float(fast.finances[2]["工资性收入"]) == 1002.5
    assert_same(fast, rows)


def test_a_long_line_of_short_cells_is_read_and_a_long_cell_reported() -> None:
    sheets = lines(3)
    sheets["成员"][1] = sheets["成员"][1].replace("成员0", "成" * 60).replace("县内务工", "务" * 60)
    fast, rows = both(files(sheets))
    assert fast.ok and fast.members[0]["name"] == "成" * 60
    assert_same(fast, rows)
    sheets["成员"][2] = sheets["成员"][2].replace("成员1", "名" * 101)
    fast, rows = both(files(sheets))
    assert [str(e) for e in fast.errors] == ["「成员」表第3行「姓名」列：内容过长（超过 100 个字）"]
    assert_same(fast, rows)


@pytest.mark.parametrize("block", [300, 1 << 22])
def test_number_blocks_read_from_bytes_equal_the_csv_module(
    monkeypatch: pytest.MonkeyPatch, block: int
) -> None:
    """收支 blocks of whole numbers are read from their bytes: codes of any length (the first and the last
    line short), numbers of 1 to 16 digits, a leading zero and an amount over the limit give what the csv
    module path gives."""
    monkeypatch.setattr(wb._CsvRows, "BLOCK", block)
    read = wb._numeric_block
    parsed: list[object] = []
    monkeypatch.setattr(wb, "_numeric_block", lambda *a, **k: parsed.append(read(*a, **k)) or parsed[-1])
    sheets = lines(30)
    sheets["户"][1] = sheets["户"][1].replace("H000", "H")
    sheets["户"][2] = sheets["户"][2].replace("H001", "H" * 100)
    sheets["成员"][1] = sheets["成员"][1].replace("H000", "H")
    sheets["成员"][2] = sheets["成员"][2].replace("H001", "H" * 100)
    sheets["收支"][1] = sheets["收支"][1].replace("H000,2024,1000", "H,2024,7")
    sheets["收支"][2] = sheets["收支"][2].replace("H001", "H" * 100).replace(",1001,", ",0001001,")
    sheets["收支"][-1] = sheets["收支"][-1].rsplit(",", 1)[0] + ",5"
    fast, rows = both(files(sheets))
    assert (
        fast.ok and float(fast.finances[0]["工资性收入"]) == 7 and fast.finances[1]["household"] == "H" * 100
    )
    assert_same(fast, rows)
    assert any(isinstance(p, wb._Numeric) for p in parsed)  # the bytes path was taken
    for digits in (8, 15, 16):
        sheets["收支"][5] = sheets["收支"][5].replace(",0,", f",{'9' * digits},", 1)
        fast, rows = both(files(sheets))
        assert [str(e) for e in fast.errors] == [
            f"「收支」表第6行「财产性收入」列：金额 {float('9' * digits):g} 不合理（单户单年上限 10,000,000 元）"
        ]
        assert_same(fast, rows)
        sheets = {**sheets, "收支": [*sheets["收支"]]}
        sheets["收支"][5] = sheets["收支"][5].replace(f",{'9' * digits},", ",0,", 1)
