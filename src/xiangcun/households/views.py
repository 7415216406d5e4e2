from __future__ import annotations

import io
from decimal import Decimal, InvalidOperation
from typing import Any

import openpyxl
from auditlog.models import LogEntry
from django.conf import settings as django_settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from xiangcun.accounts.scopes import county_of, get_scoped_or_404, scope_of, scoped
from xiangcun.audit.services import record_access
from xiangcun.core.crypto import lookup_hash
from xiangcun.core.downloads import export_response
from xiangcun.core.params import parse_id
from xiangcun.core.permissions import require
from xiangcun.departments.models import Department
from xiangcun.domain.households import cases as flow
from xiangcun.domain.households.idcard import mask_id, mask_phone
from xiangcun.domain.households.screening import RULES, YEARS, ThresholdError, check_threshold
from xiangcun.domain.households.workbook import CHOICES
from xiangcun.domain.spreadsheets import append_row
from xiangcun.regions.models import Region

from . import cases as case_services
from . import services, stored
from .models import Case, Household, Member, MonitoringThreshold, RuleSetting

RULE_NAMES = {r.code: r.name for r in RULES}


# the registry page's filters: field → the registry column whose values it takes
FILTERS = {"household_type": "户类型", "housing_grade": "住房安全等级", "tekun": "特困"}


@login_required
def registry(request: HttpRequest) -> HttpResponse:
    households = scoped(Household.objects.all(), request.user)
    q = request.GET.get("q", "").strip()
    if q:
        # a full 身份证号 or phone number is found through its keyed hash (the columns themselves are sealed)
        by_member = Member.objects.filter(id_number_hash=lookup_hash(q.upper())).values("household_id")
        # matched among the regions (thousands), not through a join on every household
        named = Region.objects.filter(name__icontains=q).values("id")
        households = households.filter(
            Q(code__icontains=q)
            | Q(head_name__icontains=q)
            | Q(village_id__in=named)
            | Q(phone_hash=lookup_hash(q))
            | Q(pk__in=by_member)
        )
    filters = {f: v for f, column in FILTERS.items() if (v := request.GET.get(f, "")) in CHOICES[column]}
    ids: Any = households.filter(**filters).order_by("code").values_list("id", flat=True)
    if q:
        # a search scans the registry: once here for the matching ids, where Paginator's COUNT would scan it again
        ids = list(ids)
    page = Paginator(ids, 50).get_page(request.GET.get("page"))
    shown = Household.objects.select_related("village", "village__parent").filter(
        id__in=list(page.object_list)
    )
    rows = [(h, mask_phone(h.phone)) for h in shown.order_by("code")]
    return render(
        request,
        "households/registry.html",
        {
            "page": page,
            "rows": rows,
            "q": q,
            **filters,
            "choices": {f: CHOICES[c] for f, c in FILTERS.items()},
        },
    )


@login_required
def detail(request: HttpRequest, code: str) -> HttpResponse:
    household = get_scoped_or_404(
        Household.objects.select_related("village", "village__parent"), request.user, code=code
    )
    reveal = request.GET.get("reveal") == "1" and request.user.can("view_personal")  # type: ignore[union-attr]
    if reveal:
        record_access(request.user, household, "查看完整证件号", request.user.get_username())
    members = [(m, m.id_number if reveal else mask_id(m.id_number)) for m in household.members.all()]
    year = timezone.localdate().year - 1
    county = county_of(request.user)
    used = services.threshold_used(county, year)
    fired = services.run_screening(
        Household.objects.filter(pk=household.pk), year, used.value, services.enabled_rules(county)
    )
    rules = [(code, RULE_NAMES[code]) for code in (fired[0]["rules"] if fired else [])]
    context = {
        "household": household,
        "members": members,
        "phone": household.phone if reveal else mask_phone(household.phone),
        "reveal": reveal,
        "finances": household.finances.order_by("-year"),
        "rules": rules,
        "year": year,
        "threshold": used,
        "income": services.per_capita_income(household, year),
        "history": LogEntry.objects.get_for_object(household).select_related("actor")[:30],
        "cases": household.cases.all(),
        "visits": household.visits.select_related("visitor")[:20],
        "medical_category": _medical_category(household),
        "channels": flow.CHANNELS,
        "fired_codes": [code for code, _ in rules],
    }
    return render(request, "households/detail.html", context)


