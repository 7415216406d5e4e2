from __future__ import annotations

from django import template

register = template.Library()

ACTIONS = {0: "新增", 1: "修改", 2: "删除", 3: "查看/导出"}


@register.filter
def action_zh(action: int) -> str:
    return ACTIONS.get(action, str(action))


@register.filter
def shown(value: object) -> object:
    """The log stores a missing value as the text 'None'; show it as a dash."""
    return "—" if value in (None, "None", "") else value
