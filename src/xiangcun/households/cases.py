"""Monitoring cases in the database; every rule of the workflow is in domain/households/cases.py."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from xiangcun.departments.models import Department
from xiangcun.domain.households import cases as flow
from xiangcun.regions.models import Region

from .models import Case, CaseSettings, CaseStep, Household, Measure
from .services import enabled_rules, run_screening, threshold_for


class StaleStepError(flow.CaseError):
    """The step a form was opened on has been recorded since (`record`'s `expected`)."""


def open_case(household: Household, channel: str, note: str, rule_codes: list[str] | None = None) -> Case:
    if channel not in flow.CHANNELS:
        raise flow.CaseError(f"发现渠道「{channel}」无效")
    if household.cases.exclude(phase__in=("已消除", "未纳入")).exists():
        raise flow.CaseError("该户已有未结束的监测案件")
    today = timezone.localdate()
    return Case.objects.create(
        household=household,
        channel=channel,
        rule_codes=rule_codes or [],
        note=note,
        step_started=today,
        opened_at=today,
    )


def _state(case: Case) -> flow.CaseState:
    return flow.CaseState(case.phase, case.step)


def settings_for(county: Region | None) -> CaseSettings:
    """The county's procedure settings (unsaved defaults when it has none)."""
    return CaseSettings.for_county(county) if county is not None else CaseSettings()


def policy_for(county: Region | None) -> flow.Policy:
    s = settings_for(county)
    return flow.Policy(
        publicity_days=s.publicity_days,
        identification_days=s.identification_days,
        separate=flow.separation_pairs(s.separate_review, s.separate_all),
    )


def identification_limits(village_paths: list[str]) -> dict[str, int]:
    """The identification limit (days) for each village path, in two queries (for lists of cases)."""
    segments = {p[i : i + 12] for p in village_paths for i in range(0, len(p), 12)}
    counties = dict(Region.objects.filter(code__in=segments, depth=3).values_list("code", "id"))
    days = dict(
        CaseSettings.objects.filter(county_id__in=counties.values()).values_list(
            "county_id", "identification_days"
        )
    )
    default = flow.DEFAULT_IDENTIFICATION_DAYS
    limits = {}
    for path in village_paths:
        county = next(
            (counties[p] for p in (path[i : i + 12] for i in range(0, len(path), 12)) if p in counties), None
        )
        limits[path] = days.get(county, default)
    return limits


def _round(case: Case) -> list[CaseStep]:
    """The passed steps of the current round: identification, or the latest elimination."""
    steps = list(case.steps.filter(phase=case.phase, passed=True).order_by("at", "id"))
    if case.phase == flow.ELIMINATING:  # an earlier elimination may have been declined: keep the last run
        names = [s.name for s in steps]
        for i in range(len(names) - 1, -1, -1):
            if names[i] == flow.STEPS[0]:
                return steps[i:]
    return steps


def done_by(case: Case) -> dict[str, int | None]:
    return {s.name: s.actor_id for s in _round(case)}


def review_date(case: Case) -> Any:
    for s in _round(case):
        if s.name == flow.REVIEW and s.facts.get("meeting_date"):
            return flow.parse_date(s.facts["meeting_date"])
    return None


def clock(case: Case, today: Any = None) -> flow.Clock | None:
    """The 15-day identification clock of an open identification (None otherwise)."""
    if case.phase != flow.IDENTIFYING:
        return None
    limit = policy_for(county_of_household(case.household)).identification_days
    return flow.identification_clock(case.opened_at, today or timezone.localdate(), limit)


def step_key(case: Case) -> str:
    """The case's current phase and step as the case page's form carries it."""
    return f"{case.phase}:{case.step}"


@transaction.atomic
def record(
    case: Case,
    user: Any,
    passed: bool,
    note: str,
    category: str = "",
    causes: list[str] | None = None,
    facts: dict[str, str] | None = None,
    expected: str | None = None,
) -> None:
    """Record the current step with its facts; the county's final admission needs a category and a cause.

    `expected`: the step the form was opened on (`step_key`); when the case has moved on since (a double
    click, or a colleague's pass or decline at the same moment), nothing is recorded and the user is told.
    Raises flow.StepFactsError (field → message) or flow.CaseError; nothing is saved then.
    """
    case = Case.objects.select_for_update().get(pk=case.pk)  # two clicks never record one step twice
    if expected is not None and expected != step_key(case):
        raise StaleStepError("该步骤已经办理（他人刚刚办理或重复提交），请查看下面的办理记录")
    state = _state(case)
    name = state.step_name
    admitting = passed and state.phase == flow.IDENTIFYING and name == flow.STEPS[-1]
    errors: dict[str, str] = {}
    if admitting:
        if category not in flow.CATEGORIES:
            errors["category"] = "纳入监测时请选择监测类别"
        if not causes or any(c not in flow.CAUSES for c in causes):
            errors["causes"] = "纳入监测时请选择至少一种风险类型"
    today = timezone.localdate()
    policy, met = policy_for(county_of_household(case.household)), review_date(case)
    try:
        new = flow.record_step(
            state, user.role if not user.is_superuser else "system_admin", passed, note, facts or {},
            today=today, opened=case.opened_at, policy=policy, actor=user.pk, done_by=done_by(case),
            review_date=met,
        )  # fmt: skip
    except flow.StepFactsError as exc:
        raise flow.StepFactsError({**exc.errors, **errors}) from exc
    if errors:
        raise flow.StepFactsError(errors)
    cleaned = flow.check_step(name or "", passed, note, facts or {}, today, opened=case.opened_at, policy=policy,
                              review_date=met)  # fmt: skip
    CaseStep.objects.create(
        case=case,
        phase=state.phase,
        name=name or "",
        passed=passed,
        note=note.strip(),
        facts=cleaned,
        actor=user,
    )
    case.phase, case.step, case.step_started = new.phase, new.step, today
    if name == flow.PUBLICITY:
        case.publicity_start = flow.parse_date(cleaned.get("start", ""))
        case.publicity_end = flow.parse_date(cleaned.get("end", ""))
    if admitting:
        case.category, case.causes, case.admitted_at = category, causes, today
    if new.phase == "已消除":
        case.cleared_at = today
        case.recheck_on = flow.recheck_date(today, settings.MONITORING["recheck_days"])
    case.save()


@transaction.atomic
def record_recheck(
    case: Case, user: Any, stable: bool, note: str, risk: str = "", on: Any = None
) -> tuple[CaseStep, Case | None]:
    """Record a 回头看 of a cleared case (who, when, findings, stable or not).

    When a risk is found the household goes back under monitoring: a new case is opened (channel 基层干部排查)
    with the risk as its note. Returns (the step, the new case or None). Raises flow.CaseError or
    flow.StepFactsError; nothing is saved then.
    """
    case = Case.objects.select_for_update().get(pk=case.pk)
    today = timezone.localdate()
    role = "system_admin" if user.is_superuser else user.role
    facts = flow.check_recheck(case.phase, role, stable, note, risk, on or today, today, case.cleared_at)
    step = CaseStep.objects.create(
        case=case,
        phase=case.phase,
        name=flow.RECHECK,
        passed=stable,
        note=note.strip(),
        facts=facts,
        actor=user,
    )
    reopened = None
    if not stable and not case.household.cases.filter(phase__in=flow.OPEN_PHASES).exists():
        reopened = open_case(case.household, "基层干部排查", f"回头看发现返贫风险：{facts['risk']}")
    return step, reopened


def post_notice(case: Case, user: Any, start: str, end: str) -> None:
    """Register the notice's dates when it is posted; the 公示 step is completed after it ends."""
    state = _state(case)
    if state.step_name != flow.PUBLICITY:
        raise flow.CaseError("当前步骤不是村内公示")
    role = user.role if not user.is_superuser else "system_admin"
    if role not in flow.STEP_ROLES[flow.PUBLICITY]:
        raise flow.CaseError("您的角色不能办理「村内公示」")
    policy = policy_for(county_of_household(case.household))
    errors = flow.publicity_errors(
        flow.parse_date(start), flow.parse_date(end), policy.publicity_days, review_date(case)
    )
    if errors:
        raise flow.StepFactsError(errors)
    case.publicity_start, case.publicity_end = flow.parse_date(start), flow.parse_date(end)
    case.save()


def blockers(case: Case) -> list[str]:
    household = case.household
    county = county_of_household(household)
    year = timezone.localdate().year - 1
    fired = run_screening(
        Household.objects.filter(pk=household.pk), year, threshold_for(county, year), enabled_rules(county)
    )
    labour = list(household.members.values_list("labor", flat=True))
    started = case.measures.order_by("started").values_list("started", flat=True).first()
    return flow.elimination_blockers(
        fired[0]["rules"] if fired else [], labour, started, timezone.localdate()
    )


def county_of_household(household: Household) -> Region | None:
    path = household.village.path
    return Region.objects.filter(
        code__in=[path[i : i + 12] for i in range(0, len(path), 12)], depth=3
    ).first()


def start_elimination(case: Case) -> None:
    new = flow.start_elimination(_state(case), blockers(case))
    case.phase, case.step, case.step_started = new.phase, new.step, timezone.localdate()
    case.publicity_start = case.publicity_end = None  # the elimination round posts its own notice
    case.save()


def add_measure(case: Case, name: str, department: Any) -> Measure:
    if case.phase not in ("帮扶", "消除"):
        raise flow.CaseError("只有已纳入监测的农户可以登记帮扶措施")
    catalog = dict(flow.MEASURES)
    if name not in catalog:
        raise flow.CaseError(f"帮扶措施「{name}」不在措施目录中")
    county = county_of_household(case.household)
    if department is None:  # the department that usually delivers it, in the household's county
        department = Department.objects.filter(region=county, name=catalog[name]).first()
    elif county is None or department.region_id != county.pk:
        raise flow.CaseError("所选部门不是本县的部门，请从列表中选择")
    return Measure.objects.create(case=case, name=name, department=department, started=timezone.localdate())
