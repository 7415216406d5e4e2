"""Fund summary and rule warnings: the JSON shape of `xiangcun funds --json`, shares and floors."""

from __future__ import annotations

import json
from decimal import Decimal

from xiangcun.domain.projects.funds import Rules, summarise, warning_text


def test_summary_shape_amounts_and_warnings() -> None:
    by_type = {
        "industry": Decimal("50.0000"),
        "construction": Decimal("49.9999"),
        "employment": Decimal("0.0001"),
    }
    relief = [
        {"code": "B", "work_relief": True, "labour_pay": Decimal("1.4999"), "central_fund": Decimal("10")},
        {"code": "A", "work_relief": True, "labour_pay": Decimal("1.5"), "central_fund": Decimal("10")},
        {"code": "C", "work_relief": True, "labour_pay": Decimal("0"), "central_fund": Decimal("0")},
    ]
    summary = summarise(2025, by_type, relief)
    assert json.loads(json.dumps(summary, ensure_ascii=False)) == {
        "year": 2025,
        "total": "100.0000",
        "by_type": {
            "产业发展": "50.0000",
            "就业增收": "0.0001",
            "乡村建设": "49.9999",
            "易地搬迁后续扶持": "0.0000",
            "乡村治理": "0.0000",
            "其他": "0.0000",
        },  # fmt: skip
        "industry_share": 0.5,
        "warnings": [
            {"project": "B", "rule": "LABOUR_SHARE", "value": 0.15, "floor": 0.15},
            {"project": None, "rule": "INDUSTRY_SHARE", "value": 0.5, "floor": 0.55},
        ],
    }
    # B's share is 0.14999, below the floor although it rounds to 0.15 in the JSON.
    assert warning_text(summary["warnings"][0]) == "以工代赈项目劳务报酬占中央资金 15.00%，低于 15%"


def test_county_floors_apply_and_an_empty_year_warns_nothing() -> None:
    by_type = {"industry": Decimal("60"), "other": Decimal("40")}
    assert summarise(2024, by_type, [], Rules(industry_floor=Decimal("0.6")))["warnings"] == []
    assert (
        summarise(2024, by_type, [], Rules(industry_floor=Decimal("0.6001")))["warnings"][0]["floor"]
        == 0.6001
    )
    empty = summarise(2030, {}, [])
    assert empty["total"] == "0.0000" and empty["industry_share"] == 0.0 and empty["warnings"] == []
