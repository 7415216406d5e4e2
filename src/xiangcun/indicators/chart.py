"""A small server-rendered SVG line chart: works offline, prints, needs no JavaScript."""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

from xiangcun.domain.assessment import fmt_number
from xiangcun.domain.formatting import format_number


@dataclass
class Series:
    label: str
    points: list[tuple[int, float]]
    colour: str
    dashed: bool = False


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round axis values (steps of 1, 2 or 5 × 10ⁿ) covering low..high, about `count` of them.

    An axis reading 220.9, 509.2, 797.5 for household counts looks like a defect; 200, 400 … does not.
    """
    if high <= low:
        high = low + 1
    raw = (high - low) / max(1, count - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    if first > low:  # low / step underflowed to -0.0 (a value like -5e-324): one step lower covers it
        first -= step
    ticks = [round(first, 10)]
    while ticks[-1] < high - step * 1e-9 or len(ticks) < 2:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def line_chart(series: list[Series], width: int = 720, height: int = 280, unit: str = "") -> str:
    points = [p for s in series for p in s.points]
    if not points:
        return ""
    years = [p[0] for p in points]
    values = [p[1] for p in points]
    x0, x1 = min(years), max(years)
    low, high = min(values), max(values)
    if high == low:
        low, high = low - 1, high + 1
    pad = (high - low) * 0.05
    # counts and rates never go below 0: no negative axis value under values that start at 0
    ticks = nice_ticks(max(low - pad, 0) if low >= 0 else low - pad, high + pad)
    low, high = ticks[0], ticks[-1]
    left, right, top, bottom = 56, 16, 16, 48

    def x(year: float) -> float:
        return left + (year - x0) / max(1, x1 - x0) * (width - left - right)

    def y(value: float) -> float:
        return top + (high - value) / (high - low) * (height - top - bottom)

    parts = [
        f'<svg viewBox="0 0 {width} {height}" role="img" class="chart" xmlns="http://www.w3.org/2000/svg">'
    ]
    for v in ticks:
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#e5e8eb"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end" font-size="11" fill="#66727f">{fmt_number(v)}</text>'
        )
    for year in range(x0, x1 + 1):
        parts.append(
            f'<text x="{x(year):.1f}" y="{height - bottom + 16}" text-anchor="middle" font-size="11" fill="#66727f">{year}</text>'
        )
    for n, s in enumerate(series):
        if not s.points:
            continue
        path = " ".join(f"{x(a):.1f},{y(b):.1f}" for a, b in sorted(s.points))
        dash = ' stroke-dasharray="6 4"' if s.dashed else ""
        parts.append(f'<polyline points="{path}" fill="none" stroke="{s.colour}" stroke-width="2"{dash}/>')
        for a, b in s.points:
            parts.append(
                f'<circle cx="{x(a):.1f}" cy="{y(b):.1f}" r="3" fill="{s.colour}"><title>{a}年 {format_number(b, unit)}{escape(unit)}</title></circle>'
            )
        legend_x = left + n * 150
        parts.append(f'<rect x="{legend_x}" y="{height - 18}" width="14" height="4" fill="{s.colour}"/>')
        parts.append(
            f'<text x="{legend_x + 20}" y="{height - 12}" font-size="12" fill="#1f2933">{escape(s.label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
