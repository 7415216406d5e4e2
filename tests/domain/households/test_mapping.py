"""Column mapping: another system's sheet and column names read exactly like the template, checks unchanged."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest

from xiangcun.domain.households.mapping import MappingError, match_header, parse_mapping, suggest
from xiangcun.domain.households.workbook import (
    HOUSEHOLD_COLUMNS,
    MEMBER_COLUMNS,
    SHEETS,
    read_registry,
    registry_headers,
)

from .factory import finance, household, id_number, member, workbook

VILLAGES = {"140000001201"}
TODAY = dt.date(2026, 1, 1)
NATIONAL = {
    "sheets": {"成员": "家庭成员"},
    "columns": {
        "户": {"家庭编号": "户编号", "户主": "户主姓名"},
        "成员": {"家庭编号": "户编号", "证件号码": "身份证号", "备注": None},
        "收支": {"家庭编号": "户编号"},
    },
}


def rows() -> tuple[list[dict], list[dict], list[dict]]:
    households = [household("H001"), household("H002", 户主姓名="李四")]
    members = [
        member("H001", id_number("19800101", 1)),
        member("H002", id_number("19700101", 2), 姓名="李四"),
    ]
    return households, members, [finance("H001"), finance("H002", 工资性收入=0)]


def national_workbook(bad_id: bool = False) -> bytes:
    """The registry as another system exports it: own sheet and column names, another order, an extra column."""
    households, members, finances = rows()
    if bad_id:
        members[1]["身份证号"] = "110105194912310021"
    rename = {"户编号": "家庭编号", "户主姓名": "户主", "身份证号": "证件号码"}
    book = openpyxl.Workbook()
    book.remove(book.active)
    for sheet, own, records in (
        ("户", "户", households),
        ("成员", "家庭成员", members),
        ("收支", "收支", finances),
    ):
        columns = list(reversed(SHEETS[sheet]))  # every column in another place
        ws = book.create_sheet(own)
        ws.append([rename.get(c, c) for c in columns] + (["备注"] if sheet == "成员" else []))
        for r in records:
            ws.append([r[c] for c in columns] + (["外出务工"] if sheet == "成员" else []))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def read(source, **kw):  # type: ignore[no-untyped-def]
    return read_registry(source, "r.xlsx", VILLAGES, today=TODAY, **kw)


def test_a_mapped_export_reads_exactly_like_the_template() -> None:
    template = read(workbook(*rows()))
    mapped = read(national_workbook(), mapping=parse_mapping(NATIONAL, SHEETS))
    assert template.ok and mapped.ok, [str(e) for e in mapped.errors]
    assert list(mapped.households) == list(template.households)
    assert list(mapped.members) == list(template.members)
    assert list(mapped.finances) == list(template.finances)


def test_without_the_mapping_the_same_file_is_refused_with_the_sheet_named() -> None:
    found = [str(e) for e in read(national_workbook()).errors]
    assert any("缺少「成员」工作表" in m and "家庭成员" in m for m in found)


def test_checks_and_row_numbers_are_the_templates_after_mapping() -> None:
    found = read(national_workbook(bad_id=True), mapping=parse_mapping(NATIONAL, SHEETS)).errors
    assert [(e.sheet, e.row, e.column) for e in found] == [("成员", 3, "身份证号")]
    assert "校验位" in found[0].message


def test_a_header_the_mapping_does_not_cover_is_reported_not_guessed() -> None:
    partial = {"sheets": {"成员": "家庭成员"}, "columns": {"户": {"家庭编号": "户编号", "户主": "户主姓名"}}}
    found = [str(e) for e in read(national_workbook(), mapping=parse_mapping(partial, SHEETS)).errors]
    assert len(found) == 1 and found[0].startswith("「成员」表第1行：表头与列对应不符")
    assert "缺少列：户编号、身份证号" in found[0] and "无法识别的列：证件号码、家庭编号、备注" in found[0]


def test_the_preview_keeps_the_file_header_and_first_rows_in_template_order() -> None:
    registry = read(national_workbook(bad_id=True), mapping=parse_mapping(NATIONAL, SHEETS), preview_rows=1)
    preview = registry.preview["成员"]
    assert preview.header[-1] == "备注" and preview.used[-1] is None
    assert preview.used[preview.header.index("证件号码")] == "身份证号"
    assert len(preview.rows) == 1 and preview.rows[0][0] == 2
    cells = dict(zip(MEMBER_COLUMNS, preview.rows[0][1], strict=True))
    assert cells["户编号"] == "H001" and cells["身份证号"] == id_number("19800101", 1)
    assert not registry.ok  # the preview comes with the errors of the whole file


def test_csv_files_are_mapped_the_same_way() -> None:
    households, members, finances = rows()
    files = {}
    for sheet, records in (("户", households), ("成员", members), ("收支", finances)):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["家庭编号" if c == "户编号" else c for c in SHEETS[sheet]])
        writer.writerows([r[c] for c in SHEETS[sheet]] for r in records)
        files[sheet] = buffer.getvalue().encode("gb18030")
    columns = {sheet: {"家庭编号": "户编号"} for sheet in SHEETS}
    registry = read(files, mapping=parse_mapping({"columns": columns}, SHEETS))
    assert registry.ok and [h["head_name"] for h in registry.households] == ["张三", "李四"]
    assert registry_headers(files)[1]["户"][0] == "家庭编号"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("{", "不是有效的 JSON"),
        (b"\xff\xfe", "不是 UTF-8"),
        ([], "JSON 对象"),
        ({"columns": {"人口": {}}}, "「人口」不是登记表的表"),
        ({"columns": {"成员": {"证件号码": "证件"}}}, "「成员」表没有这一列"),
        ({"columns": {"成员": {"证件号码": "身份证号", "身份证": "身份证号"}}}, "都对应到「身份证号」"),
        ({"columns": {"成员": {"": "身份证号"}}}, "非空的文字"),
        ({"columns": {"成员": {"x" * 101: "身份证号"}}}, "过长"),
        ({"sheets": {"成员": 3}}, "非空的文字"),
    ],
)
def test_a_malformed_mapping_gets_one_chinese_message(data, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(MappingError, match=message):
        parse_mapping(data, SHEETS)


def test_two_file_columns_for_one_template_column_are_named() -> None:
    match = match_header(
        ["户编号", "家庭编号", *HOUSEHOLD_COLUMNS[1:]], HOUSEHOLD_COLUMNS, {"家庭编号": "户编号"}
    )
    assert not match.ok and "「户编号」、「家庭编号」列都对应到「户编号」" in match.problems()[0]


def test_suggestions_prefer_the_saved_choice_then_the_same_name() -> None:
    assert suggest(["证件号码", "姓名", "备注"], MEMBER_COLUMNS, {"证件号码": "身份证号"}) == [
        "身份证号",
        "姓名",
        None,
    ]


def test_json_round_trip() -> None:
    mapping = parse_mapping(NATIONAL, SHEETS)
    assert parse_mapping(mapping.to_json(), SHEETS) == mapping
    assert mapping.to_json()["columns"]["成员"]["备注"] is None


def test_csv_money_cells_read_like_workbook_cells() -> None:
    """CSV columns are parsed by numpy in one go; a column numpy refuses is read cell by cell, same result."""
    households, members, finances = rows()
    finances[0].update(工资性收入=" 2 ", 生产经营性收入="", 财产性收入="1e3")
    finances[1].update(工资性收入="1,000", 转移性收入="abc")
    files = {}
    for sheet, records in (("户", households), ("成员", members), ("收支", finances)):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(SHEETS[sheet])
        writer.writerows([r[c] for c in SHEETS[sheet]] for r in records)
        files[sheet] = buffer.getvalue().encode()
    found = read(files).errors
    assert [(e.row, e.column, e.message) for e in found] == [(3, "转移性收入", "「abc」不是数字")]
    finances[1]["转移性收入"] = 0
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(SHEETS["收支"])
    writer.writerows([r[c] for c in SHEETS["收支"]] for r in finances)
    files["收支"] = buffer.getvalue().encode()
    registry = read(files)
    assert registry.ok
    first, second = registry.finances[0], registry.finances[1]
    assert (first["工资性收入"], first["生产经营性收入"], first["财产性收入"]) == (2.0, 0.0, 1000.0)
    assert second["工资性收入"] == 1000.0
