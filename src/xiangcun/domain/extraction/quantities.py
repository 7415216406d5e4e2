"""Numbers with their units in running text: "9个", "5000万袋", "1.69万人", "85.48%", "千名", "百分之九十".

`万`/`亿` stay in the unit (`5000` + `万袋`); Chinese numerals become numbers; `％` is `%`; `名` counts
people and becomes `人` (`千名` → 1000 人). A number without a unit is not a quantity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .numbers import chinese_number

_UNITS = (
    "个百分点|百分点|%|％|‰|倍|万元/人|元/人|元/亩|元/吨|亿元|万元|元|万人次|人次|万人|人|名|位|户次|家次|场次|"
    "万亩|亩|公顷|万平方米|平方米|平方公里|万立方米|立方米|公里|千米|km|KM|延米|米|万吨|吨|千克|公斤|"
    "头|只|羽|株|棵|袋|箱|千瓦时|千瓦|兆瓦|Mbps|个月|小时|分钟|天|"
    "个|家|户|座|所|处|条|项|支|队|套|台|辆|艘|盏|栋|幢|间|眼|口|宗|件|份|部|本|种|类|张|块|场|次|床|轮|起"
)
_DIGITS = r"\d+(?:\.\d+)?"
_CN = r"[零〇一二两三四五六七八九十百千]+"
QUANTITY = re.compile(
    rf"(?<![\d.A-Za-z])(?P<num>{_DIGITS}|{_CN})\s*(?P<mag>万|亿)?\s*(?P<unit>{_UNITS})"
    r"(?P<suffix>以上|以下|以内|之内|左右)?"
    r"|(?P<wnum>\d+(?:\.\d+)?)\s*万(?=(?:农村)?(?:居民|人口|群众|农民|劳动力|贫困人口|脱贫人口)(?P<who>))"
    r"|(?<![\d.A-Za-z])(?P<bare>\d+(?:\.\d+)?)(?:\s*[:：]\s*1(?![\d.]))?(?P<baresuffix>以上|以下|以内|之内|左右)?(?![\d.%％])"
    r"|(?<![\d零〇一二两三四五六七八九十百千.])万(?P<wanunit>名|人|户)"
    r"|百分之(?P<pct>[零〇一二两三四五六七八九十百点]+)(?P<pctsuffix>以上|以下|以内|左右)?"
)
_UNIT_NAMES = {"％": "%", "名": "人", "百分点": "个百分点", "KM": "公里", "km": "公里"}


@dataclass(frozen=True)
class Quantity:
    start: int
    end: int
    value: float
    unit: str
    suffix: str
    approx: bool
    chinese: bool  # written in Chinese numerals ("千名", "两个")


def find_quantities(text: str) -> list[Quantity]:
    found: list[Quantity] = []
    for match in QUANTITY.finditer(text):
        if match.group("wnum"):  # "14.2万农村居民": people counted in 万
            found.append(
                Quantity(match.start(), match.end(), float(match.group("wnum")), "万人", "", False, False)
            )
            continue
        if match.group("wanunit"):  # "吸引万名…居民": 1 万人
            unit = _UNIT_NAMES.get(match.group("wanunit"), match.group("wanunit"))
            found.append(Quantity(match.start(), match.end(), 1.0, "万" + unit, "", False, True))
            continue
        if match.group("bare"):  # a number without a unit: only a ratio or an index can be a target
            suffix = match.group("baresuffix") or ""
            found.append(
                Quantity(match.start(), match.end(), float(match.group("bare")), "", suffix,
                         _approx(text, match.start(), suffix), False)
            )  # fmt: skip
            continue
        if match.group("pct"):
            value = 100.0 if match.group("pct") == "百" else chinese_number(match.group("pct"))
            if value is None:
                continue
            suffix = match.group("pctsuffix") or ""
            found.append(
                Quantity(
                    match.start(), match.end(), value, "%", suffix, _approx(text, match.start(), suffix), True
                )
            )
            continue
        number = match.group("num")
        chinese = not number[0].isdigit()
        if chinese:
            if re.fullmatch(r"[十百千]", number) and number != "千":
                continue  # "十大", "百镇" name things
            value = chinese_number("一" + number if number[0] in "十百千" else number)  # 千名 = 一千名
        else:
            value = float(number)
        if value is None:
            continue
        unit = _UNIT_NAMES.get(match.group("unit"), match.group("unit"))
        magnitude = match.group("mag") or ""
        if magnitude and unit in ("个百分点", "%", "‰", "倍"):
            continue
        suffix = match.group("suffix") or ""
        found.append(
            Quantity(
                match.start(),
                match.end(),
                value,
                magnitude + unit,
                suffix,
                _approx(text, match.start(), suffix),
                chinese,
            )
        )
    return found


def _approx(text: str, start: int, suffix: str) -> bool:
    return suffix == "左右" or bool(re.search(r"(?:约|大约|近)\s*$", text[:start]))
