"""The monitoring case workflow as a pure state machine: identification, assistance, risk elimination.

A warning (from a discovery channel or a screening rule) opens a case. The case goes through
入户核实 → 村内评议 → 村内公示 → 乡镇审核 → 县级审定 (the national procedure: 农户申报 / 干部排查 /
部门预警 → 入户核实 → 民主评议 → 村内公示 of at least 5 days → 乡镇初审 → 县级审定, generally within
15 days) to admit the household as a monitored household (category:
unstable / marginal / sudden hardship, with risk causes), then gets assistance measures from the
catalog of the plan's 专栏1, and goes through the same five steps again to clear the risk. Any step
may decline, with a reason: a declined identification ends the case (未纳入), a declined elimination
sends it back to assistance (帮扶).

Risk elimination may only start when income is stably above the threshold (no income rule fires for
the latest year and assistance has run for a minimum period), when schooling, medical insurance,
housing and water are secure, and never for a household in which nobody can work (整户无劳动力): such a
household stays monitored under social-security measures. Cleared households get a 回头看 date.

Each step needs its facts (`check_step`): the reason and findings of the visit, the date, attendance
and chair of the village meeting, the dates and objections of the public notice (which must last at
least `publicity_days` and be over before the case goes on), the township's and county's opinions. A
county may require that the steps of one case are done by different people (`separation_pairs`).

Everything here takes and returns plain values; the Django layer stores states and steps, and records
who acted and when.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

CHANNELS = ("农户自主申报", "基层干部排查", "部门筛查预警", "舆情信访预警", "帮扶结对预警", "筛查规则")
STEPS = ("入户核实", "村内评议", "村内公示", "乡镇审核", "县级审定")
VERIFY, REVIEW, PUBLICITY, TOWNSHIP, COUNTY = STEPS
# Phases: 识别 (identification steps) → 帮扶 (monitored, receiving assistance) → 消除 (elimination steps)
# → 已消除 (risk cleared); a declined identification ends in 未纳入.
IDENTIFYING, ASSISTING, ELIMINATING, CLEARED, DECLINED = "识别", "帮扶", "消除", "已消除", "未纳入"
PHASES = (IDENTIFYING, ASSISTING, ELIMINATING, CLEARED, DECLINED)
OPEN_PHASES = (IDENTIFYING, ASSISTING, ELIMINATING)
CATEGORIES = ("脱贫不稳定户", "边缘易致贫户", "突发严重困难户")
CATEGORY_CODES = {"脱贫不稳定户": "unstable", "边缘易致贫户": "marginal", "突发严重困难户": "sudden_hardship"}
CAUSES = ("因病", "因残", "因学", "因灾", "因意外", "缺劳动力", "缺技术", "缺资金", "务工就业不稳", "产业项目失败",
          "住房", "饮水", "其他")  # fmt: skip


@dataclass(frozen=True)
class AssistanceMeasure:
    name: str
    department: str  # the department that usually delivers it; a county may assign another
    description: str


# The assistance measures of plan 003's 专栏1 and the plan's 帮扶 paragraphs, by delivering department.
MEASURE_CATALOG: tuple[AssistanceMeasure, ...] = (
    AssistanceMeasure("小额信贷", "乡村振兴局", "脱贫人口小额信贷，支持发展生产"),
    AssistanceMeasure("雨露计划", "乡村振兴局", "脱贫家庭子女职业教育补助"),
    AssistanceMeasure("产业帮扶", "农业农村局", "特色种养、带动主体联农带农"),
    AssistanceMeasure("就业帮扶", "人社局", "技能培训、劳务输转、稳岗补贴"),
    AssistanceMeasure("公益性岗位", "人社局", "乡村公益性岗位托底安置"),
    AssistanceMeasure("以工代赈", "发改局", "参与以工代赈项目务工获得报酬"),
    AssistanceMeasure("低保", "民政局", "纳入农村最低生活保障"),
    AssistanceMeasure("特困供养", "民政局", "纳入特困人员救助供养"),
    AssistanceMeasure("临时救助", "民政局", "突发困难临时救助"),
    AssistanceMeasure("残疾人两项补贴", "残联", "困难残疾人生活补贴和重度残疾人护理补贴"),
    AssistanceMeasure("教育资助", "教育局", "各学段学生资助、控辍保学"),
    AssistanceMeasure("医疗保障", "医保局", "参保资助、基本医保、大病保险、医疗救助"),
    AssistanceMeasure("住房安全", "住建局", "农村危房改造、住房安全保障"),
    AssistanceMeasure("饮水", "水利局", "农村供水保障、饮水安全巩固提升"),
)
MEASURES: tuple[tuple[str, str], ...] = tuple((m.name, m.department) for m in MEASURE_CATALOG)
MEASURES_BY_NAME = {m.name: m for m in MEASURE_CATALOG}
MEASURE_STATUSES = ("计划", "实施中", "已完成", "已终止")
# Who may record each step: village staff verify, hold the village meeting and post the notice, the
# township reviews, the county decides.
STEP_ROLES = {
    "入户核实": ("village_reporter", "township_admin", "county_admin", "system_admin"),
    "村内评议": ("village_reporter", "township_admin", "county_admin", "system_admin"),
    "村内公示": ("village_reporter", "township_admin", "county_admin", "system_admin"),
    "乡镇审核": ("township_admin", "county_admin", "system_admin"),
    "县级审定": ("county_admin", "system_admin"),
}
# Days per step, from the day the step became due. They add up to the 15-day identification limit, so a case
# whose every step is on time is identified in time: 村内公示 holds the 5-day notice (posted the day after
# the meeting, passed the day after it ends); the other four share the remaining 9 days.
DEFAULT_DEADLINES = {
    "入户核实": 3,
    "村内评议": 2,
    "村内公示": 6,
    "乡镇审核": 2,
    "县级审定": 2,
}
DEFAULT_PUBLICITY_DAYS = 5  # 村内公示 lasts at least this many days (counting the first and the last)
DEFAULT_IDENTIFICATION_DAYS = 15  # identification is generally completed within this many days of discovery
DEFAULT_RECHECK_DAYS = 180
DEFAULT_MINIMUM_ASSISTANCE_DAYS = 180
# Rules whose firing means a risk is still there: income (stably above the threshold) and
# 三保障 + 饮水 (SCHOOLING, MEDICAL_INSURANCE, HOUSING, WATER).
BLOCKING_RULES = {
    "INCOME_BELOW": "人均纯收入仍低于监测标准", "RIGID_EXPENSE": "刚性支出后收入仍低于监测标准",
    "INCOME_DROP": "收入仍在大幅下降", "SCHOOLING": "义务教育阶段仍有失学", "MEDICAL_INSURANCE": "仍有成员未参加基本医保",
    "HOUSING": "住房仍不安全", "WATER": "饮水仍不安全",
}  # fmt: skip
NO_LABOUR = ("丧失劳动力", "无劳动力")
NO_LABOUR_REASON = "整户无劳动力：落实社会保障兜底措施后继续监测，不标注风险消除"


class CaseError(ValueError):
    """A workflow action that is not allowed now; the message is in Chinese."""


@dataclass
class CaseState:
    phase: str = IDENTIFYING
    step: int = 0  # index into STEPS while in 识别 or 消除
    history: list[tuple[str, str, bool, str]] = field(default_factory=list)  # (phase, step, passed, note)

    @property
    def step_name(self) -> str | None:
        return STEPS[self.step] if self.phase in (IDENTIFYING, ELIMINATING) else None


def check_opening(channel: str, rule_codes: Iterable[str] = (), known_rules: Iterable[str] = ()) -> None:
    """A case needs a known discovery channel; one opened by screening names the rules that fired."""
    if channel not in CHANNELS:
        raise CaseError(f"发现渠道「{channel}」无效，应为 {'、'.join(CHANNELS)} 之一")
    codes = list(rule_codes)
    known = set(known_rules)
    if channel == "筛查规则" and not codes:
        raise CaseError("由筛查规则发现的案件须注明触发的规则")
    unknown = [c for c in codes if known and c not in known]
    if unknown:
        raise CaseError(f"未知的筛查规则：{'、'.join(unknown)}")


def check_admission(category: str, causes: Iterable[str]) -> None:
    """The county's final admission needs a category and at least one known risk cause."""
    if category not in CATEGORIES:
        raise CaseError("纳入监测时请选择监测类别（脱贫不稳定户、边缘易致贫户或突发严重困难户）")
    causes = list(causes)
    if not causes:
        raise CaseError("纳入监测时请选择至少一种风险类型")
    unknown = [c for c in causes if c not in CAUSES]
    if unknown:
        raise CaseError(f"未知的风险类型：{'、'.join(unknown)}")


