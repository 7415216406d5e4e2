"""API over tasks (docs/api.md): tasks with their units, a task's progress reports, a unit's report
submitted by another system, the 督办 list and the scorecards. Visibility is the pages' own
(`tasks.services.visible_tasks`, `scorecard_units`)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone

from xiangcun.accounts.scopes import county_of
from xiangcun.domain import scorecards as cards
from xiangcun.domain import tasks as domain
from xiangcun.tasks import selectors, services
from xiangcun.tasks.models import ProgressReport, Task, TaskUnit

from .common import ApiError, amount, answer, body, choice_param, day, int_param, methods, page
from .views import token_required

MAX_TEXT = 4000


def _unit(u: TaskUnit) -> dict[str, Any]:
    return {"id": u.pk, "role": u.role, "role_label": u.get_role_display(), "name": u.name,
            "kind": "department" if u.department_id else "township"}  # fmt: skip


def _task(t: Task) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "id": t.pk, "year": t.year, "code": t.code, "chapter": t.chapter, "content": t.content,
        "goal": {"value": amount(t.goal_value), "unit": t.goal_unit, "text": t.goal_text}
        if t.goal_value is not None else None,
        "deadline_kind": t.deadline_kind, "deadline": day(t.deadline), "status": t.shown_status(today),
        "completed_on": day(t.completed_on),
        "overdue_days": domain.overdue_days(t.deadline, t.status == Task.Status.DONE, today),
        "units": [_unit(u) for u in t.units.all()],
    }  # fmt: skip


def _report(r: ProgressReport) -> dict[str, Any]:
    return {
        "id": r.pk, "unit": r.unit.name, "unit_id": r.unit_id, "role": r.unit.role, "period": r.period,
        "period_label": r.period_label, "status": r.status, "text": r.text, "figure": amount(r.figure),
        "review": r.review, "review_label": r.get_review_display(), "return_reason": r.return_reason,
        "reported_at": day(r.reported_at), "reviewed_at": day(r.reviewed_at),
        "evidence": [{"id": e.pk, "filename": e.filename, "kind": e.kind, "size": e.size} for e in r.evidence.all()],
    }  # fmt: skip


@token_required
def tasks(request: HttpRequest) -> HttpResponse:
    """?year= ?status= (the shown status, 滞后 included) ?unit=<department or township name>."""
    methods(request, "GET")
    rows = services.visible_tasks(request.user).prefetch_related("units__department", "units__township")
    if (year := int_param(request, "year", 1900, 2200)) is not None:
        rows = rows.filter(year=year)
    status = choice_param(request, "status", domain.STATUSES)
    rows = rows.order_by("-year", "code", "pk")
    if status is not None:  # the shown status depends on today: judged per task, as on the pages
        today = timezone.localdate()
        return page(request, [t for t in rows if t.shown_status(today) == status], _task)
    return page(request, rows, _task)


def _visible(request: HttpRequest, pk: int) -> Task:
    return get_object_or_404(
        services.visible_tasks(request.user).prefetch_related("units__department", "units__township"), pk=pk
    )


@token_required
def task(request: HttpRequest, pk: int) -> HttpResponse:
    methods(request, "GET")
    item = _visible(request, pk)
    reports = item.reports.select_related("unit__department", "unit__township").prefetch_related("evidence")
    return answer(
        {**_task(item), "reports": [_report(r) for r in reports.order_by("period", "-unit__role", "id")]}
    )


@token_required
def task_reports(request: HttpRequest, pk: int) -> HttpResponse:
    """GET the task's reports; POST a unit's report for a period (evidence files only through the page):
    {"unit": <unit id, optional when the user reports for one unit>, "period": "2026-Q2", "status": "推进中",
    "text": "…", "figure": "120"}."""
    methods(request, "GET", "POST")
    item = _visible(request, pk)
    if request.method == "GET":
        reports = item.reports.select_related("unit__department", "unit__township").prefetch_related(
            "evidence"
        )
        return page(request, reports.order_by("period", "-unit__role", "id"), _report)
    own = services.own_units(item, request.user)
    if not own:
        raise ApiError(404, "您不是这项任务的责任单位")
    data = body(request)
    unit_id = data.get("unit")
    if unit_id is None and len(own) == 1:
        unit = own[0]
    else:
        unit = next((u for u in own if isinstance(unit_id, int) and u.pk == unit_id), None)
        if unit is None:
            choices = "、".join(f"{u.pk}（{u.name}）" for u in own)
            raise ApiError(400, f"unit 应为您所报送的责任单位编号之一：{choices}")
    period, status, text = data.get("period"), data.get("status"), data.get("text")
    if not isinstance(period, str) or not period:
        raise ApiError(400, "period 应为报送期，如 2026-Q2 或 2026-M05")
    if not isinstance(status, str):
        raise ApiError(400, f"status 应为 {'、'.join(domain.STATUSES)} 之一")
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        raise ApiError(400, f"text 应为进展情况文字（不超过 {MAX_TEXT} 字）")
    figure = _figure(data.get("figure"))
    try:
        saved = services.submit_report(item, unit, period, status, text, request.user, figure=figure)
    except services.TaskError as exc:
        raise ApiError(400, f"{exc}（没有保存任何内容）") from exc
    saved = ProgressReport.objects.select_related("unit__department", "unit__township").get(pk=saved.pk)
    return answer(_report(saved), status=201)


def _figure(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ApiError(400, "figure 应为数字（完成数量，可省略）")
    try:
        figure = Decimal(str(value).strip())
    except InvalidOperation:
        raise ApiError(400, f"figure 应为数字（收到「{str(value)[:20]}」）") from None
    if (
        not figure.is_finite()
        or figure < 0
        or figure.as_tuple().exponent < -4
        or abs(figure) >= Decimal(10) ** 14
    ):
        raise ApiError(400, "figure 应为不小于 0、最多 4 位小数的数字")
    return figure


@token_required
def supervision(request: HttpRequest) -> HttpResponse:
    """督办: overdue tasks and missing reports of a year; a department's or township's own inbox for them."""
    methods(request, "GET")
    year = int_param(request, "year", 1900, 2200) or timezone.localdate().year
    rows = selectors.supervision(
        services.visible_tasks(request.user).filter(year=year),
        unit_filter=services.inbox_filter(request.user),
    )
    return page(
        request, rows, lambda r: {"kind": r["kind"], "task_id": r["task"].pk, "code": r["code"],
                                  "content": r["content"], "unit": r["unit"], "period": r["period"] or None,
                                  "deadline": day(r["deadline"]), "days_overdue": r["days"]},
        year=year,
    )  # fmt: skip


@token_required
def scorecards(request: HttpRequest) -> HttpResponse:
    """?kind=department|township ?year=: the ranked scorecards the user may read, each explained line by line."""
    methods(request, "GET")
    county = county_of(request.user)
    if county is None:
        raise ApiError(404, "您的账号没有所属县")
    kind = choice_param(request, "kind", cards.KINDS) or (
        "township" if services.township_of(request.user) is not None else "department"
    )
    year = int_param(request, "year", 1900, 2200) or timezone.localdate().year
    visible = services.scorecard_units(request.user, kind)
    rows = [r for r in selectors.scorecards(county, year, kind) if visible is None or r["key"] in visible]
    return page(request, rows, lambda r: {**r, "key": r["key"]}, kind=kind, year=year)
