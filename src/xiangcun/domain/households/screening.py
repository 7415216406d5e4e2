"""Screening rules for households at risk (防止返贫动态监测), evaluated over whole columns at once.

Rules are data: each `Rule` has a code, a Chinese name and description and whether it is on by default;
a county stores which ones it switches off. `screen` takes column arrays — what a Django
``values_list`` or `workbook.screening_columns` gives — and returns, per household, the per-capita net
income and one boolean column per enabled rule. There is no Python code per household: every rule is a
handful of numpy operations, so a million households take seconds.

Money comparisons are made in whole fen (分) on household totals rather than on divided per-capita
floats, so boundaries are exact: 6000.00 per person against a threshold of 6000 is not below it, and a
fall of exactly 30% counts as a 30% fall.

Edge cases (see docs/households.md):
- no finance row for the screening year → the income rules (INCOME_BELOW, RIGID_EXPENSE, INCOME_DROP)
  are not applicable and do not fire; the per-capita income is NaN. Missing data is a data-quality
  problem for the registry page, not a risk finding.
- no finance row for the previous year, or previous net income ≤ 0 → INCOME_DROP does not fire (a fall
  from nothing is not measurable).
- both years are divided by the household's current member count: the registry keeps members, not
  member history, so INCOME_DROP compares household net income.
- several finance rows for one household and year are summed (the import forbids them anyway).
- a household with no members: per-capita income is NaN, no income or member rule fires.
- member or finance rows whose household index is outside the household arrays are ignored; money
  values that are NaN or infinite count as 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np

# 国家扶贫标准 (the national rural poverty line), yuan per person per year at current prices.
# 2300 yuan at 2010 constant prices was set by the central government in 2011 (中国农村扶贫开发纲要
# 2011—2020 and the 2011 中央扶贫开发工作会议); 国家统计局 publishes its current-price value each year in
# the 中国农村贫困监测报告 / statistical communiqués (2014: 2800, 2015: 2855, 2016: 2952, 2018: 2995,
# 2019: 3218). For 2020 the figure officially cited at the end of the poverty-alleviation campaign is
# about 4000 yuan. No new national line has been published since; later years use the latest known one,
# and the 2021 central guidance on dynamic monitoring (中央农村工作领导小组办公室、国家乡村振兴局《关于
# 健全防止返贫动态监测和帮扶机制的指导意见》) set the 2021 monitoring range at 6000 yuan, i.e. 1.5 × 4000.
# Counties configure newer figures (provinces raise their thresholds yearly) by passing `lines`.
NATIONAL_POVERTY_LINE: dict[int, float] = {
    2010: 2300.0,
    2014: 2800.0,
    2015: 2855.0,
    2016: 2952.0,
    2018: 2995.0,
    2019: 3218.0,
    2020: 4000.0,
}
# The monitoring threshold must be at least this multiple of the poverty line (the plans' binding
# indicator 防止返贫动态监测标准 ≥ 1.5 倍, following the 2021 guidance).
MINIMUM_FACTOR = 1.5
# Provinces set thresholds well above the floor (e.g. 2 × 农村低保标准), but never 20 × the national line:
# a figure above that is a typing error, and one stored figure must never break the county's pages.
MAXIMUM_FACTOR = 20
YEARS = range(2000, 2101)  # the years a threshold, a screening or a setting may be for
DROP_PERCENT = 30  # INCOME_DROP: a fall of this many percent or more


@dataclass(frozen=True)
class Rule:
    code: str
    name_zh: str
    description_zh: str
    enabled_by_default: bool = True

    @property
    def name(self) -> str:  # the name pages and templates use
        return self.name_zh

    @property
    def description(self) -> str:
        return self.description_zh


RULES: tuple[Rule, ...] = (
    Rule("INCOME_BELOW", "收入低于监测标准", "人均纯收入低于当年监测标准"),
    Rule("RIGID_EXPENSE", "刚性支出较大", "人均纯收入不低于监测标准，但扣除人均医疗自付和教育支出后低于监测标准"),
    Rule("INCOME_DROP", "收入大幅下降", "人均纯收入比上一年下降 30% 及以上（上一年须有收支且纯收入大于 0）"),
    Rule("SCHOOLING", "义务教育阶段失学", "有当年年末 6–15 周岁（年度减出生年份）的成员非在校，一级、二级残疾的除外"),
    Rule("MEDICAL_INSURANCE", "未参加基本医保", "有成员未参加基本医疗保险"),
    Rule("HOUSING", "住房不安全", "住房安全等级为 C 级或 D 级"),
    Rule("WATER", "饮水不安全", "饮水安全未达标"),
    Rule("MULTI_IDENTITY", "多重困难身份", "同时具有脱贫户、低保、特困、残疾（有残疾成员）、大病（有患大病成员）中两种及以上身份"),
    Rule("SEVERE_DISABILITY", "重度残疾或一户多残", "有一级或二级残疾成员，或有两名及以上健康状况为残疾的成员"),
    Rule("MANY_STUDENTS", "非义务教育阶段学生多", "有两名及以上成员在读高中、中职、高职、大专或本科及以上"),
    Rule("SINGLE_TEKUN", "分散供养特困单人户", "一人户且为分散供养特困人员"),
    Rule("SELF_APPLIED", "农户自主申报", "农户自主申报了困难"),
)  # fmt: skip
RULE_CODES = tuple(r.code for r in RULES)
RULES_BY_CODE = {r.code: r for r in RULES}
DEFAULT_ENABLED = tuple(r.code for r in RULES if r.enabled_by_default)
INCOME_RULES = ("INCOME_BELOW", "RIGID_EXPENSE", "INCOME_DROP")
# Rules whose firing means 两不愁三保障 or drinking water is not secure.
SECURITY_RULES = ("SCHOOLING", "MEDICAL_INSURANCE", "HOUSING", "WATER")
POST_COMPULSORY = ("高中", "中职", "高职", "大专", "本科及以上")
SEVERE_GRADES = ("一级", "二级")
MONEY_COLUMNS = ("wage_income", "business_income", "business_cost", "property_income", "transfer_income",
                 "medical_out_of_pocket", "education_cost")  # fmt: skip
HOUSEHOLD_COLUMNS = ("household_type", "dibao", "tekun", "housing_grade", "water_safe", "self_applied")
MEMBER_COLUMNS = ("household", "birth_year", "schooling", "disability_grade", "health", "basic_medical")


class ThresholdError(ValueError):
    """A monitoring threshold the plan does not allow; the message is in Chinese."""


def poverty_line(year: int, lines: Mapping[int, float] | None = None) -> float:
    """The national poverty line in force for `year`: the latest known year not after it."""
    table = lines or NATIONAL_POVERTY_LINE
    known = [y for y in table if y <= year] or [min(table)]
    return float(table[max(known)])


def default_threshold(year: int, lines: Mapping[int, float] | None = None) -> float:
    """The lowest allowed threshold, used when a county has not set one: 1.5 × the poverty line."""
    return MINIMUM_FACTOR * poverty_line(year, lines)


def check_threshold(threshold: float | Decimal, year: int, lines: Mapping[int, float] | None = None) -> None:
    """Refuse a threshold below 1.5 × the year's national poverty line (or one that is not a number)."""
    try:
        value = float(threshold)  # int, float or Decimal from a form
    except (TypeError, ValueError):
        value = float("nan")
    if not np.isfinite(value) or value <= 0:
        raise ThresholdError(f"{year}年监测标准「{threshold}」不是有效金额")
    if year not in YEARS:
        raise ThresholdError(f"年度「{year}」不在 {YEARS.start}–{YEARS.stop - 1} 之间")
    threshold = value
    line = poverty_line(year, lines)
    floor = MINIMUM_FACTOR * line
    if round(threshold * 100) < round(floor * 100):
        raise ThresholdError(
            f"{year}年监测标准 {threshold:g} 元低于国家扶贫标准 {line:g} 元的 1.5 倍（{floor:g} 元），"
            "按规划要求监测标准不得低于该值"
        )
    ceiling = MAXIMUM_FACTOR * line
    if threshold > ceiling:
        raise ThresholdError(
            f"{year}年监测标准 {threshold:g} 元超过国家扶贫标准 {line:g} 元的 {MAXIMUM_FACTOR} 倍"
            f"（{ceiling:g} 元），请核对是否多输了位数"
        )