class StepFactsError(CaseError):
    """A step submitted without the facts it needs; `errors` maps each form field to a Chinese message."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("；".join(self.errors.values()))


# The facts each step records, as (field, label); the form shows them, the record lists them.
STEP_FACTS: dict[str, tuple[tuple[str, str], ...]] = {
    VERIFY: (("reason", "核实事由"), ("note", "核实情况")),
    REVIEW: (("meeting_date", "评议日期"), ("attendance", "参会人数"), ("presider", "主持人"), ("note", "评议意见")),
    PUBLICITY: (("start", "公示开始日期"), ("end", "公示结束日期"), ("objections", "异议情况"),
                ("handling", "异议处理情况"), ("note", "公示结果说明")),
    TOWNSHIP: (("note", "审核意见"),),
    COUNTY: (("note", "审定意见"),),
}  # fmt: skip
# 回头看: the visit to a cleared household (who, when, what was found, stable or not); not a step of the
# five-step procedure, so it is recorded on its own (`check_recheck`).
RECHECK = "回头看"
STABLE, AT_RISK = "稳定，无返贫风险", "发现返贫风险"
RECHECK_FACTS = (("date", "回头看日期"), ("result", "结论"), ("risk", "发现的风险"), ("note", "回头看情况"))
FACT_LABELS = {key: label for facts in (*STEP_FACTS.values(), RECHECK_FACTS) for key, label in facts}


@dataclass(frozen=True)
class Policy:
    """A county's settings for the procedure (defaults: the national ones)."""

    publicity_days: int = DEFAULT_PUBLICITY_DAYS
    identification_days: int = DEFAULT_IDENTIFICATION_DAYS
    separate: frozenset[frozenset[str]] = frozenset({frozenset((VERIFY, REVIEW))})


