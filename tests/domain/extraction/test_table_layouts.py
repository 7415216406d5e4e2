"""Tables in the layouts real plans use, composed here (no county's text): the reader gives the same rows."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from xiangcun.domain.extraction import extract
from xiangcun.domain.extraction.numbers import parse_value
from xiangcun.domain.extraction.projects import read_project_tables
from xiangcun.domain.extraction.readers import read

TITLE = "红石县乡村振兴规划（2021—2025年）"
EXPECTED = [
    (
        "产业兴旺",
        "粮食播种面积",
        "万亩",
        "约束性",
        [(2020, "baseline", 35.2, "="), (2025, "target", 36.0, ">=")],
    ),
    (
        "产业兴旺",
        "农产品加工转化率",
        "%",
        "预期性",
        [(2020, "baseline", 58.0, "="), (2025, "target", 65.0, "=")],
    ),
    (
        "生态宜居",
        "农村卫生厕所普及率",
        "%",
        "约束性",
        [(2020, "baseline", 72.5, "="), (2025, "target", 90.0, ">")],
    ),
    (
        "生态宜居",
        "村庄绿化覆盖率",
        "%",
        "预期性",
        [(2020, "baseline", 31.0, "="), (2025, "target", 35.0, "=")],
    ),
]


def run(tmp_path: Path, text: str) -> dict:
    path = tmp_path / "plan.txt"
    path.write_text(text, encoding="utf-8")
    return extract(path)


def rows(result: dict) -> list[tuple]:
    return [
        (
            r["category"],
            r["name"],
            r["unit"],
            r["attribute"],
            [(v["year"], v["kind"], v["value"], v["op"]) for v in r["values"]],
        )
        for r in result["indicators"]
    ]


ROW_PER_INDICATOR = """\
表1 主要指标
类别\t序号\t指标\t单位\t2020年\t2025年\t属性
产业兴旺\t1\t粮食播种面积\t万亩\t35.2\t≥36\t约束性
\t2\t农产品加工转化率\t%\t58\t65\t预期性
生态宜居\t3\t农村卫生厕所普及率\t%\t72.5\t>90\t约束性
\t4\t村庄绿化覆盖率\t%\t31\t35\t预期性
"""

NO_UNIT_COLUMN = """\
表1 主要指标
类别\t指标\t2020年基期值\t2025年目标值\t属性
产业兴旺\t粮食播种面积（万亩）\t35.2\t≥36\t约束性
\t农产品加工转化率\t58%\t65%\t预期性
生态宜居\t农村卫生厕所普及率（%）\t72.5\t>90\t约束性
\t村庄绿化覆盖率\t31%\t35%\t预期性
"""

FLATTENED = """\
表1 主要指标
类别
序号
指标
单位
2020年
2025年
属性
产业兴旺
1
粮食播种面积
万亩
35.2
≥36
约束性
2
农产品加工转化率
%
58
65
预期性
生态宜居
3
农村卫生厕所普及率
%
72.5
>90
约束性
4
村庄绿化覆盖率
%
31
35
预期性
注：2020年为基期值。
"""

PIPES = """\
表1 主要指标
| 类别 | 指标 | 单位 | 2020年 | 2025年 | 属性 |
| --- | --- | --- | --- | --- | --- |
| 产业兴旺 | 粮食播种面积 | 万亩 | 35.2 | ≥36 | 约束性 |
| | 农产品加工转化率 | % | 58 | 65 | 预期性 |
| 生态宜居 | 农村卫生厕所普及率 | % | 72.5 | >90 | 约束性 |
| | 村庄绿化覆盖率 | % | 31 | 35 | 预期性 |
"""

PIPES_FROM_A_PAGE = """\
表1 主要指标
类别|指标|单位|2020年|2025年|属性
产业兴旺|粮食播种面积|万亩|35.2|≥36|约束性
产业兴旺|农产品加工转化率|%|58|65|预期性
生态宜居|农村卫生厕所普及率|%|72.5|>90|约束性
生态宜居|村庄绿化覆盖率|%|31|35|预期性
"""

TRANSPOSED = """\
表1 主要指标
类别\t产业兴旺\t产业兴旺\t生态宜居\t生态宜居
指标名称\t粮食播种面积\t农产品加工转化率\t农村卫生厕所普及率\t村庄绿化覆盖率
单位\t万亩\t%\t%\t%
2020年\t35.2\t58\t72.5\t31
2025年\t≥36\t65\t>90\t35
属性\t约束性\t预期性\t约束性\t预期性
"""

ATTRIBUTE_AS_MARK = """\
表1 主要指标
类别\t指标\t单位\t2020年\t2025年
产业兴旺\t粮食播种面积★\t万亩\t35.2\t≥36
\t农产品加工转化率\t%\t58\t65
生态宜居\t农村卫生厕所普及率★\t%\t72.5\t>90
\t村庄绿化覆盖率\t%\t31\t35
注：标★的为约束性指标，其余为预期性指标。
"""

CONTINUED = """\
表1 主要指标
类别\t序号\t指标\t单位\t2020年\t2025年\t属性
产业兴旺\t1\t粮食播种面积\t万亩\t35.2\t≥36\t约束性
\t2\t农产品加工转化率\t%\t58\t65\t预期性
续表
类别\t序号\t指标\t单位\t2020年\t2025年\t属性
生态宜居\t3\t农村卫生厕所普及率\t%\t72.5\t>90\t约束性
\t4\t村庄绿化覆盖率\t%\t31\t35\t预期性
"""


@pytest.mark.parametrize(
    "layout",
    [
        ROW_PER_INDICATOR,
        NO_UNIT_COLUMN,
        FLATTENED,
        PIPES,
        PIPES_FROM_A_PAGE,
        TRANSPOSED,
        ATTRIBUTE_AS_MARK,
        CONTINUED,
    ],
    ids=[
        "rows",
        "no-unit-column",
        "flattened",
        "pipes",
        "pipes-no-border",
        "transposed",
        "attribute-mark",
        "续表",
    ],
)
def test_every_layout_gives_the_same_indicators(tmp_path: Path, layout: str) -> None:
    result = run(tmp_path, f"{TITLE}\n第一章 发展目标\n{layout}\n到2025年，全县农村自来水普及率达到95%。\n")
    assert rows(result) == EXPECTED
    assert not [w for w in result["warnings"] if w.startswith("未识别到主要指标表")]
    assert result["indicators"][0]["table"] == "表1主要指标"


def test_a_flattened_table_keeps_the_text_after_it(tmp_path: Path) -> None:
    result = run(tmp_path, f"{TITLE}\n{FLATTENED}到2025年，全县农村自来水普及率达到95%。\n")
    assert any(t["subject"].endswith("农村自来水普及率") for t in result["targets"])


def test_flattened_without_sequence_numbers(tmp_path: Path) -> None:
    cells = ["指标", "单位", "2020年", "2025年", "属性"]
    cells += ["粮食播种面积", "万亩", "35.2", "≥36", "约束性", "村庄绿化覆盖率", "%", "31", "35", "预期性"]
    result = run(tmp_path, TITLE + "\n表1 主要指标\n" + "\n".join(cells) + "\n")
    assert [(r["name"], r["unit"], r["values"][1]["value"]) for r in result["indicators"]] == [
        ("粮食播种面积", "万亩", 36.0),
        ("村庄绿化覆盖率", "%", 35.0),
    ]


def test_cumulative_column_with_dashes_and_every_minus(tmp_path: Path) -> None:
    table = (
        "指标\t单位\t2017年\t2022年\t2022年比2017年增加\t2025年\n"
        "农村居民恩格尔系数\t%\t37.5\t30.6\t〔−6.9〕\t28\n"
        "城乡居民收入比\t—\t2.88:1\t2.53:1\t–0.35\t2.38:1\n"
        "养殖业产值占比\t%\t40\t38\t－2\t36\n"
        "耕地保有量\t万亩\t12\t11.9\t-0.1\t11.9\n"
        "有村规民约的村占比\t%\t100\t100\t—\t100\n"
    )
    result = run(tmp_path, f"{TITLE}\n表1 主要指标\n{table}")
    increases = {
        r["name"]: next(v for v in r["values"] if v["kind"] == "increase") for r in result["indicators"]
    }
    assert [v["value"] for v in increases.values()] == [-6.9, -0.35, -2.0, -0.1, None]
    assert increases["有村规民约的村占比"] == {
        "year": 2022,
        "kind": "increase",
        "raw": "—",
        "value": None,
        "op": "text",
    }
    assert all(v["year"] == 2022 for v in increases.values())


@pytest.mark.parametrize(
    ("raw", "value", "op", "unit"),
    [
        ("−3.5", -3.5, "=", None),
        ("–3.5", -3.5, "=", None),
        ("－3.5", -3.5, "=", None),
        (">95%", 95.0, ">", "%"),
        ("≥12.5万吨", 12.5, ">=", "万吨"),
        ("120公里", 120.0, "=", "公里"),
        ("85％以上", 85.0, ">=", "%"),
    ],
)
def test_values_with_signs_and_units(raw: str, value: float, op: str, unit: str | None) -> None:
    parsed = parse_value(raw)
    assert parsed is not None and (parsed.value, parsed.op, parsed.unit) == (value, op, unit)


def test_attribute_columns_with_ticks_and_in_names(tmp_path: Path) -> None:
    table = (
        "指标\t单位\t2025年\t约束性\t预期性\n"
        "粮食播种面积\t万亩\t36\t√\t\n"
        "村庄绿化覆盖率\t%\t35\t\t√\n"
        "农村卫生厕所普及率（约束性）\t%\t90\t\t\n"
    )
    result = run(tmp_path, f"{TITLE}\n表1 主要指标\n{table}")
    assert [(r["name"], r["attribute"]) for r in result["indicators"]] == [
        ("粮食播种面积", "约束性"),
        ("村庄绿化覆盖率", "预期性"),
        ("农村卫生厕所普及率", "约束性"),
    ]


WORK_POINTS = """\
青河县2023年乡村振兴工作要点
各股室要按照任务分解表抓好落实，责任单位排在第一位的为牵头单位。
表1 2023年重点任务分解表
序号\t重点任务\t量化目标\t责任科室\t完成时限
一、巩固脱贫成果
1\t开展防返贫动态监测\t全年集中排查3次\t规划监测股、各乡镇\t2023年12月底
2\t发展庭院经济\t扶持庭院经济户1200户\t产业发展股\t2023年10月
二、推进乡村建设
3\t实施农村户厕改造\t新改户厕4500座\t农村社会事业股（牵头）、项目股\t2023年11月底
4\t推广积分制管理\t行政村覆盖率达到80%\t牵头：乡村治理股；配合：各乡镇\t长期坚持
"""


def test_task_breakdown_table(tmp_path: Path) -> None:
    tasks = run(tmp_path, WORK_POINTS)["tasks"]
    assert [(t["number"], t["title"], t["lead"], t["cooperating"]) for t in tasks] == [
        ("1", "开展防返贫动态监测", ["规划监测股"], ["各乡镇"]),
        ("2", "发展庭院经济", ["产业发展股"], []),
        ("3", "实施农村户厕改造", ["农村社会事业股"], ["项目股"]),
        ("4", "推广积分制管理", ["乡村治理股"], ["各乡镇"]),
    ]
    assert [(t["goal"], t["value"], t["unit"], t["deadline"]) for t in tasks] == [
        ("全年集中排查3次", 3.0, "次", "2023年12月底"),
        ("扶持庭院经济户1200户", 1200.0, "户", "2023年10月"),
        ("新改户厕4500座", 4500.0, "座", "2023年11月底"),
        ("行政村覆盖率达到80%", 80.0, "%", "长期坚持"),
    ]


def test_task_table_without_a_first_is_lead_note_keeps_every_unit_responsible(tmp_path: Path) -> None:
    text = WORK_POINTS.replace("责任单位排在第一位的为牵头单位。", "")
    tasks = run(tmp_path, text)["tasks"]
    assert tasks[0]["lead"] == ["规划监测股", "各乡镇"] and tasks[0]["cooperating"] == []


FUNDS = """\
关于2023年度衔接资金项目计划的公告
表3 2023年衔接资金项目计划表
序号\t项目名称\t建设内容\t实施单位\t衔接资金（万元）\t其中：中央资金（万元）
一\t产业发展类项目\t\t\t2,780.50\t2000
1\t东坡村食用菌大棚\t新建大棚20个\t东坡村\t1,260\t1000
2\t西沟村冷库\t新建冷库1座\t西沟村\t1,520.50\t1000
二\t乡村建设类项目\t\t\t{village}\t800
3\t南岭村道路硬化\t硬化道路2.5公里\t县交通运输局\t600\t400
4\t北湾村饮水工程\t新建蓄水池2座\t县水利局\t750.25\t400
\t合计\t\t\t{total}\t2800
"""


def test_fund_table_amounts_are_exact_and_sums_check(tmp_path: Path) -> None:
    result = run(tmp_path, FUNDS.format(village="1350.25", total="4130.75"))
    projects = result["projects"]
    assert [(p["name"], p["category"], p["amount_wan_yuan"]) for p in projects] == [
        ("东坡村食用菌大棚", "产业发展类项目", "1260"),
        ("西沟村冷库", "产业发展类项目", "1520.5"),
        ("南岭村道路硬化", "乡村建设类项目", "600"),
        ("北湾村饮水工程", "乡村建设类项目", "750.25"),
    ]
    assert projects[1]["funds"] == {"衔接资金": "1520.5", "其中：中央资金": "1000"}
    assert projects[3]["implementer"] == "县水利局" and projects[3]["box"] == "表3 2023年衔接资金项目计划表"
    assert projects[0]["investment_wan_yuan"] == 1260.0  # the float the review form edits
    assert not [w for w in result["warnings"] if "万元" in w]
    tables = read_project_tables(read(tmp_path / "plan.txt"))
    assert tables[0].total == Decimal("4130.75") and isinstance(tables[0].rows[1].amount, Decimal)
    assert sum(r.amount for r in tables[0].rows if r.amount) == Decimal("4130.75")


def test_fund_table_that_does_not_add_up_gives_warnings(tmp_path: Path) -> None:
    result = run(tmp_path, FUNDS.format(village="1400", total="4200"))
    warnings = [w for w in result["warnings"] if "万元" in w]
    assert any("「乡村建设类项目」小计为 1400 万元" in w and "1350.25" in w for w in warnings)
    assert any("合计为 4200 万元" in w and "相差 69.25 万元" in w for w in warnings)
    assert [p["amount_wan_yuan"] for p in result["projects"]][-1] == "750.25"  # figures kept as written


def test_fund_table_in_yuan_and_in_yi(tmp_path: Path) -> None:
    text = "表1 项目资金安排\n项目名称\t实施单位\t资金（元）\n村道硬化\t交通局\t1234500\n合计\t\t1234500\n"
    text += "表2 重大项目\n项目名称\t总投资（亿元）\n冷链物流园\t1.25\n"
    projects = run(tmp_path, text)["projects"]
    assert [p["amount_wan_yuan"] for p in projects] == ["123.45", "12500"]


def test_value_columns_without_a_year_take_the_plan_period(tmp_path: Path) -> None:
    table = "指标\t单位\t基期值\t目标值\t属性\n粮食播种面积\t万亩\t35.2\t≥36\t约束性\n"
    result = run(tmp_path, f"{TITLE}\n表1 主要指标\n{table}")
    assert [(v["year"], v["kind"], v["value"]) for v in result["indicators"][0]["values"]] == [
        (2020, "baseline", 35.2),
        (2025, "target", 36.0),
    ]