def _column(frame: Mapping[str, Any], name: str, count: int, dtype: Any) -> np.ndarray:
    values = frame.get(name)
    if values is None:
        return np.zeros(count, dtype=dtype)
    return np.asarray(values)


def _owner(frame: Mapping[str, Any], count: int) -> tuple[np.ndarray, np.ndarray]:
    """The household index of each row and the mask of rows that point at a real household."""
    raw = np.asarray(frame.get("household", np.zeros(0)), dtype=float)
    finite = np.isfinite(raw)
    index = np.where(finite, raw, -1).astype(np.int64)
    keep = finite & (index >= 0) & (index < count)
    return np.where(keep, index, 0), keep


def _money(frame: Mapping[str, Any], name: str, rows: int) -> np.ndarray:
    values = np.asarray(frame.get(name, np.zeros(rows)), dtype=float)
    if values.shape != (rows,):
        values = np.resize(values, rows) if values.size else np.zeros(rows)
    return np.where(np.isfinite(values), values, 0.0)


def _totals(frame: Mapping[str, Any] | None, count: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-household (has a row, net income in fen, rigid expenses in fen) for one year's finance rows."""
    if frame is None or len(np.asarray(frame.get("household", ()))) == 0:
        return np.zeros(count, bool), np.zeros(count), np.zeros(count)
    owner, keep = _owner(frame, count)
    rows = len(owner)
    m = {name: _money(frame, name, rows) for name in MONEY_COLUMNS}
    net = (m["wage_income"] + m["business_income"] - m["business_cost"] + m["property_income"]
           + m["transfer_income"])  # fmt: skip
    rigid = m["medical_out_of_pocket"] + m["education_cost"]
    weights = keep.astype(float)
    has = np.bincount(owner, weights=weights, minlength=count)[:count] > 0
    net_fen = np.round(np.bincount(owner, weights=net * weights, minlength=count)[:count] * 100)
    rigid_fen = np.round(np.bincount(owner, weights=rigid * weights, minlength=count)[:count] * 100)
    return has, net_fen, rigid_fen


def screen(
    households: Mapping[str, Any],
    members: Mapping[str, Any],
    finances: Mapping[str, Any] | None,
    previous: Mapping[str, Any] | None,
    year: int,
    threshold: float,
    enabled: Iterable[str] = DEFAULT_ENABLED,
) -> dict[str, np.ndarray]:
    """Evaluate the enabled rules for every household.

    households: household_type (脱贫户/一般农户), dibao (bool), tekun (否/分散供养/集中供养),
                housing_grade (A–D), water_safe (bool), self_applied (bool) — one entry per household
    members:    household (index into the household arrays), birth_year, schooling (在校状况),
                disability_grade ('' or 一级…四级), health (健康状况), basic_medical (bool)
    finances / previous: household (index), wage_income, business_income, business_cost,
                property_income, transfer_income, medical_out_of_pocket, education_cost — rows of
                `year` and of `year − 1` (previous may be None)
    Returns {"per_capita_income": float (NaN when not computable), "flags": uint16 bit set of the fired
    rules (bit i = RULE_CODES[i]), code: bool for each enabled code}.
    """
    with np.errstate(all="ignore"):  # absurd amounts (1e308) overflow to inf and simply compare
        return _screen(households, members, finances, previous, year, threshold, enabled)


def _screen(
    households: Mapping[str, Any],
    members: Mapping[str, Any],
    finances: Mapping[str, Any] | None,
    previous: Mapping[str, Any] | None,
    year: int,
    threshold: float,
    enabled: Iterable[str],
) -> dict[str, np.ndarray]:
    count = len(np.asarray(households.get("household_type", households.get("housing_grade", ()))))
    wanted = [code for code in RULE_CODES if code in set(enabled)]
    owner, keep = _owner(members, count)
    weights = keep.astype(float)
    size = np.bincount(owner, weights=weights, minlength=count)[:count]

    def members_where(mask: np.ndarray) -> np.ndarray:
        return np.bincount(owner, weights=weights * np.asarray(mask, dtype=bool), minlength=count)[:count]

    def any_member(mask: np.ndarray) -> np.ndarray:
        return members_where(mask) > 0

    has, net, rigid = _totals(finances, count)
    usable = has & (size > 0)
    threshold_fen = round(float(threshold) * 100)
    per_capita = np.where(usable, net / 100 / np.where(size > 0, size, 1), np.nan)
    floor = threshold_fen * size  # household total that keeps every person at the threshold
    results: dict[str, np.ndarray] = {"per_capita_income": per_capita}
    if "INCOME_BELOW" in wanted:
        results["INCOME_BELOW"] = usable & (net < floor)
    if "RIGID_EXPENSE" in wanted:
        results["RIGID_EXPENSE"] = usable & (net >= floor) & (net - rigid < floor)
    if "INCOME_DROP" in wanted:
        had, last, _ = _totals(previous, count)
        results["INCOME_DROP"] = usable & had & (last > 0) & (net * 100 <= last * (100 - DROP_PERCENT))

    def member_text(name: str) -> np.ndarray:
        values = _column(members, name, len(owner), str)
        return values.astype(str) if values.dtype.kind != "U" else values

    severe = np.isin(member_text("disability_grade"), SEVERE_GRADES) if len(owner) else np.zeros(0, bool)
    health = member_text("health") if len(owner) else np.zeros(0, str)
    if "SCHOOLING" in wanted:
        birth = np.asarray(members.get("birth_year", np.zeros(len(owner))), dtype=float)
        age = year - np.where(np.isfinite(birth), birth, -1e9)
        out_of_school = (age >= 6) & (age <= 15) & (member_text("schooling") == "非在校") & ~severe
        results["SCHOOLING"] = any_member(out_of_school)
    if "MEDICAL_INSURANCE" in wanted:
        insured = np.asarray(members.get("basic_medical", np.ones(len(owner))), dtype=bool)
        results["MEDICAL_INSURANCE"] = any_member(~insured)
    household_text = {
        name: np.asarray(households.get(name, np.zeros(count, dtype="U1"))).astype(str)
        for name in ("household_type", "tekun", "housing_grade")
    }
    if "HOUSING" in wanted:
        results["HOUSING"] = np.isin(household_text["housing_grade"], ("C", "D"))
    if "WATER" in wanted:
        results["WATER"] = ~np.asarray(households.get("water_safe", np.ones(count)), dtype=bool)
    disabled = members_where(health == "残疾")
    tekun = np.isin(household_text["tekun"], ("分散供养", "集中供养"))
    if "MULTI_IDENTITY" in wanted:
        identities = (
            (household_text["household_type"] == "脱贫户").astype(int)
            + np.asarray(households.get("dibao", np.zeros(count)), dtype=bool)
            + tekun
            + (disabled > 0)
            + any_member(health == "患有大病")
        )
        results["MULTI_IDENTITY"] = identities >= 2
    if "SEVERE_DISABILITY" in wanted:
        results["SEVERE_DISABILITY"] = any_member(severe) | (disabled >= 2)
    if "MANY_STUDENTS" in wanted:
        results["MANY_STUDENTS"] = members_where(np.isin(member_text("schooling"), POST_COMPULSORY)) >= 2
    if "SINGLE_TEKUN" in wanted:
        results["SINGLE_TEKUN"] = (size == 1) & (household_text["tekun"] == "分散供养")
    if "SELF_APPLIED" in wanted:
        results["SELF_APPLIED"] = np.asarray(households.get("self_applied", np.zeros(count)), dtype=bool)
    flags = np.zeros(count, dtype=np.uint16)
    for bit, code in enumerate(RULE_CODES):
        if code in results:
            flags |= results[code].astype(np.uint16) << bit
    results["flags"] = flags
    return results


def codes_of(flags: int) -> list[str]:
    """The rule codes in a stored bit set, in the rules' order."""
    return [code for bit, code in enumerate(RULE_CODES) if int(flags) >> bit & 1]


def fired(results: Mapping[str, np.ndarray], index: int) -> list[str]:
    """The codes that fired for one household, in the rules' order."""
    return [code for code in RULE_CODES if code in results and bool(results[code][index])]


def flagged(results: Mapping[str, np.ndarray]) -> np.ndarray:
    """Indices of the households that fired at least one enabled rule."""
    return np.flatnonzero(results["flags"])
