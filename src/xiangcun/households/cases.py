"""Monitoring cases in the database; every rule of the workflow is in domain/households/cases.py."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from xiangcun.departments.models import Department
from xiangcun.domain.households import cases as flow
from xiangcun.regions.models import Region

from .models import Case, CaseStep, Household, Measure
from .services import enabled_rules, run_screening, threshold_for


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


@transaction.atomic
def record(
    case: Case, user: Any, passed: bool, note: str, category: str = "", causes: list[str] | None = None
) -> None:
    """Record the current step; the county's final admission needs a category and at least one cause."""
    state = _state(case)
    name = state.step_name
    admitting = passed and state.phase == "识别" and name == flow.STEPS[-1]
    if admitting:
        if category not in flow.CATEGORIES:
            raise flow.CaseError("纳入监测时请选择监测类别")
        if not causes or any(c not in flow.CAUSES for c in causes):
            raise flow.CaseError("纳入监测时请选择至少一种风险类型")
    new = flow.record_step(state, user.role if not user.is_superuser else "system_admin", passed, note)
    CaseStep.objects.create(
        case=case, phase=state.phase, name=name or "", passed=passed, note=note.strip(), actor=user
    )
    today = timezone.localdate()
    case.phase, case.step, case.step_started = new.phase, new.step, today
    if admitting:
        case.category, case.causes, case.admitted_at = category, causes, today
    if new.phase == "已消除":
        case.cleared_at = today
        case.recheck_on = flow.recheck_date(today, settings.MONITORING["recheck_days"])
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
    case.save()


def add_measure(case: Case, name: str, department: Any) -> Measure:
    if case.phase not in ("帮扶", "消除"):
        raise flow.CaseError("只有已纳入监测的农户可以登记帮扶措施")
    catalog = dict(flow.MEASURES)
    if name not in catalog:
        raise flow.CaseError(f"帮扶措施「{name}」不在措施目录中")
    if department is None:  # the department that usually delivers it, in the household's county
        department = Department.objects.filter(
            region=county_of_household(case.household), name=catalog[name]
        ).first()
    return Measure.objects.create(case=case, name=name, department=department, started=timezone.localdate())
