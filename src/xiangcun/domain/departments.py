"""County departments and the many ways documents name them.

A plan writes 县教科局, 教育和科技局 or 教育局 for the same office; `resolve` maps a name as written to
the canonical short name, or None when it is not a department we know (so a person decides).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Department:
    name: str
    aliases: tuple[str, ...] = field(default_factory=tuple)
    full_name: str = ""


DEFAULT_DEPARTMENTS: tuple[Department, ...] = (
    Department("乡村振兴局", ("扶贫办", "扶贫开发办公室", "乡村振兴办", "乡村振兴服务中心"), "县乡村振兴局"),
    Department("农业农村局", ("农业局", "农委", "农业农村委员会", "农业农村和水利局"), "县农业农村局"),
    Department("民政局", (), "县民政局"),
    Department("教育局", ("教科局", "教体局", "教育和科技局", "教育科技局", "教育体育局", "教育和体育局"), "县教育局"),
    Department("卫健局", ("卫体局", "卫生健康局", "卫生和健康局", "卫计局", "卫生健康委", "卫健委", "卫生健康委员会", "卫生局"), "县卫生健康局"),
    Department("医保局", ("医疗保障局",), "县医疗保障局"),
    Department("人社局", ("人力资源和社会保障局", "人力资源社会保障局", "人社保局"), "县人力资源和社会保障局"),
    Department("住建局", ("住房和城乡建设局", "住房城乡建设局", "住建委", "城乡建设局"), "县住房和城乡建设局"),
    Department("水利局", ("水务局", "水利和水务局", "水资源局"), "县水利局"),
    Department("交通局", ("交通运输局", "交运局"), "县交通运输局"),
    Department("自然资源局", ("自然资源和规划局", "国土资源局", "规划和自然资源局", "自然资源和林业局"), "县自然资源局"),
    Department("生态环境局", ("环保局", "生态环境分局", "环境保护局"), "县生态环境局"),
    Department("财政局", (), "县财政局"),
    Department("发改局", ("发展和改革局", "发展改革局", "发改委", "发展和改革委员会"), "县发展和改革局"),
    Department("文旅局", ("文化和旅游局", "文化旅游局", "文体旅游局", "文化广电和旅游局", "文广旅局", "文旅广体局"), "县文化和旅游局"),
    Department("商务局", ("商务和经合局", "商务和经济合作局", "商经局", "商务和投资促进局"), "县商务局"),
    Department("残联", ("残疾人联合会",), "县残疾人联合会"),
    Department("妇联", ("妇女联合会",), "县妇女联合会"),
    Department("公安局", (), "县公安局"),
    Department("司法局", (), "县司法局"),
    Department("组织部", ("委组织部",), "县委组织部"),
    Department("宣传部", ("委宣传部",), "县委宣传部"),
    Department("政法委", ("委政法委",), "县委政法委"),
    Department("统计局", (), "县统计局"),
    Department("林业局", ("林草局", "林业和草原局"), "县林业局"),
    Department("市场监管局", ("市场监督管理局", "市场监管分局"), "县市场监督管理局"),
    Department("城管局", ("城市管理局", "综合行政执法局", "城市管理综合行政执法局"), "县城市管理局"),
    Department("行政审批局", ("行政审批服务局", "政务服务局"), "县行政审批服务局"),
    Department("应急局", ("应急管理局",), "县应急管理局"),
    Department("退役军人事务局", ("退役军人局",), "县退役军人事务局"),
    Department("供销社", ("供销合作社", "供销合作社联合社"), "县供销合作社"),
    Department("金融服务中心", ("金融办", "地方金融监督管理局", "金融工作局"), "县金融服务中心"),
    Department("县委办", ("委办公室", "县委办公室"), "县委办公室"),
    Department("政府办", ("政府办公室", "县政府办", "县政府办公室"), "县人民政府办公室"),
    Department("团县委", ("共青团县委",), "共青团县委员会"),
    Department("科协", ("科学技术协会",), "县科学技术协会"),
    Department("科技局", ("科学技术局",), "县科学技术局"),
    Department("工信局", ("工业和信息化局", "经济和信息化局", "经信局"), "县工业和信息化局"),
    Department("新时代文明实践中心", (), "县新时代文明实践中心"),
    Department("供电公司", ("供电分公司", "国网供电公司"), "县供电公司"),
)  # fmt: skip

# Prefixes that say whose office it is, not which office: 县, 县委, 县政府, 中共xx县委 …
_PREFIX = re.compile(r"^(中共)?(\S{0,6}?(县|区|市|旗))?(人民政府|政府|委员会)?")
_NOISE = re.compile(r"[\s\u3000（）()〔〕\[\]【】“”\"'：:，,。.;；、]")


def normalise(name: str) -> str:
    return _NOISE.sub("", name or "")


def _variants(name: str) -> list[str]:
    text = normalise(name)
    out = [text]
    stripped = _PREFIX.sub("", text, count=1)
    if stripped and stripped != text:
        out.append(stripped)
    for lead in ("县委", "县政府", "县", "区", "市"):
        if text.startswith(lead) and len(text) > len(lead) + 1:
            out.append(text[len(lead) :])
    return out


def resolve(name: str, catalog: Iterable[Department] = DEFAULT_DEPARTMENTS) -> str | None:
    """The canonical name of the department `name` refers to, or None when it is not one we know."""
    table: dict[str, str] = {}
    for department in catalog:
        for written in (department.name, department.full_name, *department.aliases):
            if written:
                table.setdefault(normalise(written), department.name)
    for candidate in _variants(name):
        if candidate in table:
            return table[candidate]
        for prefix in ("县委", "县政府", "县"):
            if prefix + candidate in table:
                return table[prefix + candidate]
    return None
