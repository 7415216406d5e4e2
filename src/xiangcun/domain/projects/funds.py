"""The yearly fund summary and the fund-rule warnings (warnings, never import errors).

Rules (county settings per year, defaults in `xiangcun.domain.projects`):
- INDUSTRY_SHARE: 衔接资金 of 产业发展 projects ÷ all 衔接资金 of the year ≥ floor (default 0.55);
- LABOUR_SHARE: in each 以工代赈 project, 劳务报酬 ÷ 其中中央 ≥ floor (default 0.15). A 以工代赈 project
  without central money has no share to check and gives no warning.
Only projects of the year that are not 已终止 count (the caller filters).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from . import DEFAULT_INDUSTRY_FLOOR, DEFAULT_LABOUR_FLOOR, TYPES, format_amount

SHARE = Decimal("0.0001")


@dataclass(frozen=True)
class Rules:
    industry_floor: Decimal = DEFAULT_INDUSTRY_FLOOR
    labour_floor: Decimal = DEFAULT_LABOUR_FLOOR


def share(part: Decimal, whole: Decimal) -> float:
    """part ÷ whole rounded half-up to 4 decimals (0.0 when whole is 0)."""
    if not whole:
        return 0.0
    return float((Decimal(part) / Decimal(whole)).quantize(SHARE, rounding=ROUND_HALF_UP))


def labour_warnings(projects: Iterable[Mapping[str, Any]], rules: Rules) -> list[dict[str, Any]]:
    """LABOUR_SHARE warnings, by project code. Each project: code, work_relief, labour_pay, central_fund."""
    warnings = []
    for p in sorted(projects, key=lambda p: p["code"]):
        central = Decimal(p["central_fund"] or 0)
        if not p["work_relief"] or not central:
            continue
        value = Decimal(p["labour_pay"] or 0) / central
        if value < rules.labour_floor:
            warnings.append(
                {"project": p["code"], "rule": "LABOUR_SHARE", "value": share(Decimal(p["labour_pay"] or 0), central),
                 "floor": float(rules.labour_floor)}
            )  # fmt: skip
    return warnings


def summarise(
    year: int,
    by_type: Mapping[str, Decimal],
    labour_rows: Iterable[Mapping[str, Any]],
    rules: Rules = Rules(),
) -> dict[str, Any]:
    """The summary `xiangcun funds --year Y --json` prints.

    by_type: 衔接资金 per type code (exact Decimal sums); labour_rows: the year's 以工代赈 projects.
    Amounts come out as strings in 万元 with four decimals, shares as floats rounded to four decimals.
    """
    amounts = {code: Decimal(by_type.get(code) or 0) for code in TYPES}
    total = sum(amounts.values(), Decimal(0))
    industry = share(amounts["industry"], total)
    warnings = labour_warnings(labour_rows, rules)
    if total and Decimal(amounts["industry"]) / total < rules.industry_floor:
        warnings.append(
            {
                "project": None,
                "rule": "INDUSTRY_SHARE",
                "value": industry,
                "floor": float(rules.industry_floor),
            }
        )
    return {
        "year": year,
        "total": format_amount(total),
        "by_type": {TYPES[code]: format_amount(amount) for code, amount in amounts.items()},
        "industry_share": industry,
        "warnings": warnings,
    }


WARNING_TEXT = {
    "LABOUR_SHARE": "以工代赈项目劳务报酬占中央资金 {value:.2%}，低于 {floor:.0%}",
    "INDUSTRY_SHARE": "产业发展项目占衔接资金 {value:.2%}，低于 {floor:.0%}",
}


def warning_text(warning: Mapping[str, Any]) -> str:
    """A warning as a sentence for the page."""
    return WARNING_TEXT[warning["rule"]].format(**warning)
