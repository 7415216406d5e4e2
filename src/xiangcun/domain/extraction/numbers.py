"""Numbers as plans write them: `>95`, `≥1.5`, `2.38:1`, `〔4〕`, `动态清零`, 两万, 百分之九十."""

from __future__ import annotations

import re
from dataclasses import dataclass

import cn2an

_OPS = [("≥", ">="), (">=", ">="), ("＞=", ">="), ("≤", "<="), ("<=", "<="), (">", ">"), ("＞", ">"),
        ("<", "<"), ("＜", "<")]  # fmt: skip
_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")
_RATIO = re.compile(r"^(\d+(?:\.\d+)?)\s*[:：]\s*1$")
_CN_NUMBER = re.compile(r"^[零〇一二两三四五六七八九十百千万亿点]+$")
_INCREASE = re.compile(r"^[〔\[［【](.+?)[〕\]］】]$")
_EMPTY = {"", "—", "-", "——", "/", "－", "–", "…", "无"}


# Minus as PDFs and Word write it: − (U+2212), – (en dash), － (full width), ‐ ‑ ﹣ (hyphens).
_MINUS = re.compile(r"[−–－‐‑﹣](?=\d)")
# A unit written inside the value cell (`85%`, `12.5万吨`, `120公里`) when the table has no unit column.
_UNIT_SUFFIX = re.compile(
    r"^([-+]?\d+(?:\.\d+)?)((?:万|亿)?[\u4e00-\u9fff][\u4e00-\u9fff/]{0,5}|[%％‰]|km|m²|㎡)$"
)
_NOT_UNITS = {"以上", "以下", "以内", "左右", "动态清零"}


def normalise_minus(text: str) -> str:
    """`−3.2`, `–3.2`, `－3.2` → `-3.2` (a dash standing alone is left as it is: it means "none")."""
    return _MINUS.sub("-", text)


@dataclass(frozen=True)
class Value:
    raw: str
    value: float | None
    op: str  # = > >= < <= text
    increase: bool = False
    unit: str | None = None  # a unit written in the value itself (`>95%` → %)


def parse_value(raw: str) -> Value | None:
    """A table cell's value; None for an empty cell or a dash."""
    text = normalise_minus(re.sub(r"\s+", "", raw or "")).replace("＋", "+")
    if text in _EMPTY:
        return None
    increase = False
    bracket = _INCREASE.match(text)
    if bracket:
        increase = True
        text = bracket.group(1)
    op = "="
    for sign, name in _OPS:
        if text.startswith(sign):
            op = name
            text = text[len(sign) :]
            break
    suffix_ops = {"以上": ">=", "以下": "<=", "以内": "<=", "左右": "="}
    for suffix, name in suffix_ops.items():
        if text.endswith(suffix):
            text = text[: -len(suffix)]
            op = name if op == "=" else op
    unit = None
    if text.endswith(("%", "％")):
        unit = "%"
    text = text.rstrip("%％")
    ratio = _RATIO.match(text)
    if ratio:
        return Value(raw.strip(), float(ratio.group(1)), op, increase)
    if _NUMBER.fullmatch(text):
        return Value(raw.strip(), float(text), op, increase, unit)
    number = chinese_number(text)
    if number is not None:
        return Value(raw.strip(), number, op, increase)
    suffixed = _UNIT_SUFFIX.match(text)
    if suffixed and suffixed.group(2) not in _NOT_UNITS:
        return Value(
            raw.strip(), float(suffixed.group(1)), op, increase, suffixed.group(2).replace("％", "%")
        )
    return Value(raw.strip(), None, "text", increase)


def chinese_number(text: str) -> float | None:
    """两万 → 20000, 1.5万 → 15000, 三十 → 30; None when it is not a number."""
    if not text:
        return None
    if _CN_NUMBER.match(text) or re.fullmatch(r"\d+(?:\.\d+)?[万亿]", text):
        try:
            return float(cn2an.cn2an(text, "smart"))
        except (ValueError, KeyError, IndexError):
            return None
    return None
