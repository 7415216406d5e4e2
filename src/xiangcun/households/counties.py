"""A household's county follows its village when the region tree changes (a village moved to another county)."""

from __future__ import annotations

from typing import Any

from xiangcun.core.queries import CHUNK, values_in
from xiangcun.regions.models import Region, subtree_q

from .models import Household, village_counties


def sync_counties(pks: list[int], **_: Any) -> int:
    """Give the households below the regions `pks` their village's county again (members, finances and the
    tables that point at a household follow: ON UPDATE CASCADE, or SQLite's trigger); how many moved."""
    if not pks:
        return 0
    paths = sorted(path for _, path in values_in(Region.objects.all(), "pk", pks, "pk", "path"))
    tops: list[str] = []
    for path in paths:  # sorted: a region's descendants follow it
        if not tops or not path.startswith(tops[-1]):
            tops.append(path)
    villages: list[int] = []
    for path in tops:  # the moved regions' descendants moved with them, named in `pks` or not
        villages += Region.objects.filter(subtree_q(path)).values_list("pk", flat=True)
    by_county: dict[int, list[int]] = {}
    for village, county in village_counties(villages).items():
        by_county.setdefault(county, []).append(village)
    moved = 0
    for county, ids in by_county.items():
        for start in range(0, len(ids), CHUNK):
            rows = Household.objects.filter(village_id__in=ids[start : start + CHUNK]).exclude(
                county_id=county
            )
            moved += rows.update(county_id=county)
    return moved
