"""``{% load assets %}{% household_assets household %}``: what a household received from asset income.

Shown on the household page next to its monitoring cases and measures; the household page itself is
already scoped, so whoever sees the household sees what was paid to it (work, 帮扶 and the reason). The
asset is linked only when the user's scope holds it (a village's household can be paid from a township asset).
"""

from __future__ import annotations

from typing import Any

from django import template

from xiangcun.accounts.scopes import scoped
from xiangcun.assets.models import Asset, Distribution

register = template.Library()


@register.inclusion_tag("assets/_household.html", takes_context=True)
def household_assets(context: dict[str, Any], household: Any) -> dict[str, Any]:
    shares = list(
        Distribution.objects.filter(household=household)
        .select_related("income__asset")
        .order_by("-income__year", "id")[:100]
    )
    asset_ids = {d.income.asset_id for d in shares}
    visible = set(
        scoped(Asset.objects.filter(pk__in=asset_ids), context["request"].user).values_list("pk", flat=True)
    )
    return {"shares": shares, "visible": visible}
