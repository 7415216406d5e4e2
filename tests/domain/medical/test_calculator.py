"""Hand-computed cases for the medical calculator (default parameters unless a case overrides them)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xiangcun.domain.medical import MedicalInputError, calculate


def inpatient(category: str, total: float, in_list: float, **extra: object) -> dict:
    case = {"category": category, "kind": "住院", "hospital_level": "县级", "in_province": True,
            "total": total, "in_list": in_list, "assistance_used_this_year": 0}  # fmt: skip
    case.update(extra)
    return calculate(case)


def test_tekun_county_hospital():
    # out = 2000, allowed 15% × 20000 = 3000 → all 2000 charged; basic = (18000 − 300) × 0.75 = 13275
    # critical: deductible 10000/2 = 5000, ratio 0.65: 18000 − 13275 − 5000 < 0 → 0
    # r = 4725, assistance = r = 4725; self pay = 18000 − 13275 − 0 − 4725 + 2000 = 2000
    r = inpatient("特困", 20000, 18000)
    assert (r["basic"], r["critical"], r["assistance"], r["hospital_borne"], r["self_pay"]) == (
        13275,
        0,
        4725,
        0,
        2000,
    )


def test_out_of_list_cap_moves_the_excess_to_the_hospital():
    # out = 10000 of 30000; cap 15% × 30000 = 4500 → hospital bears 5500
    r = inpatient("低保", 30000, 20000)
    assert r["hospital_borne"] == 5500
    # basic = (20000 − 300) × 0.75 = 14775; critical = (20000 − 14775 − 5000) × 0.65 = 146.25
    # r = 5078.75, assistance = 0.7 r = 3555.125 → 3555.13; self = 20000 − 14775 − 146.25 − 3555.125 + 4500 = 6023.625
    assert (r["basic"], r["critical"], r["assistance"], r["self_pay"]) == (14775, 146.25, 3555.13, 6023.63)


def test_other_category_pays_out_of_list_and_gets_no_assistance():
    # basic = (100000 − 300) × 0.75 = 74775; critical = (100000 − 74775 − 10000) × 0.6 = 9135
    # self = 100000 − 74775 − 9135 + 20000 = 36090
    r = inpatient("其他", 120000, 100000)
    assert (r["basic"], r["critical"], r["assistance"], r["hospital_borne"], r["self_pay"]) == (
        74775,
        9135,
        0,
        0,
        36090,
    )


def test_critical_cap_applies_to_others_but_not_to_favoured_categories():
    big = {"policy": {"basic_ratio": {"省级": 0.5}, "ci_cap": 1000}, "hospital_level": "省级"}
    # basic = (50000 − 1000) × 0.5 = 24500; critical = (50000 − 24500 − 10000) × 0.6 = 9300 → capped 1000
    assert inpatient("其他", 50000, 50000, **big)["critical"] == 1000
    # favoured: (50000 − 24500 − 5000) × 0.65 = 13325, no cap
    assert inpatient("特困", 50000, 50000, **big)["critical"] == 13325


def test_dibao_annual_cap():
    # r as in the out-of-list case = 5078.75, 0.7 r = 3555.125 but only 1000 of the 60000 is left
    r = inpatient("低保", 30000, 20000, assistance_used_this_year=59000)
    assert r["assistance"] == 1000
    assert inpatient("低保", 30000, 20000, assistance_used_this_year=70000)["assistance"] == 0


def test_fanpin_top_up_to_ninety_percent_in_province_only():
    # provincial hospital: basic = (10000 − 1000) × 0.55 = 4950; critical = (10000 − 4950 − 5000) × 0.65 = 32.5
    # r = 5017.5; 0.7 r = 3512.25; reimbursed 4950 + 32.5 + 3512.25 = 8494.75 < 9000 → assistance 9000 − 4982.5 = 4017.5
    r = inpatient("返贫致贫", 10000, 10000, hospital_level="省级")
    assert (r["basic"], r["critical"], r["assistance"]) == (4950, 32.5, 4017.5)
    out = inpatient("返贫致贫", 10000, 10000, hospital_level="省级", in_province=False)
    assert out["assistance"] == 3512.25


def test_fanpin_out_of_list_relief():
    # out 1000 of 11000 (under the 15% cap); relief 0.85 × 1000 = 850 in province
    assert inpatient("返贫致贫", 11000, 10000)["out_of_list_relief"] == 850
    assert inpatient("返贫致贫", 11000, 10000, in_province=False)["out_of_list_relief"] == 0


def test_outpatient_and_special_drugs():
    case = {
        "category": "特困",
        "kind": "门诊慢特病",
        "total": 5000,
        "in_list": 4000,
        "basic_paid": 2000,
        "critical_paid": 500,
    }
    r = calculate(case)
    # (4000 − 2000 − 500) × 0.6 = 900; self = 5000 − 2000 − 500 − 900 = 1600
    assert (r["assistance"], r["self_pay"]) == (900, 1600)
    drug = calculate({**case, "kind": "特药", "category": "低保"})
    assert (drug["assistance"], drug["self_pay"]) == (150, 2350)
    assert calculate({**case, "category": "其他"})["assistance"] == 0


@pytest.mark.parametrize(
    ("category", "contribution", "subsidy"),
    [("特困", 380, 380), ("低保", 380, 304), ("低保", 300, 280), ("低保", 250, 250), ("返贫致贫", 380, 342),
     ("易返贫致贫", 380, 280), ("易返贫致贫", 200, 200), ("其他", 380, 0)],
)  # fmt: skip
def test_contribution_subsidy(category: str, contribution: float, subsidy: float) -> None:
    r = calculate({"category": category, "kind": "参保资助", "contribution": contribution})
    assert r["subsidy"] == subsidy
    assert r["self_pay"] == contribution - subsidy


def test_steps_show_the_numbers_in_chinese():
    steps = inpatient("特困", 20000, 18000)["steps"]
    assert steps[1] == "2. 基本医保 = max(0, 18,000.00元 − 起付线 300.00元) × 75% = 13,275.00元"
    assert len(steps) == 5


@pytest.mark.parametrize(
    ("case", "message"),
    [
        (
            {"category": "特困", "kind": "住院", "hospital_level": "县级", "total": -1, "in_list": 0},
            "不能为负数",
        ),
        (
            {"category": "特困", "kind": "住院", "hospital_level": "县级", "total": 10, "in_list": 20},
            "不能大于总费用",
        ),
        ({"category": "富人", "kind": "住院"}, "人员类别"),
        (
            {"category": "特困", "kind": "住院", "hospital_level": "乡级", "total": 1, "in_list": 1},
            "医院级别",
        ),
        ({"category": "特困", "kind": "住院", "hospital_level": "县级", "in_list": 1}, "缺少「总费用」"),
        ({"category": "特困", "kind": "参保资助"}, "缺少「个人缴费」"),
        ({"category": "特困", "kind": "参保资助", "contribution": 1, "policy": {"foo": 1}}, "未知的参数"),
        (
            {"category": "特困", "kind": "参保资助", "contribution": 1, "policy": {"ci_ratio": "高"}},
            "应为数字",
        ),
        ({"category": "特困", "kind": "参保资助", "contribution": "abc"}, "应为金额"),
    ],
)
def test_bad_input(case: dict, message: str) -> None:
    with pytest.raises(MedicalInputError, match=message):
        calculate(case)


def run(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "xiangcun.cli", "medical", str(path)], capture_output=True, text=True
    )


def test_command(tmp_path: Path) -> None:
    good = tmp_path / "case.json"
    good.write_text(
        json.dumps({"category": "特困", "kind": "参保资助", "contribution": 380}), encoding="utf-8"
    )
    result = run(good)
    assert result.returncode == 0 and json.loads(result.stdout)["subsidy"] == 380
    for content in ("{not json", json.dumps({"category": "特困", "kind": "住院"}), json.dumps([1, 2])):
        bad = tmp_path / "bad.json"
        bad.write_text(content, encoding="utf-8")
        result = run(bad)
        assert result.returncode == 1
        assert result.stderr.startswith("错误：") and "Traceback" not in result.stderr
    assert run(tmp_path / "missing.json").returncode == 1


money = st.decimals(min_value=0, max_value=500000, places=2).map(float)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["特困", "低保", "返贫致贫", "易返贫致贫", "其他"]), st.sampled_from(["县级", "市级", "省级"]),
       st.booleans(), money, money, money)  # fmt: skip
def test_inpatient_results_reconcile(category, level, in_province, a, b, used) -> None:  # type: ignore[no-untyped-def]
    total, in_list = max(a, b), min(a, b)
    r = calculate({"category": category, "kind": "住院", "hospital_level": level, "in_province": in_province,
                   "total": total, "in_list": in_list, "assistance_used_this_year": used})  # fmt: skip
    parts = ("basic", "critical", "assistance", "out_of_list_relief", "hospital_borne", "self_pay")
    assert all(r[k] >= 0 for k in parts)
    assert r["basic"] + r["critical"] + r["assistance"] <= in_list + 0.02
    assert abs(sum(r[k] for k in parts) - total) <= 0.05
