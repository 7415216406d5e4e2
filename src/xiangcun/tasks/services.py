"""Writes for tasks: the breakdown workbook, tasks from a confirmed plan, progress reports with evidence,
and the county's review. Every function either does all it says or changes nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from xiangcun.accounts.models import Role
from xiangcun.accounts.scopes import scope_of, scoped
from xiangcun.core.permissions import is_county_admin
from xiangcun.departments.models import Department
from xiangcun.departments.services import resolve as resolve_department
from xiangcun.domain import tasks as domain
from xiangcun.domain.projects.workbook import CellError
from xiangcun.indicators.models import Target
from xiangcun.plans.models import PlanItem, PlanVersion
from xiangcun.regions.models import Region

from .models import Evidence, ProgressReport, Task, TaskSettings, TaskUnit


class TaskError(ValueError):
    """A change that cannot be made; the message is in Chinese."""


@dataclass
class ImportReport:
    errors: list[CellError] = field(default_factory=list)
    error_count: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if self.errors:
            return f"导入失败：发现 {max(self.error_count, len(self.errors))} 处错误，没有写入任何数据。"
        return f"导入成功：任务新增 {self.created}、更新 {self.updated}、未变 {self.unchanged}。"


def settings_for(county: Region) -> TaskSettings:
    return TaskSettings.objects.get_or_create(county=county)[0]


def is_county(user: Any) -> bool:
    """Reviews, imports and settings: the county role."""
    return is_county_admin(user)


# ---------------------------------------------------------------- who sees which task


def township_of(user: Any) -> Region | None:
    """The township above (or at) a township or village account's region; None for county accounts."""
    region = getattr(user, "region", None)
    if region is None or region.depth <= _county_depth(region):
        return None
    codes = [region.path[i : i + 12] for i in range(0, len(region.path), 12)]
    return (
        Region.objects.filter(code__in=codes, level="township").first()
        or Region.objects.filter(code__in=codes, depth=_county_depth(region) + 1).first()
    )


def _county_depth(region: Region) -> int:
    codes = [region.path[i : i + 12] for i in range(0, len(region.path), 12)]
    county = Region.objects.filter(code__in=codes, level="county").first()
    return county.depth if county else 3


def visible_tasks(user: Any) -> QuerySet[Task]:
    """Tasks `user` may see: the county's for county accounts and leaders, a department's own (lead or
    cooperating), a township's own (where the township is a responsible unit)."""
    tasks = scoped(Task.objects.all(), user)
    scope = scope_of(user)
    if scope.everything or scope.empty:
        return tasks
    township = township_of(user)
    if township is not None:
        tasks = tasks.filter(units__township=township)
    return tasks.distinct() if scope.department_id is not None or township is not None else tasks


def inbox_filter(user: Any) -> dict[str, Any] | None:
    """A department's or township's own 督办 inbox; None for county accounts and leaders."""
    scope = scope_of(user)
    if scope.department_id is not None:
        return {"department_id": scope.department_id}
    township = township_of(user)
    return {"township_id": township.pk} if township is not None else None


def scorecard_units(user: Any, kind: str) -> set[int] | None:
    """The unit ids whose scorecards `user` may read (None: all of the county): a department its own, a
    township (or its villages) its own, county accounts and leaders all."""
    if user.is_superuser or user.role in (Role.SYSTEM_ADMIN, Role.COUNTY_ADMIN, Role.LEADER):
        return None
    scope = scope_of(user)
    if scope.department_id is not None:
        return {scope.department_id} if kind == "department" else set()
    township = township_of(user)
    if township is not None:
        return {township.pk} if kind == "township" else set()
    return set()


def own_units(task: Task, user: Any) -> list[TaskUnit]:
    """The units of `task` that `user` reports for (a department reporter's department, a township's)."""
    scope = scope_of(user)
    if scope.department_id is not None:
        return list(task.units.filter(department_id=scope.department_id))
    township = township_of(user)
    if township is not None and user.role == Role.TOWNSHIP_ADMIN:
        return list(task.units.filter(township=township))
    return []


# ---------------------------------------------------------------- the breakdown workbook


def _resolver(county: Region) -> tuple[Any, Any]:
    departments = Department.objects.filter(region=county)
    townships = list(Region.objects.within(county).filter(depth=county.depth + 1))
    by_name: dict[str, Region] = {}
    for t in townships:
        by_name[t.name] = t
        by_name[t.code] = t
        for suffix in ("街道", "镇", "乡"):
            if t.name.endswith(suffix) and len(t.name) > len(suffix) + 1:
                by_name.setdefault(t.name[: -len(suffix)], t)

    def unit_of(name: str) -> domain.Unit | None:
        department = resolve_department(name, departments)
        if department is not None:
            return domain.Unit(department.name, department=department)
        township = by_name.get(name) or by_name.get(name.removesuffix("人民政府"))
        if township is not None:
            return domain.Unit(township.name, township=township)
        return None

    def all_townships() -> list[domain.Unit]:
        return [domain.Unit(t.name, township=t) for t in townships]

    return unit_of, all_townships