def _medical_category(household: Household) -> str:
    """The category the medical calculator applies to this household's members (专栏2)."""
    if household.tekun != "否":
        return "特困"
    if household.dibao:
        return "低保"
    if household.cases.filter(phase__in=("帮扶", "消除")).exists():
        return "易返贫致贫"
    return "其他"


def _screening(request: HttpRequest) -> dict[str, Any]:
    """Screen the user's scope for the requested year; rows filtered by ?rule=, with 户主 and 村."""
    county = county_of(request.user)
    try:
        year = int(request.GET.get("year") or timezone.localdate().year - 1)
    except ValueError:
        year = timezone.localdate().year - 1
    used = services.threshold_used(county, year)
    scope = scope_of(request.user)
    if scope.empty:
        result = stored.Screening.of([], 0)
    else:  # kept between registry changes: a county's screening takes seconds (stored.py)
        path = None if scope.everything else scope.region_path
        result = stored.screening(path, year, used.value, services.enabled_rules(county))
    by_rule = result.counts()
    counts = [(code, name, by_rule[code]) for code, name in RULE_NAMES.items()]
    rule = request.GET.get("rule", "")
    if rule not in RULE_NAMES:
        rule = ""
    rows = result.rows(rule)
    return {"rows": rows, "year": year, "threshold": used, "counts": counts, "rule": rule,
            "rule_name": RULE_NAMES.get(rule, ""), "screened": result.screened, "total": len(rows)}  # fmt: skip


