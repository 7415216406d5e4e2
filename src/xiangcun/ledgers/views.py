"""Ledger pages: the list, the toilet ledger (rows, import/export, progress, coverage, settings), the
schools ledger, and the county's own ledgers. Every queryset goes through `scoped`; rows outside the
user's scope are 404."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from xiangcun.accounts.scopes import county_of, get_scoped_or_404, scope_of, scoped
from xiangcun.core.downloads import export_response
from xiangcun.core.forms import ChineseEmptyLabels, DateInput, OptimisticLockForm, StaleEdit
from xiangcun.core.permissions import require_county
from xiangcun.domain.households.idcard import mask_name
from xiangcun.domain.ledgers import schools, toilets
from xiangcun.domain.ledgers.columns import UNITS, DefinitionError, parse_definition, write_workbook
from xiangcun.indicators.chart import Series, line_chart
from xiangcun.regions.models import Region

from . import services
from .models import Ledger, LedgerImport, LedgerRow, SchoolRecord, SchoolSettings, ToiletRecord


def _county(request: HttpRequest) -> Region:
    county = county_of(request.user)
    if county is None:
        raise Http404("您的账号没有所属的县")
    return county


def _import_scope(request: HttpRequest) -> Region | None:
    return None if scope_of(request.user).everything else request.user.region  # type: ignore[union-attr]


def _require_edit(request: HttpRequest) -> None:
    if not services.can_edit(request.user):
        raise PermissionDenied("您的角色不能修改台账")


def _require_people(request: HttpRequest) -> None:
    if not services.sees_people(request.user):
        raise PermissionDenied("您的角色不能导出含户主姓名和户编号的台账")


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    context.setdefault("sees_people", services.sees_people(request.user))
    context.setdefault("can_edit", services.can_edit(request.user))
    context.setdefault("is_county", services.is_county(request.user))
    return render(request, template, context)


def _query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _in_place(
    records: QuerySet[Any], request: HttpRequest, field: str, chosen: dict[str, str]
) -> QuerySet[Any]:
    """Narrow by ?township= or ?village= (codes), only to places the user may see."""
    for name, depth in (("township", 4), ("village", 5)):
        if code := request.GET.get(name, ""):
            region = scoped(Region.objects.filter(depth=depth, code=code), request.user).first()
            records = records.filter(**{f"{field}__startswith": region.path}) if region else records.none()
            chosen[name] = code
    return records


def _imports(request: HttpRequest, kind: str, ledger: Ledger | None = None) -> list[LedgerImport]:
    """The latest imports of one ledger that the user may see (done within their scope)."""
    records = scoped(LedgerImport.objects.filter(kind=kind, ledger=ledger), request.user)
    return list(records.select_related("actor", "region")[:IMPORTS_SHOWN])


IMPORTS_SHOWN = 10


class UploadForm(forms.Form):
    file = forms.FileField(label="台账文件（.xlsx 或 .csv，第一个工作表）")


def _upload(request: HttpRequest, run: Any, title: str, columns: list[str], back: str) -> HttpResponse:
    _require_edit(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        report = run(f.read(), f.name)
        if report.ok:
            messages.success(request, report.summary())
            return redirect(back)
    return _render(request, "ledgers/upload.html", {"form": form, "report": report, "title": title,
                                                    "columns": columns, "back": back})  # fmt: skip


# ---------------------------------------------------------------- the list


@login_required
def index(request: HttpRequest) -> HttpResponse:
    toilet_rows = scoped(ToiletRecord.objects.all(), request.user)
    ledgers = list(scoped(Ledger.objects.all(), request.user))
    counts = services.ledger_counts(ledgers, scoped(LedgerRow.objects.all(), request.user))
    context = {
        "toilets": toilet_rows.count(),
        "toilets_accepted": toilet_rows.filter(county_date__isnull=False).count(),
        "schools": scoped(SchoolRecord.objects.all(), request.user).values("name").distinct().count(),
        "ledgers": [(ledger, counts.get(ledger.pk, 0)) for ledger in ledgers],
    }
    return _render(request, "ledgers/index.html", context)


# ---------------------------------------------------------------- toilets


def _toilets(request: HttpRequest) -> tuple[QuerySet[ToiletRecord], dict[str, str]]:
    records = scoped(ToiletRecord.objects.all(), request.user)
    chosen: dict[str, str] = {}
    records = _in_place(records, request, "village__path", chosen)
    if (year := request.GET.get("year", "")).isdigit():
        records = records.filter(year=int(year))
        chosen["year"] = year
    for name in ("model", "use_status"):
        if value := request.GET.get(name, ""):
            records = records.filter(**{name: value})
            chosen[name] = value
    if state := request.GET.get("state", ""):
        records = services.toilet_filter(records, state)
        chosen["state"] = state
    if request.GET.get("problems") == "1":
        records = records.exclude(problems="")
        chosen["problems"] = "1"
    if (q := request.GET.get("q", "").strip()) and services.sees_people(request.user):
        records = records.filter(Q(name__icontains=q) | Q(household__code=q))
        chosen["q"] = q
    return records, chosen


@login_required
def toilets_page(request: HttpRequest) -> HttpResponse:
    records, chosen = _toilets(request)
    page = Paginator(records.select_related("village", "household").order_by("village__path", "name"), 50)
    page = page.get_page(request.GET.get("page"))
    people = services.sees_people(request.user)
    rows = [(r, toilets.state(r.__dict__), r.name if people else mask_name(r.name)) for r in page]
    years = (
        scoped(ToiletRecord.objects.all(), request.user)
        .values_list("year", flat=True)
        .distinct()
        .order_by("year")
    )
    context = {
        "page": page, "rows": rows, "chosen": chosen, "query": _query(request), "states": services.toilet_states(records),
        "models": toilets.MODELS, "uses": toilets.USE_STATUSES, "state_names": toilets.STATES, "years": years,
        "townships": scoped(Region.objects.filter(depth=4), request.user), "imports": _imports(request, "toilets"),
    }  # fmt: skip
    return _render(request, "ledgers/toilets.html", context)


@login_required
def toilets_export(request: HttpRequest) -> HttpResponse:
    _require_people(request)
    records, chosen = _toilets(request)
    what = "户厕台账" + ("（" + "，".join(f"{k}={v}" for k, v in chosen.items()) + "）" if chosen else "")
    data = services.export_toilets(records)
    return export_response(
        request, data, f"toilets-{timezone.localdate():%Y%m%d}.xlsx", f"{what} {records.count()} 户"
    )


@login_required
def toilets_template(request: HttpRequest) -> HttpResponse:
    data = write_workbook(toilets.COLUMNS, [], sheet="户厕台账")
    return export_response(request, data, "toilets-template.xlsx", "户厕台账导入模板")


@login_required
def toilets_import(request: HttpRequest) -> HttpResponse:
    county = _county(request)
    scope = _import_scope(request)

    def run(data: bytes, name: str) -> services.ImportReport:
        return services.import_toilets(data, name, county, actor=request.user, scope=scope)

    return _upload(request, run, "导入户厕台账", [c.header for c in toilets.COLUMNS], "ledgers:toilets")


class ToiletForm(OptimisticLockForm):
    """The acceptance chain, use status and 摸排 problems of one household's toilet."""

    class Meta:
        model = ToiletRecord
        fields = ["model", "cost", "subsidy", "contractor_date", "contractor_by", "village_date", "village_by",
                  "township_date", "township_by", "county_date", "county_by", "use_status", "problems"]  # fmt: skip
        widgets = {f"{s}_date": DateInput() for s, _ in toilets.STAGES}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        row = {**cleaned, "year": self.instance.year, "household_code": "x", "row": 0}
        for error in toilets.check(row, timezone.localdate().year):
            field = next((f for f in self.fields if self.fields[f].label == error.column.split("（")[0]
                          or str(self.fields[f].label).startswith(error.column.split("（")[0])), None)  # fmt: skip
            self.add_error(field, error.message)
        today = timezone.localdate()
        for stage, _ in toilets.STAGES:
            date = cleaned.get(f"{stage}_date")
            if date and date > today:
                self.add_error(f"{stage}_date", "日期晚于今天")
        return cleaned


