"""Yearly scorecards (考核) of departments and townships, explained line by line.

Each item turns counts the system already keeps into a 0–100 score with the sentence that shows the
arithmetic; the total is the weighted mean over the items that have data (an item without data — no
targets owned, no task due — is left out and its weight shared by the others in proportion). The
method, the defaults and a worked example are in docs/assessment.md (部门和乡镇考核).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

# Points of each assessment status (xiangcun.domain.assessment) in the target-progress item.
STATUS_POINTS: dict[str, float] = {
    "已达标": 100.0,
    "正常推进": 100.0,
    "进度偏慢": 60.0,
    "严重滞后": 30.0,
    "倒退": 0.0,
    "未达标": 0.0,
}
NO_DATA_STATUS = "数据不足"

ITEMS: dict[str, str] = {
    "targets": "指标目标进度",
    "tasks_on_time": "任务按时完成",
    "task_reports": "任务进度按期报送",
    "data_timeliness": "数据按期报送",
    "data_returns": "数据一次通过（退回率）",
    "case_steps": "监测帮扶步骤按时办理",
    "rechecks": "风险消除户回头看",
    "projects": "项目按期完工",
}
DEPARTMENT_ITEMS = ("targets", "tasks_on_time", "task_reports", "data_timeliness", "data_returns")
TOWNSHIP_ITEMS = (*DEPARTMENT_ITEMS, "case_steps", "rechecks", "projects")

# Defaults (reasoning in docs/assessment.md): results first (targets and tasks), then the work that
# produces them; for townships the monitoring of households weighs as much as the indicators.
DEFAULT_WEIGHTS: dict[str, dict[str, float]] = {
    "department": {"targets": 35, "tasks_on_time": 30, "task_reports": 15, "data_timeliness": 10,
                   "data_returns": 10},
    "township": {"targets": 25, "tasks_on_time": 10, "task_reports": 10, "data_timeliness": 10,
                 "data_returns": 5, "case_steps": 20, "rechecks": 5, "projects": 15},
}  # fmt: skip
KINDS = {"department": "部门", "township": "乡镇"}


@dataclass
class Facts:
    """What the system knows about one unit in one year (counts; a zero denominator means no data)."""

    unit: str
    target_statuses: list[str] = field(default_factory=list)
    tasks_due: int = 0
    tasks_on_time: int = 0
    reports_due: int = 0
    reports_on_time: int = 0
    data_due: int = 0
    data_on_time: int = 0
    data_reported: int = 0
    data_returned: int = 0
    steps_pending: int = 0
    steps_overdue: int = 0
    rechecks_due: int = 0
    rechecks_done: int = 0
    projects_due: int = 0
    projects_done: int = 0
    key: object = None  # the caller's id for the unit


@dataclass(frozen=True)
class Line:
    code: str
    label: str
    score: float | None
    weight: float
    explanation: str


@dataclass
class Scorecard:
    unit: str
    kind: str
    lines: list[Line]
    score: float | None
    explanation: str
    key: object = None
    rank: int | None = None
    best_rank: int | None = None
    worst_rank: int | None = None


def _fmt(x: float) -> str:
    return f"{x:.1f}"


def _share(label: str, done: int, total: int, what: str, done_word: str) -> tuple[float | None, str]:
    if total <= 0:
        return None, f"{label}：没有{what}，不计分"
    score = done / total * 100
    return (
        score,
        f"{label}：{what} {total} 项，{done_word} {done} 项；得分 = {done} ÷ {total} × 100 = {_fmt(score)}",
    )


def _failure(label: str, bad: int, total: int, what: str, bad_word: str) -> tuple[float | None, str]:
    if total <= 0:
        return None, f"{label}：没有{what}，不计分"
    score = (1 - bad / total) * 100
    return score, (
        f"{label}：{what} {total} 项，{bad_word} {bad} 项；得分 = (1 − {bad} ÷ {total}) × 100 = {_fmt(score)}"
    )


def target_line(statuses: Sequence[str]) -> tuple[float | None, str]:
    label = ITEMS["targets"]
    scored = [s for s in statuses if s in STATUS_POINTS]
    skipped = len(statuses) - len(scored)
    note = f"（{NO_DATA_STATUS} {skipped} 项不计）" if skipped else ""
    if not scored:
        return None, f"{label}：没有可评估的目标{note}，不计分"
    counts = {s: scored.count(s) for s in STATUS_POINTS if s in scored}
    parts = "、".join(f"{s} {n}" for s, n in counts.items())
    terms = " + ".join(f"{n}×{STATUS_POINTS[s]:g}" for s, n in counts.items())
    score = sum(STATUS_POINTS[s] for s in scored) / len(scored)
    return (
        score,
        f"{label}：{len(scored)} 项目标，{parts}{note}；得分 = ({terms}) ÷ {len(scored)} = {_fmt(score)}",
    )


def item_scores(facts: Facts) -> dict[str, tuple[float | None, str]]:
    """Every item's (score or None, explanation)."""
    return {
        "targets": target_line(facts.target_statuses),
        "tasks_on_time": _share(ITEMS["tasks_on_time"], facts.tasks_on_time, facts.tasks_due,
                                "到期任务", "按时完成"),
        "task_reports": _share(ITEMS["task_reports"], facts.reports_on_time, facts.reports_due,
                               "应报进度", "按期报送"),
        "data_timeliness": _share(ITEMS["data_timeliness"], facts.data_on_time, facts.data_due,
                                  "应报数据", "按期报送"),
        "data_returns": _failure(ITEMS["data_returns"], facts.data_returned, facts.data_reported,
                                 "已报数据", "被退回过"),
        "case_steps": _failure(ITEMS["case_steps"], facts.steps_overdue, facts.steps_pending,
                               "在办步骤", "超期"),
        "rechecks": _share(ITEMS["rechecks"], facts.rechecks_done, facts.rechecks_due,
                           "到期回头看", "已完成"),
        "projects": _share(ITEMS["projects"], facts.projects_done, facts.projects_due,
                           "应完工项目", "已完工"),
    }  # fmt: skip


