"""Selects never show Django's "---------" (issue 16, item 6)."""

from __future__ import annotations

import pytest
from django import forms

from xiangcun.core.forms import ChineseEmptyLabels, DateInput, OptimisticLockForm, chinese_empty_labels
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


def test_quick_select_draws_what_django_draws():
    import re

    from django import forms

    from xiangcun.core.forms import QuickSelect

    choices = [("", "请选择"), ("1", "甲镇"), ("2", '乙<村>&"丙"'), ("3", "丁村")]
    slow = forms.Select(choices=choices).render("region", "2", attrs={"id": "id_region", "required": True})
    fast = QuickSelect(choices=choices).render("region", "2", attrs={"id": "id_region", "required": True})

    def options(html: str) -> list[tuple[str, bool, str]]:
        return [
            (v, bool(s), t)
            for v, s, t in re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', html)
        ]

    assert options(fast) == options(slow) and len(options(fast)) == 4
    assert [o for o in options(fast) if o[1]] == [("2", True, "乙&lt;村&gt;&amp;&quot;丙&quot;")]
    assert 'name="region"' in fast and 'id="id_region"' in fast and "required" in fast
    assert "<村>" not in fast  # labels are escaped


def test_date_input_shows_a_saved_date_the_browser_keeps() -> None:
    """zh-hans writes 2025/03/01, which a type=date input drops: the form would save an empty date."""
    import datetime

    class Form(forms.Form):
        day = forms.DateField(widget=DateInput())

    html = str(Form(initial={"day": datetime.date(2025, 3, 1)})["day"])
    assert 'type="date"' in html and 'value="2025-03-01"' in html
    assert Form({"day": "2025-03-01"}).is_valid()
