"""The asset ledger's vocabulary and the warning list (扶贫项目资产台账).

永和's plan asks for "资产家底清晰、产权归属明晰、类型界定科学、管护主体明确、运行管理规范" and
"分类分部门建立动态管理台账"; the categories, owners, operating modes and states below are those of the
national guidance on 扶贫项目资产管理 (国务院扶贫办等 2021) as the issue lists them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

CATEGORIES = ("经营性", "公益性", "到户类")
INCOME_CATEGORY = "经营性"
OWNER_TYPES = ("村集体经济组织", "乡镇", "县直部门", "农户")
OTHER_OWNER = "其他主体"
OPERATING_MODES = ("承包", "托管", "租赁", "合作", "独资", "自营")
STATES = ("正常运营", "闲置", "损毁", "已处置")
DISPOSED = "已处置"
PROBLEM_STATES = ("闲置", "损毁")

# What a project type usually forms (a draft asset's category before 确权; staff may change it).
CATEGORY_BY_PROJECT_TYPE = {
    "产业发展": "经营性",
    "就业增收": "公益性",
    "乡村建设": "公益性",
    "易地搬迁后续扶持": "经营性",
    "乡村治理": "公益性",
    "其他": "公益性",
}


def owner_type(owner: str) -> str:
    """The kind of 产权主体: one of OWNER_TYPES when the text names it (or ends with it), else 其他主体.

    "甲一村股份经济合作社" and "甲一村集体经济组织" count as 村集体经济组织; "甲镇人民政府" as 乡镇.
    """
    text = owner.strip()
    if not text:
        return ""
    if text in OWNER_TYPES:
        return text
    if text.endswith(("集体经济组织", "经济合作社", "股份经济合作社", "经济联合社", "村民委员会", "村委会")):
        return "村集体经济组织"
    if text.endswith(("镇人民政府", "乡人民政府", "街道办事处")):
        return "乡镇"
    if text.endswith(("局", "委员会", "办公室", "中心")):
        return "县直部门"
    if text.startswith("农户") or text.endswith("等农户"):
        return "农户"
    return OTHER_OWNER


@dataclass(frozen=True)
class Warning:
    """One entry of the warning list: which asset, which rule, and what to do, in Chinese."""

    code: str
    rule: str
    message: str


WARNING_RULES = {
    "NO_OPERATOR": "经营性资产未明确经营方式",
    "NO_CUSTODIAN": "公益性资产未落实管护责任人",
    "IDLE": "资产闲置",
    "DAMAGED": "资产损毁",
}


def warnings_for(asset: Mapping[str, Any]) -> list[Warning]:
    """The warnings of one asset (a mapping with code, category, operating_mode, custodian_person, state).

    Disposed assets and drafts not yet confirmed give none: they are no longer (or not yet) in operation.
    """
    if asset.get("state") == DISPOSED or asset.get("draft"):
        return []
    code = str(asset.get("code", ""))
    out = []
    if asset.get("category") == INCOME_CATEGORY and not asset.get("operating_mode"):
        out.append(
            Warning(
                code,
                "NO_OPERATOR",
                "经营性资产未明确经营方式（承包、托管、租赁、合作、独资或自营），请落实经营主体",
            )
        )
    if asset.get("category") == "公益性" and not str(asset.get("custodian_person", "")).strip():
        out.append(Warning(code, "NO_CUSTODIAN", "公益性资产未落实管护责任人，请明确到人"))
    if asset.get("state") == "闲置":
        out.append(Warning(code, "IDLE", "资产闲置，请盘活利用或按程序处置"))
    if asset.get("state") == "损毁":
        out.append(Warning(code, "DAMAGED", "资产损毁，请及时维修或按程序报批处置"))
    return out


def warning_list(assets: Iterable[Mapping[str, Any]]) -> list[Warning]:
    return [w for asset in assets for w in warnings_for(asset)]
