"""The household toilet ledger (户厕台账, 一户一档): its columns, the acceptance chain, progress and coverage.

Acceptance runs 施工方 → 村 → 镇 → 县 (the plan's 逐级验收); a stage has a date and who accepted, and
needs the stage before it. Progress compares conversions per year with the plan's yearly numbers; the
coverage (农村卫生厕所普及率) counts households with a sanitary toilet before the ledger began plus
conversions the county accepted that are in normal use, over the rural households.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .columns import Column, RowError

MODELS = ("水冲式", "双瓮式", "三格式", "粪尿分集", "其他")
USE_STATUSES = ("正常使用", "未使用", "损坏待修", "已废弃")
COUNTED_USE = "正常使用"
STAGES = (("contractor", "施工方"), ("village", "村"), ("township", "镇"), ("county", "县"))
STATES = ("待施工方验收", "待村验收", "待镇验收", "待县验收", "已验收")
EARLIEST_YEAR = 2000
MAX_MONEY = Decimal("100000")  # 元 per household toilet; more is a unit mistake (万元 vs 元)

COLUMNS: tuple[Column, ...] = (
    Column("户编号", name="household_code", max_length=40),
    Column("户主姓名", name="name", max_length=50),
    Column("所在村", name="village", max_length=100),
    Column("改造年份", "integer", required=True, name="year"),
    Column("改厕模式", "choice", required=True, choices=MODELS, name="model"),
    Column("改造费用", "decimal", unit="元", name="cost", minimum=Decimal(0), maximum=MAX_MONEY),
    Column("补助金额", "decimal", unit="元", name="subsidy", minimum=Decimal(0), maximum=MAX_MONEY),
    *(
        column
        for stage, label in STAGES
        for column in (
            Column(f"{label}验收日期", "date", name=f"{stage}_date"),
            Column(f"{label}验收人", name=f"{stage}_by", max_length=50),
        )
    ),
    Column("使用状态", "choice", choices=USE_STATUSES, name="use_status"),
    Column("摸排发现问题", name="problems", max_length=500),
)
FIELDS = tuple(c.key for c in COLUMNS)


def state(row: Mapping[str, Any]) -> str:
    """How far the acceptance got: 待施工方验收 … 已验收 (the first stage without a date)."""
    for (stage, _), name in zip(STAGES, STATES, strict=False):
        if not row.get(f"{stage}_date"):
            return name
    return STATES[-1]


def check(row: Mapping[str, Any], this_year: int) -> list[RowError]:
    """The rules one parsed row must keep besides its cells' types (who it is comes from the database)."""
    number = row.get("row", 0)
    errors: list[RowError] = []
    if not row.get("household_code") and not (row.get("name") and row.get("village")):
        errors.append(RowError(number, "户编号", "请填写户编号；未登记的农户请填写户主姓名和所在村"))
    year = row.get("year")
    if year is not None and not EARLIEST_YEAR <= year <= this_year:
        errors.append(RowError(number, "改造年份", f"{year} 不在 {EARLIEST_YEAR}–{this_year} 之间"))
    cost, subsidy = row.get("cost"), row.get("subsidy")
    if cost is not None and subsidy is not None and subsidy > cost:
        errors.append(RowError(number, "补助金额（元）", f"补助 {subsidy} 元多于改造费用 {cost} 元"))
    previous: tuple[str, dt.date] | None = None
    for stage, label in STAGES:
        date, who = row.get(f"{stage}_date"), row.get(f"{stage}_by")
        if who and not date:
            errors.append(RowError(number, f"{label}验收日期", f"填写了{label}验收人，请同时填写验收日期"))
        if not date:
            continue
        if not who:
            errors.append(RowError(number, f"{label}验收人", f"请填写{label}验收人"))
        before = STAGES[: [s for s, _ in STAGES].index(stage)]
        earlier = [lbl for s, lbl in before if not row.get(f"{s}_date")]
        if earlier:
            errors.append(RowError(number, f"{label}验收日期",
                                   f"须先经{'、'.join(earlier)}验收（验收顺序：施工方→村→镇→县）"))  # fmt: skip
        if year is not None and date.year < year:
            errors.append(RowError(number, f"{label}验收日期", f"{date:%Y-%m-%d} 早于改造年份 {year} 年"))
        if previous is not None and date < previous[1]:
            errors.append(RowError(number, f"{label}验收日期",
                                   f"{date:%Y-%m-%d} 早于{previous[0]}验收日期 {previous[1]:%Y-%m-%d}"))  # fmt: skip
        previous = (label, date)
    return errors


