"""Public disclosure (公告公示) of project plans, fund allocations, completions and income distributions.

永和's plan asks for a 公告公示制度 for 资金分配结果 and 项目进展. A 公示 runs from a start date to an end
date, both included; it must last at least the county's minimum number of days (default 10), and
the objections received are recorded when it ends.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

KINDS = ("项目计划", "资金分配", "项目竣工", "收益分配")
CHANNELS = ("村务公开栏", "乡镇公开栏", "县政府网站", "微信公众号或群", "其他")
DEFAULT_MIN_DAYS = 10


class DisclosureError(ValueError):
    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("；".join(errors.values()))


def days(start: dt.date, end: dt.date) -> int:
    """Length of a 公示 counting both the first and the last day."""
    return (end - start).days + 1


def check_period(start: dt.date | None, end: dt.date | None, min_days: int = DEFAULT_MIN_DAYS) -> None:
    errors: dict[str, str] = {}
    if start is None:
        errors["start"] = "请填写公示开始日期"
    if end is None:
        errors["end"] = "请填写公示结束日期"
    if start and end:
        if end < start:
            errors["end"] = "结束日期不能早于开始日期"
        elif days(start, end) < min_days:
            errors["end"] = (
                f"公示期不少于 {min_days} 天（含首尾两天），"
                f"{start:%Y-%m-%d} 开始的公示最早 {start + dt.timedelta(days=min_days - 1):%Y-%m-%d} 结束"
            )
    if errors:
        raise DisclosureError(errors)


@dataclass(frozen=True)
class PeriodState:
    label: str  # 未开始 / 公示中 / 已结束
    remaining: int  # days left including today (0 when over)


def state(start: dt.date, end: dt.date, today: dt.date) -> PeriodState:
    if today < start:
        return PeriodState("未开始", days(start, end))
    if today <= end:
        return PeriodState("公示中", (end - today).days + 1)
    return PeriodState("已结束", 0)
