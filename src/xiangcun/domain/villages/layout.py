"""Layout rules (村庄布局): the plan's settlement rules as checks that report, with reasons, and never change data.

- `population`: which villages a rule such as "人口规模800人以上保留或扩大" keeps;
- `central`: how many rural people each 中心村 serves, against the plan's range (10 000–12 000 in 交城). Villages go to
  the 中心村 of their own township (the nearest by the tree); with several 中心村 in one township a village goes to the one
  with the nearest statistical code (codes are handed out along the map), unless an explicit list says otherwise;
- `exclusive`: villages in two lists that exclude each other (先行示范村 and 重点帮扶村), and merged villages still named
  in a list.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .names import place_key

KINDS = {
    "population": "人口规模保留或扩大",
    "central": "中心村服务人口",
    "exclusive": "相互矛盾的名单",
}


@dataclass
class Village:
    id: int
    code: str
    name: str
    township_code: str
    township: str
    population: int | None
    community: bool = False
    classes: dict[str, str] = field(default_factory=dict)  # class → where the plan says so ("某规划 第N行")
    merged_into: str = ""  # the village it was merged into, for the reason's text
    retired_on: dt.date | None = None  # merged away on this day: no longer a village of its own


@dataclass
class Rule:
    name: str
    kind: str
    threshold: int | None = None
    class_name: str = ""
    other_class: str = ""
    low: int | None = None
    high: int | None = None
    assignment: str = ""  # explicit 中心村 → villages, one 中心村 a line: "甲村：乙村、丙村"


@dataclass
class Finding:
    rule: str
    township: str
    village: str
    code: str
    verdict: str
    ok: bool | None  # None: cannot tell (a figure is missing)
    figure: int | None
    reason: str
    village_id: int | None = None


def check(rule: Rule, villages: Iterable[Village]) -> tuple[list[Finding], list[str]]:
    """Run one rule; returns the findings and the problems of the rule's own settings (in Chinese)."""
    current = [v for v in villages]
    if rule.kind == "population":
        if rule.threshold is None:
            return [], ["请填写人口规模下限"]
        return population(rule, current), []
    if rule.kind == "central":
        return central(rule, current)
    if rule.kind == "exclusive":
        return exclusive(rule, current), []
    return [], [f"未知的规则类型：{rule.kind}"]


def population(rule: Rule, villages: list[Village]) -> list[Finding]:
    threshold = rule.threshold or 0
    found = []
    for v in _active(villages):
        if v.community:
            continue
        if v.population is None:
            verdict, ok, reason = "无法判断", None, "区划中没有这个村的户籍人口"
        elif v.population >= threshold:
            verdict, ok = "保留或扩大", True
            reason = f"户籍人口 {v.population} 人，不少于 {threshold} 人"
        else:
            verdict, ok = "不满足本条", False
            reason = f"户籍人口 {v.population} 人，少于 {threshold} 人（是否保留还要看规划的其他条件）"
        found.append(_finding(rule, v, verdict, ok, v.population, reason))
    return found


