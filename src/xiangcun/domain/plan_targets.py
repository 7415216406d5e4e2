"""A confirmed prose target as something to track: its years, its catalog name and kind, its department.

The plan reader (domain.extraction.targets) reads "到2025年建设产地集配中心9个" as subject, value, unit, year
and scope. To follow it for five years the system needs a catalog entry to report values against, the
year(s) it is due, whose job it is and where it applies; these rules decide that, in plain Python, so the
plans app only stores the result.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from .catalog import DIMENSIONS

# Units that count things one by one (个, 家, 所 …): the indicator's kind is a count, not a quantity.
COUNT_UNITS = frozenset(
    [
        "个",
        "家",
        "处",
        "所",
        "座",
        "条",
        "项",
        "名",
        "人",
        "户",
        "村",
        "场",
        "次",
        "场次",
        "人次",
        "套",
        "栋",
        "间",
        "台",
        "辆",
        "支",
        "批",
        "期",
        "本",
        "种",
        "只",
        "头",
        "株",
        "棵",
        "块",
        "宗",
        "眼",
        "口",
        "亩次",
        "部",
        "站",
        "园",
        "区",
    ]
)

# Keywords in a target's subject and the department that usually owns such a figure in a county.
# The keyword found last in the subject wins: the head of a Chinese noun phrase comes last
# ("黄河一号旅游公路长度" is a road, "农村养老服务中心数量" an old-age service).
DEPARTMENT_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("农业农村局", ("粮食", "农田", "耕地", "种植", "播种", "养殖", "畜", "禽", "牛", "羊", "猪", "蔬菜", "果", "茶",
                 "品种", "农机", "农产品", "合作社", "家庭农场", "龙头企业", "产业园", "示范园", "冷库", "冷链",
                 "集配", "仓储保鲜", "种业", "农业", "秸秆", "化肥", "农药", "测土配方", "厕所", "改厕", "托管",
                 "高标准农田", "集体经济", "宅基地", "绿色食品", "有机", "地理标志", "认证")),
    ("住建局", ("垃圾", "污水", "危房", "农房", "住房", "村容", "风貌", "传统村落", "燃气", "气化")),
    ("水利局", ("饮水", "供水", "自来水", "水利", "灌溉", "节水", "水库", "河道", "水土流失", "水源")),
    ("交通局", ("公路", "道路", "农村路", "四好农村路", "客车", "通车", "桥", "交通")),
    ("教育局", ("学校", "教师", "幼儿园", "学前", "义务教育", "入学", "辍学", "教育")),
    ("卫健局", ("卫生院", "卫生室", "医生", "医院", "健康", "家庭医生", "签约")),
    ("医保局", ("医保", "参保", "医疗保险", "医疗救助")),
    ("人社局", ("就业", "务工", "劳动力", "技能培训", "职业技能", "创业", "养老保险")),
    ("民政局", ("养老", "低保", "特困", "救助", "儿童", "老年", "社会组织", "村规民约")),
    ("文旅局", ("文化", "图书", "广播", "旅游", "民宿", "景区", "游客", "农家乐", "体育", "健身")),
    ("林业局", ("造林", "森林", "林木", "绿化", "苗木", "草原", "经济林", "林")),
    ("商务局", ("电商", "电子商务", "物流", "快递", "商贸", "网点")),
    ("生态环境局", ("空气", "水质", "排放", "生态环境", "黑臭")),
    ("工信局", ("宽带", "5G", "通信", "光纤", "信息化")),
    ("供电公司", ("电网", "供电", "用电", "光伏")),
    ("宣传部", ("文明村", "文明户", "志愿", "新时代文明实践")),
    ("组织部", ("党组织", "书记", "党员", "干部", "驻村", "第一书记", "人才")),
    ("乡村振兴局", ("脱贫", "返贫", "监测", "帮扶", "扶贫", "易地搬迁", "衔接资金")),
    ("残联", ("残疾",)),
    ("金融服务中心", ("贷款", "信贷", "金融", "保险")),
    ("统计局", ("可支配收入", "恩格尔")),
)  # fmt: skip

# Keywords of a chapter heading or subject and the dimension (维度) of the five the plan is organised in.
DIMENSION_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("产业兴旺", ("产业", "农业", "粮食", "种植", "养殖", "品牌", "合作社", "龙头企业", "旅游", "电商", "冷链")),
    ("生态宜居", ("生态", "人居环境", "绿色", "厕所", "垃圾", "污水", "村容", "绿化", "造林", "环境")),
    ("乡风文明", ("文明", "文化", "乡风", "教育", "志愿", "移风易俗")),
    ("治理有效", ("治理", "党建", "组织", "自治", "法治", "平安", "村规民约", "人才")),
    ("生活富裕", ("收入", "就业", "公共服务", "基础设施", "民生", "住房", "饮水", "供水", "道路", "公路", "医疗",
              "养老", "社会保障", "脱贫", "返贫", "帮扶", "生活")),
)  # fmt: skip

_SUBJECT_NOISE = re.compile(r"^[“”\"'《》〈〉「」\s，,、：:]+|[“”\"'《》〈〉「」\s，,、：:]+$")
_SUBJECT_PREFIX = re.compile(r"^(?:全县|全区|县域|本县|每个乡镇|各乡镇|每个村|各村)(?:的)?")
_QUOTES = re.compile(r"[“”\"「」]")


def target_years(target: Mapping[str, Any], period: tuple[int | None, int | None]) -> list[int]:
    """The years a prose target is due: each year of the plan for a 每年 target, the stated year,
    else the plan's last year; none when neither the target nor the plan says a year."""
    start, end = period
    year = target.get("year")
    if target.get("per_year") and start and end and start <= end:
        return list(range(int(start), int(end) + 1))
    if year:
        return [int(year)]
    return [int(end)] if end else []