def separation_pairs(
    review_apart_from_verification: bool = True, all_steps_apart: bool = False
) -> frozenset[frozenset[str]]:
    """Which pairs of steps of one case must be done by different people."""
    if all_steps_apart:
        return frozenset(frozenset((a, b)) for i, a in enumerate(STEPS) for b in STEPS[i + 1 :])
    return frozenset({frozenset((VERIFY, REVIEW))}) if review_apart_from_verification else frozenset()


def check_separation(
    step: str, actor: object, done_by: Mapping[str, object], pairs: Iterable[frozenset[str]]
) -> None:
    """Refuse `actor` for `step` when they did a step of this round that the county keeps apart from it.

    done_by: step name → who did it in the current round (identification or elimination).
    """
    if actor is None:
        return
    clashes = [other for other, who in done_by.items() if who == actor and other != step
               and frozenset((step, other)) in set(pairs)]  # fmt: skip
    if clashes:
        raise CaseError(
            f"本县规定「{step}」与「{'、'.join(clashes)}」须由不同人员办理，您已办理过「{'、'.join(clashes)}」，请由其他人员办理"
        )


def parse_date(text: object) -> dt.date | None:
    if isinstance(text, dt.date):
        return text
    try:
        return dt.date.fromisoformat(str(text).strip())
    except ValueError:
        return None


def publicity_errors(
    start: dt.date | None, end: dt.date | None, days: int, earliest: dt.date | None = None
) -> dict[str, str]:
    """What is wrong with a notice period; `days` counts the first and the last day."""
    errors: dict[str, str] = {}
    if start is None:
        errors["start"] = "请填写公示开始日期（格式 2026-05-01）"
    elif earliest is not None and start < earliest:
        errors["start"] = f"公示开始日期不能早于村内评议日期 {earliest.isoformat()}"
    if end is None:
        errors["end"] = "请填写公示结束日期（格式 2026-05-05）"
    elif start is not None and (end - start).days + 1 < days:
        errors["end"] = (
            f"公示期不少于 {days} 天（含首尾两天），{start.isoformat()} 开始的公示最早 {(start + dt.timedelta(days=days - 1)).isoformat()} 结束"
        )
    return errors


