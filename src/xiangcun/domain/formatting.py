"""How numbers and comparison operators are written on every page (no Django import).

One rule for the whole product, so that a cadre sees "6,000.00 元" on the medical page, the dashboard and
the report alike, never "6000.0":

* thousands separators (12,000);
* a fixed number of decimals per unit — money (any unit with 元) 2, percentages (%, ‰) 2, ratios (比例) 2,
  scores (分, 指数) 1, counts (人, 户, 个, 村, 项 …) 0;
* any other unit (万吨, 亩, 公里 …) or no unit: as many decimals as the value has, at most 2, without
  trailing zeros (8 → "8", 5.1 → "5.1", 0.125 → "0.13");
* rounding half up, as people round by hand; a missing value is "—".

The template filters in ``xiangcun.core.templatetags.core`` (``num`` and ``op``) wrap these functions;
Python code that writes text for people (messages, exports' notes, reports) calls them directly.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

MISSING = "—"
COUNT_UNITS = frozenset(
    [
        "人",
        "户",
        "个",
        "村",
        "项",
        "名",
        "次",
        "件",
        "家",
        "所",
        "座",
        "套",
        "间",
        "头",
        "只",
        "处",
        "条",
        "张",
        "份",
        "篇",
        "人次",
        "户次",
        "个数",
        "位",
        "批",
        "期",
    ]
)
UNIT_DECIMALS: dict[str, int] = {"%": 2, "％": 2, "‰": 2, "比例": 2, "分": 1, "指数": 1}
MAX_FREE_DECIMALS = 2
OPS = {">=": "≥", "<=": "≤", "=": "=", ">": ">", "<": "<", "!=": "≠", "text": "文字"}


def decimals_for(unit: str | int | None) -> int | None:
    """The fixed number of decimals for `unit`, or None when the value decides (at most 2, no trailing zeros)."""
    if isinstance(unit, int):
        return unit
    text = (unit or "").strip()
    if text.lstrip("-").isdigit():
        return int(text)
    if not text:
        return None
    if "元" in text:
        return 2
    if text in UNIT_DECIMALS:
        return UNIT_DECIMALS[text]
    if text in COUNT_UNITS or text.split("/")[0] in COUNT_UNITS:
        return 0
    return None


def to_decimal(value: Any) -> Decimal | None:
    """The value as a finite Decimal, or None when it is not a number (booleans are not numbers)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def format_number(value: Any, unit: str | int | None = None) -> str:
    """`value` written for people: ``format_number(6000.0, "元") == "6,000.00"``.

    `unit` is the indicator's unit (or a number of decimals). A value that is not a number comes back
    as it was (a text target stays text); None and "" become "—".
    """
    if value is None or value == "":
        return MISSING
    number = to_decimal(value)
    if number is None:
        return str(value)
    places = decimals_for(unit)
    if places is None:
        rounded = number.quantize(Decimal(1).scaleb(-MAX_FREE_DECIMALS), rounding=ROUND_HALF_UP)
        text = f"{rounded:,.{MAX_FREE_DECIMALS}f}".rstrip("0").rstrip(".")
    else:
        rounded = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        text = f"{rounded:,.{places}f}"
    if rounded.is_zero() and text.startswith("-"):
        text = text[1:]
    return text


def format_op(op: Any) -> str:
    """A comparison written as people write it: ">=" → "≥", "<=" → "≤"; in free text too."""
    if op is None:
        return ""
    text = str(op)
    if text in OPS:
        return OPS[text]
    return text.replace(">=", "≥").replace("<=", "≤").replace("!=", "≠")
