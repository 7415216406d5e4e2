"""``{% load project_tags %}``: ``{{ 0.55|percent }}`` → 55.00%."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from xiangcun.domain.formatting import format_number

register = template.Library()


@register.filter
def percent(value: Any) -> str:
    """A ratio (0.55) as a percentage with two decimals (55.00%); None → —."""
    if value is None or value == "":
        return "—"
    return f"{format_number(Decimal(str(value)) * 100, '%')}%"
