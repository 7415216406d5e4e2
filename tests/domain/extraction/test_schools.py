"""School tables: a row per school (township written once per group) or per township, from Word and text."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from xiangcun.domain.extraction import extract
from xiangcun.domain.extraction.readers import read_text
from xiangcun.domain.extraction.schools import extract_schools, level_of
from xiangcun.domain.extraction.tables import restructure

SEEDS = Path(__file__).resolve().parents[3].parent / "shared" / "seeds"


def school_plan_docx(path: Path, east: str = "东岭镇", west: str = "西坪乡") -> Path:
    """A plan with a table per school, a table per township and a population table (not about schools)."""
    document = docx.Document()
    document.add_paragraph("青山县乡村振兴规划（2021—2025年）")
    document.add_paragraph("表3 2020年各乡镇学校基本情况")
    rows = [
        ["乡镇", "学校", "学段", "在校学生（人）", "专任教师（人）", "占地面积（平方米）"],
        [east, "东岭镇中心小学", "小学", "420", "28", "12000"],
        ["", "东岭镇九年一贯制学校", "九年一贯制", "610", "52", "20000"],
        [f"{west}（含原石门乡）", "西坪乡初级中学", "", "300", "31", "—"],
        ["南山镇", "", "", "", "", ""],
        ["合计", "", "", "1330", "111", "32000"],
    ]
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    document.add_paragraph("各乡镇学校数量如下。")
    rows = [
        ["乡镇", "学校数（所）", "小学在校生", "初中在校生", "教职工", "校舍建筑面积（万平方米）"],
        [east, "3", "420", "310", "80", "1.2"],
        [west, "2", "150", "150", "31", "0.6"],
        ["合计", "5", "570", "460", "111", "1.8"],
    ]
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    document.add_paragraph("表4 各乡镇人口")
    rows = [["乡镇", "人口", "户数"], ["东岭镇", "12000", "4000"]]
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    document.save(path)
    return path


def test_school_rows_and_township_rows_from_word(tmp_path: Path) -> None:
    schools = extract(school_plan_docx(tmp_path / "plan.docx"))["schools"]
    by_school = [s for s in schools if s["name"]]
    assert [(s["township"], s["name"], s["level"], s["students"], s["teachers"], s["area"], s["area_unit"])
            for s in by_school] == [
        ("东岭镇", "东岭镇中心小学", "小学", 420, 28, 12000.0, "平方米"),
        ("东岭镇", "东岭镇九年一贯制学校", "小初一体", 610, 52, 20000.0, "平方米"),  # township carried down
        ("西坪乡", "西坪乡初级中学", "初中", 300, 31, None, None),  # level from the name; — is no figure
    ]  # fmt: skip
    assert all(
        s["year"] == 2020 and s["area_kind"] in ("占地", None) for s in by_school
    )  # year from the caption
    per_township = [s for s in schools if not s["name"]]
    assert [(s["township"], s["schools"], s["students"], s["teachers"], s["area"], s["area_unit"], s["area_kind"])
            for s in per_township] == [
        ("东岭镇", 3, 730, 80, 1.2, "万平方米", "建筑"),  # 小学 + 初中 pupils; building, not land
        ("西坪乡", 2, 300, 31, 0.6, "万平方米", "建筑"),
    ]  # fmt: skip
    assert len(schools) == 5  # no 合计, no township without a school, nothing from the population table


def test_a_flattened_text_table_and_tables_that_are_not_about_schools() -> None:
    text = "\n".join(
        [
            "表5 各学校情况",
            "学校名称",
            "在校人数",
            "教职人数",
            "",
            "东岭小学",
            "45",
            "14",
            "",
            "合计",
            "45",
            "14",
            "",
            "说明文字到此为止。",
            "乡镇 | 人口 | 教育支出（万元）",
            "东岭镇 | 12000 | 300",
        ]  # fmt: skip
    )
    document = read_text(text)
    restructure(document)  # as `read` does: one cell per line becomes rows again
    schools = extract_schools(document)
    assert [(s["name"], s["students"], s["teachers"], s["township"]) for s in schools] == [
        ("东岭小学", 45, 14, None)
    ]


def test_levels_as_plans_write_them() -> None:
    assert level_of("九年一贯制") == level_of("小初一体") == "小初一体"
    assert level_of("水峪贯镇初级中学") == "初中" and level_of("某县第二高级中学") == "高中"
    assert level_of("交城县西营学校") is None


def test_jiaocheng_schools_by_township_from_the_seed() -> None:
    path = next(SEEDS.glob("002_*.txt"), None)
    if path is None:
        pytest.skip("交城 seed plan (002_*.txt) is not in ../shared/seeds")
    schools = extract(path)["schools"]
    assert len(schools) == 19
    assert sum(s["students"] for s in schools) == 7494 and sum(s["teachers"] for s in schools) == 681
    first = schools[0]
    assert (first["township"], first["name"], first["level"], first["students"], first["teachers"]) == (
        "天宁镇", "东雷庄学校", "小学", 6, 3
    )  # fmt: skip
    assert first["area"] == 15.0 and first["area_unit"] == "亩" and first["line"]
    assert {s["township"] for s in schools} >= {"西营", "水峪贯", "洪相", "会立"}  # （会立） unwrapped
    assert all(s["name"] for s in schools)  # townships without a school (庞泉沟 …) give no row


def test_no_school_rows_in_plans_without_a_school_table() -> None:
    for path in sorted(SEEDS.glob("*.txt")):
        if not path.name.startswith("002_"):
            assert extract(path)["schools"] == [], path.name
