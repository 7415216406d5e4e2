from __future__ import annotations

from decimal import Decimal

from xiangcun.domain.ledgers.places import PlaceIndex
from xiangcun.domain.ledgers.schools import DEFAULT_STANDARDS, standards_with_defaults, utilisation


def test_utilisation_against_the_standards() -> None:
    # 交城's table: 东雷庄学校 小学 6 pupils, 3 staff, 15 亩; 阳渠学校 小初一体 716 pupils, 68 staff, 28.8 亩
    small = utilisation("小学", 6, 3, Decimal("15"), DEFAULT_STANDARDS)
    assert small.students_per_teacher == 2.0 and small.area_per_student == 1666.7
    assert any("教师富余" in n for n in small.notes) and any("少于 20 人" in n for n in small.notes)
    big = utilisation("小初一体", 716, 68, Decimal("28.8"), DEFAULT_STANDARDS)
    assert big.students_per_teacher == 10.5 and big.area_per_student == 26.8 and big.notes == ()
    crowded = utilisation("初中", 900, 50, Decimal("20"), DEFAULT_STANDARDS)
    assert any("生师比 18.0 高于标准 13.5，教师不足" in n for n in crowded.notes)
    assert any("生均占地 14.8 平方米，低于标准 20 平方米" in n for n in crowded.notes)
    assert utilisation("小学", 30, 0, None, DEFAULT_STANDARDS).notes == ("有学生但没有教职人员",)


def test_county_standards_override_the_defaults() -> None:
    standards = standards_with_defaults({"小学": {"students_per_teacher": "21"}, "幼儿园": {"x": 1}})
    assert standards["小学"] == {"students_per_teacher": 21.0, "area_per_student": 18.0}
    assert "幼儿园" not in standards and standards["初中"] == DEFAULT_STANDARDS["初中"]


def test_places_by_code_or_unique_name() -> None:
    index = PlaceIndex(
        [("140000001201", "甲一村", 1), ("140000001202", "新村", 2), ("140000002202", "新村", 3)]
    )
    assert index.find("甲一村") == (1, None) and index.find("140000002202") == (3, None)
    assert index.find("新村")[1] == "有多个名为「新村」的村，请填写 12 位统计代码"
    assert "不是系统中的村" in (index.find("丙村")[1] or "")