@login_required
def toilet_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_scoped_or_404(
        ToiletRecord.objects.select_related("village", "household"), request.user, pk=pk
    )
    form = None
    if services.can_edit(request.user):
        form = ToiletForm(request.POST or None, instance=record)
        if request.method == "POST" and form.is_valid():
            try:
                form.save()
            except StaleEdit:
                pass
            else:
                messages.success(request, "已保存（记入审计日志）。")
                return redirect("ledgers:toilet", pk=record.pk)
    elif request.method == "POST":
        raise PermissionDenied("您的角色不能修改台账")
    name = record.name if services.sees_people(request.user) else mask_name(record.name)
    return _render(
        request,
        "ledgers/toilet.html",
        {"record": record, "form": form, "state": toilets.state(record.__dict__), "name": name},
    )


VILLAGES_PER_PAGE = 200


@login_required
def toilets_progress(request: HttpRequest) -> HttpResponse:
    county = _county(request)
    records, chosen = _toilets(request)
    planned, total, source = services.planned_years(county)
    progress = services.toilet_progress(county, records)
    chart = ""
    if progress:
        series = [Series("累计改造", [(p.year, p.cumulative_converted) for p in progress], "#2f6f4f"),
                  Series("累计县级验收", [(p.year, p.cumulative_accepted) for p in progress], "#5b7fb8")]  # fmt: skip
        plan_points = [(p.year, p.cumulative_planned) for p in progress if p.cumulative_planned is not None]
        if plan_points and not chosen:
            series.append(Series("累计计划", plan_points, "#b8860b", dashed=True))  # type: ignore[arg-type]
        chart = mark_safe(line_chart(series, unit="户"))  # noqa: S308 — built from numbers, labels escaped
    villages = scoped(Region.objects.filter(depth=5).within(county), request.user)
    if code := chosen.get("township"):
        township = Region.objects.filter(code=code).first()
        villages = villages.filter(path__startswith=township.path) if township else villages.none()
    years, village_rows = services.village_table(records, villages)
    # a county of 5 000 villages made a 1.4 MB table (1.5 s CPU to render): a page of villages at a time
    village_page = Paginator(village_rows, VILLAGES_PER_PAGE).get_page(request.GET.get("page"))
    whole_county = scope_of(request.user).everything or request.user.region_id == county.pk  # type: ignore[union-attr]
    this_year = timezone.localdate().year
    coverage = (
        [
            services.coverage(county, y)
            for y in range(min([p.year for p in progress] or [this_year]), this_year + 1)
        ]
        if whole_county
        else []
    )
    context = {
        "progress": progress, "planned": planned, "total": total, "source": source, "chart": chart,
        "years": years, "villages": village_page.object_list, "page": village_page, "coverage": coverage, "chosen": chosen, "query": _query(request),
        "plan_partial": bool(chosen) or not whole_county, "townships": scoped(Region.objects.filter(depth=4), request.user),
    }  # fmt: skip
    return _render(request, "ledgers/progress.html", context)