def check_step(
    step: str,
    passed: bool,
    note: str,
    facts: Mapping[str, object],
    today: dt.date,
    *,
    opened: dt.date | None = None,
    policy: Policy = Policy(),
    review_date: dt.date | None = None,
) -> dict[str, object]:
    """Validate the facts of `step`; returns them cleaned (dates as ISO text) or raises StepFactsError.

    opened: the day the case was opened (a meeting cannot be earlier); review_date: the day of the
    village meeting (the notice cannot start earlier).
    """
    errors: dict[str, str] = {}
    text = {k: str(v).strip() for k, v in facts.items() if v is not None}
    note = note.strip()
    cleaned: dict[str, object] = {}
    if step == VERIFY:
        if not text.get("reason"):
            errors["reason"] = "请写明核实事由（为什么入户，如筛查预警的规则或农户申报的困难）"
        if not note:
            errors["note"] = "请写明入户核实的情况（家庭收支、两不愁三保障、饮水等）"
        cleaned["reason"] = text.get("reason", "")
    elif step == REVIEW:
        meeting = parse_date(text.get("meeting_date", ""))
        if meeting is None:
            errors["meeting_date"] = "请填写评议日期（格式 2026-05-01）"
        elif meeting > today:
            errors["meeting_date"] = "评议日期不能晚于今天"
        elif opened is not None and meeting < opened:
            errors["meeting_date"] = f"评议日期不能早于发现日期 {opened.isoformat()}"
        try:
            attendance = int(text.get("attendance", ""))
        except ValueError:
            attendance = 0
        if attendance < 1:
            errors["attendance"] = "请填写参会人数（正整数）"
        if not text.get("presider"):
            errors["presider"] = "请填写会议主持人"
        cleaned.update(meeting_date=meeting.isoformat() if meeting else "", attendance=attendance,
                       presider=text.get("presider", ""))  # fmt: skip
    elif step == PUBLICITY:
        start, end = parse_date(text.get("start", "")), parse_date(text.get("end", ""))
        errors.update(publicity_errors(start, end, policy.publicity_days, review_date))
        objections, handling = text.get("objections", ""), text.get("handling", "")
        if objections and not handling:
            errors["handling"] = "有异议时请写明核查和处理情况"
        if passed and end is not None and "end" not in errors and today <= end:
            errors["end"] = f"公示期至 {end.isoformat()} 结束，公示结束后才能办理下一步"
        cleaned.update(start=start.isoformat() if start else "", end=end.isoformat() if end else "",
                       objections=objections, handling=handling)  # fmt: skip
    elif step in (TOWNSHIP, COUNTY) and not note:
        errors["note"] = f"请填写{'审核' if step == TOWNSHIP else '审定'}意见"
    if not passed and not note and "note" not in errors:
        errors["note"] = "不通过时请写明原因"
    if errors:
        raise StepFactsError(errors)
    return cleaned


def record_step(
    state: CaseState,
    role: str,
    passed: bool,
    note: str,
    facts: Mapping[str, object] | None = None,
    *,
    today: dt.date | None = None,
    opened: dt.date | None = None,
    policy: Policy = Policy(),
    actor: object = None,
    done_by: Mapping[str, object] | None = None,
    review_date: dt.date | None = None,
) -> CaseState:
    """Record the current step's outcome; returns the new state (the old one is not changed).

    The step's facts are checked (`check_step`), and the actor against the county's separation of
    duties (`check_separation`, with `done_by` the steps of this round and who did them).
    """
    name = state.step_name
    if name is None:
        raise CaseError("当前阶段没有待办的审核步骤")
    if role not in STEP_ROLES[name]:
        raise CaseError(f"您的角色不能办理「{name}」")
    check_separation(name, actor, done_by or {}, policy.separate)
    check_step(name, passed, note, facts or {}, today or dt.date.today(), opened=opened, policy=policy,
               review_date=review_date)  # fmt: skip
    history = [*state.history, (state.phase, name, passed, note.strip())]
    if not passed:
        return CaseState(DECLINED if state.phase == IDENTIFYING else ASSISTING, 0, history)
    if state.step < len(STEPS) - 1:
        return CaseState(state.phase, state.step + 1, history)
    return CaseState(ASSISTING if state.phase == IDENTIFYING else CLEARED, 0, history)