def indicator_name(subject: str) -> str:
    """A readable catalog name for a local indicator made from a target's subject (`全县…` and quotes off)."""
    name = _QUOTES.sub("", subject or "").strip()
    name = _SUBJECT_NOISE.sub("", name)
    stripped = _SUBJECT_PREFIX.sub("", name)
    return (stripped if len(stripped) >= 2 else name)[:200]


def indicator_kind(unit: str | None) -> str:
    """The catalog kind (how values are checked and assessed) that a target's unit implies."""
    unit = (unit or "").strip()
    if unit in ("%", "％"):
        return "percentage"
    bare = unit[1:] if unit[:1] in ("万", "亿", "千", "百") else unit
    if bare in COUNT_UNITS and not unit.startswith(("万", "亿")):
        return "count"
    return "quantity"


def units_agree(target_unit: str | None, indicator_unit: str | None) -> bool:
    """Whether a value in `target_unit` can be reported against an indicator kept in `indicator_unit`.

    A missing unit on either side says nothing against it; `%` and `％` are the same unit.
    """
    a = (target_unit or "").replace("％", "%").strip()
    b = (indicator_unit or "").replace("％", "%").strip()
    return not a or not b or a == b


def _last_keyword(text: str, table: Iterable[tuple[str, tuple[str, ...]]]) -> str | None:
    best: tuple[int, int, str] | None = None
    for name, keywords in table:
        for keyword in keywords:
            at = text.rfind(keyword)
            if at < 0:
                continue
            rank = (at + len(keyword), len(keyword), name)
            if best is None or rank[:2] > best[:2]:
                best = rank
    return best[2] if best else None


def propose_department(
    subject: str, quote: str = "", owner: str | None = None, known: Iterable[str] | None = None
) -> str | None:
    """The department (canonical short name) to propose for a target, or None for the reviewer to pick.

    The catalog's owner of the matched indicator comes first; else the keyword that heads the subject;
    else one in the sentence. Only names in `known` (the county's departments) are proposed when given.
    """
    allowed = set(known) if known is not None else None

    def ok(name: str | None) -> str | None:
        return name if name and (allowed is None or name in allowed) else None

    return (
        ok(owner)
        or ok(_last_keyword(subject or "", DEPARTMENT_KEYWORDS))
        or ok(_last_keyword(quote or "", DEPARTMENT_KEYWORDS))
    )


def heading_before(outline: Iterable[Mapping[str, Any]], line: int | None, max_level: int = 4) -> str:
    """The title of the last heading (第X章, 一、 …) at or above `max_level` before `line`."""
    if not line:
        return ""
    title = ""
    for entry in outline:
        at = entry.get("line") or 0
        if at > line:
            break
        if (entry.get("level") or 9) <= max_level:
            title = str(entry.get("title") or "")
    return title


def dimension_of(subject: str, heading: str = "") -> str:
    """One of the five dimensions for a local indicator: from the subject, else its chapter's heading."""
    found = _last_keyword(subject or "", DIMENSION_KEYWORDS) or _last_keyword(
        heading or "", DIMENSION_KEYWORDS
    )
    return found if found in DIMENSIONS else "其他"