@require_POST
@login_required
def publish_coverage(request: HttpRequest) -> HttpResponse:
    county = require_county(request)
    year = request.POST.get("year", "")
    if not year.isdigit() or not 2000 <= int(year) <= timezone.localdate().year:
        messages.error(request, "年度无效")
        return redirect("ledgers:progress")
    try:
        observation = services.publish_coverage(county, int(year), request.user)
    except services.LedgerError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"{year}年{observation.indicator.name} {observation.value:g}% 已计入指标数据（已审核），目标进度按此评估。",
        )
    return redirect("ledgers:progress")


class ToiletSettingsForm(ChineseEmptyLabels, forms.Form):
    baseline_sanitary = forms.IntegerField(
        label="台账以外已有卫生厕所户数", min_value=0, help_text="建立台账前已经使用卫生厕所的农户数"
    )
    rural_households = forms.IntegerField(label="农村户数", min_value=1, required=False,
                                          help_text="留空时按行政区划中各村的户数合计")  # fmt: skip
    yearly_plan = forms.CharField(label="各年度计划改厕户数", required=False, widget=forms.Textarea(attrs={"rows": 6}),
                                  help_text="每行一年，如“2021 2000”。已确认的规划写有年度改厕数时以规划为准。")  # fmt: skip

    def clean_yearly_plan(self) -> dict[str, int]:
        plan: dict[str, int] = {}
        for number, line in enumerate(self.cleaned_data["yearly_plan"].splitlines(), start=1):
            parts = line.replace("：", " ").replace(":", " ").replace("年", " ").replace("户", " ").split()
            if not parts:
                continue
            if len(parts) != 2 or not parts[0].isdigit() or not parts[1].isdigit():
                raise forms.ValidationError(f"第{number}行「{line.strip()}」看不懂，请写成“2021 2000”")
            if not 2000 <= int(parts[0]) <= 2100:
                raise forms.ValidationError(f"第{number}行：年份 {parts[0]} 无效")
            plan[parts[0]] = int(parts[1])
        return plan


