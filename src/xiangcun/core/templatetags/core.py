"""Number and operator formatting for every template: ``{% load core %}``.

Use ``num`` for every number a person reads, with the unit the number is in::

    {% load core %}
    {{ result.self_pay|num:"元" }} 元              → 6,000.00 元
    {{ target.value|num:target.indicator.unit }}   → 85.48 (%), 5.1 (万吨), 1,200 (人)
    {{ region.population|num:"人" }}               → 12,000
    {{ score|num:"分" }}                           → 60.0
    {{ value|num:0 }}                              → an explicit number of decimals
    {{ value|num }}                                → no unit: at most 2 decimals, no trailing zeros

Decimals per unit: money (any unit containing 元) 2, % and ‰ 2, 比例 2, 分/指数 1, counts (人 户 个 村 项 名
次 件 …) 0; other units at most 2 without trailing zeros. None and "" show as "—"; text is left as it is.
Years and statistical codes are not numbers to format: write them as they are.

Use ``op`` wherever a comparison is shown::

    {{ target.op|op }} {{ target.value|num:target.indicator.unit }}   → ≥ 85.48
    {{ "收入 >= 6000"|op }}                                            → 收入 ≥ 6000

Both return plain text (autoescaped as usual). Python code calls
``xiangcun.domain.formatting.format_number`` / ``format_op`` directly.
"""

from __future__ import annotations

from typing import Any

from django import template

from xiangcun.domain.formatting import format_number, format_op

register = template.Library()


@register.filter
def num(value: Any, unit: str | int | None = None) -> str:
    """A number with thousands separators and the decimals its unit calls for (see the module docstring)."""
    return format_number(value, unit)


@register.filter
def op(value: Any) -> str:
    """ ">=" → "≥", "<=" → "≤" (exact operator codes and free text)."""
    return format_op(value)