def plan_tasks(county: Region) -> QuerySet[PlanItem]:
    """Confirmed task items of the county's plans in force."""
    current = [v.pk for v in _current_versions(county)]
    return PlanItem.objects.filter(
        version_id__in=current, kind=PlanItem.Kind.TASK, status=PlanItem.Status.CONFIRMED
    ).order_by("version", "position")


def _current_versions(county: Region) -> list[PlanVersion]:
    out = []
    for version in PlanVersion.objects.filter(
        plan__region=county, plan__archived_at__isnull=True, status=PlanVersion.Status.CONFIRMED
    ).order_by("plan", "-number"):
        if not out or out[-1].plan_id != version.plan_id:
            out.append(version)
    return out


def _chapter_finder(county: Region) -> Any:
    items = list(plan_tasks(county))

    def chapter_of(text: str) -> PlanItem | None:
        key = text.strip()
        for item in items:
            label = item.label
            if key and (key in label or label in key or str(item.effective.get("number", "")) == key):
                return item
        return None

    return chapter_of


def _target_for(county: Region, text: str, year: int | None) -> Target | None:
    if not text:
        return None
    best: Target | None = None
    best_len = 0
    for target in Target.objects.current().filter(region=county).select_related("indicator"):
        for name in (target.indicator.name, *target.indicator.synonyms):
            if name and name in text and len(name) > best_len:
                best, best_len = target, len(name)
    return best


