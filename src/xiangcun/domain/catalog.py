"""The indicator catalog as plain data, and matching of names as plans write them to catalog entries.

Plans name the same indicator differently (村庄绿化覆盖率 / 村落绿化覆盖率, with or without units,
footnote marks or a 县 prefix). Matching is: exact name or synonym after normalising, then a
character-level similarity that must be high and unambiguous; anything else stays unmatched for a
person to decide.

Normalising removes only what never changes the measure: spaces, footnote marks, bracketed units, a
leading place qualifier (全县, 全市, 县域, 本县 …), 及以上/及以下 (the same as 以上/以下 in statistics, which
include the number) and the word for a share (比例, 比重 and 占比 all say "share of"). Anything that
could name another measure, such as 农村 or 城乡, stays; the synonyms below list the few real
equivalences that go further, each with its reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

DIMENSIONS = ("产业兴旺", "生态宜居", "乡风文明", "治理有效", "生活富裕")
DIMENSION_CODES = {
    "产业兴旺": "industry",
    "生态宜居": "ecology",
    "乡风文明": "civility",
    "治理有效": "governance",
    "生活富裕": "prosperity",
}


@dataclass(frozen=True)
class CatalogIndicator:
    code: str
    name: str
    unit: str | None
    dimension: str
    direction: str = "higher"  # higher | lower | band
    kind: str = "percentage"  # percentage | quantity | ratio | count | zero
    national: bool = True
    synonyms: tuple[str, ...] = field(default_factory=tuple)
    owner: str | None = None  # default owning department, as a canonical department name
    definition: str = ""


# The 22 main indicators of the national 乡村振兴战略规划（2018－2022年）, with common synonyms.
# Units are the ones counties report in (万吨, 万人次), not the national plan's 亿吨/亿人次.
# Synonyms that are not just another wording of the name, and why they are the same measure:
# - N01 粮食总产(量)/粮食产量: the capacity is reported as the year's grain output in 万吨 (a plan's table row
#   粮食综合生产能力 5.1 万吨 and its prose "粮食总产…稳定在5.1万吨以上" are one commitment); the unit check keeps
#   粮食播种面积 (万亩) out.
# - N09 卫生厕所普及率, N21 自来水普及率: in a rural revitalization plan these are the rural figures (the
#   plans write them in the sentences on 农村改厕 and 农村饮水).
# - N11 县级以上文明村镇创建率: the share of villages and townships awarded 县级及以上文明村镇.
# Not a synonym: 农村集中供水率 (share of the rural population on centralised supply) is another measure
# than 农村自来水普及率 (tap water into the home); plans set both, with different values, in one sentence.
NATIONAL: tuple[CatalogIndicator, ...] = (
    CatalogIndicator(
        "N01", "粮食综合生产能力", "万吨", "产业兴旺", kind="quantity", owner="农业农村局",
        synonyms=("粮食总产量", "粮食总产", "粮食产量"),
    ),
    CatalogIndicator("N02", "农业科技进步贡献率", "%", "产业兴旺", owner="农业农村局"),
    CatalogIndicator("N03", "农业劳动生产率", "万元/人", "产业兴旺", kind="quantity", owner="农业农村局"),
    CatalogIndicator(
        "N04", "农产品加工产值与农业总产值比", None, "产业兴旺", kind="ratio", owner="农业农村局",
        synonyms=("农产品加工业产值与农业总产值比", "农产品加工业与农业总产值比"),
    ),
    CatalogIndicator(
        "N05", "休闲农业和乡村旅游接待人次", "万人次", "产业兴旺", kind="quantity", owner="文旅局",
        synonyms=("休闲农业和乡村旅游年接待人次", "乡村旅游接待人次"),
    ),
    CatalogIndicator(
        "N06", "畜禽粪污综合利用率", "%", "生态宜居", owner="农业农村局", synonyms=("畜禽粪污资源化利用率",)
    ),
    CatalogIndicator("N07", "村庄绿化覆盖率", "%", "生态宜居", owner="自然资源局", synonyms=("村落绿化覆盖率",)),
    CatalogIndicator(
        "N08", "对生活垃圾进行处理的村占比", "%", "生态宜居", owner="住建局",
        synonyms=("生活垃圾进行处理的村占比", "农村生活垃圾处理的村占比", "农村生活垃圾得到处理的村占比"),
    ),
    CatalogIndicator(
        "N09", "农村卫生厕所普及率", "%", "生态宜居", owner="农业农村局",
        synonyms=("农村户用卫生厕所普及率", "卫生厕所普及率"),
    ),
    CatalogIndicator(
        "N10", "村综合性文化服务中心覆盖率", "%", "乡风文明", owner="文旅局", synonyms=("村级综合性文化服务中心覆盖率",)
    ),
    CatalogIndicator(
        "N11", "县级及以上文明村和乡镇占比", "%", "乡风文明", owner="宣传部",
        synonyms=("县级及以上文明村镇占比", "县级及以上文明村镇创建率"),
    ),
    CatalogIndicator(
        "N12", "农村义务教育学校专任教师本科以上学历比例", "%", "乡风文明", owner="教育局",
        synonyms=("农村义务教育学校专任教师本科及以上学历比例",),
    ),
    CatalogIndicator("N13", "农村居民教育文化娱乐支出占比", "%", "乡风文明", owner="统计局"),
    CatalogIndicator("N14", "村庄规划管理覆盖率", "%", "治理有效", owner="自然资源局"),
    CatalogIndicator("N15", "建有综合服务站的村占比", "%", "治理有效", owner="民政局"),
    CatalogIndicator(
        "N16", "村党组织书记兼任村委会主任的村占比", "%", "治理有效", owner="组织部",
        synonyms=("村党组织书记兼任村委会主任的村比例",),
    ),
    CatalogIndicator("N17", "有村规民约的村占比", "%", "治理有效", owner="民政局"),
    CatalogIndicator("N18", "集体经济强村比重", "%", "治理有效", owner="农业农村局"),
    CatalogIndicator("N19", "农村居民恩格尔系数", "%", "生活富裕", direction="lower", owner="统计局"),
    CatalogIndicator(
        "N20", "城乡居民收入比", None, "生活富裕", direction="lower", kind="ratio", owner="统计局",
        synonyms=("城乡居民人均可支配收入比",),
    ),
    CatalogIndicator("N21", "农村自来水普及率", "%", "生活富裕", owner="水利局", synonyms=("自来水普及率",)),
    CatalogIndicator(
        "N22", "具备条件的建制村通硬化路比例", "%", "生活富裕", owner="交通局",
        synonyms=("具备条件的建制村通硬化路率", "建制村通硬化路比例", "建制村通硬化路率"),
    ),
)  # fmt: skip

_MARKS = re.compile(r"[\s*＊※△▲☆★#＃\u3000]|（[^）]*）|\([^)]*\)|\[[^\]]*\]|〔[^〕]*〕")
_PREFIX = re.compile(r"^(?:全县域|全县|县域|全市|全区|全旗|全域|本县|我县|本市|本区)(?:的)?")
_AND_ABOVE = re.compile(r"及(?=以[上下])")
_SHARE = re.compile(r"(?:比例|比重)$")


def normalise(name: str) -> str:
    """The name as matched: without spaces, footnote marks, bracketed units or a 全县 prefix, with 及以上 as
    以上 and a share (比例, 比重) as 占比 (see the module's docstring for why these never change the measure)."""
    key = _PREFIX.sub("", _MARKS.sub("", name or ""))
    return _SHARE.sub("占比", _AND_ABOVE.sub("", key))


@dataclass(frozen=True)
class Match:
    code: str | None
    score: float
    how: str  # exact | synonym | similar | none


def match(name: str, catalog: Iterable[CatalogIndicator], threshold: float = 88.0) -> Match:
    """The catalog entry `name` refers to; similar matches must beat the runner-up clearly."""
    key = normalise(name)
    if not key:
        return Match(None, 0.0, "none")
    choices: dict[str, str] = {}
    for item in catalog:
        if normalise(item.name) == key:
            return Match(item.code, 100.0, "exact")
        for synonym in item.synonyms:
            if normalise(synonym) == key:
                return Match(item.code, 100.0, "synonym")
        choices[normalise(item.name)] = item.code
        for synonym in item.synonyms:
            choices.setdefault(normalise(synonym), item.code)
    ranked = process.extract(key, list(choices), scorer=fuzz.ratio, limit=5)
    if not ranked:
        return Match(None, 0.0, "none")
    best_text, best_score, _ = ranked[0]
    code = choices[best_text]
    runner_up = next((s for text, s, _ in ranked[1:] if choices[text] != code), 0.0)
    if best_score >= threshold and best_score - runner_up >= 5:
        return Match(code, float(best_score), "similar")
    return Match(None, float(best_score), "none")
