"""The visit page: village and township staff record a visit on the phone, with photos from the camera."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from xiangcun.accounts.scopes import county_of, get_scoped_or_404
from xiangcun.core.downloads import upload_response
from xiangcun.core.permissions import require
from xiangcun.domain.households import cases as flow
from xiangcun.domain.households.photos import MAX_BYTES, MAX_PHOTOS
from xiangcun.domain.households.screening import RULES

from . import cases as case_services
from . import services
from .models import Case, Household, Visit, VisitPhoto
from .visits import STALE, AlreadySaved, Upload, VisitError, record_visit

RULE_NAMES = {r.code: r.name for r in RULES}
# What every visit looks at besides the household's warnings: 两不愁三保障 and 饮水安全, income.
STANDARD_CHECKS = (
    ("FOOD_CLOTHING", "不愁吃、不愁穿"),
    ("SCHOOL", "义务教育有保障（适龄子女在校）"),
    ("MEDICAL", "基本医疗有保障（参加医保、大病有报销）"),
    ("HOUSE", "住房安全有保障"),
    ("DRINKING", "饮水安全有保障"),
    ("INCOME", "家庭收支与务工情况"),
)


def _checklist(household: Household, case: Case | None, request: HttpRequest) -> list[dict[str, Any]]:
    """The household's fired screening rules (and the case's) first, then the standard items."""
    year = timezone.localdate().year - 1
    county = county_of(request.user)
    fired = services.run_screening(
        Household.objects.filter(pk=household.pk),
        year,
        services.threshold_used(county, year).value,
        services.enabled_rules(county),
    )
    codes = list(dict.fromkeys([*(fired[0]["rules"] if fired else []), *(case.rule_codes if case else [])]))
    items = [{"code": c, "name": RULE_NAMES.get(c, c), "warning": True} for c in codes]
    return items + [{"code": c, "name": n, "warning": False} for c, n in STANDARD_CHECKS]


def _parse_time(text: str) -> dt.datetime | None:
    text = text.strip().replace("T", " ")
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"):
        try:
            return timezone.make_aware(dt.datetime.strptime(text, fmt))
        except ValueError:
            continue
    return None


def _same_visit(case: Case | None, user: Any, findings: str) -> Visit | None:
    """The visit that completed the case's 入户核实 when it is this one sent again (a double tap)."""
    if case is None:
        return None
    return (
        Visit.objects.filter(case=case, visitor=user, findings=findings.strip(), step__name=flow.VERIFY)
        .order_by("-pk")
        .first()
    )


def _submission(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text.strip())
    except ValueError:
        return None


ALREADY_SAVED = (
    "这份走访表单已经保存过（重复点击或网络中断后重新提交），重复提交的内容没有再次保存。以下是已保存的记录。"
)


