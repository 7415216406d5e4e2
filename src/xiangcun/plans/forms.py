"""The 更正 form: every extracted field of a plan item with an input of its own kind.

Numbers are number inputs, years are years, the relation (≥ ≤ = > <) and the attribute are selects,
departments are chosen from the county's departments, yes/no is 是/否. A field whose value the reviewer
leaves as the extractor read it is not recorded as a correction.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms

from xiangcun.departments.models import Department
from xiangcun.domain.extraction.targets import scope_kind
from xiangcun.domain.ledgers.schools import LEVELS

from .models import PlanItem

OPS = [(">=", "≥"), ("<=", "≤"), ("=", "="), (">", ">"), ("<", "<")]
VALUE_OPS = [*OPS, ("text", "文字（如“动态清零”）")]
VALUE_KINDS = [("baseline", "基期值"), ("target", "目标值"), ("increase", "增量")]
ATTRIBUTES = [("", "（未注明）"), ("约束性", "约束性"), ("预期性", "预期性")]
YES_NO = [("1", "是"), ("0", "否")]
PLACE_KINDS = [("village", "行政村"), ("community", "社区")]
SCHOOL_LEVELS = [("", "（未注明）"), *((level, level) for level in LEVELS)]
AREA_UNITS = [("", "（未注明）"), ("亩", "亩"), ("平方米", "平方米"), ("万平方米", "万平方米")]
EXTRA_VALUE_ROWS = 1
_VALUE_FIELD = re.compile(r"^v\d+_")


def _year_field(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=1949,
        max_value=2100,
        widget=forms.NumberInput(attrs={"step": 1, "inputmode": "numeric"}),
    )


def _number_field(label: str) -> forms.FloatField:
    return forms.FloatField(label=label, required=False, widget=forms.NumberInput(attrs={"step": "any"}))


def _text(label: str, *, size: int | None = None) -> forms.CharField:
    attrs = {"size": size} if size else {}
    return forms.CharField(label=label, required=False, widget=forms.TextInput(attrs=attrs))


def _list_text(label: str) -> forms.CharField:
    return forms.CharField(label=label, required=False, help_text="多个名称用“、”分隔")


def _departments_field(label: str, departments: Any) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label=label,
        queryset=departments,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


def _split(text: str) -> list[str]:
    return [p.strip() for p in text.replace("，", "、").replace(",", "、").split("、") if p.strip()]


def _same_number(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    try:
        return float(a) == float(b)
    except (TypeError, ValueError):
        return False


class CorrectionForm(forms.Form):
    """The fields of one item, by kind; `changes()` gives the corrected data in the extractor's types."""

    def __init__(self, *args: Any, item: PlanItem, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.item = item
        self.departments = Department.objects.filter(region=item.version.plan.region).order_by("name")
        self.value_rows: list[list[forms.BoundField]] = []
        data = item.effective
        build = getattr(self, f"_build_{item.kind}")
        build(data)

    # -- building, one method per kind ---------------------------------------------------------------

    def _add(self, name: str, field: forms.Field, initial: Any) -> None:
        field.initial = initial
        self.fields[name] = field

    def _build_indicator(self, data: dict[str, Any]) -> None:
        self._add("category", _text("维度（类别）"), data.get("category") or "")
        self._add("seq", _text("序号", size=4), "" if data.get("seq") is None else str(data.get("seq")))
        self._add("name", _text("指标名称", size=40), data.get("name") or "")
        self._add("unit", _text("单位", size=8), data.get("unit") or "")
        self._add("attribute", forms.ChoiceField(label="属性", choices=ATTRIBUTES, required=False),
                  data.get("attribute") or "")  # fmt: skip
        self._add(
            "national",
            forms.ChoiceField(label="国家指标", choices=YES_NO),
            "1" if data.get("national") else "0",
        )
        self._add(
            "department",
            forms.ModelChoiceField(
                label="责任部门",
                queryset=self.departments,
                required=False,
                empty_label="（按指标目录的默认部门）",
            ),
            data.get("department"),
        )
        values = list(data.get("values") or [])
        for i in range(len(values) + EXTRA_VALUE_ROWS):
            v = values[i] if i < len(values) else {}
            self._add(
                f"v{i}_kind", forms.ChoiceField(label="类别", choices=VALUE_KINDS), v.get("kind") or "target"
            )
            self._add(f"v{i}_year", _year_field("年份"), v.get("year"))
            self._add(f"v{i}_op", forms.ChoiceField(label="关系", choices=VALUE_OPS), v.get("op") or "=")
            self._add(f"v{i}_value", _number_field("数值"), v.get("value"))
            self._add(f"v{i}_text", _text("文字目标", size=10), v.get("raw") if v.get("op") == "text" else "")
            self.value_rows.append([self[f"v{i}_{part}"] for part in ("kind", "year", "op", "value", "text")])
        self.value_count = len(values) + EXTRA_VALUE_ROWS

    def _build_target(self, data: dict[str, Any]) -> None:
        self._add("subject", _text("内容", size=40), data.get("subject") or "")
        self._add("op", forms.ChoiceField(label="关系", choices=OPS), data.get("op") or ">=")
        self._add("value", _number_field("目标值"), data.get("value"))
        self._add("unit", _text("单位", size=8), data.get("unit") or "")
        self._add("year", _year_field("目标年"), data.get("year"))
        self._add(
            "per_year",
            forms.ChoiceField(label="每年目标", choices=YES_NO, required=False),
            "1" if data.get("per_year") else "0",
        )
        self._add("scope", _text("范围"), data.get("scope") or "")
        lead = (self.item.departments or {}).get("lead") or []
        self._add(
            "department",
            forms.ModelChoiceField(
                label="责任部门", queryset=self.departments, required=False, empty_label="（未指定）"
            ),
            lead[0] if lead else None,
        )
        self.fields["year"].help_text = "不填时为规划期末年"
        self.fields["per_year"].help_text = "是：规划期内每年一个目标"

    def _build_project(self, data: dict[str, Any]) -> None:
        self._add("box", _text("专栏", size=40), data.get("box") or "")
        self._add("name", _text("项目", size=40), data.get("name") or "")
        self._add("length_km", _number_field("长度（公里）"), data.get("length_km"))
        self._add("investment_wan_yuan", _number_field("投资（万元）"), data.get("investment_wan_yuan"))

    def _build_task(self, data: dict[str, Any]) -> None:
        self._add("number", _text("编号", size=6), data.get("number") or "")
        self._add("title", _text("任务", size=40), data.get("title") or "")
        resolved = self.item.departments or {}
        self._add("lead", _departments_field("牵头部门", self.departments), resolved.get("lead", []))
        self._add(
            "cooperating", _departments_field("配合部门", self.departments), resolved.get("cooperating", [])
        )

    def _build_place(self, data: dict[str, Any]) -> None:
        self._add("township", _text("乡镇"), data.get("township") or "")
        self._add("village", _text("村（社区）"), data.get("village") or "")
        self._add("kind", forms.ChoiceField(label="类别", choices=PLACE_KINDS), data.get("kind") or "village")
        self._add(
            "population",
            forms.IntegerField(label="人口", required=False, min_value=0),
            data.get("population"),
        )
        self._add("natural_villages", _list_text("自然村"), "、".join(data.get("natural_villages") or []))

    def _build_place_list(self, data: dict[str, Any]) -> None:
        self._add("list", _text("名单", size=30), data.get("list") or "")
        self._add("township", _text("乡镇"), data.get("township") or "")
        self._add("villages", _list_text("村"), "、".join(data.get("villages") or []))

    def _build_school(self, data: dict[str, Any]) -> None:
        self._add("township", _text("乡镇"), data.get("township") or "")
        self._add("name", _text("学校名称", size=30), data.get("name") or "")
        self._add("level", forms.ChoiceField(label="规模", choices=SCHOOL_LEVELS, required=False),
                  data.get("level") or "")  # fmt: skip
        for name, label in (("students", "在校人数"), ("teachers", "教职人数"), ("schools", "学校数")):
            self._add(name, forms.IntegerField(label=label, required=False, min_value=0), data.get(name))
        self._add("area", _number_field("面积"), data.get("area"))
        self._add("area_unit", forms.ChoiceField(label="面积单位", choices=AREA_UNITS, required=False),
                  data.get("area_unit") or "")  # fmt: skip
        self._add("year", _year_field("年度"), data.get("year"))
        self.fields["year"].help_text = "表中数字是哪一年的；不填时写入台账时再选"

    def main_fields(self) -> list[forms.BoundField]:
        """The item's own fields (the value rows are laid out as a table of their own)."""
        return [self[name] for name in self.fields if not _VALUE_FIELD.match(name)]

    # -- reading back --------------------------------------------------------------------------------

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.item.kind == PlanItem.Kind.INDICATOR:
            for i in range(self.value_count):
                op, value, text = (
                    cleaned.get(f"v{i}_op"),
                    cleaned.get(f"v{i}_value"),
                    cleaned.get(f"v{i}_text"),
                )
                year = cleaned.get(f"v{i}_year")
                filled = value is not None or bool(text)
                if filled and year is None:
                    self.add_error(f"v{i}_year", "请填写年份")
                if year is not None and op == "text" and not text:
                    self.add_error(f"v{i}_text", "选择“文字”时请填写文字目标")
                if year is not None and op != "text" and value is None:
                    self.add_error(f"v{i}_value", "请填写数值（不需要这一行时把年份也清空）")
        return cleaned

    def changes(self) -> dict[str, Any]:
        """Every field's value in the extractor's types (the service keeps only real differences)."""
        c = self.cleaned_data
        kind = self.item.kind
        original = self.item.data
        if kind == PlanItem.Kind.INDICATOR:
            seq_text = (c["seq"] or "").strip()
            seq: Any = int(seq_text) if seq_text.isdigit() else (seq_text or None)
            if isinstance(original.get("seq"), str) and seq is not None:
                seq = str(seq)
            return {
                "category": c["category"].strip() or None,
                "seq": seq,
                "name": c["name"].strip(),
                "unit": c["unit"].strip() or None,
                "attribute": c["attribute"] or None,
                "national": c["national"] == "1",
                "department": c["department"].pk if c.get("department") else None,
                "values": self._values(),
            }
        if kind == PlanItem.Kind.TARGET:
            changes = {
                "subject": c["subject"].strip(),
                "op": c["op"],
                "value": c["value"],
                "unit": c["unit"].strip() or None,
                "year": c["year"],
                "scope": c["scope"].strip() or None,
            }
            if c["per_year"] in ("0", "1") and (c["per_year"] == "1") != bool(original.get("per_year")):
                changes["per_year"] = c["per_year"] == "1"
            return changes
        if kind == PlanItem.Kind.PROJECT:
            return {
                "box": c["box"].strip() or None,
                "name": c["name"].strip(),
                "length_km": c["length_km"],
                "investment_wan_yuan": c["investment_wan_yuan"],
            }
        if kind == PlanItem.Kind.TASK:
            return {"number": c["number"].strip(), "title": c["title"].strip()}
        if kind == PlanItem.Kind.SCHOOL:
            return {
                "township": c["township"].strip() or None,
                "name": c["name"].strip() or None,
                "level": c["level"] or None,
                "students": c["students"],
                "teachers": c["teachers"],
                "schools": c["schools"],
                "area": c["area"],
                "area_unit": c["area_unit"] or None,
                "year": c["year"],
            }
        if kind == PlanItem.Kind.PLACE:
            return {
                "township": c["township"].strip(),
                "village": c["village"].strip(),
                "kind": c["kind"],
                "population": c["population"],
                "natural_villages": _split(c["natural_villages"]),
            }
        return {
            "list": c["list"].strip(),
            "township": c["township"].strip(),
            "villages": _split(c["villages"]),
        }

    def target_departments(self) -> dict[str, list[int]]:
        """The responsible department chosen for a prose target, as {"lead": [pk]} (empty when none)."""
        chosen = self.cleaned_data.get("department")
        return {"lead": [chosen.pk]} if chosen else {}

    def task_departments(self) -> dict[str, list[int]]:
        return {role: [d.pk for d in self.cleaned_data[role]] for role in ("lead", "cooperating")}

    def _values(self) -> list[dict[str, Any]]:
        c = self.cleaned_data
        extracted = list(self.item.effective.get("values") or [])
        values: list[dict[str, Any]] = []
        for i in range(self.value_count):
            year = c.get(f"v{i}_year")
            if year is None:
                continue  # a cleared row is removed
            op, value, text, kind = c[f"v{i}_op"], c[f"v{i}_value"], c[f"v{i}_text"].strip(), c[f"v{i}_kind"]
            before = extracted[i] if i < len(extracted) else None
            if (
                before is not None
                and before.get("kind") == kind
                and before.get("year") == year
                and (before.get("op") or "=") == op
                and (
                    op == "text"
                    and before.get("raw") == text
                    or op != "text"
                    and _same_number(before.get("value"), value)
                )
            ):
                values.append(before)  # unchanged: keep what the extractor read, raw text included
                continue
            if op == "text":
                values.append({"year": year, "kind": kind, "raw": text, "value": None, "op": "text"})
            else:
                symbol = dict(OPS).get(op, "")
                raw = f"{'' if op == '=' else symbol}{value:g}"
                values.append({"year": year, "kind": kind, "raw": raw, "value": float(value), "op": op})
        return values


class TargetYearForm(forms.Form):
    """The year of a confirmed prose target that got no target for want of one (given after confirming)."""

    year = _year_field("目标年")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].required = True
        self.fields["year"].error_messages["required"] = "请填写目标年"


