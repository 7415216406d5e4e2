"""Quantitative targets stated in running text: "到2025年，农村卫生厕所普及率达到85%以上".

A sentence is cut into clauses; the year named earlier in the sentence (到2025年, 规划期末) carries to
the clauses after it. Each clause with a comparison verb and a number becomes one target.
"""

from __future__ import annotations

import re
from typing import Any

from .document import Document
from .numbers import chinese_number

_SENTENCES = re.compile(r"[^。！？!?\n]+[。！？!?]?")
_CLAUSES = re.compile(r"[^，,；;：:]+")
_YEAR = re.compile(r"(?:到|至|截至|截止到?|于)?\s*((?:19|20)\d{2})\s*年(?:底|末)?")
_END = re.compile(r"规划期末|期末")
_VERBS = (
    "提高到|提升到|提高至|提升至|增长到|增加到|增至|扩大到|达到|达|超过|突破|不低于|不少于|不高于|不超过|"
    "保持在|稳定在|控制在|降低到|降至|下降到|缩小到|缩小至|低于|高于|大于|小于|为"
)
_NUM = r"(?:\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千]+(?:点[零〇一二三四五六七八九]+)?)"
_UNITS = (
    "个百分点|百分点|%|％|‰|万元/人|元/人|亿元|万元|元|万人次|亿人次|人次|万人|人|万亩|亩|万平方米|平方米|"
    "平方公里|公里|千米|米|万吨|吨|万头|头|万只|只|个|座|户|所|家|处|条|项|村|次|倍|:1|：1|小时|天|年"
)
_TARGET = re.compile(
    rf"(?P<subject>[^，,；;：:]{{2,40}}?)(?P<verb>{_VERBS})\s*(?P<pct>百分之)?(?P<num>{_NUM})(?P<wan>万|亿)?"
    rf"\s*(?P<unit>{_UNITS})?(?P<suffix>以上|以下|以内|左右)?"
)
_OP_BY_VERB = {
    "超过": ">", "突破": ">", "高于": ">", "大于": ">", "低于": "<", "小于": "<",
    "不低于": ">=", "不少于": ">=", "不高于": "<=", "不超过": "<=", "控制在": "<=", "降低到": "<=",
    "降至": "<=", "下降到": "<=", "缩小到": "<=", "缩小至": "<=", "保持在": "=", "稳定在": "=", "为": "=",
}  # fmt: skip
_OP_BY_SUFFIX = {"以上": ">=", "以下": "<=", "以内": "<=", "左右": "="}
_SUBJECT_NOISE = re.compile(
    r"^(到|至|截至|全县|全市|全区|其中|力争|确保|基本|使|让|推动|实现|逐步|年均|累计|进一步|全面|持续|努力|争取|同时)+"
)
_SCOPE = re.compile(r"^([\u4e00-\u9fff]{1,6}(?:乡|镇|街道))")


def extract_targets(
    document: Document, end_year: int | None = None
) -> tuple[list[dict[str, Any]], list[str]]:
    targets: list[dict[str, Any]] = []
    warnings: list[str] = []
    seen: set[tuple[str, float, int | None]] = set()
    for block in document.blocks:
        if block.is_row or len(block.text) < 6:
            continue
        for sentence in _SENTENCES.findall(block.text):
            year: int | None = None
            scope = "全县" if "全县" in sentence else None
            township = _SCOPE.match(sentence.strip())
            if township and not scope:
                scope = township.group(1)
            for clause in _CLAUSES.findall(sentence):
                found_year = _YEAR.search(clause)
                if found_year:
                    year = int(found_year.group(1))
                elif _END.search(clause) and end_year:
                    year = end_year
                for match in _TARGET.finditer(clause):
                    target = _target(match, year, scope, sentence.strip())
                    if target is None:
                        continue
                    key = (target["subject"], target["value"], target["year"])
                    if key in seen:
                        continue
                    seen.add(key)
                    targets.append(target)
    return targets, warnings


def _target(match: re.Match[str], year: int | None, scope: str | None, quote: str) -> dict[str, Any] | None:
    subject = _YEAR.sub("", match.group("subject"))
    subject = _END.sub("", subject)
    subject = re.split(r"由|从", subject)[0]  # "X由34%下降到5%": the subject is X
    subject = _SUBJECT_NOISE.sub("", subject.strip()).strip("“”\"'（( 、")
    if re.search(r"显示|普查|为例|例如|比如", subject):
        return None
    if len(subject) < 2 or re.fullmatch(r"[\d.%年月日]+", subject):
        return None
    number_text = match.group("num")
    value = float(number_text) if re.fullmatch(r"\d+(?:\.\d+)?", number_text) else chinese_number(number_text)
    if value is None:
        return None
    unit = match.group("unit")
    if match.group("pct"):
        unit = "%"
    if match.group("wan"):
        unit = match.group("wan") + (unit or "")
    if unit is None:
        return None  # a bare number ("达3") is too often not a target
    if match.group("verb") == "为" and not subject.endswith(("目标", "标准", "要求", "指标", "比例", "率")):
        return None
    if unit in ("年",) and value > 1900:
        return None
    if unit in ("：1", ":1"):
        unit = None
    op = _OP_BY_SUFFIX.get(match.group("suffix") or "") or _OP_BY_VERB.get(match.group("verb"), ">=")
    return {
        "subject": subject,
        "value": value,
        "unit": "%" if unit == "％" else unit,
        "op": op,
        "year": year,
        "scope": scope,
        "quote": quote,
    }