def check_weights(weights: Mapping[str, float], kind: str) -> dict[str, float]:
    """A county's weights for `kind`, missing items at their default; raises ValueError (Chinese)."""
    if kind not in DEFAULT_WEIGHTS:
        raise ValueError(f"未知的考核对象「{kind}」，应为 department 或 township")
    unknown = [k for k in weights if k not in DEFAULT_WEIGHTS[kind]]
    if unknown:
        raise ValueError(f"{KINDS[kind]}考核没有这些项目：{'、'.join(unknown)}")
    merged = {**DEFAULT_WEIGHTS[kind], **{k: float(v) for k, v in weights.items()}}
    if any(v < 0 for v in merged.values()):
        raise ValueError("权重不能为负数")
    if sum(merged.values()) <= 0:
        raise ValueError("权重不能全为 0")
    return merged


def weighted(scores: Mapping[str, tuple[float | None, str]], weights: Mapping[str, float]) -> float | None:
    """The total of `combine` without its sentence (ranks over many weightings need only the number)."""
    used = [(scores[k][0], w) for k, w in weights.items() if w > 0 and scores[k][0] is not None]
    if not used:
        return None
    return sum(s * w for s, w in used) / sum(w for _, w in used)  # type: ignore[operator]


def combine(
    scores: Mapping[str, tuple[float | None, str]], weights: Mapping[str, float]
) -> tuple[float | None, str]:
    """Weighted mean over the items with a score; the sentence that shows it."""
    used = [(k, scores[k][0], w) for k, w in weights.items() if w > 0 and scores[k][0] is not None]
    if not used:
        return None, "总分：没有可计分的项目"
    total_weight = sum(w for _, _, w in used)
    score = sum(s * w for _, s, w in used) / total_weight  # type: ignore[operator]
    terms = " + ".join(f"{w:g}×{_fmt(s)}" for _, s, w in used)  # type: ignore[arg-type]
    left = [ITEMS[k] for k, w in weights.items() if w > 0 and scores[k][0] is None]
    note = f"（{'、'.join(left)}无数据，其权重按比例分给其余项目）" if left else ""
    return score, f"总分 = ({terms}) ÷ {total_weight:g} = {_fmt(score)}{note}"


def scorecard(facts: Facts, kind: str, weights: Mapping[str, float] | None = None) -> Scorecard:
    return _scorecard(facts, kind, item_scores(facts), check_weights(weights or {}, kind))