@dataclass(frozen=True)
class Clock:
    """The identification clock: days used since discovery against the county's limit."""

    used: int
    limit: int

    @property
    def remaining(self) -> int:
        return self.limit - self.used

    @property
    def overdue(self) -> bool:
        return self.used > self.limit

    def __str__(self) -> str:
        if self.overdue:
            return f"已用 {self.used} 天，超期 {self.used - self.limit} 天（时限 {self.limit} 天）"
        return f"已用 {self.used} 天，剩余 {self.remaining} 天（时限 {self.limit} 天）"


def identification_clock(opened: dt.date, today: dt.date, limit: int = DEFAULT_IDENTIFICATION_DAYS) -> Clock:
    """Identification is generally completed within `limit` days of discovery (the day found is day 0)."""
    return Clock(max(0, (today - opened).days), limit)


def check_policy(publicity_days: int, identification_days: int) -> None:
    """A county's durations: a notice of at least 5 days, and a limit long enough to hold it."""
    if publicity_days < DEFAULT_PUBLICITY_DAYS:
        raise CaseError(f"公示期不得少于 {DEFAULT_PUBLICITY_DAYS} 天")
    if identification_days < publicity_days or identification_days > 90:
        raise CaseError(f"识别时限应在公示期（{publicity_days} 天）与 90 天之间")


def without_labour(labour: Iterable[str]) -> bool:
    """整户无劳动力: every member is 丧失劳动力 or 无劳动力 (a household with no members is not)."""
    levels = list(labour)
    return bool(levels) and all(level in NO_LABOUR for level in levels)


def elimination_blockers(
    fired_rules: Iterable[str],
    labour: Iterable[str],
    assistance_started: dt.date | None,
    today: dt.date,
    minimum_days: int = DEFAULT_MINIMUM_ASSISTANCE_DAYS,
    *,
    income_known: bool = True,
) -> list[str]:
    """Why the risk of a household cannot be cleared yet; an empty list means it may be.

    fired_rules: what screening fired for the latest year; labour: each member's 劳动能力;
    assistance_started: the earliest start of the case's measures; income_known: False when the
    latest year has no finance row (then income cannot be shown to be stable).
    """
    reasons: list[str] = []
    if without_labour(labour):
        reasons.append(NO_LABOUR_REASON)
    if not income_known:
        reasons.append("缺少最近年度的收支数据，无法确认收入稳定")
    fired = set(fired_rules)
    reasons += [message for code, message in BLOCKING_RULES.items() if code in fired]
    if assistance_started is None:
        reasons.append("尚未落实帮扶措施")
    elif (today - assistance_started).days < minimum_days:
        reasons.append(f"帮扶措施实施不足 {minimum_days} 天（自 {assistance_started.isoformat()} 起）")
    return reasons


def start_elimination(state: CaseState, blockers: list[str]) -> CaseState:
    """Move an assisted case into the elimination steps, or refuse with every reason."""
    if state.phase != ASSISTING:
        raise CaseError("只有帮扶中的监测对象可以申请风险消除")
    if blockers:
        raise CaseError("不能申请风险消除：" + "；".join(blockers))
    return CaseState(ELIMINATING, 0, state.history)


def check_deadlines(deadlines: Mapping[str, int]) -> dict[str, int]:
    """Validate configured step deadlines (days, each step, positive); missing steps keep the default."""
    unknown = [k for k in deadlines if k not in STEPS]
    if unknown:
        raise CaseError(f"未知的步骤：{'、'.join(unknown)}")
    merged = {**DEFAULT_DEADLINES, **deadlines}
    bad = [k for k, v in merged.items() if not isinstance(v, int) or isinstance(v, bool) or v <= 0]
    if bad:
        raise CaseError(f"办理时限须为正整数天：{'、'.join(bad)}")
    return merged