@login_required
def toilet_settings(request: HttpRequest) -> HttpResponse:
    county = require_county(request)
    settings = services.toilet_settings(county)
    initial = {"baseline_sanitary": settings.baseline_sanitary, "rural_households": settings.rural_households,
               "yearly_plan": "\n".join(f"{y} {n}" for y, n in sorted(settings.yearly_plan.items()))}  # fmt: skip
    form = ToiletSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        settings.baseline_sanitary = form.cleaned_data["baseline_sanitary"]
        settings.rural_households = form.cleaned_data["rural_households"]
        settings.yearly_plan = form.cleaned_data["yearly_plan"]
        settings.save()
        messages.success(request, "改厕设置已保存（记入审计日志）。")
        return redirect("ledgers:progress")
    return _render(request, "ledgers/settings.html", {"form": form, "title": "改厕设置",
                                                      "households": services.rural_households(county)})  # fmt: skip


# ---------------------------------------------------------------- schools


def _schools(request: HttpRequest) -> tuple[QuerySet[SchoolRecord], dict[str, str]]:
    records = scoped(SchoolRecord.objects.all(), request.user)
    chosen: dict[str, str] = {}
    records = _in_place(records, request, "township__path", chosen)
    if (year := request.GET.get("year", "")).isdigit():
        records = records.filter(year=int(year))
        chosen["year"] = year
    if level := request.GET.get("level", ""):
        records = records.filter(level=level)
        chosen["level"] = level
    return records, chosen


@login_required
def schools_page(request: HttpRequest) -> HttpResponse:
    county = _county(request)
    records, chosen = _schools(request)
    years = list(
        scoped(SchoolRecord.objects.all(), request.user)
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )
    if "year" not in chosen and years:
        records = records.filter(year=years[0])  # the latest year unless another is chosen
    rows = services.school_table(records, county)
    standards, min_students = services.school_standards(county)
    totals = {"schools": len(rows), "students": sum(r["school"].students for r in rows),
              "teachers": sum(r["school"].teachers for r in rows), "flagged": sum(1 for r in rows if r["use"].notes)}  # fmt: skip
    context = {"rows": rows, "chosen": chosen, "years": years, "year": chosen.get("year") or (years[0] if years else ""),
               "levels": schools.LEVELS, "standards": standards, "min_students": min_students, "totals": totals,
               "query": _query(request), "townships": scoped(Region.objects.filter(depth=4), request.user),
               "imports": _imports(request, "schools")}  # fmt: skip
    if services.is_county(request.user):  # the plan's school table, offered until its rows are in the ledger
        context["plan_offer"] = sum(1 for o in services.plan_schools(county) if o.ok and o.existing is None)
    return _render(request, "ledgers/schools.html", context)


