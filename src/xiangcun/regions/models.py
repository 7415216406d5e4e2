from __future__ import annotations

from django.db import models
from django.db.models import Q

from xiangcun.domain.regions import LEVEL_DEPTH, LEVEL_LABELS, path_upper_bound


class Level(models.TextChoices):
    PROVINCE = "province", "省"
    CITY = "city", "市"
    COUNTY = "county", "县"
    TOWNSHIP = "township", "乡镇"
    SUBDISTRICT = "subdistrict", "街道"
    VILLAGE = "village", "行政村"
    COMMUNITY = "community", "社区"
    NATURAL_VILLAGE = "natural_village", "自然村"


class RegionQuerySet(models.QuerySet["Region"]):
    def within(self, region: Region) -> RegionQuerySet:
        """The region and everything below it, as one index range on `path`."""
        return self.filter(subtree_q(region.path))

    def at_depth(self, depth: int) -> RegionQuerySet:
        return self.filter(depth=depth)

    def current(self) -> RegionQuerySet:
        """Regions that still count: a village merged away (`retired_on` set by the merge) stays in the tree
        for its history but is no longer a village of the county. The one rule every count uses."""
        return self.filter(retired_on__isnull=True)


def subtree_q(path: str, field: str = "path") -> Q:
    """Q for rows whose `field` (a materialised region path) lies in the subtree at `path`."""
    q = Q(**{f"{field}__gte": path})
    upper = path_upper_bound(path)
    if upper is not None:
        q &= Q(**{f"{field}__lt": upper})
    return q


class Region(models.Model):
    """A node of the administrative tree; `path` is the concatenated 12-digit codes from the top."""

    code = models.CharField("统计代码", max_length=12, unique=True)
    name = models.CharField("名称", max_length=100)
    level = models.CharField("级别", max_length=20, choices=Level.choices)
    depth = models.PositiveSmallIntegerField("层级", editable=False)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=12 * 6, unique=True, editable=False)
    population = models.PositiveIntegerField("户籍人口", null=True, blank=True)
    households = models.PositiveIntegerField("户数", null=True, blank=True)
    # A village merged into another (villages app) stays in the tree for its history but no longer counts.
    retired_on = models.DateField("撤并日期", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RegionQuerySet.as_manager()
    scope_region_path = "path"

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["path"]
        indexes = [models.Index(fields=["depth", "path"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.depth = LEVEL_DEPTH[self.level]
        self.path = (self.parent.path if self.parent else "") + self.code
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS[self.level]

    def ancestor_codes(self) -> list[str]:
        return [self.path[i : i + 12] for i in range(0, len(self.path) - 12, 12)]

    def ancestors(self) -> RegionQuerySet:
        return Region.objects.filter(code__in=self.ancestor_codes()).order_by("path")

    def is_within(self, other: Region) -> bool:
        return self.path.startswith(other.path)
