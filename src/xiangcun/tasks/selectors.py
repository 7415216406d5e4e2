"""Reads for tasks and scorecards; stable entry points for other apps (the yearly report calls these).

- `task_summary(region, year)` → counts by status, on time, the 督办 list (no personal data);
- `supervision(tasks, today)` → 督办 rows (overdue tasks and missing reports with days overdue);
- `scorecards(region, year, kind)` → ranked scorecards of departments or townships, each explained.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from auditlog.models import LogEntry
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils import timezone

from xiangcun.departments.models import Department
from xiangcun.domain import scorecards as cards
from xiangcun.domain import tasks as domain
from xiangcun.domain.assessment import assess, assess_many
from xiangcun.domain.households import cases as flow
from xiangcun.indicators import dashboard
from xiangcun.indicators.models import Observation, Target
from xiangcun.regions.models import Region

from .models import ProgressReport, Task, TaskSettings, TaskUnit

COUNTING = (ProgressReport.Review.SUBMITTED, ProgressReport.Review.APPROVED)
DONE_PROJECT_STATUSES = ("completed", "accepted", "assets_formed")


def county_of_region(region: Region) -> Region:
    """The county at or above `region`."""
    if region.level == "county":
        return region
    codes = [region.path[i : i + 12] for i in range(0, len(region.path), 12)]
    return Region.objects.filter(code__in=codes, level="county").first() or region


def _settings(county: Region) -> TaskSettings:
    return TaskSettings.objects.filter(county=county).first() or TaskSettings(county=county)


def _tasks(region: Region, year: int) -> QuerySet[Task]:
    county = county_of_region(region)
    tasks = Task.objects.filter(county=county, year=year)
    if region.pk != county.pk:
        township = region if region.depth == county.depth + 1 else None
        if township is None:
            codes = [region.path[i : i + 12] for i in range(0, len(region.path), 12)]
            township = Region.objects.filter(code__in=codes, depth=county.depth + 1).first()
        tasks = tasks.filter(units__township=township).distinct()
    return tasks


@dataclass(frozen=True)
class _Unit:
    """A task unit as the 督办 list needs it: read as a row, not a model instance (a county of 400
    townships has thousands of them, each with its department or township)."""

    pk: int
    role: str
    department_id: int | None
    township_id: int | None
    name: str


ROLE_LABELS = dict(TaskUnit.Role.choices)


def _units(task_ids: list[int]) -> dict[int, list[_Unit]]:
    """Each task's units in the model's order (role, then id), names from the department or township."""
    units: dict[int, list[_Unit]] = defaultdict(list)
    for pk, task_id, role, department_id, township_id, department, township in (
        TaskUnit.objects.filter(task__in=task_ids)
        .order_by("task_id", "role", "id")
        .values_list("pk", "task_id", "role", "department_id", "township_id", "department__name", "township__name")
    ):  # fmt: skip
        name = department if department_id else township
        units[task_id].append(_Unit(pk, role, department_id, township_id, name))
    return units


def supervision(
    tasks: QuerySet[Task], today: dt.date | None = None, unit_filter: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """督办: overdue tasks and missing period reports, most days overdue first.

    Reports are owed by the lead units and, unless the county turned it off (`cooperating_report`),
    by the cooperating units for their part. unit_filter (e.g. {"department_id": 3} or
    {"township_id": 7}) keeps a unit's own inbox: the overdue tasks it leads and its missing reports.
    """
    today = today or timezone.localdate()
    rows: list[dict[str, Any]] = []
    items = list(tasks.select_related("county"))
    if not items:
        return rows
    units_of = _units([t.pk for t in items])
    reported: dict[tuple[int, int], set[str]] = defaultdict(set)
    for task_id, unit_id, period in ProgressReport.objects.filter(
        task__in=[t.pk for t in items], review__in=COUNTING
    ).values_list("task_id", "unit_id", "period"):
        reported[(task_id, unit_id)].add(period)
    by_county: dict[int, TaskSettings] = {}
    for task in items:
        setting = by_county.setdefault(task.county_id, _settings(task.county))
        units = units_of.get(task.pk, [])
        mine = [u for u in units if _matches(u, unit_filter)]
        leads = "、".join(u.name for u in units if u.role == TaskUnit.Role.LEAD)
        days = domain.overdue_days(task.deadline, task.status == Task.Status.DONE, today)
        if days and (unit_filter is None or any(u.role == TaskUnit.Role.LEAD for u in mine)):
            rows.append({"kind": "任务超期", "task": task, "code": task.code, "content": task.content,
                         "unit": leads, "period": "", "deadline": task.deadline, "days": days})  # fmt: skip
        owing = [u for u in (mine if unit_filter is not None else units) if owes_reports(u, setting)]
        if not owing:
            continue
        # the periods due are the task's, the same for each of its units (domain.missing_reports per unit
        # worked them out again for every one of hundreds of townships)
        due = [(p, p.due(setting.grace_days), late) for p, late in domain.missing_reports(
            task.year, setting.period, (), today, setting.grace_days, task.completed_on)]  # fmt: skip
        for unit in owing:
            have = reported[(task.pk, unit.pk)]
            for period, deadline, late in due:
                if period.key not in have:
                    rows.append({"kind": "进度未报", "task": task, "code": task.code, "content": task.content,
                                 "unit": unit.name, "role": ROLE_LABELS[unit.role], "period": period.label,
                                 "deadline": deadline, "days": late})  # fmt: skip
    rows.sort(key=lambda r: (-r["days"], r["code"]))
    return rows


def owes_reports(unit: TaskUnit | _Unit, setting: TaskSettings) -> bool:
    """Whether `unit` must report every period: the lead always, a cooperating unit when the county says so."""
    return unit.role == TaskUnit.Role.LEAD or setting.cooperating_report


def _matches(unit: TaskUnit | _Unit, unit_filter: dict[str, Any] | None) -> bool:
    if unit_filter is None:
        return True
    return all(getattr(unit, k) == v for k, v in unit_filter.items())


def task_summary(region: Region, year: int, today: dt.date | None = None) -> dict[str, Any]:
    """Counts and lists for the yearly report's 六、任务落实与考核 (no personal data).

    {"year", "total", "by_status": {未开始, 推进中, 已完成, 滞后}, "completed", "due", "on_time",
     "on_time_rate" (0–100 or None), "overdue": [{code, content, lead, deadline, days}],
     "missing_reports": [{code, content, unit, period, days}], "reviews": {待审核, 已通过, 已退回},
     "by_department": [{unit, total, completed, lagging}]}
    """
    today = today or timezone.localdate()
    tasks = _tasks(region, year)
    items = list(tasks.prefetch_related("units__department", "units__township"))
    by_status = dict.fromkeys(domain.STATUSES, 0)
    due = on_time = 0
    by_unit: dict[str, dict[str, Any]] = {}
    for task in items:
        shown = task.shown_status(today)
        by_status[shown] += 1
        if task.deadline is not None and task.deadline <= today:
            due += 1
            on_time += bool(domain.completed_on_time(task.deadline, task.completed_on))
        for unit in task.units.all():
            if unit.role != TaskUnit.Role.LEAD:
                continue
            row = by_unit.setdefault(unit.name, {"unit": unit.name, "total": 0, "completed": 0, "lagging": 0})
            row["total"] += 1
            row["completed"] += shown == domain.DONE
            row["lagging"] += shown == domain.LAGGING
    rows = supervision(tasks, today)
    reviews = {label: 0 for _, label in ProgressReport.Review.choices}
    for value in ProgressReport.objects.filter(task__in=tasks).values_list("review", flat=True):
        reviews[ProgressReport.Review(value).label] += 1
    return {
        "year": year,
        "region": region.name,
        "total": len(items),
        "by_status": by_status,
        "completed": by_status[domain.DONE],
        "due": due,
        "on_time": on_time,
        "on_time_rate": round(on_time / due * 100, 1) if due else None,
        "overdue": [
            {
                "code": r["code"],
                "content": r["content"],
                "lead": r["unit"],
                "deadline": r["deadline"],
                "days": r["days"],
            }
            for r in rows
            if r["kind"] == "任务超期"
        ],  # fmt: skip
        "missing_reports": [
            {
                "code": r["code"],
                "content": r["content"],
                "unit": r["unit"],
                "period": r["period"],
                "days": r["days"],
            }
            for r in rows
            if r["kind"] == "进度未报"
        ],  # fmt: skip
        "reviews": reviews,
        "by_department": sorted(by_unit.values(), key=lambda r: (-r["total"], r["unit"])),
    }


# ---------------------------------------------------------------- scorecards


def _as_of(year: int, today: dt.date) -> dt.date:
    return min(today, dt.date(year, 12, 31))


def _assessments(
    county: Region, year: int, townships_too: bool = True
) -> tuple[list[tuple[Target, str]], dict[int, list[str]]]:
    """(county target, status) pairs in `year`, and per township the statuses of the county's relative
    targets (percentages, ratios, 动态清零) judged on the township's own values (only when `townships_too`:
    department scorecards need none, and a county of hundreds of townships makes thousands of them)."""
    targets = Target.objects.current().filter(region=county).select_related("indicator")
    if year >= dashboard.current_year():
        county_rows = [(r["target"], r["status"]) for r in dashboard.rows(targets)]
        as_of = dashboard.current_year()
    else:  # a past year: the values known up to that year, judged in that year
        as_of = year
        county_rows = [(t, _status(t, county.pk, year, as_of)) for t in targets]
    townships = list(Region.objects.filter(parent=county)) if townships_too else []
    relative = [t for t, _ in county_rows if t.indicator.kind in ("percentage", "ratio", "zero")]
    history: dict[tuple[int, int], dict[int, float]] = defaultdict(dict)
    for indicator_id, region_id, y, value in Observation.objects.filter(
        indicator_id__in={t.indicator_id for t in relative}, region__in=townships, year__lte=year, quarter=0,
        status=Observation.Status.APPROVED,
    ).order_by().values_list("indicator_id", "region_id", "year", "value"):  # fmt: skip
        # .order_by(): the model's ordering joins indicators and regions and sorts tens of thousands of rows
        history[(indicator_id, region_id)][y] = value
    per_township: dict[int, list[str]] = {t.pk: [] for t in townships}
    # each target's spec once, not once per township; statuses only, in one batch without the sentences
    # (400 townships × 18 targets in the large demo: 70 → 34 ms CPU)
    specs = [(target.indicator_id, dashboard.spec_of(target)) for target in relative]
    judged = [(township.pk, spec, series) for township in townships for indicator_id, spec in specs
              if (series := history.get((indicator_id, township.pk)))]  # fmt: skip
    statuses = assess_many([j[1] for j in judged], [j[2] for j in judged], as_of=as_of)["status"]
    for (township_pk, _, _), status in zip(judged, statuses, strict=True):
        per_township[township_pk].append(str(status))
    return county_rows, per_township


def _status(target: Target, region_id: int, year: int, as_of: int) -> str:
    series = dict(
        Observation.objects.filter(
            indicator_id=target.indicator_id, region_id=region_id, year__lte=year, quarter=0,
            status=Observation.Status.APPROVED,
        ).values_list("year", "value")
    )  # fmt: skip
    return assess(dashboard.spec_of(target), series, as_of=as_of).status


def _data_reports(observations: QuerySet[Observation]) -> dict[int, tuple[dt.date | None, bool]]:
    """Per observation that went through reporting (submitted, or approved on review): the day it was first
    submitted (from the audit log) and whether it was ever returned. Values loaded directly as approved
    (a county's bulk load, the demo) have no reporting record and are left out."""
    ids = list(observations.order_by().values_list("pk", "status", "updated_at"))
    if not ids:
        return {}
    content_type = ContentType.objects.get_for_model(Observation)
    first: dict[int, dt.date] = {}
    returned: set[int] = {pk for pk, status, _ in ids if status == Observation.Status.RETURNED}
    reported: set[int] = set(returned)
    for object_id, action, changes, at in LogEntry.objects.filter(
        content_type=content_type, object_id__in=[pk for pk, _, _ in ids]
    ).values_list("object_id", "action", "changes", "timestamp"):
        new = _new_status(changes)
        if new in ("submitted", "已提交") or (
            new in ("approved", "已审核") and action == LogEntry.Action.UPDATE
        ):
            reported.add(object_id)
            day = timezone.localdate(at)
            if object_id not in first or day < first[object_id]:
                first[object_id] = day
        elif new in ("returned", "退回"):
            returned.add(object_id)
    return {pk: (first.get(pk), pk in returned) for pk, _, _ in ids if pk in reported}


def _new_status(changes: Any) -> str | None:
    if isinstance(changes, str):
        import json

        try:
            changes = json.loads(changes)
        except ValueError:
            return None
    value = (changes or {}).get("status")
    if isinstance(value, list) and len(value) == 2:
        return str(value[1])
    return None


def unit_facts(county: Region, year: int, kind: str, today: dt.date | None = None) -> list[cards.Facts]:
    """What the system knows about each department (or township) of `county` in `year`."""
    today = today or timezone.localdate()
    as_of = _as_of(year, today)
    setting = _settings(county)
    county_rows, per_township = _assessments(county, year, townships_too=kind == "township")
    if kind == "department":
        units: list[Any] = list(Department.objects.filter(region=county).order_by("name"))
        unit_field = "department_id"
    elif kind == "township":
        units = list(Region.objects.filter(parent=county).order_by("code"))
        unit_field = "township_id"
    else:
        raise ValueError(f"未知的考核对象「{kind}」，应为 department 或 township")
    facts = {u.pk: cards.Facts(unit=u.name, key=u.pk) for u in units}
    if kind == "department":
        for target, status in county_rows:
            owner = target.department_id or target.indicator.owner_id
            if owner in facts:
                facts[owner].target_statuses.append(status)
    else:
        for pk, statuses in per_township.items():
            if pk in facts:
                facts[pk].target_statuses.extend(statuses)
    # Tasks: lead tasks due by `as_of`, and every unit's period reports. Plain rows, not model instances:
    # a county of 400 townships has thousands of task units and reports.
    this_year = Task.objects.filter(county=county, year=year)
    tasks = {pk: (deadline, completed_on) for pk, deadline, completed_on in this_year.values_list(
        "pk", "deadline", "completed_on")}  # fmt: skip
    reported = {
        (unit_id, period): timezone.localdate(at)
        for unit_id, period, at in ProgressReport.objects.filter(task__in=this_year, review__in=COUNTING)
        .order_by()
        .values_list("unit_id", "period", "reported_at")
    }
    periods: dict[int, list[Any]] = {}
    assigned = TaskUnit.objects.filter(task__in=this_year).order_by("task_id", "pk")
    for unit_pk, task_pk, role, owner in assigned.values_list("pk", "task_id", "role", unit_field):
        f = facts.get(owner)
        if f is None:
            continue
        deadline, completed_on = tasks[task_pk]
        lead = role == TaskUnit.Role.LEAD  # the lead answers for the task itself
        if lead and deadline is not None and deadline <= as_of:
            f.tasks_due += 1
            f.tasks_on_time += bool(domain.completed_on_time(deadline, completed_on))
        if not (lead or setting.cooperating_report):  # owes_reports, without a TaskUnit instance
            continue
        if task_pk not in periods:
            periods[task_pk] = [(p.key, p.due(setting.grace_days)) for p in domain.required_periods(
                year, setting.period, as_of, setting.grace_days, completed_on)]  # fmt: skip
        for key, due in periods[task_pk]:
            f.reports_due += 1
            on = reported.get((unit_pk, key))
            f.reports_on_time += bool(on and on <= due)
    # Data reports of `year`: due on the county's day of the next year.
    data_due = dt.date(year + 1, setting.data_due_month, setting.data_due_day)
    if kind == "department":
        owned = {
            (t.indicator_id, county.pk): (t.department_id or t.indicator.owner_id) for t, _ in county_rows
        }
    else:
        owned = {(t.indicator_id, pk): pk for t, _ in county_rows if t.indicator.kind in ("percentage", "ratio", "zero")
                 for pk in facts}  # fmt: skip
    observations = Observation.objects.filter(
        indicator_id__in={k[0] for k in owned}, region_id__in={k[1] for k in owned}, year=year, quarter=0
    ).order_by()
    known = {(i, r): pk for i, r, pk in observations.values_list("indicator_id", "region_id", "pk")}
    history = _data_reports(observations)
    for key, owner in owned.items():
        f = facts.get(owner)
        if f is None:
            continue
        o = known.get(key)
        if o is not None and o not in history:
            continue  # loaded directly as approved: no reporting record to judge
        submitted, was_returned = history[o] if o is not None else (None, False)
        if data_due <= today:
            f.data_due += 1
            f.data_on_time += bool(submitted and submitted <= data_due)
        if submitted is not None or was_returned:
            f.data_reported += 1
            f.data_returned += was_returned
    if kind == "township":
        _monitoring(county, facts, as_of, year)
        _projects(county, facts, as_of, year)
    return [facts[u.pk] for u in units]


def _monitoring(county: Region, facts: dict[int, cards.Facts], as_of: dt.date, year: int) -> None:
    from xiangcun.households.models import Case, CaseStep

    townships = {t.path: t.pk for t in Region.objects.filter(parent=county)}
    size = len(county.path) + 12
    deadlines = django_settings.MONITORING["step_deadlines"]
    cases = Case.objects.filter(household__village__path__startswith=county.path)
    for _phase, step, started, path in cases.filter(
        phase__in=("识别", "消除"), step_started__lte=as_of
    ).values_list("phase", "step", "step_started", "household__village__path"):
        f = facts.get(townships.get(path[:size], -1))
        if f is None or step >= len(flow.STEPS):
            continue
        f.steps_pending += 1
        f.steps_overdue += flow.overdue(flow.STEPS[step], started, as_of, deadlines) > 0
    rechecked = set(
        CaseStep.objects.filter(case__in=cases, name=flow.RECHECK).values_list("case_id", flat=True)
    )
    for pk, path in cases.filter(recheck_on__lte=as_of, recheck_on__year=year).values_list(
        "pk", "household__village__path"
    ):
        f = facts.get(townships.get(path[:size], -1))
        if f is not None:
            f.rechecks_due += 1
            f.rechecks_done += pk in rechecked


def _projects(county: Region, facts: dict[int, cards.Facts], as_of: dt.date, year: int) -> None:
    if not apps.is_installed("xiangcun.projects"):
        return
    from xiangcun.projects.models import Project

    townships = {t.path: t.pk for t in Region.objects.filter(parent=county)}
    size = len(county.path) + 12
    for status, finish, actual, path in (
        Project.objects.filter(county=county, planned_finish__lte=as_of, planned_finish__year=year)
        .exclude(status__in=("reserve", "terminated"))
        .values_list("status", "planned_finish", "actual_finish", "region__path")
    ):
        f = facts.get(townships.get(path[:size], -1))
        if f is None:
            continue
        f.projects_due += 1
        f.projects_done += status in DONE_PROJECT_STATUSES and (actual is None or actual <= finish)


def scorecards(
    region: Region,
    year: int,
    kind: str,
    weights: dict[str, float] | None = None,
    today: dt.date | None = None,
    facts: list[cards.Facts] | None = None,
) -> list[dict[str, Any]]:
    """Ranked scorecards of `kind` ("department" or "township") in `region`'s county for `year`.

    Each: {"unit", "key" (department or region id), "score" (0–100 or None), "rank", "best_rank",
    "worst_rank", "explanation", "lines": [{"code", "label", "weight", "score", "explanation"}]}.
    Units with nothing to score are listed last without a rank. `facts` from an earlier `unit_facts`
    call ranks the same units under other weights without gathering them again.
    """
    county = county_of_region(region)
    if facts is None:
        facts = unit_facts(county, year, kind, today)
    stored = _settings(county).weights(kind)
    ranked = cards.rank_all(facts, kind, weights or stored)
    return [
        {
            "unit": c.unit, "key": c.key, "score": None if c.score is None else round(c.score, 1),
            "rank": c.rank, "best_rank": c.best_rank, "worst_rank": c.worst_rank, "explanation": c.explanation,
            "lines": [{"code": ln.code, "label": ln.label, "weight": ln.weight,
                       "score": None if ln.score is None else round(ln.score, 1), "explanation": ln.explanation}
                      for ln in c.lines],
        }
        for c in ranked
    ]  # fmt: skip