class AddTargetForm(forms.Form):
    """A prose target the reader missed, added by a reviewer from words selected in the source text."""

    quote = forms.CharField(
        label="原文", max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="原文中的句子或分句（在右侧原文中选中文字即可自动填入）",
    )  # fmt: skip
    line = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    subject = forms.CharField(label="内容", max_length=200, widget=forms.TextInput(attrs={"size": 40}))
    op = forms.ChoiceField(label="关系", choices=OPS, initial="=")
    value = forms.FloatField(label="目标值", widget=forms.NumberInput(attrs={"step": "any"}))
    unit = forms.CharField(
        label="单位", max_length=20, required=False, widget=forms.TextInput(attrs={"size": 8})
    )
    year = _year_field("目标年")
    per_year = forms.ChoiceField(label="每年目标", choices=YES_NO, initial="0")
    scope = forms.CharField(label="范围", max_length=50, required=False)
    department = forms.ModelChoiceField(
        label="责任部门", queryset=Department.objects.none(), required=False, empty_label="（未指定）"
    )

    def __init__(self, *args: Any, version: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.version = version
        self.fields["department"].queryset = Department.objects.filter(region=version.plan.region).order_by(
            "name"
        )
        self.fields["year"].help_text = "不填时为规划期末年"

    def clean_quote(self) -> str:
        from xiangcun.domain.extraction.review import locate_quote

        quote = join_lines(self.cleaned_data["quote"])
        if not locate_quote(self.version.source_lines, quote):
            raise forms.ValidationError("原文中没有找到这段文字：请在右侧原文中选中，或照原文复制")
        return quote

    def target_data(self) -> dict[str, Any]:
        """The item's data in the reader's shape, marked as added by a reviewer."""
        from xiangcun.domain.extraction.review import locate_quote

        c = self.cleaned_data
        spans = locate_quote(self.version.source_lines, c["quote"], c.get("line"))
        return {
            "subject": c["subject"].strip(),
            "value": c["value"],
            "unit": c["unit"].strip() or None,
            "op": c["op"],
            "approx": False,
            "year": c["year"],
            "scope": c["scope"].strip() or None,
            "scope_kind": scope_kind(c["scope"]),
            "per_year": c["per_year"] == "1",
            "quote": c["quote"],
            "line": max(spans) if spans else c.get("line"),
            "added_by_reviewer": True,
        }


def join_lines(text: str) -> str:
    """A selection over two source lines comes with a line break: the lines are one text again."""
    return re.sub(r"\s*[\r\n]+\s*", "", text or "").strip()
