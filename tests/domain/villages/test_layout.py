"""Layout rules on a small tree: two townships, two 中心村 in one of them, a merged village still in a list."""

from __future__ import annotations

import datetime as dt

from xiangcun.domain.villages.layout import Rule, Village, check, parse_assignment, rows

SRC = "示范规划 第12行"
MERGED = dt.date(2021, 6, 1)


def tree() -> list[Village]:
    def v(i: int, code: str, name: str, t: str, pop: int | None, **kw: object) -> Village:
        township = {"1": "甲镇", "2": "乙乡"}[t]
        return Village(i, code, name, "t" + t, township, pop, **kw)  # type: ignore[arg-type]

    return [
        v(1, "100000001201", "一村", "1", 3000, classes={"中心村": SRC, "先行示范村": SRC}),
        v(2, "100000001202", "二村", "1", 700),
        v(3, "100000001203", "三村", "1", 2500),
        v(4, "100000001208", "八村", "1", 5000, classes={"中心村": SRC, "重点帮扶村": SRC}),
        v(5, "100000001209", "九村", "1", 800),
        v(6, "100000001001", "甲社区", "1", 9000, community=True),
        v(7, "100000002201", "乙一村", "2", 1200),
        v(8, "100000002202", "乙二村", "2", None),
        v(
            9,
            "100000001210",
            "旧村",
            "1",
            None,
            classes={"先行示范村": SRC},
            merged_into="九村",
            retired_on=MERGED,
        ),
    ]


def test_population_rule_keeps_800_and_above_and_says_why() -> None:
    findings, problems = check(Rule("保留或扩大", "population", threshold=800), tree())
    assert problems == []
    by_name = {f.village: f for f in findings}
    assert by_name["九村"].ok is True and "不少于 800 人" in by_name["九村"].reason  # 800 itself is kept
    assert by_name["二村"].ok is False and "少于 800 人" in by_name["二村"].reason
    assert by_name["乙二村"].ok is None and by_name["乙二村"].verdict == "无法判断"
    assert (
        "甲社区" not in by_name and "旧村" not in by_name
    )  # communities and merged villages are not settlements here


def test_central_villages_serve_their_township_by_nearest_code() -> None:
    findings, problems = check(Rule("服务人口", "central", class_name="中心村", low=5000, high=8000), tree())
    assert problems == []
    by_name = {f.village: f for f in findings}
    # 一村 (…201) takes 二村 (…202) and 三村 (…203); 八村 (…208) takes 九村 (…209); the community is not rural
    assert by_name["一村"].figure == 3000 + 700 + 2500 and by_name["一村"].ok is True
    assert by_name["八村"].figure == 5000 + 800 and by_name["八村"].ok is True
    uncovered = by_name["（未覆盖的村）"]
    assert uncovered.township == "乙乡" and uncovered.ok is False and "2 个村" in uncovered.reason


def test_central_range_verdicts_and_explicit_list() -> None:
    rule = Rule(
        "服务人口", "central", class_name="中心村", low=7000, high=9000, assignment="八村：二村、三村"
    )
    findings, problems = check(rule, tree())
    assert problems == []
    by_name = {f.village: f for f in findings}
    assert by_name["八村"].figure == 5000 + 700 + 2500 + 800 and by_name["八村"].verdict == "在规划范围内"
    assert "按名单" in by_name["八村"].reason
    # 二村 and 三村 go by the list, 九村 to the nearest: 一村 is left with itself
    assert by_name["一村"].figure == 3000 and by_name["一村"].verdict == "低于规划范围"


def test_explicit_list_errors_are_reported_not_guessed() -> None:
    _, errors = parse_assignment("一村：没有村\n乱写一行", tree())
    assert errors == ["第1行：「没有村」在区划中没有找到", "第2行：应写成「中心村：村、村」"]
    findings, problems = check(
        Rule("服务人口", "central", class_name="中心村", assignment="二村：三村"), tree()
    )
    assert findings == [] and problems == ["「二村」不在「中心村」名单中"]


def test_contradictory_lists_and_merged_village_still_listed() -> None:
    findings, _ = check(
        Rule("名单矛盾", "exclusive", class_name="先行示范村", other_class="重点帮扶村"), tree()
    )
    assert [(f.village, f.verdict) for f in findings] == [("旧村", "已撤并仍在名单")]
    findings, _ = check(Rule("名单矛盾", "exclusive", class_name="中心村", other_class="重点帮扶村"), tree())
    assert [(f.village, f.verdict) for f in findings] == [("八村", "名单矛盾")]
    assert SRC in findings[0].reason
    assert rows(findings)[0][:5] == ["名单矛盾", "甲镇", "八村", "100000001208", "名单矛盾"]
