"""The county's medical parameters for one year: one input per parameter, in 元 or %."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from xiangcun.domain.formatting import format_number
from xiangcun.domain.medical import MedicalInputError, Policy

from .models import MedicalPolicy
from .parameters import PARAMETERS, Parameter, differences

MAX_MONEY = Decimal("100000000")  # 1亿元: far above any deductible or cap, catches a slipped digit


class PolicyForm(forms.Form):
    """Prefilled with the year's effective values; saves only what differs from the defaults."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, stored: MedicalPolicy | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stored = stored
        effective = (stored.policy() if stored else Policy()).values
        self.initial["version"] = stored.updated_at.isoformat() if stored else ""
        for p in PARAMETERS:
            value = effective[p.key] if p.sub is None else effective[p.key].get(p.sub)
            self.fields[p.name] = forms.DecimalField(
                label=p.label,
                required=not p.optional,
                min_value=Decimal(0),
                max_value=Decimal(100) if p.percent else MAX_MONEY,
                max_digits=12,
                decimal_places=4 if p.percent else 2,
                initial=p.shown(value),
                help_text=self.default_text(p),
                widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
                error_messages={
                    "required": "请填写数值",
                    "invalid": "请填写数字",
                    "min_value": "不能为负数",
                    "max_value": "比例不能超过 100%%" if p.percent else "数额过大，请检查是否多输了位数",
                    "max_decimal_places": "小数位数过多",
                    "max_digits": "数字过长",
                },
            )

    @staticmethod
    def default_text(p: Parameter) -> str:
        default = p.shown(p.default())
        shown = (
            "不封顶" if default is None else f"{format_number(default, p.unit)} {p.unit}".replace(" %", "%")
        )
        return f"默认 {shown}；来源：{p.source}"

    def rows(self) -> list[tuple[str, list[tuple[Parameter, forms.BoundField]]]]:
        """The fields grouped as the form shows them (基本医保, 大病保险 …)."""
        groups: dict[str, list[tuple[Parameter, forms.BoundField]]] = {}
        for p in PARAMETERS:
            groups.setdefault(p.group, []).append((p, self[p.name]))
        return list(groups.items())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.stored is not None:
            current = (
                MedicalPolicy.objects.filter(pk=self.stored.pk).values_list("updated_at", flat=True).first()
            )
            if current is not None and cleaned.get("version") != current.isoformat():
                raise forms.ValidationError(
                    "这些参数在您打开页面后已被他人修改，请刷新页面查看最新数值后再修改。"
                )
        if not self.errors:
            try:
                Policy().merged(self.parameters())
            except MedicalInputError as exc:  # the calculator's own checks, in case they grow
                raise forms.ValidationError(str(exc)) from exc
        return cleaned

    def parameters(self) -> dict[str, Any]:
        """What is stored: only the values that differ from the defaults."""
        return differences({p: p.stored(self.cleaned_data.get(p.name)) for p in PARAMETERS})
