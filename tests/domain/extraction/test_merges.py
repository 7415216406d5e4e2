"""Village merges read from a merge table (two panels, groups of rows) and from prose."""

from __future__ import annotations

from pathlib import Path

import pytest

from xiangcun.domain.extraction import extract
from xiangcun.domain.extraction.merges import extract_merges
from xiangcun.domain.extraction.readers import read_text

SEEDS = Path(__file__).resolve().parents[3].parent / "shared" / "seeds"

TABLE = """表1 青山县2021年村庄合并情况
| 乡镇 | 合并村 | 撤销村 | 合并后村 | 乡镇 | 合并村 | 撤销村 | 合并后村 |
| 东岭镇 | 上河村 | 上河村 | 下河村 | 西坪乡 | 石门村 | 石门村 | 石佛村 |
|  | 下河村 |  |  |  | 石佛村 |  |  |
|  | 前沟村 | 前沟村、后沟村 | 新沟村 | 合计 | 2 | 1 | 1 |
|  | 后沟村 |  |  |  |  |  |  |
| 合计 | 4 | 3 | 2 |  |  |  |  |
"""


def test_merge_table_with_two_panels_and_groups() -> None:
    merges = extract_merges(read_text(TABLE))
    assert [(m["township"], m["villages"], m["into"], m["year"]) for m in merges] == [
        ("东岭镇", ["上河村", "下河村"], "下河村", 2021),
        ("西坪乡", ["石门村", "石佛村"], "石佛村", 2021),
        ("东岭镇", ["前沟村", "后沟村"], "新沟村", 2021),
    ]
    assert merges[0]["line"] == 3  # the row the group starts on, to show the reviewer


def test_merge_in_prose() -> None:
    merges = extract_merges(read_text("2022年将上河村、下河村合并为河口村，撤销原村委会。\n"))
    assert merges == [
        {"township": None, "villages": ["上河村", "下河村"], "into": "河口村", "line": 1, "year": 2022}
    ]


def test_no_merge_in_a_plain_village_table() -> None:
    assert extract_merges(read_text("| 乡镇 | 行政村 | 人口 |\n| 东岭镇 | 上河村 | 1200 |\n")) == []


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"真实规划样本目录不存在：{SEEDS}（仓库外的 shared/seeds）")
def test_jiaocheng_merge_table() -> None:
    """交城's table 四/1: 19 merges in five townships; its 合计 rows say 10+11+4+12+4 villages took part."""
    merges = extract(next(SEEDS.glob("000_*.txt")))["merges"]
    assert len(merges) == 19
    by_township: dict[str, int] = {}
    for m in merges:
        by_township[m["township"]] = by_township.get(m["township"], 0) + len(m["villages"])
    assert by_township == {"天宁镇": 10, "水峪贯镇": 11, "庞泉沟镇": 4, "东坡底乡": 12, "西社镇": 4}
    assert {
        "township": "西社镇",
        "villages": ["塔上村", "阳湾村", "南沟村", "野则河村"],
        "into": "野则河村",
    }.items() <= next(m for m in merges if m["into"] == "野则河村").items()


def test_a_merge_table_is_not_read_as_village_class_lists() -> None:
    text = "表1 村庄合并情况\n| 乡镇 | 合并村 | 撤销村 | 合并后村 |\n| 东岭镇 | 上河村 | 上河村 | 下河村 |\n|  | 下河村 |  |  |\n"
    result = extract_from_text(text)
    assert result["place_lists"] == []
    assert [m["into"] for m in result["merges"]] == ["下河村"]


def extract_from_text(text: str) -> dict:  # type: ignore[type-arg]
    from xiangcun.domain.extraction.extract import analyse

    return analyse(read_text(text), source="plan.txt")
