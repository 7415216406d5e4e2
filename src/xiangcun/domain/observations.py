"""Checks on reported indicator values, shared by the form, the Excel template and the API.

Each check returns a Chinese message a department clerk can act on, or nothing.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

_RATIO = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*[:：]\s*1\s*$")
DEFAULT_JUMP = 0.5  # a change of more than 50% on the previous year needs an explanation


@dataclass(frozen=True)
class Parsed:
    value: float | None
    error: str | None = None


def parse_value(raw: object, kind: str) -> Parsed:
    """Read a reported value for an indicator of `kind` (percentage, quantity, ratio, count, zero)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return Parsed(None, "数值不能为空")
    if isinstance(raw, bool):
        return Parsed(None, f"「{raw}」不是数值")
    text = str(raw).strip().replace(",", "").replace("，", "")
    if kind == "ratio":
        match = _RATIO.match(text)
        if match:
            return Parsed(float(match.group(1)))
        try:
            number = float(text)
        except ValueError:
            return Parsed(None, f"「{raw}」不是比值，请写成 2.38:1 或 2.38")
        return _finite(number) if number > 0 else Parsed(None, "比值必须大于 0")
    if kind == "percentage":
        text = text.removesuffix("%").removesuffix("％")
    try:
        number = float(text)
    except ValueError:
        return Parsed(None, f"「{raw}」不是数值")
    checked = _finite(number)
    if checked.error:
        return checked
    if kind == "percentage" and not 0 <= number <= 100:
        return Parsed(None, f"百分比应在 0–100 之间（填了 {number:g}）")
    if kind in ("count", "zero"):
        if number < 0 or not number.is_integer():
            return Parsed(None, f"个数应为非负整数（填了 {number:g}）")
    elif number < 0:
        return Parsed(None, f"不能为负数（填了 {number:g}）")
    return Parsed(number)


def _finite(number: float) -> Parsed:
    if math.isnan(number) or math.isinf(number):
        return Parsed(None, "不是有效数值")
    return Parsed(number)


def jump_warning(previous: float | None, current: float, threshold: float = DEFAULT_JUMP) -> str | None:
    """A message when `current` differs from last year's value by more than `threshold` (relative)."""
    if previous is None:
        return None
    if previous == 0:
        return None if current == 0 else f"上年为 0，本年为 {current:g}，请在说明中写明原因"
    change = (current - previous) / abs(previous)
    if abs(change) > threshold:
        return f"比上年（{previous:g}）变化 {change:+.0%}，超过 {threshold:.0%}，请在说明中写明原因"
    return None


def aggregate(kind: str, values: list[float], populations: list[int | None]) -> tuple[float | None, str]:
    """A parent region's value from its children's, where the indicator allows it.

    Counts and quantities add up; percentages are averaged weighted by population, and only when every
    child's population is known; ratios (城乡居民收入比) and zero targets are never aggregated.
    Returns (value or None, how it was computed in Chinese).
    """
    if not values:
        return None, "下级没有数据"
    if kind in ("count", "quantity"):
        return float(sum(values)), f"{len(values)} 个下级区域合计"
    if kind == "percentage":
        if any(p is None or p <= 0 for p in populations):
            return None, "有下级区域缺少户籍人口，不能按人口加权汇总"
        total = sum(p for p in populations if p)
        return sum(
            v * (p or 0) for v, p in zip(values, populations, strict=True)
        ) / total, f"{len(values)} 个下级区域按户籍人口加权平均"
    return None, "比值类指标不能由下级汇总"