@login_required
def schools_export(request: HttpRequest) -> HttpResponse:
    records, chosen = _schools(request)
    what = "学校台账" + ("（" + "，".join(f"{k}={v}" for k, v in chosen.items()) + "）" if chosen else "")
    return export_response(request, services.export_schools(records), f"schools-{timezone.localdate():%Y%m%d}.xlsx",
                           f"{what} {records.count()} 行")  # fmt: skip


@login_required
def schools_template(request: HttpRequest) -> HttpResponse:
    return export_response(request, write_workbook(schools.COLUMNS, [], sheet="学校台账"), "schools-template.xlsx",
                           "学校台账导入模板")  # fmt: skip


@login_required
def schools_import(request: HttpRequest) -> HttpResponse:
    county = _county(request)
    scope = _import_scope(request)

    def run(data: bytes, name: str) -> services.ImportReport:
        return services.import_schools(data, name, county, actor=request.user, scope=scope)

    return _upload(request, run, "导入学校台账", [c.header for c in schools.COLUMNS], "ledgers:schools")


@login_required
def school_settings(request: HttpRequest) -> HttpResponse:
    county = require_county(request)
    standards, min_students = services.school_standards(county)
    fields: dict[str, forms.Field] = {"min_students": forms.IntegerField(label="小规模学校人数线（在校生少于）", min_value=0,
                                                                         initial=min_students)}  # fmt: skip
    for n, level in enumerate(schools.LEVELS):
        fields[f"ratio_{n}"] = forms.DecimalField(label=f"{level}：生师比上限", min_value=1, max_digits=5, decimal_places=1,
                                                  initial=standards[level]["students_per_teacher"])  # fmt: skip
        fields[f"area_{n}"] = forms.DecimalField(label=f"{level}：生均占地下限（平方米）", min_value=0, max_digits=6,
                                                 decimal_places=1, initial=standards[level]["area_per_student"])  # fmt: skip
    form = type("SchoolStandardsForm", (forms.Form,), fields)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = {level: {"students_per_teacher": float(data[f"ratio_{n}"]), "area_per_student": float(data[f"area_{n}"])}
                 for n, level in enumerate(schools.LEVELS)}  # fmt: skip
        SchoolSettings.objects.update_or_create(county=county, defaults={"standards": saved,
                                                                         "min_students": data["min_students"]})  # fmt: skip
        messages.success(request, "学校利用标准已保存（记入审计日志）。")
        return redirect("ledgers:schools")
    return _render(request, "ledgers/settings.html", {"form": form, "title": "学校利用标准"})


# ---------------------------------------------------------------- a county's own ledgers


