"""Tasks with their lead and cooperating departments: paragraphs ending in 〔牵头部门:…;配合部门:…〕, and
task-breakdown tables (任务 | 量化目标 | 责任单位/责任科室 | 配合单位 | 时限).

Every task has the same fields: number, title, lead, cooperating, goal (the quantified goal as written),
value and unit (its first number), deadline (as written)."""

from __future__ import annotations

import re
from typing import Any

from ..departments import resolve
from .document import Block, Document
from .numbers import normalise_minus
from .outline import PATTERNS

_ROLES = re.compile(
    r"[〔【\[（(]?\s*(?P<role>牵头(?:单位|部门|科室)?|责任(?:单位|部门|科室)|主责(?:单位|部门)|配合(?:单位|部门|科室)?|协办(?:单位|部门)?|参与(?:单位|部门))"
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
    first_is_lead = (
        _FIRST_IS_LEAD.search("\n".join(b.text for b in document.blocks if not b.is_row)) is not None
    )
    tables = {id(rows[0]): rows for rows in document.tables().values()}
    tasks: list[dict[str, Any]] = []
    for block in document.blocks:
        if id(block) in tables:
            tasks.extend(_table_tasks(tables[id(block)], first_is_lead))
            continue
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
            goal, value, unit = _goal(_ROLES_BRACKET.sub("", text), clause=True)
            tasks.append(
                {
                    "number": number,
                    "title": title,
                    "lead": lead,
                    "cooperating": cooperating,
                    "goal": goal,
                    "value": value,
                    "unit": unit,
                    "deadline": None,
                }
            )
    return tasks


_FIRST_IS_LEAD = re.compile(
    r"(排|列)在?(第一|首)(位|个)的?(单位|部门|科室)?为牵头|第一(个|家)?(单位|部门|科室)为牵头"
)
_TASK_WORDS = (
    "任务",
    "工作内容",
    "重点工作",
    "工作事项",
    "主要内容",
    "具体内容",
    "工作措施",
    "具体措施",
    "事项",
)
_LEAD_WORDS = (
    "责任单位",
    "责任部门",
    "责任科室",
    "牵头单位",
    "牵头部门",
    "牵头科室",
    "主责单位",
    "责任领导",
    "承办单位",
    "责任股室",
)
_COOPERATE_WORDS = ("配合", "协办", "参与")
_GOAL_WORDS = ("量化目标", "目标任务", "年度目标", "工作目标", "预期目标", "目标", "完成指标", "指标")
_DEADLINE_WORDS = ("时限", "完成时间", "时间节点", "进度安排", "完成期限", "时间")
_QUANTITY = re.compile(
    r"(?P<num>-?\d+(?:\.\d+)?)\s*(?P<unit>个百分点|%|％|‰|(?:万|亿)?(?:元/人|元|人次|人|亩|平方米|平方公里|公里|千米|米|吨|头|只|"
    r"户次|个|座|户|所|家|处|条|项|村|次|场|期|名|套|台|辆|间|栋|块|张|种|批|支|队|件|份|册|部|本|口|眼|宗|盏|站|园|袋|株|棵|"
    r"立方米|千瓦|床|类|册))"
)


_LEAD_HINT = re.compile("|".join(_LEAD_WORDS))


def _header_columns(cells: list[str]) -> dict[str, int] | None:
    if not any(_LEAD_HINT.search(c) for c in cells if len(c) <= 40):
        return None  # no 责任单位 column: not a task table (the common case, decided quickly)
    columns: dict[str, int] = {}
    for index, raw in enumerate(cells):
        text = re.sub(r"\s+", "", raw)
        if not text:
            continue
        if text in ("序号", "编号", "序") and "seq" not in columns:
            columns["seq"] = index
        elif any(w in text for w in _COOPERATE_WORDS) and "cooperating" not in columns:
            columns["cooperating"] = index
        elif any(w in text for w in _LEAD_WORDS) and "lead" not in columns:
            columns["lead"] = index
        elif any(w in text for w in _DEADLINE_WORDS) and "deadline" not in columns:
            columns["deadline"] = index
        elif any(w in text for w in _GOAL_WORDS) and "goal" not in columns and "title" in columns:
            columns["goal"] = index
        elif any(w in text for w in _TASK_WORDS) and "title" not in columns:
            columns["title"] = index
        elif text in ("类别", "分类", "领域", "类型", "板块") and "category" not in columns:
            columns["category"] = index
    if "title" in columns and "lead" in columns:
        return columns
    return None


def _table_tasks(rows: list[Block], first_is_lead: bool) -> list[dict[str, Any]]:
    header_at = next((k for k, b in enumerate(rows[:3]) if _header_columns(b.cells or [])), None)
    if header_at is None:
        return []
    columns = _header_columns(rows[header_at].cells or []) or {}
    header = [re.sub(r"\s+", "", c) for c in rows[header_at].cells or []]
    tasks: list[dict[str, Any]] = []

    def cell(cells: list[str], key: str) -> str:
        index = columns.get(key)
        return (cells[index] or "").strip() if index is not None and index < len(cells) else ""

    for block in rows[header_at + 1 :]:
        cells = block.cells or []
        if [re.sub(r"\s+", "", c) for c in cells] == header:
            continue
        title_text = re.sub(r"\s*\n\s*", "", cell(cells, "title"))
        lead_text = cell(cells, "lead")
        if not title_text or not lead_text:
            continue  # a section row (一、产业振兴) or an empty row
        lead, cooperating = _departments(lead_text, first_is_lead and "cooperating" not in columns)
        for name in split_names(cell(cells, "cooperating").replace("\n", "、")):
            if name not in cooperating and name not in lead:
                cooperating.append(name)
        goal_text = re.sub(r"\s*\n\s*", "", cell(cells, "goal")) or None
        goal, value, unit = _goal(goal_text or title_text)
        number = re.sub(r"\s+", "", cell(cells, "seq"))
        title = re.split(r"[。；;]", title_text, maxsplit=1)[0][:80]
        previous = tasks[-1] if tasks else None
        if previous is not None and (previous["number"], previous["title"]) == (number, title):
            # a merged task cell over several rows: one task with each row's goal
            if goal_text:
                previous["goal"] = "；".join(x for x in (previous["goal"], goal_text) if x)
            continue
        tasks.append(
            {
                "number": number,
                "title": title,
                "lead": lead,
                "cooperating": cooperating,
                "goal": goal_text if goal_text is not None else goal,
                "value": value,
                "unit": unit,
                "deadline": re.sub(r"\s+", "", cell(cells, "deadline")) or None,
            }
        )
    return tasks


def _departments(text: str, first_is_lead: bool) -> tuple[list[str], list[str]]:
    """A 责任单位 cell: `牵头：…；配合：…`, names marked （牵头）, or a plain list (the first leads when the
    document says so; otherwise every listed unit is responsible)."""
    flat = text.replace("\n", "、")
    if _ROLES.search(flat):
        lead: list[str] = []
        cooperating: list[str] = []
        for match in _ROLES.finditer(flat):
            names = _rejoin_brackets(split_names(match.group("names")))
            (lead if match.group("role").startswith(("牵头", "责任", "主责")) else cooperating).extend(names)
        return lead, cooperating
    names = _rejoin_brackets(split_names(flat))
    marked = [n for n in names if re.search(r"[（(]牵头[）)]$", n)]
    if marked:
        lead = [re.sub(r"[（(]牵头[）)]$", "", n) for n in marked]
        return lead, [re.sub(r"[（(]配合[）)]$", "", n) for n in names if n not in marked]
    if first_is_lead and len(names) > 1:
        return names[:1], names[1:]
    return names, []


_ROLES_BRACKET = re.compile(r"[〔【\[（(]\s*(?:牵头|责任|主责)(?:单位|部门)?\s*[:：].*$")


def _goal(text: str | None, clause: bool = False) -> tuple[str | None, float | None, str | None]:
    """The first quantity of a goal: (the text it stands in — with `clause`, only its clause —, its
    number, its unit)."""
    if not text:
        return None, None, None
    text = normalise_minus(text)
    match = _QUANTITY.search(text)
    if match is None:
        return None, None, None
    if clause:
        start = max(text.rfind(c, 0, match.start()) for c in "。；;，,：:") + 1
        ends = [e for e in (text.find(c, match.end()) for c in "。；;，,") if e >= 0]
        text = text[start : min(ends) if ends else len(text)]
    return text.strip(), float(match.group("num")), match.group("unit").replace("％", "%")


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
