"""``{% load assets %}{% household_assets household %}``: what a household received from asset income.

Shown on the household page next to its monitoring cases and measures; the household page itself is
already scoped, so whoever sees the household sees what was paid to it (work, 帮扶 and the reason).
"""

from __future__ import annotations

from typing import Any

from django import template

from xiangcun.assets.models import Distribution

register = template.Library()


@register.inclusion_tag("assets/_household.html")
def household_assets(household: Any) -> dict[str, Any]:
    shares = (
        Distribution.objects.filter(household=household)
        .select_related("income__asset")
        .order_by("-income__year", "id")[:100]
    )
    return {"shares": shares}
