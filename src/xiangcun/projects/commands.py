"""Helpers shared by the project management commands."""

from __future__ import annotations

from django.core.management.base import CommandError

from xiangcun.regions.models import Region


def county_option(code: str | None) -> Region:
    """The county named by --county, or the only county in the system."""
    if code:
        county = Region.objects.filter(code=code, depth=3).first()
        if county is None:
            raise CommandError(f"没有统计代码为 {code} 的县")
        return county
    counties = list(Region.objects.filter(depth=3)[:2])
    if not counties:
        raise CommandError("系统中还没有县，请先导入区划")
    if len(counties) > 1:
        raise CommandError("系统中有多个县，请用 --county 指定县的12位统计代码")
    return counties[0]
