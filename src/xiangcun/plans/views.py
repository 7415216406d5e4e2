from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from xiangcun.accounts.scopes import get_scoped_or_404, scoped
from xiangcun.core.forms import ChineseEmptyLabels
from xiangcun.core.permissions import require
from xiangcun.departments.models import Department
from xiangcun.domain.extraction.review import locate_quote, read_selection, segments
from xiangcun.indicators.models import Indicator
from xiangcun.regions.models import Region

from . import services
from .forms import AddTargetForm, CorrectionForm, TargetYearForm, join_lines
from .models import Plan, PlanItem, PlanVersion

# Which fields of each kind of item a reviewer sees and may correct, in order.
FIELDS: dict[str, list[tuple[str, str]]] = {
    PlanItem.Kind.INDICATOR: [("category", "维度"), ("seq", "序号"), ("name", "指标"), ("unit", "单位"),
                              ("attribute", "属性"), ("national", "国家指标")],
    PlanItem.Kind.TARGET: [("subject", "内容"), ("value", "目标值"), ("unit", "单位"), ("op", "关系"),
                           ("year", "年份"), ("scope", "范围")],
    PlanItem.Kind.PROJECT: [("box", "专栏"), ("name", "项目"), ("length_km", "长度（公里）"),
                            ("investment_wan_yuan", "投资（万元）")],
    PlanItem.Kind.TASK: [("number", "编号"), ("title", "任务"), ("lead", "牵头部门"), ("cooperating", "配合部门")],
    PlanItem.Kind.PLACE: [("township", "乡镇"), ("village", "村（社区）"), ("kind", "类别"),
                          ("population", "人口"), ("natural_villages", "自然村")],
    PlanItem.Kind.PLACE_LIST: [("list", "名单"), ("township", "乡镇"), ("villages", "村")],
    PlanItem.Kind.SCHOOL: [("township", "乡镇"), ("name", "学校"), ("level", "规模"), ("students", "在校人数"),
                           ("teachers", "教职人数"), ("area", "面积"), ("area_unit", "面积单位"),
                           ("schools", "学校数"), ("year", "年度")],
}  # fmt: skip


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = list(
        scoped(Plan.objects.select_related("region"), request.user)
        .annotate(version_count=Count("versions", distinct=True))
        .prefetch_related("versions")
        .order_by("archived_at", "-created_at")
    )
    for plan in plans:
        versions = sorted(plan.versions.all(), key=lambda v: -v.number)
        current = next((v.number for v in versions if v.status == PlanVersion.Status.CONFIRMED), None)
        plan.version_rows = [(v, v.status_label(current)) for v in versions]  # type: ignore[attr-defined]
    return render(request, "plans/list.html", {"plans": plans})


