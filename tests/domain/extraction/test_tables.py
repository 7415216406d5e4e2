"""The grouped-table reader shared by the school and merge tables: a township written once for its rows."""

from __future__ import annotations

from xiangcun.domain.extraction.readers import read_text
from xiangcun.domain.extraction.tables import grouped_rows, tables_with_captions


def _first(cells: list[str]) -> str:
    return cells[0] if cells else ""


def test_township_is_carried_down_over_blank_cells_and_a_total_ends_it() -> None:
    rows = [
        (1, ["甲镇", "一小", "300"]),
        (2, ["", "二小", "200"]),
        (3, ["小计", "", "500"]),
        (4, ["", "三小", "90"]),
        (5, ["乙乡", "四小", "80"]),
        (6, ["合 计", "", "670"]),
    ]
    read = [(r.line, r.group, r.opens, r.total) for r in grouped_rows(rows, _first)]
    assert read == [
        (1, "甲镇", True, False),
        (2, "甲镇", False, False),
        (3, "", False, True),
        (4, "", False, False),  # after a total, no township until one is written again
        (5, "乙乡", True, False),
        (6, "", False, True),
    ]


def test_only_what_names_a_group_opens_one() -> None:
    rows = [(1, ["甲镇", "a"]), (2, ["说明", "b"]), (3, ["", "c"])]
    read = [r.group for r in grouped_rows(rows, _first, names_group=lambda t: t.endswith("镇"))]
    assert read == ["甲镇", "甲镇", "甲镇"]


def test_each_table_once_with_the_text_before_it() -> None:
    text = "\n".join(
        [
            "表1 2024年学校情况",
            "乡镇 | 学校 | 在校生",
            "甲镇 | 一小 | 300",
            "正文一段。",
            "乡镇 | 合并村 | 合并后村",
            "乙乡 | 丙村 | 丁村",
        ]
    )
    document = read_text(text)
    found = [(caption, [b.cells for b in rows]) for rows, caption in tables_with_captions(document)]
    assert [caption for caption, _ in found] == ["表1 2024年学校情况", "正文一段。"]
    assert found[0][1][-1] == ["甲镇", "一小", "300"]
