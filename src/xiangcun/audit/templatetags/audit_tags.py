from __future__ import annotations

from collections.abc import Iterable

from auditlog.models import LogEntry
from django import template

from xiangcun.audit.display import ACTIONS, Row, readable

register = template.Library()


@register.simple_tag
def readable_entries(entries: Iterable[LogEntry]) -> list[Row]:
    """``{% readable_entries entries as rows %}``: the entries with Chinese labels and readable values."""
    return readable(entries)


@register.filter
def action_zh(action: int) -> str:
    return ACTIONS.get(action, str(action))


@register.filter
def shown(value: object) -> object:
    """The log stores a missing value as the text 'None'; show it as a dash."""
    return "—" if value in (None, "None", "") else value