class UploadForm(ChineseEmptyLabels, forms.Form):
    file = forms.FileField(label="规划文件（.docx、.pdf 或 .txt）")
    region = forms.ModelChoiceField(queryset=Region.objects.none(), label="所属县")

    def __init__(self, *args: Any, regions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        if regions.count() == 1:
            self.fields["region"].initial = regions.first()


def _counties(request: HttpRequest) -> Any:
    return scoped(Region.objects.filter(depth__lte=3), request.user).order_by("path")


@login_required
def upload(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require(request, "edit_plans")
    plan = get_scoped_or_404(Plan.objects.all(), request.user, pk=pk) if pk else None
    regions = Region.objects.filter(pk=plan.region_id) if plan else _counties(request)
    form = UploadForm(request.POST or None, request.FILES or None, regions=regions)
    duplicate = None
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        try:
            if upload_file.size > services.MAX_PLAN_BYTES:
                raise services.PlanImportError("文件过大，上限为 50 MB")
            version = services.import_plan(
                upload_file.read(), upload_file.name, request.user, form.cleaned_data["region"], plan=plan
            )
        except services.DuplicateFileError as exc:
            form.add_error("file", str(exc))
            duplicate = exc.existing
        except services.PlanImportError as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(request, f"已读取「{version.filename}」，请逐条核对抽取结果。")
            return redirect("plans:version", pk=version.plan_id, number=version.number)
    return render(request, "plans/upload.html", {"form": form, "plan": plan, "duplicate": duplicate})


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_scoped_or_404(Plan.objects.all(), request.user, pk=pk)
    version = plan.latest_version()
    if version is None:
        return redirect("plans:upload_version", pk=plan.pk)
    return redirect("plans:version", pk=plan.pk, number=version.number)


@login_required
def version_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    version = get_scoped_or_404(
        PlanVersion.objects.select_related("plan"), request.user, plan_id=pk, number=number
    )
    kind = request.GET.get("kind") or PlanItem.Kind.INDICATOR
    if kind not in FIELDS:
        kind = PlanItem.Kind.INDICATOR
    status = request.GET.get("status", "")
    items = version.items.filter(kind=kind).select_related("indicator", "region")
    if status:
        items = items.filter(status=status)
    counts = {
        row["kind"]: row
        for row in version.items.values("kind").annotate(
            total=Count("id"), pending=Count("id", filter=Q(status=PlanItem.Status.PENDING))
        )
    }
    tabs = [(k, label, counts.get(k, {}).get("total", 0), counts.get(k, {}).get("pending", 0))
            for k, label in PlanItem.Kind.choices]  # fmt: skip
    departments = {d.pk: d.name for d in Department.objects.filter(region=version.plan.region)}
    rows = [_row(item, kind, departments) for item in items]
    _locate(rows, version.source_lines)
    marks = _mark_quotes(rows, version.source_lines)
    can_edit = request.user.can("edit_plans") and version.status == PlanVersion.Status.REVIEW  # type: ignore[union-attr]
    pending_total = sum(t[3] for t in tabs)
    extraction_warnings = list(version.extraction.get("warnings", []))
    notices = [w for w in extraction_warnings if w.startswith(NOTICE_PREFIXES)]
    context = {
        "plan": version.plan,
        "version": version,
        "versions": version.plan.versions.order_by("-number"),
        "kind": kind,
        "kind_label": PlanItem.Kind(kind).label,
        "status": status,
        "tabs": tabs,
        "columns": [label for _, label in COLUMNS.get(kind, FIELDS[kind])],
        "rows": rows,
        "warnings": [w for w in extraction_warnings if w not in notices],
        "notices": notices,
        "current": version.plan.current_version(),
        "disabled_reason": _confirm_blocked(version, pending_total),
        "outline": version.extraction.get("outline", [])[:400],
        "lines": [
            (n, segments(text, marks[n]) if n in marks else [(text, False)])
            for n, text in enumerate(version.source_lines, start=1)
        ],
        "can_add_target": can_edit and kind == PlanItem.Kind.TARGET,
        "can_edit": can_edit,
        "pending_total": pending_total,
        "status_choices": [("", "全部"), *PlanItem.Status.choices],
    }
    return render(request, "plans/version.html", context)


# Notices the extractor gives about the whole document (shown above the table, not among row warnings).
NOTICE_PREFIXES = ("未识别到",)

# The review table's columns where they differ from the correctable fields: the 文中目标 table shows the
# target in one column so the row fits the box with its 确认/剔除 buttons.
COLUMNS: dict[str, list[tuple[str, str]]] = {
    PlanItem.Kind.TARGET: [("subject", "内容"), ("_goal", "目标"), ("scope", "范围")],
}


def _confirm_blocked(version: PlanVersion, pending_total: int) -> str:
    """Why 确认本版本 cannot be pressed now, in words (empty when it can)."""
    if version.status != PlanVersion.Status.REVIEW:
        return ""
    if pending_total:
        return (
            f"还有 {pending_total} 条待审核：逐条确认或剔除（或用“本类全部待审核条目确认”）后才能确认本版本。"
        )
    if version.plan.archived:
        return "该规划已归档，取消归档后才能确认。"
    return ""


def _display(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(_display(v) for v in value) if value else "—"
    return str(value)


def _row(item: PlanItem, kind: str, departments: dict[int, str]) -> dict[str, Any]:
    data = item.effective
    cells = []
    for field, _ in COLUMNS.get(kind, FIELDS[kind]):
        if field == "_goal":
            goal = _value_text({"op": data.get("op"), "value": data.get("value"), "raw": ""})
            goal += str(data.get("unit") or "")
            if data.get("year"):
                goal += f"（{data['year']}年）"
            corrected = any(f in item.corrections for f in ("op", "value", "unit", "year"))
            cells.append((goal, corrected))
        else:
            cells.append((_display(data.get(field)), field in item.corrections))
    extra = ""
    if kind == PlanItem.Kind.INDICATOR:
        extra = "；".join(
            f"{v.get('year') or ''}年{VALUE_KIND_LABELS.get(v.get('kind') or '', '')} {_value_text(v)}"
            for v in data.get("values") or []
        )
        if "department" in data and data.get("department") in departments:
            extra += f"；责任部门 {departments[data['department']]}"
    elif kind == PlanItem.Kind.TASK and item.departments:
        lead = [departments.get(i, "?") for i in item.departments.get("lead", [])]
        coop = [departments.get(i, "?") for i in item.departments.get("cooperating", [])]
        extra = f"识别为：牵头 {_display(lead)}；配合 {_display(coop)}"
    elif kind in (PlanItem.Kind.TARGET, PlanItem.Kind.PROJECT):
        extra = str(data.get("quote") or "")
    anchor = _anchor(data)
    return {"item": item, "cells": cells, "extra": extra, "anchor": anchor, "line": None, "source": []}


def _mark_quotes(rows: list[dict[str, Any]], lines: list[str]) -> dict[int, list[tuple[int, int]]]:
    """Find each row's quote in the source lines: the row gets its line(s) with the quote highlighted
    (instead of the bare quote), and the returned spans highlight it in the 原文 pane too."""
    marks: dict[int, list[tuple[int, int]]] = {}
    for row in rows:
        data = row["item"].effective
        quote = str(data.get("quote") or "")
        if not quote:
            continue
        line = data.get("line") if isinstance(data.get("line"), int) else None
        spans = locate_quote(lines, quote, line)
        if not spans:
            continue
        row["line"] = min(spans)
        row["source"] = [(n, segments(lines[n - 1], [span])) for n, span in sorted(spans.items())]
        for n, span in spans.items():
            marks.setdefault(n, []).append(span)
    return marks


def _locate(rows: list[dict[str, Any]], lines: list[str]) -> None:
    """Point each row at the first source line containing its quote or name, so a reviewer can jump to it."""
    compact = [line.replace(" ", "") for line in lines]
    for row in rows:
        needle = row["anchor"].replace(" ", "")[:20]
        if len(needle) >= 2:
            row["line"] = next((n for n, text in enumerate(compact, start=1) if needle in text), None)


@login_required
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_scoped_or_404(PlanItem.objects.select_related("version__plan"), request.user, pk=pk)
    require(request, "edit_plans")
    indicators = scoped(Indicator.objects.all(), request.user)
    form = CorrectionForm(request.POST or None, item=item)
    editable = item.version.status == PlanVersion.Status.REVIEW
    if request.method == "POST" and not editable:
        messages.error(request, "该版本已确认，不能再修改。")
        return redirect(_back(item))
    if request.method == "POST" and form.is_valid():
        services.correct(item, form.changes())
        if item.kind == PlanItem.Kind.TARGET and form.target_departments() != (item.departments or {}):
            item.departments = form.target_departments()
            item.corrections = {**item.corrections, "_departments": item.departments}
        if item.kind == PlanItem.Kind.TASK and form.task_departments() != (item.departments or {}):
            item.departments = form.task_departments()
            # kept with the corrections so a re-import of the document does not undo the choice
            item.corrections = {**item.corrections, "_departments": item.departments}
        if item.kind in (PlanItem.Kind.INDICATOR, PlanItem.Kind.TARGET) and "indicator" in request.POST:
            code = request.POST.get("indicator", "")
            chosen = indicators.filter(code=code).first() if code else None
            if chosen != item.indicator:
                item.indicator = chosen
                item.corrections = {**item.corrections, "_indicator": chosen.code if chosen else None}
        status = request.POST.get("status")
        if status in PlanItem.Status.values:
            item.status = status
        item.save()
        messages.success(request, f"已保存「{item.label}」。")
        return redirect(_back(item))
    line = None
    anchor = _anchor(item.effective)
    if anchor:
        rows = [{"anchor": anchor, "line": None}]
        _locate(rows, item.version.source_lines)
        line = rows[0]["line"]
    return render(
        request,
        "plans/item.html",
        {
            "item": item,
            "form": form,
            "indicators": indicators,
            "editable": editable,
            "needs_year": not editable and services.needs_year(item),
            "quote": item.effective.get("quote") or "",
            "source_line": (line, item.version.source_lines[line - 1]) if line else None,
            "extracted": _extracted_summary(item),
        },
    )


def _extracted_summary(item: PlanItem) -> list[tuple[str, str]]:
    """What the extractor read, field by field as a person reads it (never raw JSON)."""
    data = item.data
    rows = [(label, _display(data.get(field))) for field, label in FIELDS[item.kind]]
    if item.kind == PlanItem.Kind.INDICATOR:
        rows += [(f"{v.get('year') or ''}年{VALUE_KIND_LABELS.get(v.get('kind') or '', '')}", _value_text(v))
                 for v in data.get("values") or []]  # fmt: skip
    return rows


VALUE_KIND_LABELS = {"baseline": "基期值", "target": "目标值", "increase": "增量"}
OP_SYMBOLS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": ""}


def _value_text(v: dict[str, Any]) -> str:
    if v.get("op") == "text" or v.get("value") is None:
        return str(v.get("raw") or "—")
    value = v["value"]
    number = f"{value:g}" if isinstance(value, float) else str(value)
    return f"{OP_SYMBOLS.get(v.get('op') or '=', '')}{number}"


def _anchor(data: dict[str, Any]) -> str:
    return str(data.get("quote") or data.get("name") or data.get("title") or data.get("village") or "")


def _back(item: PlanItem) -> str:
    url = reverse("plans:version", kwargs={"pk": item.version.plan_id, "number": item.version.number})
    return f"{url}?kind={item.kind}#item-{item.pk}"


@login_required
def add_target(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """Add a prose target the reader missed. The form comes prefilled from the words selected in the
    原文 pane (`?line=N&text=…`, sent by plans/review.js), read by the reader's own rules."""
    version = get_scoped_or_404(
        PlanVersion.objects.select_related("plan__region"), request.user, plan_id=pk, number=number
    )
    require(request, "edit_plans")
    back = reverse("plans:version", kwargs={"pk": pk, "number": number}) + f"?kind={PlanItem.Kind.TARGET}"
    if version.status != PlanVersion.Status.REVIEW:
        messages.error(request, "该版本已确认，不能再添加目标。")
        return redirect(back)
    if request.method == "POST":
        form = AddTargetForm(request.POST, version=version)
        if form.is_valid():
            department = form.cleaned_data.get("department")
            try:
                item = services.add_reviewer_target(
                    version, form.target_data(), department.pk if department else None
                )
            except services.PlanImportError as exc:
                messages.error(request, str(exc))
                return redirect(back)
            messages.success(request, f"已添加目标「{item.label}」（已确认）。")
            return redirect(_back(item))
    else:
        form = AddTargetForm(initial=_prefill(version, request), version=version)
    line = form["line"].value()
    try:
        line_number = int(line) if line not in (None, "") else None
    except (TypeError, ValueError):
        line_number = None
    context_lines = []
    if line_number and 1 <= line_number <= len(version.source_lines):
        quote = str(form["quote"].value() or "")
        spans = locate_quote(version.source_lines, join_lines(quote), line_number) if quote else {}
        for n in range(max(1, line_number - 1), min(len(version.source_lines), line_number + 1) + 1):
            text = version.source_lines[n - 1]
            context_lines.append((n, segments(text, [spans[n]]) if n in spans else [(text, False)]))
    return render(
        request,
        "plans/add_target.html",
        {
            "form": form,
            "version": version,
            "plan": version.plan,
            "back": back,
            "context_lines": context_lines,
        },
    )


def _prefill(version: PlanVersion, request: HttpRequest) -> dict[str, Any]:
    """The form's first values from the selected words and the line they were selected on."""
    text = join_lines(request.GET.get("text", ""))[:500]
    try:
        line = int(request.GET.get("line", ""))
    except ValueError:
        line = None
    if line is not None and not 1 <= line <= len(version.source_lines):
        line = None
    if not text:
        return {"line": line}
    plan = version.plan
    line_text = version.source_lines[line - 1] if line else ""
    read = read_selection(text, (plan.period_start, plan.period_end), line_text)
    indicators = list(
        (
            Indicator.objects.filter(region__isnull=True) | Indicator.objects.filter(region=plan.region)
        ).select_related("owner")
    )
    proposal = services.propose_department(
        read, services.match_target(read, indicators), Department.objects.filter(region=plan.region)
    )
    return {
        "quote": read["quote"],
        "line": line,
        "subject": read["subject"],
        "op": read["op"],
        "value": read["value"],
        "unit": read["unit"],
        "year": read["year"],
        "per_year": "1" if read["per_year"] else "0",
        "scope": read["scope"],
        "department": (proposal.get("lead") or [None])[0],
    }


@require_POST
@login_required
def item_year(request: HttpRequest, pk: int) -> HttpResponse:
    """Give a year to a confirmed prose target that confirming skipped for having none; its targets follow."""
    item = get_scoped_or_404(PlanItem.objects.select_related("version__plan"), request.user, pk=pk)
    require(request, "edit_plans")
    form = TargetYearForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
    else:
        try:
            count = services.give_year(item, form.cleaned_data["year"])
        except services.PlanImportError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"已补填目标年，生成 {count} 个目标。")
    return redirect(reverse("plans:item", args=[item.pk]))


@require_POST
@login_required
def item_status(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_scoped_or_404(PlanItem.objects.select_related("version"), request.user, pk=pk)
    require(request, "edit_plans")
    status = request.POST.get("status")
    if status not in PlanItem.Status.values:
        allowed = "、".join(str(label) for label in PlanItem.Status.labels)
        messages.error(request, f"条目状态只能是 {allowed} 之一，没有修改。")
    elif item.version.status == PlanVersion.Status.REVIEW:
        item.status = status
        item.save()
    return redirect(_back(item))


@require_POST
@login_required
def confirm_pending(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """Confirm every pending item of one kind at once (after the reviewer has read the list)."""
    version = get_scoped_or_404(PlanVersion.objects.all(), request.user, plan_id=pk, number=number)
    require(request, "edit_plans")
    kind = request.POST.get("kind", "")
    if version.status == PlanVersion.Status.REVIEW and kind in FIELDS:
        for item in version.items.filter(kind=kind, status=PlanItem.Status.PENDING):
            item.status = PlanItem.Status.CONFIRMED
            item.save()
    return redirect(f"{request.path.rsplit('/confirm-pending/', 1)[0]}/?kind={kind}")


@require_POST
@login_required
def confirm_version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """Confirm the version; when its targets collide with another plan's, first ask which one counts."""
    version = get_scoped_or_404(
        PlanVersion.objects.select_related("plan__region"), request.user, plan_id=pk, number=number
    )
    require(request, "edit_plans")
    found = services.conflicts(version) if version.status == PlanVersion.Status.REVIEW else []
    choices = {c.key: request.POST.get(c.key, "") for c in found}
    if found and (not request.POST.get("resolve") or any(v not in ("new", "old") for v in choices.values())):
        if request.POST.get("resolve"):
            messages.error(request, "请为每个重复的目标选择以哪个为准。")
        return render(
            request,
            "plans/conflicts.html",
            {"version": version, "plan": version.plan, "conflicts": found, "choices": choices,
             "action": reverse("plans:confirm", args=[pk, number]), "confirming": True},
        )  # fmt: skip
    try:
        targets = services.confirm_version(version, request.user, choices)
    except services.PlanImportError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"第{version.number}版已确认，生成或更新了 {targets} 个年度目标。")
    return redirect("plans:version", pk=pk, number=number)


@login_required
def version_conflicts(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """For a confirmed version: its targets that another target in force also sets, and which one counts."""
    version = get_scoped_or_404(
        PlanVersion.objects.select_related("plan__region"), request.user, plan_id=pk, number=number
    )
    groups = _version_duplicates(version)
    if request.method == "POST":
        require(request, "edit_plans")
        chosen = 0
        for group in groups:
            pick = request.POST.get(f"g-{group[0].pk}", "")
            winner = next((t for t in group if str(t.pk) == pick), None)
            if winner is None:
                continue
            for other in group:
                if other.pk != winner.pk:
                    services.resolve(winner, other)
            chosen += 1
        if chosen:
            messages.success(request, f"已为 {chosen} 组重复目标选定计入进度的目标。")
        return redirect("plans:conflicts", pk=pk, number=number)
    return render(
        request,
        "plans/duplicates.html",
        {
            "version": version,
            "plan": version.plan,
            "groups": groups,
            "can_edit": request.user.can("edit_plans"),
        },  # type: ignore[union-attr]
    )


def _version_duplicates(version: PlanVersion) -> list[list[Any]]:
    """Groups of targets in force that set what this version sets and where nobody chose which counts."""
    from xiangcun.indicators.models import Target

    own = Target.objects.filter(plan_version=version)
    keys = set(own.values_list("indicator_id", "region_id", "year"))
    if not keys:
        return []
    candidates = (
        Target.objects.in_force()
        .filter(region=version.plan.region, indicator__in={k[0] for k in keys})
        .select_related("indicator", "plan_version__plan", "region")
        .order_by("indicator__code", "year", "pk")
    )
    relevant = [t for t in candidates if (t.indicator_id, t.region_id, t.year) in keys]
    return [
        g for g in services.duplicates_in_force(relevant) if any(t.plan_version_id == version.pk for t in g)
    ]


@require_POST
@login_required
def archive(request: HttpRequest, pk: int) -> HttpResponse:
    """Archive a plan (its targets leave the dashboards) or bring it back; audited."""
    plan = get_scoped_or_404(Plan.objects.all(), request.user, pk=pk)
    require(request, "edit_plans")
    archived = request.POST.get("archived") == "1"
    services.set_archived(plan, request.user, archived)
    if archived:
        messages.success(request, f"已归档「{plan.title}」，其目标不再计入目标进度看板（可随时取消归档）。")
    else:
        messages.success(request, f"已取消归档「{plan.title}」。")
    return redirect("plans:list")
