"""Selects never show Django's "---------" (issue 16, item 6)."""

from __future__ import annotations

import pytest
from django import forms

from xiangcun.core.forms import ChineseEmptyLabels, OptimisticLockForm, chinese_empty_labels
from xiangcun.indicators.models import Target
from xiangcun.regions.models import Region

pytestmark = pytest.mark.django_db


class TargetLikeForm(OptimisticLockForm):
    class Meta:
        model = Target
        fields = ["indicator", "region", "department", "op"]

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(depth__lte=4)  # set after the mixin ran


class PlainForm(ChineseEmptyLabels, forms.Form):
    empty_label = "（全部）"
    region = forms.ModelChoiceField(queryset=Region.objects.all(), required=False)
    level = forms.ChoiceField(choices=[("", "---------"), ("village", "行政村")], required=False)


def test_model_forms_say_please_choose(county) -> None:  # type: ignore[no-untyped-def]
    html = TargetLikeForm().as_div()
    assert "---------" not in html
    assert html.count(">请选择</option>") >= 3
    assert "甲镇" in html


def test_filters_say_all(county) -> None:  # type: ignore[no-untyped-def]
    html = PlainForm().as_div()
    assert "---------" not in html and html.count(">（全部）</option>") == 2


def test_helper_on_any_form(county) -> None:  # type: ignore[no-untyped-def]
    class Other(forms.Form):
        region = forms.ModelChoiceField(queryset=Region.objects.all())

    form = Other()
    chinese_empty_labels(form)
    assert "---------" not in form.as_div() and "请选择" in form.as_div()
