"""A household's county follows its village when the region tree changes (a village moved to another county)."""

from __future__ import annotations

from typing import Any

from xiangcun.regions.models import Region, subtree_q

from .models import Household, village_counties


def sync_counties(pks: list[int], **_: Any) -> int:
    """Give the households below the regions `pks` their village's county again (members, finances and the
    tables that point at a household follow: ON UPDATE CASCADE, or SQLite's trigger); how many moved."""
    if not pks:
        return 0
    paths = list(Region.objects.filter(pk__in=pks).values_list("path", flat=True))
    below = Region.objects.none()
    for path in paths:
        below = below | Region.objects.filter(subtree_q(path))
    moved = 0
    by_county: dict[int, list[int]] = {}
    for village, county in village_counties(below.values_list("pk", flat=True)).items():
        by_county.setdefault(county, []).append(village)
    for county, villages in by_county.items():
        moved += (
            Household.objects.filter(village_id__in=villages)
            .exclude(county_id=county)
            .update(county_id=county)
        )
    return moved
