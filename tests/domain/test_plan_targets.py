"""Turning a confirmed prose target into something tracked: years, catalog name and kind, department."""

from __future__ import annotations

from xiangcun.domain import plan_targets as pt


def test_years_stated_plan_end_or_every_plan_year():
    assert pt.target_years({"year": 2023}, (2021, 2025)) == [2023]
    assert pt.target_years({"year": None}, (2021, 2025)) == [2025]  # no year: the plan's last year
    assert pt.target_years({"per_year": True, "year": 2025}, (2021, 2025)) == [2021, 2022, 2023, 2024, 2025]
    assert pt.target_years({"year": None}, (None, None)) == []  # nothing to go on: the reviewer sets it
    assert pt.target_years({"per_year": True, "year": 2024}, (None, None)) == [2024]


def test_local_indicator_name_and_kind_from_subject_and_unit():
    assert pt.indicator_name("全县的优质牧草种植面积") == "优质牧草种植面积"
    assert pt.indicator_name("“四好农村路”长度") == "四好农村路长度"
    assert pt.indicator_name("全县") == "全县"  # never emptied
    assert pt.indicator_kind("个") == "count"
    assert pt.indicator_kind("%") == pt.indicator_kind("％") == "percentage"
    assert pt.indicator_kind("万亩") == "quantity"
    assert pt.indicator_kind("万人") == "quantity"
    assert pt.units_agree("%", "%") and pt.units_agree("％", "%") and pt.units_agree(None, "万吨")
    assert not pt.units_agree("万亩", "%")


def test_department_from_catalog_owner_then_head_of_subject_then_sentence():
    assert pt.propose_department("农村卫生厕所普及率", owner="农业农村局") == "农业农村局"
    # the head noun comes last: a tourist road is a road, an old-age centre belongs to 民政
    assert pt.propose_department("新改建黄河一号旅游公路长度") == "交通局"
    assert pt.propose_department("农村养老服务中心数量") == "民政局"
    assert pt.propose_department("高标准农田面积") == "农业农村局"
    assert pt.propose_department("持证率", "脱贫户产业发展持证率要达到100%") == "乡村振兴局"
    assert pt.propose_department("持证率", "持证率要达到100%") is None  # unsure: the reviewer picks
    # only the county's own departments are proposed
    assert pt.propose_department("高标准农田面积", known=["教育局"]) is None


def test_dimension_from_subject_else_chapter_heading():
    outline = [
        {"level": 2, "title": "推进产业振兴", "line": 10},
        {"level": 2, "title": "建设生态宜居乡村", "line": 50},
    ]
    assert pt.heading_before(outline, 30) == "推进产业振兴"
    assert pt.heading_before(outline, 60) == "建设生态宜居乡村"
    assert pt.dimension_of("农村卫生厕所普及率") == "生态宜居"
    assert pt.dimension_of("示范基地面积", pt.heading_before(outline, 30)) == "产业兴旺"
    assert pt.dimension_of("某某数量", "") == "其他"