class LedgerForm(ChineseEmptyLabels, forms.Form):
    name = forms.CharField(label="台账名称", max_length=100)
    unit = forms.ChoiceField(label="每行对象", choices=[("", "请选择"), *UNITS.items()])
    yearly = forms.BooleanField(label="按年度填报（每个对象每年一行）", required=False)
    description = forms.CharField(label="说明", max_length=300, required=False)
    columns = forms.CharField(
        label="列（每行一列）", widget=forms.Textarea(attrs={"rows": 8}),
        help_text="写法：列名，类型[，选项：甲/乙][，单位：元][，必填]。类型：文本、整数、小数、日期、选项。"
        "例：建成年份，整数，必填 / 管护人，文本 / 运行状态，选项：正常/停用",
    )  # fmt: skip

    def __init__(self, *args: Any, county: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.county = county

    def clean_columns(self) -> list[dict[str, Any]]:
        try:
            return [c.as_json() for c in parse_definition(self.cleaned_data["columns"])]
        except DefinitionError as exc:
            raise forms.ValidationError(exc.errors) from exc

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if Ledger.objects.filter(county=self.county, name=name).exists():
            raise forms.ValidationError("本县已有同名台账")
        if name in ("户厕台账", "学校台账"):
            raise forms.ValidationError("这是系统内置台账的名称")
        return name


@login_required
def ledger_new(request: HttpRequest) -> HttpResponse:
    county = require_county(request)
    form = LedgerForm(request.POST or None, county=county)
    if request.method == "POST" and form.is_valid():
        ledger = Ledger.objects.create(county=county, created_by=request.user, **form.cleaned_data)
        messages.success(request, f"台账「{ledger.name}」已建立，可以下载模板填写后导入。")
        return redirect("ledgers:ledger", pk=ledger.pk)
    return _render(request, "ledgers/new.html", {"form": form})


def _ledger_rows(request: HttpRequest, ledger: Ledger) -> tuple[QuerySet[LedgerRow], dict[str, str]]:
    rows = scoped(LedgerRow.objects.filter(ledger=ledger), request.user)
    chosen: dict[str, str] = {}
    rows = _in_place(rows, request, "region__path", chosen)
    if (year := request.GET.get("year", "")).isdigit():
        rows = rows.filter(year=int(year))
        chosen["year"] = year
    if (q := request.GET.get("q", "").strip()) and (
        ledger.unit != "household" or services.sees_people(request.user)
    ):
        rows = rows.filter(Q(label__icontains=q) | Q(household__code=q))
        chosen["q"] = q
    return rows, chosen


@login_required
def ledger_page(request: HttpRequest, pk: int) -> HttpResponse:
    ledger = get_scoped_or_404(Ledger.objects.all(), request.user, pk=pk)
    rows, chosen = _ledger_rows(request, ledger)
    page = Paginator(rows.select_related("region", "household").order_by("region__path", "label", "year"), 50)
    page = page.get_page(request.GET.get("page"))
    own = ledger.column_list
    masked = ledger.unit == "household" and not services.sees_people(request.user)
    table = [
        (r, [r.values.get(c.label) for c in own], mask_name(r.label) if masked else r.label) for r in page
    ]
    context = {"ledger": ledger, "page": page, "table": table, "columns": own, "chosen": chosen, "query": _query(request),
               "townships": scoped(Region.objects.filter(depth=4), request.user),
               "definition": "\n".join(c.describe() for c in own), "imports": _imports(request, "ledger", ledger)}  # fmt: skip
    return _render(request, "ledgers/ledger.html", context)


@login_required
def ledger_export(request: HttpRequest, pk: int) -> HttpResponse:
    ledger = get_scoped_or_404(Ledger.objects.all(), request.user, pk=pk)
    if ledger.unit == "household":
        _require_people(request)
    rows, _ = _ledger_rows(request, ledger)
    return export_response(request, services.export_ledger(ledger, rows), f"ledger-{ledger.pk}.xlsx",
                           f"台账「{ledger.name}」{rows.count()} 行")  # fmt: skip


@login_required
def ledger_template(request: HttpRequest, pk: int) -> HttpResponse:
    ledger = get_scoped_or_404(Ledger.objects.all(), request.user, pk=pk)
    data = write_workbook(services.ledger_columns(ledger), [], sheet=ledger.name[:31])
    return export_response(
        request, data, f"ledger-{ledger.pk}-template.xlsx", f"台账「{ledger.name}」导入模板"
    )


@login_required
def ledger_import(request: HttpRequest, pk: int) -> HttpResponse:
    ledger = get_scoped_or_404(Ledger.objects.all(), request.user, pk=pk)
    scope = _import_scope(request)

    def run(data: bytes, name: str) -> services.ImportReport:
        return services.import_ledger_rows(ledger, data, name, actor=request.user, scope=scope)

    columns = [c.header for c in services.ledger_columns(ledger)]
    return _upload(request, run, f"导入台账「{ledger.name}」", columns, f"/ledgers/{ledger.pk}/")