@login_required
def visit_new(request: HttpRequest, code: str) -> HttpResponse:
    household = get_scoped_or_404(
        Household.objects.select_related("village", "village__parent"), request.user, code=code
    )
    require(request, "edit_households")
    case = None
    case_id = request.POST.get("case") or request.GET.get("case")
    if case_id:
        try:
            case = household.cases.get(pk=int(case_id))
        except (ValueError, Case.DoesNotExist) as exc:
            raise Http404("没有这个监测案件") from exc
    at_verify = case is not None and flow.CaseState(case.phase, case.step).step_name == flow.VERIFY
    role = "system_admin" if request.user.is_superuser else request.user.role  # type: ignore[union-attr]
    can_complete = at_verify and role in flow.STEP_ROLES[flow.VERIFY]
    can_recheck = case is not None and case.phase == flow.CLEARED and role in flow.STEP_ROLES[flow.VERIFY]
    checklist = _checklist(household, case, request)
    errors: dict[str, str] = {}
    values: dict[str, Any] = {
        "kind": "入户核实" if case is None or case.phase == flow.IDENTIFYING else "回头看",
        "visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "reason": "筛查预警：" + "、".join(i["name"] for i in checklist if i["warning"])
        if any(i["warning"] for i in checklist)
        else "",
        "checked": [],
        "findings": "",
        "complete": "1" if can_complete else "",
        "recheck": "",
        "risk": "",
    }
    submission = uuid.uuid4()  # rendered in the form and kept in its draft; one visit per form
    if request.method == "POST":
        submission = _submission(request.POST.get("submission", "")) or submission
        values = {
            k: request.POST.get(k, "")
            for k in ("kind", "visited_at", "reason", "findings", "complete", "recheck", "risk")
        }
        values["checked"] = request.POST.getlist("checked")
        expected = request.POST.get("step_key") or None
        files = [f for f in request.FILES.getlist("photos") if f.name]
        uploads = [
            Upload(
                f.name, b"" if (f.size or 0) > MAX_BYTES or len(files) > MAX_PHOTOS else f.read(), f.size or 0
            )
            for f in files
        ]
        checked = [{"code": i["code"], "name": i["name"], "checked": i["code"] in values["checked"]}
                   for i in checklist]  # fmt: skip
        try:
            visit = record_visit(
                household, request.user, kind=values["kind"], checked=checked, findings=values["findings"],
                visited_at=_parse_time(values["visited_at"]), uploads=uploads, case=case,
                # Asked for on a form opened at 入户核实 (its step_key says so), even if the step was done
                # meanwhile: record_visit then refuses, instead of saving the visit as if it completed it.
                complete_step=values["complete"] == "1" and (can_complete or bool(expected)),
                passed=request.POST.get("passed", "1") == "1", reason=values["reason"],
                recheck=values["recheck"] if can_recheck else "", risk=values["risk"], expected=expected,
                submission=_submission(request.POST.get("submission", "")),
            )  # fmt: skip
        except AlreadySaved as exc:
            messages.info(request, ALREADY_SAVED)
            return redirect("households:visit", pk=exc.visit.pk)
        except VisitError as exc:
            errors = exc.errors
            if errors.get("case") == STALE and (
                earlier := _same_visit(case, request.user, values["findings"])
            ):
                messages.info(request, "这次走访已经保存并办结了「入户核实」，重复提交的内容没有再次保存。")
                return redirect("households:visit", pk=earlier.pk)
        else:
            done = ""
            if visit.step_id:
                done = (
                    "，并已登记「回头看」结论"
                    if values.get("recheck") and can_recheck
                    else "，并已办结「入户核实」"
                )
            if values.get("recheck") == "risk" and can_recheck:
                done += "；该户已重新纳入监测识别（新的监测案件，从入户核实开始）"
            messages.success(request, f"走访记录已保存{done}。")
            return redirect("households:visit", pk=visit.pk)
    if "submission" in errors:  # a token of someone else's visit: this form starts over with its own
        submission = uuid.uuid4()
    context = {
        "household": household,
        "case": case,
        "can_complete": can_complete,
        "can_recheck": can_recheck,
        "recheck_results": (("stable", flow.STABLE), ("risk", flow.AT_RISK)),
        "checklist": checklist,
        "values": values,
        "errors": errors,
        "kinds": Visit.KINDS,
        "max_photos": MAX_PHOTOS,
        "max_mb": MAX_BYTES // 1024 // 1024,
        "draft_key": f"visit-{household.code}-{case.pk if case else ''}",
        "step_key": case_services.step_key(case) if can_complete and case is not None else "",
        "submission": submission,
    }
    return render(request, "households/visit_form.html", context, status=400 if errors else 200)


@login_required
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_scoped_or_404(
        Visit.objects.select_related("household", "household__village", "visitor", "case", "step"),
        request.user,
        pk=pk,
    )
    return render(
        request,
        "households/visit.html",
        {
            "visit": visit,
            "photos": visit.photos.all(),
            "draft_key": f"visit-{visit.household.code}-{visit.case_id or ''}",
        },
    )


@login_required
def visit_photo(request: HttpRequest, pk: int) -> FileResponse:
    photo = get_scoped_or_404(VisitPhoto.objects.select_related("visit__household"), request.user, pk=pk)
    try:
        handle = photo.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404("照片文件不存在") from exc
    # Shown inline: every photo was decoded and re-encoded as JPEG on arrival (domain.households.photos).
    response = upload_response(handle, f"visit-photo-{photo.pk}.jpg", "image/jpeg", inline=True)
    response["Cache-Control"] = "private, max-age=3600"
    return response
