from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from xiangcun.accounts.scopes import county_of
from xiangcun.core.permissions import require
from xiangcun.domain.medical import CATEGORIES, KINDS, LEVELS, MedicalInputError, Policy, calculate

from .forms import PolicyForm
from .models import MedicalPolicy

MIN_YEAR, MAX_YEAR = 2000, 2100


class CaseForm(forms.Form):
    category = forms.ChoiceField(label="人员类别", choices=[(c, c) for c in CATEGORIES])
    kind = forms.ChoiceField(label="费用类型", choices=[(k, k) for k in KINDS])
    hospital_level = forms.ChoiceField(label="医院级别（住院）", choices=[(lv, lv) for lv in LEVELS])
    in_province = forms.BooleanField(label="省内就医", required=False, initial=True)
    total = forms.DecimalField(label="总费用（元）", required=False, min_value=0)
    in_list = forms.DecimalField(label="目录内费用（元）", required=False, min_value=0)
    basic_paid = forms.DecimalField(label="基本医保已支付（门诊、特药）", required=False, min_value=0)
    critical_paid = forms.DecimalField(label="大病保险已支付（门诊、特药）", required=False, min_value=0)
    contribution = forms.DecimalField(label="个人缴费（参保资助）", required=False, min_value=0)
    assistance_used_this_year = forms.DecimalField(
        label="本年度已获医疗救助（元）", required=False, min_value=0
    )

    def case(self) -> dict[str, Any]:
        data = self.cleaned_data
        case: dict[str, Any] = {k: data[k] for k in ("category", "kind", "hospital_level", "in_province")}
        for key in (
            "total",
            "in_list",
            "basic_paid",
            "critical_paid",
            "contribution",
            "assistance_used_this_year",
        ):
            if data.get(key) is not None:
                case[key] = float(data[key])
        return case


@login_required
def calculator(request: HttpRequest) -> HttpResponse:
    county = county_of(request.user)
    year = timezone.localdate().year
    stored = MedicalPolicy.objects.filter(region=county, year=year).first() if county else None
    policy = stored.policy() if stored else Policy()
    form = CaseForm(request.POST or None, initial={"category": request.GET.get("category") or "其他"})
    result = error = None
    if request.method == "POST" and form.is_valid():
        try:
            result = calculate(form.case(), policy)
        except MedicalInputError as exc:
            error = str(exc)
    return render(
        request,
        "medical/calculator.html",
        {
            "form": form,
            "result": result,
            "error": error,
            "county": county,
            "year": year,
            "custom": stored is not None,
        },
    )


@login_required
def policy_edit(request: HttpRequest) -> HttpResponse:
    """The county's parameters for one year, one input per parameter; every saved change is audited."""
    require(request, "edit_plans")
    county = county_of(request.user)
    if county is None:
        raise Http404("没有可设置参数的县")
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    if not MIN_YEAR <= year <= MAX_YEAR:
        year = timezone.localdate().year
    stored = MedicalPolicy.objects.filter(region=county, year=year).first()
    form = PolicyForm(request.POST or None, stored=stored)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            obj, _ = MedicalPolicy.objects.select_for_update().get_or_create(region=county, year=year)
            obj.parameters = form.parameters()
            obj.save()
        messages.success(request, f"已保存 {county.name} {year} 年的医疗救助参数。")
        return redirect(f"{request.path}?year={year}")
    return render(
        request,
        "medical/policy.html",
        {"county": county, "year": year, "form": form, "custom": stored is not None,
         "years": MedicalPolicy.objects.filter(region=county).values_list("year", flat=True)},
    )  # fmt: skip
