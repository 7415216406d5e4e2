"""The evidence the plan issue asks for, on the real county plans in ../shared/seeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from xiangcun.domain.extraction import extract

SEEDS = Path(__file__).resolve().parents[3].parent / "shared" / "seeds"
pytestmark = [
    pytest.mark.seeds,
    pytest.mark.skipif(
        not SEEDS.is_dir(), reason=f"真实规划样本目录不存在：{SEEDS}（仓库外的 shared/seeds）"
    ),
]


def seed(prefix: str) -> dict:
    return extract(next(SEEDS.glob(f"{prefix}_*.txt")))


@pytest.fixture(scope="module")
def chengkou() -> dict:
    return seed("001")


def test_001_main_indicators_with_all_year_columns(chengkou):  # type: ignore[no-untyped-def]
    rows = chengkou["indicators"]
    assert len(rows) == 30
    assert [r["seq"] for r in rows] == list(range(1, 31))
    first = rows[0]
    assert (first["category"], first["name"], first["unit"], first["attribute"]) == (
        "产业兴旺",
        "粮食综合生产能力",
        "万吨",
        "约束性",
    )
    assert [(v["year"], v["kind"]) for v in first["values"]] == [
        (2017, "baseline"),
        (2020, "target"),
        (2022, "target"),
        (2022, "increase"),  # the 比2017年增加 column says "—": no increase stated, kept as such
        (2025, "target"),
    ]
    dashes = [r["seq"] for r in rows if any(v["raw"] == "—" and v["kind"] == "increase" for v in r["values"])]
    assert dashes == [1, 22, 26, 27, 29]
    assert all(any(v["kind"] == "increase" for v in r["values"]) for r in rows)
    science = next(r for r in rows if r["name"] == "农业科技进步贡献率")
    assert {"year": 2022, "kind": "increase", "raw": "〔4〕", "value": 4.0, "op": "="} in science["values"]
    local = next(r for r in rows if r["name"] == "现代山地特色高效农业增加值")
    assert local["national"] is False and first["national"] is True
    ratio = next(r for r in rows if r["name"] == "城乡居民收入比")
    assert next(v for v in ratio["values"] if v["year"] == 2025)["value"] == 2.38
    toilets = next(r for r in rows if r["name"] == "农村卫生厕所普及率")
    assert next(v for v in toilets["values"] if v["year"] == 2022)["op"] == ">"
    assert all(not r["name"].startswith("*") for r in rows)
    assert chengkou["period"] == [2021, 2025]


def test_003_main_indicators():
    result = seed("003")
    rows = result["indicators"]
    assert len(rows) == 29
    assert {r["category"] for r in rows} == {"巩固脱贫成果", "促进乡村产业振兴", "推进乡村建设"}
    returning = rows[0]
    assert returning["name"] == "返贫人口"
    assert returning["values"] == [
        {"year": 2025, "kind": "target", "raw": "动态清零", "value": None, "op": "text"}
    ]
    standard = next(r for r in rows if r["name"].startswith("防止返贫动态监测标准"))
    assert standard["values"][0]["op"] == ">=" and standard["values"][0]["value"] == 1.5
    water = next(r for r in rows if r["name"] == "农村集中饮水供水率")
    assert (water["unit"], water["values"][0]["op"], water["values"][0]["value"]) == ("%", ">", 95.0)
    assert result["title"].startswith("永和县") and result["period"] == [2021, 2025]
    classes = {(item["list"], item["township"]) for item in result["place_lists"]}
    assert ("先行示范村", "芝河镇") in classes and ("重点帮扶村", "望海寺乡") in classes


def test_004_six_tasks_with_departments():
    tasks = seed("004")["tasks"]
    assert len(tasks) == 6
    assert tasks[0]["number"] == "(一)" and tasks[0]["lead"] == ["乡村振兴局"]
    assert "商务和经合局" in tasks[0]["cooperating"] and "水务局" in tasks[0]["cooperating"]
    assert tasks[5]["lead"] == ["宣传部", "政法委"]
    assert all(t["lead"] for t in tasks)


def test_000_villages_communities_and_lists():
    result = seed("000")
    villages = [p for p in result["places"] if p["kind"] == "village"]
    communities = [p for p in result["places"] if p["kind"] == "community"]
    assert (len(villages), len(communities)) == (100, 10)
    assert all(p["population"] for p in result["places"])
    first = result["places"][0]
    assert (first["township"], first["population"]) == ("天宁镇", 716)
    assert len({p["township"] for p in result["places"]}) == 8
    assert sum(len(p["natural_villages"]) for p in villages) >= 200
    central = [item for item in result["place_lists"] if item["list"] == "中心村"]
    demonstration = [item for item in result["place_lists"] if "示范村" in item["list"]]
    assert len(central) == 8 and len(demonstration) == 8
    assert {"义望村", "段村", "贾家寨"} == set(
        next(i for i in central if i["township"] == "夏家营镇")["villages"]
    )


def test_prose_targets_carry_year_and_quote():
    result = seed("000")
    toilets = next(t for t in result["targets"] if t["subject"] == "农村卫生厕所普及率")
    assert (toilets["value"], toilets["unit"], toilets["year"]) == (85.48, "%", 2025)
    assert "85.48%" in toilets["quote"]


def test_all_five_seeds_read_without_error():
    for path in sorted(SEEDS.glob("*.txt")):
        result = extract(path)
        assert result["outline"], path.name
