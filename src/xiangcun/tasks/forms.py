from __future__ import annotations

import calendar
from decimal import Decimal
from typing import Any

from django import forms

from xiangcun.domain import scorecards as cards
from xiangcun.domain import tasks as domain

from .models import TaskSettings


class UploadForm(forms.Form):
    file = forms.FileField(label="任务分解表（.xlsx，工作表“任务”）", allow_empty_file=True)

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        if f.size > domain.MAX_FILE_BYTES:
            raise forms.ValidationError(f"文件过大，上限为 {domain.MAX_FILE_BYTES // 1024 // 1024} MB")
        return f


class ReportForm(forms.Form):
    unit = forms.TypedChoiceField(label="报送单位", coerce=int)
    period = forms.ChoiceField(label="报送期")
    status = forms.ChoiceField(label="进展状态", choices=[(s, s) for s in domain.STATUSES])
    text = forms.CharField(label="进展情况", max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    figure = forms.DecimalField(
        label="完成数量（对照量化目标，可选）", required=False, max_digits=18, decimal_places=4,
        min_value=Decimal("0"),
    )  # fmt: skip
    files = forms.FileField(
        label=f"佐证材料（pdf、docx、xlsx、jpg、png，每个不超过 {domain.MAX_EVIDENCE_BYTES // 1024 // 1024} MB，可选）",
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        units: list[tuple[int, str]] = (),
        periods: list[tuple[str, str]] = (),
        **kwargs: Any,
    ) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = units
        self.fields["period"].choices = periods
        self.fields["files"].widget.attrs["multiple"] = True


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "通过"), ("return", "退回")])
    reason = forms.CharField(label="退回原因", required=False, max_length=300)


class SettingsForm(forms.ModelForm):
    class Meta:
        model = TaskSettings
        fields = ["period", "grace_days", "cooperating_report", "data_due_month", "data_due_day"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, label in cards.KINDS.items():
            stored = self.instance.weights(kind)
            for code in cards.DEFAULT_WEIGHTS[kind]:
                self.fields[f"{kind}_{code}"] = forms.FloatField(
                    label=f"{label}·{cards.ITEMS[code]}（默认 {cards.DEFAULT_WEIGHTS[kind][code]:g}）",
                    min_value=0, max_value=1000, initial=stored[code],
                )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        month, day = data.get("data_due_month"), data.get("data_due_day")
        if month is not None and not 1 <= month <= 12:
            self.add_error("data_due_month", "月份应为 1–12")
        if month is not None and 1 <= month <= 12 and day is not None:
            last = calendar.monthrange(2001, month)[1]  # a common year: the day exists every year
            if not 1 <= day <= last:
                self.add_error("data_due_day", f"{month}月的日应为 1–{last}")
        if data.get("grace_days") is not None and data["grace_days"] > 90:
            self.add_error("grace_days", "报送期限不超过 90 天")
        for kind in cards.KINDS:
            weights = {code: data.get(f"{kind}_{code}") for code in cards.DEFAULT_WEIGHTS[kind]}
            if all(v is not None for v in weights.values()):
                try:
                    cards.check_weights(weights, kind)  # type: ignore[arg-type]
                except ValueError as exc:
                    raise forms.ValidationError(f"{cards.KINDS[kind]}考核：{exc}") from exc
        return data

    def save(self, commit: bool = True) -> TaskSettings:
        item = super().save(commit=False)
        item.department_weights = {
            c: self.cleaned_data[f"department_{c}"] for c in cards.DEFAULT_WEIGHTS["department"]
        }
        item.township_weights = {
            c: self.cleaned_data[f"township_{c}"] for c in cards.DEFAULT_WEIGHTS["township"]
        }
        if commit:
            item.save()
        return item
