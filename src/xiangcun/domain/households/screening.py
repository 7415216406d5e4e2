"""Screening rules for households at risk, evaluated over whole columns at once (numpy, no loop per household).

Rules are data: each has a code, a Chinese name and the condition in words; a county switches them on
or off. `screen` takes column arrays (as a database query returns them) and gives, per household,
the per-capita net income and a boolean column per enabled rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

# The national poverty line at current prices (国家统计局: 2300 yuan at 2010 prices ≈ 4000 yuan in 2020);
# the monitoring threshold must be at least 1.5 times it (中央农村工作领导小组 2021: 6000 yuan that year).
NATIONAL_POVERTY_LINE: dict[int, float] = {2020: 4000.0}
MINIMUM_FACTOR = 1.5


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    description: str


RULES: tuple[Rule, ...] = (
    Rule("INCOME_BELOW", "收入低于监测标准", "人均纯收入低于当年监测标准"),
    Rule(
        "RIGID_EXPENSE",
        "刚性支出较大",
        "人均纯收入不低于监测标准，但扣除人均医疗自付和教育支出后低于监测标准",
    ),
    Rule("INCOME_DROP", "收入大幅下降", "人均纯收入比上年下降 30% 及以上"),
    Rule(
        "SCHOOLING", "义务教育阶段失学", "有年龄 6–15 周岁（年度减出生年份）的成员未在校，一级、二级残疾除外"
    ),
    Rule("MEDICAL_INSURANCE", "未参加基本医保", "有成员未参加基本医疗保险"),
    Rule("HOUSING", "住房不安全", "住房安全等级为 C 级或 D 级"),
    Rule("WATER", "饮水不安全", "饮水安全未达标"),
    Rule("MULTI_IDENTITY", "多重困难身份", "同时具有脱贫户、低保、特困、残疾、大病中两种及以上身份"),
    Rule("SEVERE_DISABILITY", "重度残疾或一户多残", "有一级、二级残疾成员，或两名及以上残疾成员"),
    Rule("MANY_STUDENTS", "非义务教育阶段学生多", "两名及以上成员在读高中、中职、高职、大专或本科及以上"),
    Rule("SINGLE_TEKUN", "分散供养特困单人户", "一人户且为分散供养特困人员"),
    Rule("SELF_APPLIED", "农户自主申报", "农户自主申报了困难"),
)
RULE_CODES = tuple(r.code for r in RULES)
INCOME_RULES = ("INCOME_BELOW", "RIGID_EXPENSE", "INCOME_DROP")
POST_COMPULSORY = ("高中", "中职", "高职", "大专", "本科及以上")


class ThresholdError(ValueError):
    pass


def poverty_line(year: int, lines: dict[int, float] | None = None) -> float:
    table = lines or NATIONAL_POVERTY_LINE
    known = [y for y in table if y <= year] or [min(table)]
    return table[max(known)]


def check_threshold(threshold: float, year: int, lines: dict[int, float] | None = None) -> None:
    floor = MINIMUM_FACTOR * poverty_line(year, lines)
    if threshold < floor:
        raise ThresholdError(
            f"{year}年监测标准 {threshold:g} 元低于国家扶贫标准 {poverty_line(year, lines):g} 元的 1.5 倍（{floor:g} 元）"
        )


def _finance(frame: dict[str, np.ndarray], households: int) -> dict[str, np.ndarray]:
    """Per-household sums of one year's finance rows; `has` says whether the household had a row."""
    index = frame["household"].astype(np.int64)
    out = {"has": np.bincount(index, minlength=households) > 0}
    net = (frame["wage_income"] + frame["business_income"] - frame["business_cost"] + frame["property_income"]
           + frame["transfer_income"])  # fmt: skip
    out["net"] = np.bincount(index, weights=net.astype(float), minlength=households)
    rigid = frame["medical_out_of_pocket"] + frame["education_cost"]
    out["rigid"] = np.bincount(index, weights=rigid.astype(float), minlength=households)
    return out


