"""Prose targets by ../shared/extraction-spec.md, one convention per test, on sentences written for the tests."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xiangcun.domain.extraction.extract import analyse
from xiangcun.domain.extraction.quantities import find_quantities
from xiangcun.domain.extraction.readers import read_text
from xiangcun.domain.extraction.targets import extract_targets


def targets(text: str, start: int | None = 2021, end: int | None = 2025) -> list[dict[str, Any]]:
    return extract_targets(read_text(text), end_year=end, start_year=start)[0]


def figures(text: str, **kw: Any) -> list[tuple[float, str | None]]:
    return [(t["value"], t["unit"]) for t in targets(text, **kw)]


def test_state_verbs_and_operators() -> None:
    found = targets("到2025年，农村卫生厕所普及率达到85%以上，粮食总产稳定在4.9万吨，超过12家，不低于60%。")
    assert [(t["value"], t["unit"], t["op"], t["year"]) for t in found] == [
        (85, "%", ">=", 2025), (4.9, "万吨", "=", 2025), (12, "家", ">", 2025), (60, "%", ">=", 2025),
    ]  # fmt: skip
    assert found[0]["subject"] == "农村卫生厕所普及率"


def test_action_counts_name_what_is_counted() -> None:
    found = targets("建设产地集配中心9个，创制新品种10个，新增高效节水灌溉面积300亩，闲置废弃房拆除1408栋。")
    assert [(t["value"], t["unit"]) for t in found] == [(9, "个"), (10, "个"), (300, "亩"), (1408, "栋")]
    assert found[0]["subject"] == "产地集配中心数量"
    assert "高效节水灌溉面积" in found[2]["subject"]


def test_number_before_its_object_and_lists() -> None:
    found = targets("新建3个农村养老服务中心，实施乡道“单改双”工程120公里、路面拓宽工程260公里。")
    assert [(t["value"], t["subject"]) for t in found] == [
        (3, "新建农村养老服务中心数量"), (120, "乡道“单改双”工程长度"), (260, "路面拓宽工程长度"),
    ]  # fmt: skip


def test_units_with_wan_stay_in_the_unit_and_chinese_numerals_become_numbers() -> None:
    assert figures("香菇种植规模稳定在5000万袋左右。") == [(5000, "万袋")]
    assert figures("解决1.69万人饮水问题，实施14.2万农村居民饮水巩固提升工程。")[-1] == (14.2, "万人")
    assert figures("培训电商人才千名，打造两条有机蔬菜走廊。") == [(1000, "人"), (2, "条")]
    assert figures("示范村人居环境整治提升率达到百分之百。") == [(100, "%")]


def test_growth_and_share() -> None:
    found = targets("农产品网络零售额年均增长20%以上，农村生活污水治理率提高5个百分点，占比达到50%。")
    assert [(t["value"], t["unit"], t["op"]) for t in found] == [
        (20, "%", ">="),
        (5, "个百分点", "="),
        (50, "%", "="),
    ]
    assert found[0]["subject"].endswith("年均增长")


def test_two_measures_in_one_clause_share_the_quote() -> None:
    found = targets("具备条件的建制村通硬化路率、通客车率达100%。")
    assert [t["subject"] for t in found] == ["具备条件的建制村通硬化路率", "通客车率"]
    assert found[0]["quote"] == found[1]["quote"]


def test_year_carries_forward_in_its_sentence_only() -> None:
    found = targets("到2022年，覆盖率达到100%，培育示范社13个，到2025年达到90%。建成示范村8个。", end=None)
    assert [t["year"] for t in found] == [2022, 2022, 2025, None]


def test_plan_end_and_base_years() -> None:
    found = targets("规划期末，创建完成30个示范村。农村生活污水治理率由2022年的28%提高到45%。")
    assert [(t["value"], t["year"]) for t in found] == [(30, 2025), (45, None)]
    assert figures("到“十四五”末，粮食总产稳定在5.1万吨以上。", end=None) == [(5.1, "万吨")]
    assert targets("到“十四五”末，粮食总产稳定在5.1万吨以上。", end=None)[0]["year"] == 2025


def test_yearly_document_and_the_plans_own_note_give_their_year() -> None:
    work = read_text("石河县2023年乡村振兴工作要点\n一、产业\n新建高标准农田3万亩。\n")
    assert [t["year"] for t in extract_targets(work)[0]] == [2023]
    note = "一、目标\n培育龙头企业15家。\n注：未说明年份的均为2025年目标值。\n"
    assert [t["year"] for t in extract_targets(read_text(note))[0]] == [2025]


def test_per_year_scope_and_approx() -> None:
    found = targets("每年转移就业农村劳动力1300人次以上，到2025年新型职业农民稳定在6000人左右。")
    assert [(t["per_year"], t["approx"]) for t in found] == [(True, False), (False, True)]
    assert targets("每个乡镇建设1个高标准冷库。")[0]["scope"] == "每个乡镇"
    assert targets("全县森林覆盖率达到72.8%。")[0]["scope"] == "全县"
    assert targets("桃源镇建成示范村5个。")[0]["scope"] == "桃源镇"


def test_each_target_says_what_its_scope_covers() -> None:
    def kind(text: str) -> tuple[str | None, str | None]:
        first = targets(text)[0]
        return first["scope"], first["scope_kind"]

    assert kind("每个乡镇（街道）建设1个高标准冷库。") == ("每个乡镇（街道）", "every_township")
    assert kind("各乡镇建成便民服务中心1个。") == ("各乡镇", "every_township")
    assert kind("每个行政村培育骨干法律明白人3名。") == ("每个行政村", "every_village")
    assert kind("每村选派1名科技特派员。") == ("每村", "every_village")
    assert kind("全县森林覆盖率达到72.8%。") == ("全县", "county")
    assert kind("桃源镇建成示范村5个。") == ("桃源镇", "township")
    assert kind("平川地区建设高标准农田2万亩。") == ("平川地区", "area")
    assert kind("新建农村公路320公里。") == (None, None)


def test_a_scope_as_a_reviewer_types_it_is_read_the_same_way() -> None:
    from xiangcun.domain.extraction.targets import scope_kind

    assert scope_kind("每个镇（街道）") == "every_township"
    assert scope_kind(" 全县 ") == "county"
    assert scope_kind("甲镇") == "township"
    assert scope_kind("每个社区") == "every_village"
    assert scope_kind("每户") == "every_household"
    assert scope_kind("乡镇") == "area"  # no township of that name
    assert scope_kind("") is None and scope_kind(None) is None


def test_past_achievements_are_left_out() -> None:
    assert targets("“十三五”时期，全县完成退耕还林13.5万亩，森林覆盖率达到28.23%。") == []
    assert targets("2020年，全县农村居民可支配收入达到5815元。") == []
    assert targets("已建成乡村振兴示范村12个。") == []
    heading = "第一章 发展基础\n全县建成农村公路680公里，自来水普及率达到88%。\n第二章 目标\n新建农村公路320公里。\n"
    assert [t["value"] for t in extract_targets(read_text(heading), start_year=2021)[0]] == [320]


def test_ranges_thresholds_names_and_terms_are_left_out() -> None:
    assert targets("各乡镇选取3—5个村开展试点，覆盖10000人到12000人。") == []
    assert targets("人口规模800人以上的村优先纳入，1000只以上羊标准化养殖小区优先支持。") == []
    assert targets("坚持“两不愁三保障”，发展四大产业，落实“十四五”规划，实施“一村一品”。") == []
    assert targets("提供3年（含）以内5万元（含）以下贴息贷款，公示期不少于10天。") == []
    assert targets("依据青政发〔2021〕18号，每年12月底前上报，单个项目补助不超过200万元。") == []
    assert targets("年内创建x个县级示范镇，建成x座污水处理设施。") == []


def test_each_target_keeps_its_quote_and_source_line() -> None:
    found = targets("第一章 目标\n\n到2025年，建设产地集配中心9个，乡村电商物流配送覆盖率达到100%。\n")
    assert [t["line"] for t in found] == [2, 2]
    assert found[0]["quote"] == "建设产地集配中心9个" and "100%" in found[1]["quote"]


def test_a_sentence_wrapped_across_lines_is_one_sentence() -> None:
    text = "实施农村饮水安全巩固提升工程，解决好水源性、季节性缺水问题，完成8个\n千人以上集中供水、8处分散供水工程。\n"
    assert [(t["value"], t["line"]) for t in targets(text)] == [(8, 1), (8, 2)]


TEXT = (
    st.text(
        alphabet=list(
            "0123456789.%年万亿个户人名亩公里座处以上下左右约达到建设新增每年全县乡镇村由的“”、，。；：—-（）十百千两"
        )
    )
    | st.text()
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_arbitrary_text_never_crashes_the_target_reader(text: str) -> None:
    for quantity in find_quantities(text):
        assert 0 <= quantity.start < quantity.end <= len(text)
    result = analyse(read_text(text), source="x.txt")
    for target in result["targets"]:
        assert isinstance(target["value"], float) and target["quote"] and target["line"] >= 1


def test_full_width_digits_chinese_years_and_county_names() -> None:
    found = targets("到二〇二五年，城口县森林覆盖率达到６２．５％以上。", end=None)
    assert [(t["value"], t["unit"], t["op"], t["year"], t["subject"]) for t in found] == [
        (62.5, "%", ">=", 2025, "森林覆盖率")
    ]
    assert found[0]["quote"] == "城口县森林覆盖率达到６２．５％以上"  # the source as written


def test_a_past_section_keeps_only_deadline_years() -> None:
    text = "一、发展现状\n2021年以来，建成高标准农田9.8万亩。2022年全县粮食总产量达到26.3万吨，到2025年达到27万吨。\n"
    assert figures(text) == [(27, "万吨")]


def test_other_wordings_of_the_default_year_note() -> None:
    note = "一、目标\n培育龙头企业15家。\n注：除注明外，均为2025年目标值。\n"
    assert [t["year"] for t in extract_targets(read_text(note))[0]] == [2025]


def test_respectively_pairs_measures_and_figures_in_order() -> None:
    found = targets("到2025年，农村自来水普及率和集中供水率分别达到90%、95%。")
    assert [(t["subject"], t["value"]) for t in found] == [("农村自来水普及率", 90), ("集中供水率", 95)]
    assert targets("2025年前建成示范村10个。", start=None)[0]["year"] == 2025


def test_sections_describing_the_county_are_not_targets() -> None:
    text = "第一章 县情概况\n全县森林覆盖率达到58%，建成农村公路1200公里。\n第二章 发展目标\n森林覆盖率达到60%。\n"
    assert figures(text, start=None) == [(60, "%")]
