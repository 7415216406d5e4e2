"""Numbered tasks with their lead and cooperating departments (〔牵头部门:…;配合部门:…〕 and similar)."""

from __future__ import annotations

import re
from typing import Any

from ..departments import resolve
from .document import Document
from .outline import PATTERNS

_ROLES = re.compile(
    r"[〔【\[（(]?\s*(?P<role>牵头(?:单位|部门)?|责任(?:单位|部门)|主责(?:单位|部门)|配合(?:单位|部门)|协办(?:单位|部门)|参与(?:单位|部门))"
    r"\s*[:：]\s*(?P<names>(?:[^;；〔〕【】\[\]（）()]|[（(][^（）()]{0,12}[）)])*)"
)
_SEPARATORS = re.compile(r"[、，,/]|以及|和(?=[^\s]{2,}(?:局|部|委|办|会|中心|公司|院|社|所|队)$)")
_NOT_DEPARTMENT = re.compile(r"^(各|有关|相关|其他|县直)")


def split_names(text: str) -> list[str]:
    names = []
    for part in re.split(r"[、，,；;/]", text or ""):
        part = part.strip().strip("。．.")
        if part:
            names.append(part)
    return names


def _is_department(name: str) -> bool:
    """Collective phrases (各镇(街道), 有关部门) are kept as written but are not departments."""
    return resolve(name) is not None or not _NOT_DEPARTMENT.match(name)


def extract_tasks(document: Document) -> list[dict[str, Any]]:
    tasks: list[dict[str, Any]] = []
    for block in document.blocks:
        text = block.text if not block.is_row else ""
        if not text or not _ROLES.search(text):
            continue
        number, title = _number_and_title(text)
        lead: list[str] = []
        cooperating: list[str] = []
        for match in _ROLES.finditer(text):
            names = split_names(match.group("names").replace("(", "（").replace(")", "）"))
            names = _rejoin_brackets(names)
            target = lead if match.group("role").startswith(("牵头", "责任", "主责")) else cooperating
            target.extend(n for n in names if n not in target)
        if lead or cooperating:
            tasks.append({"number": number, "title": title, "lead": lead, "cooperating": cooperating})
    return tasks


def _rejoin_brackets(names: list[str]) -> list[str]:
    """`各镇（街道）` was split at nothing, but `各镇（街道` + `）` style leftovers are glued back."""
    out: list[str] = []
    for name in names:
        if out and out[-1].count("（") > out[-1].count("）"):
            out[-1] += "、" + name
        else:
            out.append(name)
    return out


def _number_and_title(text: str) -> tuple[str, str]:
    for _, pattern in PATTERNS:
        match = pattern.match(text)
        if match:
            rest = match.group(2)
            title = re.split(r"[。：:；;〔【]", rest, maxsplit=1)[0].strip()
            return match.group(1), title[:80]
    title = re.split(r"[。：:；;〔【]", text, maxsplit=1)[0].strip()
    return "", title[:80]
