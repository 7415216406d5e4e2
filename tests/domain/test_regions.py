from xiangcun.domain.regions import (
    RegionRow,
    normalise_level,
    parse_rows,
    path_upper_bound,
    tree_paths,
    validate_tree,
)

HEADER = ["代码", "名称", "上级代码", "级别", "户籍人口"]


def test_levels_are_read_as_people_write_them():
    assert normalise_level("乡镇") == "township"
    assert normalise_level(" 街道 ") == "subdistrict"
    assert normalise_level("村") == "village"
    assert normalise_level("社区") == "community"
    assert normalise_level("自然村") == "natural_village"
    assert normalise_level("大队") is None


def test_cell_errors_are_reported_row_by_row_in_chinese():
    result = parse_rows(
        HEADER,
        [
            ["14000000100", "甲镇", "", "乡镇", "100"],  # 11 digits
            ["140000001001", "", "", "乡镇", "-5"],
            ["140000001002", "丙镇", "", "公社", "12.5"],
        ],
    )
    messages = [str(e) for e in result.errors]
    assert "第2行「代码」：「14000000100」不是12位数字统计代码" in messages
    assert "第3行「名称」：不能为空" in messages
    assert "第3行「户籍人口」：不能为负数（-5）" in messages
    assert any(m.startswith("第4行「级别」：「公社」不是有效级别") for m in messages)
    assert "第4行「户籍人口」：「12.5」不是整数" in messages
    assert result.rows == []


def test_missing_and_merged_header_columns():
    result = parse_rows(["代码", "", "上级代码", "级别"], [])
    text = " ".join(str(e) for e in result.errors)
    assert "合并单元格" in text
    assert "缺少列：名称、户籍人口" in text


def test_excel_numbers_become_codes_and_integers():
    result = parse_rows(HEADER, [[140000000000.0, "测试县", None, "县", 3000.0]])
    assert result.ok
    assert result.rows[0].code == "140000000000"
    assert result.rows[0].population == 3000


def row(code, parent, level, n=2):  # type: ignore[no-untyped-def]
    return RegionRow(code, code, parent, level, 1, None, n)


def test_parent_must_exist_and_sit_one_level_up():
    county = row("140000000000", None, "county")
    errors = validate_tree(
        [
            county,
            row("140000001201", "140000000000", "village", 3),
            row("140000001202", "999999999999", "village", 4),
        ],
        {},
    )
    messages = [str(e) for e in errors]
    assert any("第3行" in m and "上级应比它高一级" in m for m in messages)
    assert any("第4行" in m and "不存在" in m for m in messages)


def test_duplicates_and_cycles_are_found():
    a = row("140000001000", "140000002000", "township", 2)
    b = row("140000002000", "140000001000", "township", 3)
    errors = validate_tree([a, b, row("140000001000", "140000002000", "township", 4)], {})
    messages = [str(e) for e in errors]
    assert any("与第2行重复" in m for m in messages)
    assert any("循环" in m for m in messages)


def test_rows_may_hang_under_stored_regions():
    stored = {"140000000000": row("140000000000", None, "county", 0)}
    assert validate_tree([row("140000001000", "140000000000", "township")], stored) == []


def test_paths_and_subtree_bounds():
    merged = {
        "140000000000": row("140000000000", None, "county"),
        "140000001000": row("140000001000", "140000000000", "township"),
    }
    paths = tree_paths(merged)
    assert paths["140000001000"] == "140000000000140000001000"
    assert path_upper_bound("1409") == "141"
    assert path_upper_bound("1400") == "1401"
    assert path_upper_bound("999") is None
