from __future__ import annotations

from typing import Any

from django import forms

from xiangcun.core.forms import ChineseEmptyLabels, DateInput, OptimisticLockForm
from xiangcun.regions.models import Region

from .models import LayoutRule


class MergeForm(ChineseEmptyLabels, forms.Form):
    """The reviewer's reading of a plan merge: which villages of the tree, which one continues, from when."""

    target = forms.ModelChoiceField(label="合并后的村", queryset=Region.objects.none())
    sources = forms.ModelMultipleChoiceField(
        label="并入的村", queryset=Region.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    effective_on = forms.DateField(label="生效日期", widget=DateInput())
    population = forms.IntegerField(
        label="合并后户籍人口", min_value=0, required=False, help_text="留空则为各村之和"
    )
    households = forms.IntegerField(
        label="合并后户数", min_value=0, required=False, help_text="留空则为各村之和"
    )
    note = forms.CharField(label="审核说明", max_length=300, required=False)

    def __init__(self, *args: Any, villages: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = villages
        self.fields["sources"].queryset = villages

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        target, sources = data.get("target"), data.get("sources")
        if target is not None and sources is not None and not [s for s in sources if s.pk != target.pk]:
            self.add_error("sources", "请至少选择一个并入的村（合并后的村以外）")
        return data


class RejectForm(forms.Form):
    note = forms.CharField(label="不采用的原因", max_length=300)


class LayoutRuleForm(OptimisticLockForm):
    class Meta:
        model = LayoutRule
        fields = [
            "name", "kind", "enabled", "threshold", "class_name", "other_class", "low", "high", "assignment", "source",
        ]  # fmt: skip
        widgets = {"assignment": forms.Textarea(attrs={"rows": 4})}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("kind")
        if kind == "population" and data.get("threshold") is None:
            self.add_error("threshold", "请填写人口规模下限")
        if kind in ("central", "exclusive") and not data.get("class_name"):
            self.add_error("class_name", "请填写类别，如 中心村")
        if kind == "exclusive" and not data.get("other_class"):
            self.add_error("other_class", "请填写与之矛盾的类别")
        low, high = data.get("low"), data.get("high")
        if low is not None and high is not None and low > high:
            self.add_error("high", "上限不能小于下限")
        return data