def _with_names(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add 户主, 村 and the rules' Chinese names to screening rows (one query per page)."""
    info = {
        code: (head, village, township)
        for code, head, village, township in Household.objects.filter(
            code__in=[r["household"] for r in rows]
        ).values_list("code", "head_name", "village__name", "village__parent__name")
    }
    return [{**r, "head_name": info.get(r["household"], ("", "", ""))[0],
             "village": info.get(r["household"], ("", "", ""))[1],
             "township": info.get(r["household"], ("", "", ""))[2],
             "names": [RULE_NAMES.get(c, c) for c in r["rules"]]} for r in rows]  # fmt: skip


@login_required
def screening_page(request: HttpRequest) -> HttpResponse:
    context = _screening(request)
    page = Paginator(context["rows"], 50).get_page(request.GET.get("page"))
    context.update(page=page, page_rows=_with_names(list(page.object_list)))
    query = request.GET.copy()
    query.pop("page", None)
    context["query"] = query.urlencode()
    return render(request, "households/screening.html", context)


@login_required
def screening_export(request: HttpRequest) -> HttpResponse:
    """The screening result of the user's scope (filtered like the page) as .xlsx: audited, for roles that see names."""
    require(request, "view_personal")
    context = _screening(request)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(f"{context['year']}年筛查")
    append_row(
        sheet, [f"{context['threshold']}" + (f"；规则：{context['rule_name']}" if context["rule"] else "")]
    )
    append_row(sheet, ["户编号", "户主", "乡镇", "村", "人均纯收入（元）", "触发规则"])
    for start in range(0, len(context["rows"]), 2000):
        for r in _with_names(context["rows"][start : start + 2000]):
            append_row(sheet, [r["household"], r["head_name"], r["township"], r["village"], r["per_capita_income"],
                          "、".join(r["names"])])  # fmt: skip
    buffer = io.BytesIO()
    workbook.save(buffer)
    what = f"{context['year']}年风险筛查结果 {context['total']} 户" + (
        f"（{context['rule_name']}）" if context["rule"] else ""
    )
    return export_response(request, buffer.getvalue(), f"screening-{context['year']}.xlsx", what)


@login_required
def case_inbox(request: HttpRequest) -> HttpResponse:
    """Open cases in scope by phase and step, overdue ones first, with the identification clock."""
    cases = scoped(Case.objects.select_related("household", "household__village"), request.user)
    open_cases = cases.exclude(phase__in=("已消除", "未纳入"))
    phase = request.GET.get("phase", "")
    if phase in services.CASE_GROUPS:
        open_cases = cases.filter(phase__in=services.CASE_GROUPS[phase][1])
    elif phase:  # any phase, closed ones too (the 已消除 and 未纳入 cards link here)
        open_cases = cases.filter(phase=phase)
    today = timezone.localdate()
    listed = list(open_cases[:1000])
    limits = case_services.identification_limits([c.household.village.path for c in listed])
    rows = []
    for case in listed:
        step = flow.STEPS[case.step] if case.phase in ("识别", "消除") else None
        clock = None
        if case.phase == flow.IDENTIFYING:
            clock = flow.identification_clock(case.opened_at, today, limits[case.household.village.path])
        rows.append(
            {
                "case": case,
                "step": step,
                "clock": clock,
                "overdue": flow.overdue(
                    step, case.step_started, today, django_settings.MONITORING["step_deadlines"]
                ),
            }
        )
    # Late steps first, then identifications by how close they are to (or past) their time limit.
    rows.sort(key=lambda r: (-r["overdue"], r["clock"].remaining if r["clock"] else 10**6))
    return render(
        request,
        "households/cases.html",
        {"rows": rows, "cards": services.case_figures(cases), "phase": phase},
    )


STEP_FIELDS = ("reason", "meeting_date", "attendance", "presider", "start", "end", "objections", "handling")


def _actor_name(user: Any) -> str:
    if user is None:
        return "系统"
    return user.get_full_name() or user.get_username()


def _decision_facts(case: Case) -> dict[str, Any]:
    """What the township's and the county's decision rests on: members, income, the rules fired."""
    household = case.household
    county = case_services.county_of_household(household)
    year = household.finances.order_by("-year").values_list("year", flat=True).first() or (
        timezone.localdate().year - 1
    )
    used = services.threshold_used(county, year)
    fired = services.run_screening(
        Household.objects.filter(pk=household.pk), year, used.value, services.enabled_rules(county)
    )
    income = services.per_capita_income(household, year)
    return {
        "year": year,
        "threshold": used,
        "members": [(m, mask_id(m.id_number)) for m in household.members.all()],
        "income": income,
        "below": income is not None and income < used.value,
        "rules": [RULE_NAMES.get(c, c) for c in (fired[0]["rules"] if fired else [])],
    }


def _recheck_state(case: Case, steps: list[Any]) -> str:
    """The 回头看 line of a cleared case: done (when, what was found), due, or when it falls due."""
    if case.phase != flow.CLEARED or case.recheck_on is None:
        return ""
    done = [s for s in steps if s.name == flow.RECHECK]
    if done:
        last = done[-1]
        return (
            f"已回头看 {len(done)} 次，最近一次 {last.facts.get('date', '')}：{last.facts.get('result', '')}"
        )
    if flow.recheck_due(case.recheck_on, timezone.localdate()):
        return f"回头看已到期（{case.recheck_on.isoformat()}），尚未登记"
    return f"应于 {case.recheck_on.isoformat()} 前后回头看"


def _case_page(
    request: HttpRequest,
    case: Case,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> HttpResponse:
    step = flow.STEPS[case.step] if case.phase in ("识别", "消除") else None
    role = "system_admin" if request.user.is_superuser else request.user.role  # type: ignore[union-attr]
    county = case_services.county_of_household(case.household)
    settings_ = case_services.settings_for(county)
    values = values or {}
    if step == flow.PUBLICITY and not values:
        values = {"start": case.publicity_start.isoformat() if case.publicity_start else "",
                  "end": case.publicity_end.isoformat() if case.publicity_end else ""}  # fmt: skip
    records = []
    for s in case.steps.select_related("actor"):
        facts = [(flow.FACT_LABELS.get(k, k), v) for k, v in s.facts.items() if v not in ("", None)]
        records.append({"step": s, "actor": _actor_name(s.actor), "facts": facts})
    labels = dict(flow.STEP_FACTS.get(step or "", ()))
    context = {
        "case": case,
        "step": step,
        "records": records,
        "can_act": step is not None and role in flow.STEP_ROLES[step],
        "admitting": case.phase == "识别" and step == flow.STEPS[-1],
        "blockers": case_services.blockers(case) if case.phase == "帮扶" else [],
        "categories": flow.CATEGORIES,
        "causes": flow.CAUSES,
        "measures": flow.MEASURES,
        "departments": Department.objects.filter(region=case_services.county_of_household(case.household)),
        "rule_names": [RULE_NAMES.get(c, c) for c in case.rule_codes],
        "clock": case_services.clock(case),
        "note_label": labels.get("note", "说明"),
        "values": values,
        "errors": errors or {},
        "settings": settings_,
        "publicity_over": case.publicity_end is not None and case.publicity_end < timezone.localdate(),
        "decision": _decision_facts(case) if step in (flow.TOWNSHIP, flow.COUNTY) else None,
        "recheck_state": _recheck_state(case, [r["step"] for r in records]),
        "reopened": case.household.cases.filter(phase__in=flow.OPEN_PHASES).exclude(pk=case.pk).first()
        if case.phase == flow.CLEARED
        else None,
    }
    return render(request, "households/case.html", context, status=400 if errors else 200)


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_scoped_or_404(
        Case.objects.select_related("household", "household__village"), request.user, pk=pk
    )
    if request.method == "POST":
        action = request.POST.get("action")
        values = {k: request.POST.get(k, "") for k in (*STEP_FIELDS, "note", "category")}
        values["causes"] = request.POST.getlist("causes")
        try:
            if action == "step":
                case_services.record(
                    case, request.user, request.POST.get("passed") == "1", values["note"],
                    values["category"], values["causes"], {k: values[k] for k in STEP_FIELDS},
                    expected=request.POST.get("step_key"),
                )  # fmt: skip
            elif action == "notice":
                case_services.post_notice(case, request.user, values["start"], values["end"])
            elif action == "eliminate":
                require(request, "edit_households")
                case_services.start_elimination(case)
            elif action == "measure":
                require(request, "edit_households")
                department = Department.objects.filter(pk=parse_id(request.POST.get("department"))).first()
                case_services.add_measure(case, request.POST.get("name", ""), department)
        except flow.StepFactsError as exc:
            case.refresh_from_db()
            return _case_page(request, case, values, exc.errors)
        except flow.CaseError as exc:
            case.refresh_from_db()
            return _case_page(request, case, values, {"general": str(exc)})
        else:
            messages.success(
                request, "公示已登记，公示期满后请登记异议情况并办结。" if action == "notice" else "已保存。"
            )
        return redirect("households:case", pk=case.pk)
    return _case_page(request, case)


@require_POST
@login_required
def case_open(request: HttpRequest, code: str) -> HttpResponse:
    household = get_scoped_or_404(Household.objects.all(), request.user, code=code)
    require(request, "edit_households")
    try:
        case = case_services.open_case(
            household,
            request.POST.get("channel", ""),
            request.POST.get("note", ""),
            request.POST.getlist("rules"),
        )
    except flow.CaseError as exc:
        messages.error(request, str(exc))
        return redirect("households:detail", code=code)
    return redirect("households:case", pk=case.pk)


@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    cases = scoped(Case.objects.all(), request.user)
    return render(request, "households/statistics.html", services.case_statistics(cases))


@login_required
def monthly_report(request: HttpRequest) -> HttpResponse:
    """The month's monitoring report as .xlsx: totals per township and the cases opened or closed this month."""
    cases = scoped(Case.objects.all(), request.user)
    stats = services.case_statistics(cases)
    today = timezone.localdate()
    month_start = today.replace(day=1)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "分乡镇统计"
    late = [stats["identification_label"], "步骤超期的案件"]
    append_row(sheet, ["乡镇", "识别中", "帮扶中", "消除审核中", "已消除", "未纳入", *late])
    for township, row in stats["by_township"].items():
        append_row(
            sheet,
            [
                township,
                *(row[k] for k in ("识别", "帮扶", "消除", "已消除", "未纳入", "识别超期", "步骤超期")),
            ],
        )
    append_row(sheet, ["合计", *(sum(r[k] for r in stats["by_township"].values()) for k in ("识别", "帮扶", "消除", "已消除", "未纳入")),
                       stats["identification_overdue"], stats["overdue"]])  # fmt: skip
    detail = workbook.create_sheet("本月案件")
    append_row(
        detail,
        ["户编号", "户主", "村", "发现渠道", "阶段", "类别", "风险类型", "发现日期", "纳入日期", "消除日期"],
    )
    recent = cases.filter(
        Q(opened_at__gte=month_start) | Q(admitted_at__gte=month_start) | Q(cleared_at__gte=month_start)
    )
    for case in recent.select_related("household__village"):
        append_row(detail, [case.household.code, case.household.head_name, case.household.village.name, case.channel,
                       case.phase, case.category, "、".join(case.causes), case.opened_at, case.admitted_at, case.cleared_at])  # fmt: skip
    buffer = io.BytesIO()
    workbook.save(buffer)
    return export_response(
        request, buffer.getvalue(), f"monitoring-{today:%Y-%m}.xlsx", f"防返贫监测月报 {today:%Y-%m}"
    )


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    """The county's yearly thresholds (a history by year), its screening rules and its case procedure."""
    require(request, "edit_plans")
    county = county_of(request.user)
    if county is None:
        raise Http404("没有可设置的县")
    try:
        year = int(request.POST.get("year") or request.GET.get("year") or timezone.localdate().year - 1)
    except ValueError:
        year = timezone.localdate().year - 1
    if year not in YEARS:
        year = timezone.localdate().year - 1
    procedure = case_services.settings_for(county)
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in ("threshold", "basis", "publicity_days",
                                                                "identification_days")}  # fmt: skip
        stored = MonitoringThreshold.objects.filter(region=county, year=year).exists()
        threshold: Decimal | None = None
        try:
            if values["threshold"] or stored:  # a year without a figure may stay on the default
                threshold = Decimal(values["threshold"].replace(",", ""))
                check_threshold(threshold, year)
        except ThresholdError as exc:
            errors["threshold"] = str(exc)
        except (InvalidOperation, ValueError):
            errors["threshold"] = "监测标准应为金额（元/人·年），如 7000"
        with_procedure = "publicity_days" in request.POST  # the page's form always sends it
        try:
            publicity_days = int(values["publicity_days"] or procedure.publicity_days)
            identification_days = int(values["identification_days"] or procedure.identification_days)
            flow.check_policy(publicity_days, identification_days)
        except flow.CaseError as exc:  # a ValueError too: catch it first
            errors["procedure"] = str(exc)
        except ValueError:
            errors["procedure"] = "公示天数和识别时限应为整数天"
        if with_procedure:
            procedure.separate_review = request.POST.get("separate_review") == "1"
            procedure.separate_all = request.POST.get("separate_all") == "1"
        if not errors:
            if threshold is not None:
                services.save_threshold(county, year, threshold, values["basis"][:200], request.user)
            enabled = set(request.POST.getlist("rules"))
            for rule in RULES:
                RuleSetting.objects.update_or_create(
                    region=county, code=rule.code, defaults={"enabled": rule.code in enabled}
                )
            if with_procedure:
                procedure.publicity_days, procedure.identification_days = publicity_days, identification_days
                procedure.save()  # audited (auditlog) like the thresholds and rules
            messages.success(request, f"已保存 {year} 年监测标准、筛查规则和监测程序设置。")
            return redirect(f"{reverse('households:settings')}?year={year}")
    enabled = set(request.POST.getlist("rules")) if errors else set(services.enabled_rules(county))
    used = services.threshold_used(county, year)
    history = services.stored_thresholds(county)
    step_deadlines = flow.check_deadlines(django_settings.MONITORING["step_deadlines"])
    context = {
        "county": county,
        "year": year,
        "used": used,
        "threshold": values.get("threshold") or (f"{used.value:.2f}" if used.stored else ""),
        "basis": values.get("basis", used.basis),
        "default": services.threshold_used(None, year),
        "history": history,
        "rules": [(r, r.code in enabled) for r in RULES],
        "procedure": procedure,
        "step_deadlines": list(step_deadlines.items()),
        "step_total": sum(step_deadlines.values()),
        "deadline_warnings": flow.deadline_warnings(
            step_deadlines, procedure.publicity_days, procedure.identification_days
        ),
        "values": values,
        "errors": errors,
    }
    return render(request, "households/settings.html", context, status=400 if errors else 200)


@login_required
def export(request: HttpRequest) -> HttpResponse:
    """The registry of the user's scope in the import format, with full ID numbers: audited, for roles that need them."""
    require(request, "view_personal")
    households = scoped(Household.objects.all(), request.user)
    data = services.export_households(households)
    return export_response(
        request,
        data,
        f"households-{timezone.localdate():%Y%m%d}.xlsx",
        f"农户登记表 {households.count()} 户（含完整身份证号）",
    )