def screen(
    households: dict[str, np.ndarray],
    members: dict[str, np.ndarray],
    finances: dict[str, np.ndarray],
    previous: dict[str, np.ndarray] | None,
    year: int,
    threshold: float,
    enabled: tuple[str, ...] = RULE_CODES,
) -> dict[str, Any]:
    """Evaluate the enabled rules for every household.

    households: household_type, dibao (bool), tekun, housing_grade, water_safe (bool), self_applied (bool)
    members: household (row index into households), birth_year, schooling, disability_grade, health,
             basic_medical (bool)
    finances / previous: household (row index), wage_income, business_income, business_cost,
             property_income, transfer_income, medical_out_of_pocket, education_cost — for `year` and `year − 1`
    Returns {"per_capita_income": float array (nan without a finance row), code: bool array, ...}.
    A household with no finance row for the year fires no income rule; without last year's row, no INCOME_DROP.
    """
    count = len(households["household_type"])
    owner = members["household"].astype(np.int64)
    size = np.bincount(owner, minlength=count).astype(float)

    def any_member(mask: np.ndarray) -> np.ndarray:
        return np.bincount(owner, weights=mask.astype(float), minlength=count) > 0

    def members_where(mask: np.ndarray) -> np.ndarray:
        return np.bincount(owner, weights=mask.astype(float), minlength=count)

    current = _finance(finances, count)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_capita = np.where(current["has"] & (size > 0), current["net"] / size, np.nan)
        after_rigid = np.where(
            current["has"] & (size > 0), (current["net"] - current["rigid"]) / size, np.nan
        )
    known = ~np.isnan(per_capita)
    results: dict[str, Any] = {"per_capita_income": per_capita}
    wanted = set(enabled)
    if "INCOME_BELOW" in wanted:
        results["INCOME_BELOW"] = known & (per_capita < threshold)
    if "RIGID_EXPENSE" in wanted:
        results["RIGID_EXPENSE"] = known & (per_capita >= threshold) & (after_rigid < threshold)
    if "INCOME_DROP" in wanted:
        drop = np.zeros(count, dtype=bool)
        if previous is not None and len(previous["household"]):
            last = _finance(previous, count)
            with np.errstate(divide="ignore", invalid="ignore"):
                last_pc = np.where(last["has"] & (size > 0), last["net"] / size, np.nan)
                drop = known & (last_pc > 0) & (per_capita <= last_pc * 0.7)
        results["INCOME_DROP"] = drop
    disability = members["disability_grade"]
    severe = np.isin(disability, ("一级", "二级"))
    if "SCHOOLING" in wanted:
        age = year - members["birth_year"].astype(np.int64)
        out_of_school = (age >= 6) & (age <= 15) & (members["schooling"] == "非在校") & ~severe
        results["SCHOOLING"] = any_member(out_of_school)
    if "MEDICAL_INSURANCE" in wanted:
        results["MEDICAL_INSURANCE"] = any_member(~members["basic_medical"].astype(bool))
    if "HOUSING" in wanted:
        results["HOUSING"] = np.isin(households["housing_grade"], ("C", "D"))
    if "WATER" in wanted:
        results["WATER"] = ~households["water_safe"].astype(bool)
    disabled_count = members_where(members["health"] == "残疾")
    if "MULTI_IDENTITY" in wanted:
        identities = (
            (households["household_type"] == "脱贫户").astype(int)
            + households["dibao"].astype(bool).astype(int)
            + (households["tekun"] != "否").astype(int)
            + (disabled_count > 0).astype(int)
            + any_member(members["health"] == "患有大病").astype(int)
        )
        results["MULTI_IDENTITY"] = identities >= 2
    if "SEVERE_DISABILITY" in wanted:
        results["SEVERE_DISABILITY"] = any_member(severe) | (disabled_count >= 2)
    if "MANY_STUDENTS" in wanted:
        results["MANY_STUDENTS"] = members_where(np.isin(members["schooling"], POST_COMPULSORY)) >= 2
    if "SINGLE_TEKUN" in wanted:
        results["SINGLE_TEKUN"] = (size == 1) & (households["tekun"] == "分散供养")
    if "SELF_APPLIED" in wanted:
        results["SELF_APPLIED"] = households["self_applied"].astype(bool)
    return results


def fired(results: dict[str, Any], index: int) -> list[str]:
    """The codes that fired for one household, in the rules' order."""
    return [code for code in RULE_CODES if code in results and bool(results[code][index])]