def import_tasks(
    data: bytes | Any, filename: str, county: Region, actor: Any = None, today: dt.date | None = None
) -> ImportReport:
    """Import sheet 任务 into `county`; a (年度, 任务编号) already there is updated. All or nothing."""
    unit_of, all_townships = _resolver(county)
    sheet = domain.read_tasks(
        data, filename, unit_of, all_townships, _chapter_finder(county), today=today or timezone.localdate()
    )
    report = ImportReport(errors=sheet.errors, error_count=sheet.error_count)
    if not sheet.ok:
        return report
    with transaction.atomic():
        for row in sheet.rows:
            values = {
                "chapter": row["chapter"], "plan_item": row["plan_item"], "content": row["content"],
                "goal_value": row["goal_value"], "goal_unit": row["goal_unit"][:20],
                "goal_text": row["goal_text"][:200], "deadline_kind": row["deadline_kind"],
                "deadline": row["deadline"],
                "target": _target_for(county, row["goal_text"] or row["content"], row["year"])
                if row["goal_value"] is not None else None,
            }  # fmt: skip
            task = Task.objects.filter(county=county, year=row["year"], code=row["code"]).first()
            if task is None:
                task = Task.objects.create(county=county, year=row["year"], code=row["code"], **values)
                report.created += 1
            elif any(getattr(task, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(task, k, v)
                task.save()
                report.updated += 1
            else:
                report.unchanged += 1
            _set_units(task, row["lead"], row["cooperating"])
    return report


def _set_units(task: Task, lead: list[domain.Unit], cooperating: list[domain.Unit]) -> None:
    wanted = [(TaskUnit.Role.LEAD, u) for u in lead] + [(TaskUnit.Role.COOPERATING, u) for u in cooperating]
    keep: list[int] = []
    for role, unit in wanted:
        lookup = (
            {"department": unit.department} if unit.department is not None else {"township": unit.township}
        )
        existing = task.units.filter(**lookup).first()
        if existing is None:
            existing = TaskUnit.objects.create(task=task, role=role, **lookup)
        elif existing.role != role:
            existing.role = role
            existing.save(update_fields=["role"])
        keep.append(existing.pk)
    # A unit no longer named goes, unless it has reported (its reports stay with the task).
    task.units.exclude(pk__in=keep).filter(reports__isnull=True).delete()


def tasks_from_plan(county: Region, year: int) -> int:
    """A task for `year` from each confirmed 任务分工 item of the county's plans in force (once each)."""
    created = 0
    departments = {d.pk: d for d in Department.objects.filter(region=county)}
    with transaction.atomic():
        for item in plan_tasks(county):
            if Task.objects.filter(county=county, year=year, plan_item=item).exists():
                continue
            data = item.effective
            number = str(data.get("number") or item.position)
            code = f"规划{item.version.plan_id}-{number}"[:40]
            title = str(data.get("title") or item.label)
            task, made = Task.objects.get_or_create(
                county=county, year=year, code=code,
                defaults={"chapter": title[:200], "plan_item": item, "content": title,
                          "deadline_kind": Task.DeadlineKind.YEAR_END, "deadline": dt.date(year, 12, 31)},
            )  # fmt: skip
            if not made:
                continue
            created += 1
            roles = item.departments or {}
            lead = [domain.Unit(departments[p].name, department=departments[p]) for p in roles.get("lead", [])
                    if p in departments]  # fmt: skip
            cooperating = [domain.Unit(departments[p].name, department=departments[p])
                           for p in roles.get("cooperating", []) if p in departments]  # fmt: skip
            _set_units(task, lead, cooperating)
    return created


# ---------------------------------------------------------------- reports, evidence, review


def submit_report(
    task: Task,
    unit: TaskUnit,
    period: str,
    status: str,
    text: str,
    user: Any,
    figure: Decimal | None = None,
    files: list[Any] | None = None,
) -> ProgressReport:
    """Report (or, after a return, report again) `unit`'s progress for `period`, with evidence files."""
    if unit.task_id != task.pk:
        raise TaskError("报送单位不是这项任务的责任单位")
    try:
        chosen = domain.period_by_key(period)
    except ValueError as exc:
        raise TaskError(str(exc)) from exc
    kind = settings_for(task.county).period
    if chosen.key not in {p.key for p in domain.periods(task.year, kind)}:
        raise TaskError(
            f"「{chosen.label}」不是这项任务的报送期（{task.year}年，{domain.PERIOD_KINDS[kind]}报）"
        )
    if chosen.start > timezone.localdate():
        raise TaskError(f"「{chosen.label}」还没有开始，不能报送")
    if status not in domain.STATUSES:
        raise TaskError(f"进展状态应为 {'、'.join(domain.STATUSES)} 之一")
    if not text.strip():
        raise TaskError("请填写进展情况")
    files = files or []
    if len(files) > domain.MAX_EVIDENCE_FILES:
        raise TaskError(f"一次最多上传 {domain.MAX_EVIDENCE_FILES} 个佐证材料")
    checked: list[tuple[str, str, bytes]] = []
    for f in files:
        size = getattr(f, "size", None)
        if size is not None and size > domain.MAX_EVIDENCE_BYTES:
            raise TaskError(f"「{f.name}」过大，上限为 {domain.MAX_EVIDENCE_BYTES // 1024 // 1024} MB")
        data = f.read()
        try:
            checked.append((f.name, domain.evidence_kind(f.name, data), data))
        except ValueError as exc:
            raise TaskError(str(exc)) from exc
    with transaction.atomic():
        report = (
            ProgressReport.objects.select_for_update().filter(task=task, unit=unit, period=chosen.key).first()
        )
        if report is not None and report.review == ProgressReport.Review.APPROVED:
            raise TaskError(f"{chosen.label}的进展已审核通过，不能再修改")
        if report is None:
            report = ProgressReport(task=task, unit=unit, period=chosen.key)
        report.status, report.text, report.figure = status, text.strip(), figure
        report.review, report.reported_by, report.reported_at = (
            ProgressReport.Review.SUBMITTED,
            user,
            timezone.now(),
        )
        report.save()
        for name, kind, data in checked:
            Evidence.objects.create(
                report=report, file=ContentFile(data, name=name), filename=name[:255], kind=kind,
                size=len(data), uploaded_by=user,
            )  # fmt: skip
    return report


def review(report: ProgressReport, approve: bool, user: Any, reason: str = "") -> ProgressReport:
    """The county's 通过 or 退回 (with a reason); an approved lead report sets the task's status."""
    if not is_county(user):
        raise TaskError("只有县级账号可以审核任务进展")
    if report.review != ProgressReport.Review.SUBMITTED:
        raise TaskError("这条进展不在待审核状态")
    if not approve and not reason.strip():
        raise TaskError("退回时请写明原因")
    with transaction.atomic():
        report.reviewed_by, report.reviewed_at = user, timezone.now()
        if approve:
            report.review, report.return_reason = ProgressReport.Review.APPROVED, ""
        else:
            report.review, report.return_reason = ProgressReport.Review.RETURNED, reason.strip()[:300]
            report.times_returned += 1
        report.save()
        if approve and report.unit.role == TaskUnit.Role.LEAD:
            update_task_status(report.task)
    return report


def update_task_status(task: Task) -> None:
    approved = task.reports.filter(review=ProgressReport.Review.APPROVED, unit__role=TaskUnit.Role.LEAD)
    latest = approved.order_by("-period", "-reported_at").first()
    done = approved.filter(status=Task.Status.DONE).order_by("reported_at").first()
    task.status = latest.status if latest else Task.Status.NOT_STARTED
    task.completed_on = timezone.localdate(done.reported_at) if done else None
    task.save(update_fields=["status", "completed_on", "updated_at"])


def visible_evidence(user: Any) -> QuerySet[Evidence]:
    return Evidence.objects.filter(report__task__in=visible_tasks(user).values("pk"))
