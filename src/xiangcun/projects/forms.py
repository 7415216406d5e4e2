from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from xiangcun.accounts.scopes import scoped
from xiangcun.core.forms import ChineseEmptyLabels, DateInput, quick_select
from xiangcun.departments.models import Department
from xiangcun.domain import projects as domain
from xiangcun.regions.models import Region

from .models import FundRule, Project

MAX_UPLOAD_BYTES = 100 * 1024 * 1024


class UploadForm(forms.Form):
    file = forms.FileField(label="项目表（.xlsx，工作表“项目”）", allow_empty_file=True)

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        if f.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("文件过大，上限为 100 MB")
        return f


class StepForm(forms.Form):
    to_status = forms.ChoiceField(label="办理为")
    remarks = forms.CharField(
        label="说明（终止时必填终止原因）", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    expected_status = forms.CharField(widget=forms.HiddenInput)
    files = forms.FileField(label="附件（可选）", required=False)

    def __init__(self, *args: Any, choices: list[tuple[str, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = choices
        self.fields["files"].widget.attrs["multiple"] = True


class ProjectForm(ChineseEmptyLabels, forms.ModelForm):  # type: ignore[type-arg]
    """Edit a project within the user's scope; the amounts must add up exactly, like an import."""

    updated_token = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Project
        fields = [
            "code", "name", "project_type", "work_relief", "region", "content", "department", "year",
            "total_investment", "link_fund", "central_fund", "provincial_fund", "local_fund", "other_fund",
            "labour_pay", "poor_households", "monitored_households", "performance_target",
            "performance_quantity", "performance_unit", "planned_start", "planned_finish", "actual_start",
            "actual_finish",
        ]  # fmt: skip
        widgets = {
            "content": forms.Textarea(attrs={"rows": 3}),
            "performance_target": forms.Textarea(attrs={"rows": 2}),
            **{f: DateInput() for f in
               ("planned_start", "planned_finish", "actual_start", "actual_finish")},
        }  # fmt: skip

    def __init__(self, *args: Any, user: Any, county: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.county = county
        regions = scoped(Region.objects.within(county).filter(depth__in=(4, 5)), user)
        if self.instance.pk and self.instance.region_id == county.pk:
            regions = regions | Region.objects.filter(
                pk=county.pk
            )  # a county-wide plan project keeps its place
        self.fields["region"].queryset = regions.order_by("path")
        self.fields["region"].label_from_instance = lambda r: f"{r.code} {r.name}"  # type: ignore[attr-defined]
        quick_select(self.fields["region"])  # every township and village in scope
        self.fields["department"].queryset = Department.objects.filter(region=county)
        self.fields["department"].required = True
        if self.instance.pk:
            self.fields["updated_token"].initial = self.instance.updated_at.isoformat()

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        clash = Project.objects.filter(county=self.county, code=code).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(f"项目编号「{code}」已存在")
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        token = data.get("updated_token")
        if self.instance.pk and token and token != self.instance.updated_at.isoformat():
            raise forms.ValidationError("这个项目已被他人修改，请刷新页面后重新填写（以免覆盖他人的修改）")
        amounts = {k: data.get(k) for k in ("total_investment", "link_fund", "central_fund", "provincial_fund",
                                            "local_fund", "other_fund", "labour_pay")}  # fmt: skip
        for key, value in amounts.items():
            if value is not None and value < 0:
                self.add_error(key, "金额不能为负数")
        if any(v is None for v in amounts.values()):
            return data
        total, link, other = amounts["total_investment"], amounts["link_fund"], amounts["other_fund"]
        parts = amounts["central_fund"] + amounts["provincial_fund"] + amounts["local_fund"]
        money = domain.format_amount
        if total != link + other:
            self.add_error(
                "total_investment",
                f"总投资 {money(total)} ≠ 衔接资金 {money(link)} + 其他资金 {money(other)}",
            )
        if link != parts:
            self.add_error("link_fund", f"衔接资金 {money(link)} ≠ 中央 + 省级 + 市县（= {money(parts)}）")
        return data


class FundRuleForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = FundRule
        fields = ["year", "industry_floor", "industry_source", "labour_floor", "labour_source"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for key in ("industry_floor", "labour_floor"):
            value = data.get(key)
            if value is not None and not Decimal(0) <= value <= Decimal(1):
                self.add_error(key, "比例应在 0 到 1 之间（如 0.55 表示 55%）")
        return data