# ---------------------------------------------------------------- the plan's yearly numbers

_RANGE = re.compile(r"(\d{4})\s*[-—–~～至到]\s*(\d{4})")
_SUBJECT = re.compile(r"户厕|户用.*厕|卫生厕所|改厕")
_COUNT_UNITS = ("户", "座", "个")


@dataclass(frozen=True)
class PlannedYear:
    year: int
    planned: int
    source: str  # the quote of the plan, or 手工填写


def plan_from_targets(targets: Iterable[Mapping[str, Any]]) -> tuple[list[PlannedYear], int | None]:
    """The yearly conversion numbers in a plan's prose targets, and the period total when stated.

    A target counts when its subject is about household toilets and it is counted in 户/座 (not the
    coverage in %). The clause with a year range ("2021-2025年计划改造农村户厕数量6500户") is the total;
    the others are the years' numbers ("2021年2000户").
    """
    yearly: dict[int, PlannedYear] = {}
    total = None
    for t in targets:
        subject, unit = str(t.get("subject") or ""), str(t.get("unit") or "")
        if not _SUBJECT.search(subject) or unit not in _COUNT_UNITS or t.get("value") is None:
            continue
        value, quote = int(round(float(t["value"]))), str(t.get("quote") or "")
        if _RANGE.search(quote):
            total = value
        elif t.get("year"):
            yearly.setdefault(int(t["year"]), PlannedYear(int(t["year"]), value, quote))
    return sorted(yearly.values(), key=lambda p: p.year), total


@dataclass(frozen=True)
class ProgressYear:
    year: int
    planned: int | None
    converted: int
    accepted: int
    cumulative_planned: int | None
    cumulative_converted: int
    cumulative_accepted: int

    @property
    def rate(self) -> float | None:
        """This year's conversions as a share of the year's plan, in %."""
        return 100.0 * self.converted / self.planned if self.planned else None

    @property
    def cumulative_rate(self) -> float | None:
        if not self.cumulative_planned:
            return None
        return 100.0 * self.cumulative_converted / self.cumulative_planned

    @property
    def behind(self) -> bool:
        return self.planned is not None and self.converted < self.planned


def progress(
    planned: Mapping[int, int], converted: Mapping[int, int], accepted: Mapping[int, int]
) -> list[ProgressYear]:
    """Year by year over every year with a plan or a conversion: the year's and the running totals."""
    years = sorted(set(planned) | set(converted) | set(accepted))
    out: list[ProgressYear] = []
    cum_plan: int | None = None
    cum_done = cum_accepted = 0
    for year in range(years[0], years[-1] + 1) if years else ():
        plan = planned.get(year)
        if plan is not None:
            cum_plan = (cum_plan or 0) + plan
        cum_done += converted.get(year, 0)
        cum_accepted += accepted.get(year, 0)
        out.append(ProgressYear(year, plan, converted.get(year, 0), accepted.get(year, 0), cum_plan, cum_done,
                                cum_accepted))  # fmt: skip
    return out


def coverage(baseline_sanitary: int, counted: int, households: int) -> float | None:
    """农村卫生厕所普及率 in % (two decimals), or None when the rural households are not known."""
    if households <= 0:
        return None
    return round(min(100.0, 100.0 * (baseline_sanitary + counted) / households), 2)