def _scorecard(
    facts: Facts, kind: str, scores: Mapping[str, tuple[float | None, str]], w: Mapping[str, float]
) -> Scorecard:
    lines = [Line(k, ITEMS[k], scores[k][0], w[k], scores[k][1]) for k in w]
    total, explanation = combine(scores, w)
    return Scorecard(facts.unit, kind, lines, total, explanation, key=facts.key)


def ranks(values: Sequence[float | None]) -> list[int | None]:
    """Competition ranks (1, 1, 3 …), higher score first; None has no rank."""
    ordered = sorted(v for v in values if v is not None)
    # 1 + how many score higher (beyond rounding noise), by bisection: hundreds of units × every scenario
    return [None if v is None else 1 + len(ordered) - bisect_right(ordered, v + 1e-9) for v in values]


def scenarios(kind: str, weights: Mapping[str, float]) -> list[tuple[str, dict[str, float]]]:
    """The weightings the rank range is computed over: the county's, equal weights, and each item
    doubled and left out in turn."""
    base = check_weights(weights, kind)
    out = [("本县权重", base), ("等权重", dict.fromkeys(base, 1.0))]
    for k in base:
        if base[k] > 0:
            out.append((f"{ITEMS[k]}加倍", {**base, k: base[k] * 2}))
            if sum(v for j, v in base.items() if j != k) > 0:
                out.append((f"不计{ITEMS[k]}", {**base, k: 0.0}))
    return out


def rank_all(
    facts: Sequence[Facts], kind: str, weights: Mapping[str, float] | None = None
) -> list[Scorecard]:
    """Scorecards ranked under the county's weights, each with its best and worst rank over `scenarios`."""
    weights = check_weights(weights or {}, kind)
    all_scores = [item_scores(f) for f in facts]  # once per unit: the sentences are most of the cost
    cards = [_scorecard(f, kind, s, weights) for f, s in zip(facts, all_scores, strict=True)]
    for card, rank in zip(cards, ranks([c.score for c in cards]), strict=True):
        card.rank = rank
    best, worst = _rank_range(all_scores, [w for _, w in scenarios(kind, weights)])
    for i, card in enumerate(cards):
        card.best_rank, card.worst_rank = best[i], worst[i]
    cards.sort(key=lambda c: (c.rank is None, c.rank or 0, c.unit))
    return cards


def _rank_range(
    all_scores: Sequence[Mapping[str, tuple[float | None, str]]], weightings: Sequence[Mapping[str, float]]
) -> tuple[list[int | None], list[int | None]]:
    """Each unit's best and worst rank over `weightings`: `weighted` and `ranks` for every weighting at
    once as arrays (400 townships × 18 weightings were 7 200 Python weighted means)."""
    codes = list(weightings[0]) if weightings else []
    n = len(all_scores)
    if not n or not codes:
        return [None] * n, [None] * n
    table = np.array(
        [[np.nan if s[k][0] is None else s[k][0] for k in codes] for s in all_scores], dtype=float
    )
    w = np.array([[ws[k] for k in codes] for ws in weightings], dtype=float).T  # items × weightings
    have = ~np.isnan(table)
    used = have.astype(float) @ w  # units × weightings: the weight of the items with a score
    with np.errstate(invalid="ignore", divide="ignore"):
        totals = np.where(used > 0, np.where(have, table, 0.0) @ w / np.where(used > 0, used, 1.0), np.nan)
    rank = np.zeros(totals.shape)
    for j in range(totals.shape[1]):  # competition ranks as in `ranks`: 1 + how many score higher
        column = totals[:, j]
        ordered = np.sort(column[~np.isnan(column)])
        rank[:, j] = 1 + len(ordered) - np.searchsorted(ordered, column + 1e-9, side="right")
    missing = np.isnan(totals)
    scored = ~missing.all(axis=1)
    low = np.where(missing, np.inf, rank).min(axis=1)
    high = np.where(missing, -np.inf, rank).max(axis=1)
    best = [int(v) if ok else None for v, ok in zip(low, scored, strict=True)]
    worst = [int(v) if ok else None for v, ok in zip(high, scored, strict=True)]
    return best, worst


def rank_under(facts: Sequence[Facts], kind: str, weights: Mapping[str, float]) -> list[int | None]:
    """Ranks (in the order of `facts`) under other weights, for the page's what-if form."""
    w = check_weights(weights, kind)
    return ranks([weighted(item_scores(f), w) for f in facts])
