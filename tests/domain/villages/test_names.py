from __future__ import annotations

from xiangcun.domain.villages.names import Place, VillageIndex, find_line, place_key


def test_place_key_strips_what_plans_leave_out() -> None:
    assert place_key("官庄村") == place_key("官庄") == "官庄"
    assert place_key("天宁镇（岭底片区）") == "天宁"
    assert place_key("城内社区") == "城内"


def test_index_by_township_then_by_unique_name() -> None:
    index = VillageIndex(
        [Place(1, "官庄村", "芝河镇"), Place(2, "南庄村", "芝河镇"), Place(3, "南庄村", "桑壁镇")]
    )
    assert index.find("芝河镇", "官庄") == 1
    assert index.find(None, "官庄") == 1  # unique in the county
    assert index.find(None, "南庄") is None  # two of them: the township decides
    assert index.find("桑壁", "南庄村") == 3


def test_find_line_prefers_the_line_with_township_and_villages() -> None:
    lines = ["中心村名单：", "甲镇：一村、二村。", "乙乡：二村、三村。", "一村是老村。"]
    assert find_line(lines, "乙乡", ["二村", "三村"]) == 3
    assert find_line(lines, "甲镇", ["一村", "二村"]) == 2
    assert find_line(lines, "丙乡", ["九村"]) is None