def parse_assignment(text: str, villages: list[Village]) -> tuple[dict[int, list[int]], list[str]]:
    """An explicit list "中心村：村、村" per line → {中心村 id: [village ids]}; names or codes, township optional."""
    by_key: dict[str, list[Village]] = {}
    for v in villages:
        by_key.setdefault(v.code, []).append(v)
        by_key.setdefault(place_key(v.name), []).append(v)
        by_key.setdefault(place_key(v.township) + "/" + place_key(v.name), []).append(v)
    errors: list[str] = []

    def one(token: str, number: int) -> Village | None:
        token = token.strip()
        if token.isdigit():
            key = token
        elif "/" in token or "·" in token:
            township, _, name = token.replace("·", "/").partition("/")
            key = place_key(township) + "/" + place_key(name)
        else:
            key = place_key(token)
        matches = by_key.get(key, [])
        if len(matches) == 1:
            return matches[0]
        errors.append(
            f"第{number}行：「{token}」"
            + ("有重名，请写成 乡镇/村 或代码" if matches else "在区划中没有找到")
        )
        return None

    result: dict[int, list[int]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = re.match(r"^([^：:]+)[：:](.*)$", line.strip())
        if match is None:
            errors.append(f"第{number}行：应写成「中心村：村、村」")
            continue
        head, rest = match.groups()
        center = one(head, number)
        members = [one(t, number) for t in re.split(r"[、，,；;\s]+", rest) if t.strip()]
        if center is not None:
            result[center.id] = [m.id for m in members if m is not None]
    return result, errors


def central(rule: Rule, villages: list[Village]) -> tuple[list[Finding], list[str]]:
    active = _active(villages)
    centers = [v for v in active if rule.class_name in v.classes]
    explicit, errors = parse_assignment(rule.assignment, active) if rule.assignment.strip() else ({}, [])
    if errors:
        return [], errors
    served: dict[int, list[Village]] = {c.id: [c] for c in centers}
    taken = {c.id for c in centers}
    by_id = {v.id: v for v in active}
    for center_id, members in explicit.items():
        if center_id not in served:
            errors.append(f"「{by_id[center_id].name}」不在「{rule.class_name}」名单中")
            continue
        for member in members:
            if member not in taken:
                served[center_id].append(by_id[member])
                taken.add(member)
    if errors:
        return [], errors
    uncovered: dict[str, list[Village]] = {}
    by_township: dict[str, list[Village]] = {}
    for c in centers:
        by_township.setdefault(c.township_code, []).append(c)
    for v in active:
        if v.id in taken or v.community:
            continue
        own = by_township.get(v.township_code, [])
        if not own:
            uncovered.setdefault(v.township, []).append(v)
            continue
        nearest = min(
            own,
            key=lambda c: (
                abs(int(c.code) - int(v.code)) if c.code.isdigit() and v.code.isdigit() else 0,
                c.code,
            ),
        )
        served[nearest.id].append(v)
    found = []
    for c in centers:
        members = served[c.id]
        missing = [m.name for m in members if m.population is None]
        people = sum(m.population or 0 for m in members)
        names = "、".join(m.name for m in members[:12]) + ("等" if len(members) > 12 else "")
        how = "按名单" if c.id in explicit else "按所在乡镇就近"
        reason = f"{how}服务 {len(members)} 个村（{names}），农村人口 {people} 人"
        if missing:
            reason += f"；{len(missing)} 个村缺少人口（{'、'.join(missing[:5])}）"
        low, high = rule.low, rule.high
        if low is not None and people < low:
            verdict, ok = "低于规划范围", False
        elif high is not None and people > high:
            verdict, ok = "高于规划范围", False
        else:
            verdict, ok = "在规划范围内", True
        if missing:
            ok = None if ok else ok
        reason += f"；规划要求 {low or '—'}—{high or '—'} 人"
        found.append(_finding(rule, c, verdict, ok, people, reason))
    for township, rest in uncovered.items():
        people = sum(v.population or 0 for v in rest)
        found.append(
            Finding(
                rule.name, township, "（未覆盖的村）", "", "没有中心村", False, people,
                f"{township}没有「{rule.class_name}」，{len(rest)} 个村、农村人口 {people} 人未被任何中心村覆盖",
            )
        )  # fmt: skip
    return found, []


def exclusive(rule: Rule, villages: list[Village]) -> list[Finding]:
    found = []
    for v in villages:
        if v.retired_on is not None:
            for name, source in v.classes.items():
                if rule.class_name in (name, "") or rule.other_class in (name, ""):
                    found.append(
                        _finding(
                            rule,
                            v,
                            "已撤并仍在名单",
                            False,
                            None,
                            f"已于 {v.retired_on} 并入{v.merged_into or '其他村'}，但仍列入「{name}」（{source}）",
                        )
                    )
            continue
        if rule.class_name in v.classes and rule.other_class in v.classes:
            reason = (
                f"同时列入「{rule.class_name}」（{v.classes[rule.class_name]}）"
                f"和「{rule.other_class}」（{v.classes[rule.other_class]}）"
            )
            found.append(_finding(rule, v, "名单矛盾", False, None, reason))
    return found


def _active(villages: list[Village]) -> list[Village]:
    return [v for v in villages if v.retired_on is None]


def _finding(
    rule: Rule, v: Village, verdict: str, ok: bool | None, figure: int | None, reason: str
) -> Finding:
    return Finding(rule.name, v.township, v.name, v.code, verdict, ok, figure, reason, v.id)


COLUMNS = ["规则", "乡镇", "村", "代码", "结论", "数值", "理由"]


def rows(findings: Iterable[Finding]) -> list[list[object]]:
    """Findings as export rows under COLUMNS."""
    return [[f.rule, f.township, f.village, f.code, f.verdict, f.figure, f.reason] for f in findings]
