"""The monitoring case workflow as a pure state machine: identification, assistance, risk elimination.

A case goes through 入户核实 → 村内评议 → 乡镇审核 → 县级审定 twice: once to admit a household
into monitoring and once to clear its risk. Any step may decline, with a reason. Clearing is refused
while the household still has an unresolved risk, and always for a household without labour.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

CHANNELS = ("农户自主申报", "基层干部排查", "部门筛查预警", "舆情信访预警", "帮扶结对预警", "筛查规则")
STEPS = ("入户核实", "村内评议", "乡镇审核", "县级审定")
CATEGORIES = ("脱贫不稳定户", "边缘易致贫户", "突发严重困难户")
CAUSES = ("因病", "因残", "因学", "因灾", "因意外", "缺劳动力", "缺技术", "缺资金", "务工就业不稳", "产业项目失败",
          "住房", "饮水", "其他")  # fmt: skip
# The assistance measures of the plan's 专栏1, with the department that usually delivers them.
MEASURES: tuple[tuple[str, str], ...] = (
    ("小额信贷", "乡村振兴局"), ("雨露计划", "乡村振兴局"), ("产业帮扶", "农业农村局"), ("就业帮扶", "人社局"),
    ("公益性岗位", "人社局"), ("以工代赈", "发改局"), ("低保", "民政局"), ("特困供养", "民政局"), ("临时救助", "民政局"),
    ("残疾人两项补贴", "残联"), ("教育资助", "教育局"), ("医疗保障", "医保局"), ("住房安全", "住建局"), ("饮水", "水利局"),
)  # fmt: skip
# Who may record each step: village staff verify and hold the village meeting, the township reviews,
# the county decides.
STEP_ROLES = {
    "入户核实": ("village_reporter", "township_admin", "county_admin", "system_admin"),
    "村内评议": ("village_reporter", "township_admin", "county_admin", "system_admin"),
    "乡镇审核": ("township_admin", "county_admin", "system_admin"),
    "县级审定": ("county_admin", "system_admin"),
}
DEFAULT_DEADLINES = {"入户核实": 7, "村内评议": 7, "乡镇审核": 10, "县级审定": 15}  # days per step
DEFAULT_RECHECK_DAYS = 180
DEFAULT_MINIMUM_ASSISTANCE_DAYS = 180
# Rules whose firing means a risk is still there (SCHOOLING/MEDICAL_INSURANCE/HOUSING/WATER: 三保障+饮水).
BLOCKING_RULES = {
    "INCOME_BELOW": "人均纯收入仍低于监测标准", "RIGID_EXPENSE": "刚性支出后收入仍低于监测标准",
    "INCOME_DROP": "收入仍在大幅下降", "SCHOOLING": "义务教育阶段仍有失学", "MEDICAL_INSURANCE": "仍有成员未参加基本医保",
    "HOUSING": "住房仍不安全", "WATER": "饮水仍不安全",
}  # fmt: skip
NO_LABOUR = ("丧失劳动力", "无劳动力")


class CaseError(ValueError):
    pass


@dataclass
class CaseState:
    phase: str = "识别"  # 识别 → 帮扶 → 消除 → 已消除, or 未纳入
    step: int = 0  # index into STEPS while in 识别 or 消除
    history: list[tuple[str, str, bool, str]] = field(default_factory=list)  # (phase, step, passed, note)

    @property
    def step_name(self) -> str | None:
        return STEPS[self.step] if self.phase in ("识别", "消除") else None


def record_step(state: CaseState, role: str, passed: bool, note: str) -> CaseState:
    """Record the current step's outcome; returns the new state (the old one is not changed)."""
    name = state.step_name
    if name is None:
        raise CaseError("当前阶段没有待办的审核步骤")
    if role not in STEP_ROLES[name]:
        raise CaseError(f"您的角色不能办理「{name}」")
    if not passed and not note.strip():
        raise CaseError("不通过时请写明原因")
    history = [*state.history, (state.phase, name, passed, note.strip())]
    if not passed:
        return CaseState("未纳入" if state.phase == "识别" else "帮扶", 0, history)
    if state.step < len(STEPS) - 1:
        return CaseState(state.phase, state.step + 1, history)
    return CaseState("帮扶" if state.phase == "识别" else "已消除", 0, history)


def elimination_blockers(
    fired_rules: list[str],
    labour: list[str],
    assistance_started: dt.date | None,
    today: dt.date,
    minimum_days: int = DEFAULT_MINIMUM_ASSISTANCE_DAYS,
) -> list[str]:
    """Why the risk of a household cannot be cleared yet; an empty list means it may be."""
    reasons: list[str] = []
    if labour and all(level in NO_LABOUR for level in labour):
        reasons.append("整户无劳动力：落实社会保障兜底措施后继续监测，不标注风险消除")
    reasons += [BLOCKING_RULES[code] for code in fired_rules if code in BLOCKING_RULES]
    if assistance_started is None:
        reasons.append("尚未落实帮扶措施")
    elif (today - assistance_started).days < minimum_days:
        reasons.append(f"帮扶措施实施不足 {minimum_days} 天（自 {assistance_started.isoformat()} 起）")
    return reasons


def start_elimination(state: CaseState, blockers: list[str]) -> CaseState:
    if state.phase != "帮扶":
        raise CaseError("只有帮扶中的监测对象可以申请风险消除")
    if blockers:
        raise CaseError("不能申请风险消除：" + "；".join(blockers))
    return CaseState("消除", 0, state.history)


def overdue(
    step: str | None, step_started: dt.date, today: dt.date, deadlines: dict[str, int] | None = None
) -> int:
    """Days past the step's deadline (0 when on time or when nothing is pending)."""
    if step is None:
        return 0
    limit = (deadlines or DEFAULT_DEADLINES)[step]
    return max(0, (today - step_started).days - limit)


def recheck_date(cleared: dt.date, days: int = DEFAULT_RECHECK_DAYS) -> dt.date:
    return cleared + dt.timedelta(days=days)
