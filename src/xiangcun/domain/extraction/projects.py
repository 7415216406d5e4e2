"""Items of 专栏 boxes that carry a quantity: a length in 公里 or an investment in 万元/亿元."""

from __future__ import annotations

import re
from typing import Any

from .document import Document
from .outline import heading

_BOX = re.compile(r"^专栏\s*[\d一二三四五六七八九十]+")
_QUANTITY = re.compile(
    r"(?P<name>[^，,；;。：:、]{1,39}[\u4e00-\u9fff”）)])\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>公里|千米|km|亿元|万元)"
)
_BOX_OF_PROJECTS = re.compile(r"工程|项目|行动|建设|计划")
_GENERIC_INVESTMENT = re.compile(r"^(总投资|投资|计划投资|估算投资|概算投资|预计投资)(约|为)?$")
_NOT_A_PROJECT = re.compile(r"收入|产值|零售额|销售额|营业额|限额|标准|补助|补贴|救助|报销|资助|费用")


def extract_projects(document: Document) -> list[dict[str, Any]]:
    projects: list[dict[str, Any]] = []
    box: str | None = None
    for block in document.blocks:
        text = block.text if not block.is_row else " ".join(block.cells or [])
        if not block.is_row and _BOX.match(text):
            box = text if _BOX_OF_PROJECTS.search(text) else None  # policy boxes carry amounts, not projects
            continue
        if box is None:
            continue
        if not block.is_row and heading(text) and heading(text)[0] <= 4 and len(text) <= 40:  # type: ignore[index]
            box = None  # the box ends where the next section starts
            continue
        for clause in re.split(r"[；;。]", text):
            if _NOT_A_PROJECT.search(clause):
                continue
            current: dict[str, Any] | None = None
            for match in _QUANTITY.finditer(clause):
                value = float(match.group("num"))
                unit = match.group("unit")
                name = match.group("name").strip("，, ")
                if unit in ("亿元", "万元"):
                    amount = value * 10000 if unit == "亿元" else value
                    if (
                        current is not None
                        and _GENERIC_INVESTMENT.search(name)
                        and current["investment_wan_yuan"] is None
                    ):
                        current["investment_wan_yuan"] = (
                            amount  # "…35公里，总投资1.2亿元" belongs to the item before
                        )
                        continue
                    current = {"box": box, "name": name, "length_km": None, "investment_wan_yuan": amount}
                else:
                    current = {"box": box, "name": name, "length_km": value, "investment_wan_yuan": None}
                current["quote"] = clause.strip()
                projects.append(current)
    return projects