def deadline_warnings(
    deadlines: Mapping[str, int] | None, publicity_days: int, identification_days: int
) -> list[str]:
    """Why a county's step deadlines do not fit its procedure (empty when they do), in Chinese.

    Each step's deadline runs from the day the step became due, so the five add up to the longest an
    identification can take with every step on time; above the identification limit a case can be
    late on the 15-day clock while no step is late. The notice step needs the notice and the day after it.
    """
    merged = {**DEFAULT_DEADLINES, **(deadlines or {})}
    total = sum(merged[step] for step in STEPS)
    warnings = []
    if total > identification_days:
        parts = "、".join(f"{step} {merged[step]} 天" for step in STEPS)
        warnings.append(
            f"各步骤办理时限合计 {total} 天（{parts}），超过识别时限 {identification_days} 天："
            "每一步都按时办理的案件也可能超过识别时限"
        )
    if merged[PUBLICITY] < publicity_days + 1:
        warnings.append(
            f"「{PUBLICITY}」步骤时限 {merged[PUBLICITY]} 天，短于公示期 {publicity_days} 天加公示结束后的 1 天："
            "按规定公示的案件也会显示步骤超期"
        )
    return warnings


def overdue(
    step: str | None, step_started: dt.date, today: dt.date, deadlines: Mapping[str, int] | None = None
) -> int:
    """Days past the step's deadline (0 when on time or when nothing is pending)."""
    if step is None:
        return 0
    limit = {**DEFAULT_DEADLINES, **(deadlines or {})}[step]
    return max(0, (today - step_started).days - limit)


def overdue_cases(
    cases: Iterable[tuple[object, str | None, dt.date]],
    today: dt.date,
    deadlines: Mapping[str, int] | None = None,
) -> list[tuple[object, str, int]]:
    """(key, step, days overdue) for the pending steps past their deadline, most overdue first.

    cases: (any key such as a case id, pending step name or None, date the step started).
    """
    late = [(key, step, overdue(step, started, today, deadlines)) for key, step, started in cases if step]
    return sorted((item for item in late if item[2] > 0), key=lambda item: -item[2])  # type: ignore[misc]


def recheck_date(cleared: dt.date, days: int = DEFAULT_RECHECK_DAYS) -> dt.date:
    """回头看: when a cleared household is visited again."""
    return cleared + dt.timedelta(days=days)


def recheck_due(recheck_on: dt.date | None, today: dt.date) -> bool:
    return recheck_on is not None and recheck_on <= today


def check_recheck(
    phase: str,
    role: str,
    stable: bool,
    note: str,
    risk: str,
    on: dt.date | None,
    today: dt.date,
    cleared: dt.date | None = None,
) -> dict[str, str]:
    """The facts of a 回头看, cleaned: only a cleared household is rechecked, by the staff who verify; the
    findings are required, and when a risk is found, what it is (the household then goes back under
    monitoring). Raises CaseError or StepFactsError (field → Chinese message)."""
    if phase != CLEARED:
        raise CaseError("只有风险已消除的农户才做回头看")
    if role not in STEP_ROLES[VERIFY]:
        raise CaseError("回头看由村、乡镇或县级工作人员办理")
    errors: dict[str, str] = {}
    if not note.strip():
        errors["note"] = "请写明回头看情况（收入是否稳定、两不愁三保障和饮水是否有保障）"
    if not stable and not risk.strip():
        errors["risk"] = "发现返贫风险时请写明是什么风险"
    if on is None:
        errors["date"] = "请填写回头看日期"
    elif on > today:
        errors["date"] = "回头看日期不能晚于今天"
    elif cleared is not None and on < cleared:
        errors["date"] = f"回头看日期不能早于风险消除日期（{cleared.isoformat()}）"
    if errors:
        raise StepFactsError(errors)
    return {
        "date": on.isoformat() if on else "",
        "result": STABLE if stable else AT_RISK,
        "risk": "" if stable else risk.strip(),
    }
