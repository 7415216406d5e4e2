from __future__ import annotations

from typing import Any, Self

from django.db import models


class SiteFlag(models.Model):
    """Installation-wide facts such as 'this database holds demo data' (shown as 演示数据 in the UI)."""

    name = models.CharField(max_length=50, unique=True)
    value = models.JSONField(default=dict)

    class Meta:
        verbose_name = "系统标记"
        verbose_name_plural = "系统标记"

    def __str__(self) -> str:
        return self.name


class CountySettings(models.Model):
    """One row of settings per county: the county (unique), when it changed, the scope, the getter.

    Every concrete subclass is registered with the audit log by `CoreConfig.ready` (without `updated_at`),
    so a new county setting is audited without a line of its own. A county with no row yet reads the model's
    defaults (`for_county` returns them unsaved; saving creates the row).
    """

    county = models.OneToOneField(
        "regions.Region", verbose_name="县", on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    scope_region_path = "county__path"
    scope_includes_ancestors = True

    class Meta:
        abstract = True

    @classmethod
    def for_county(cls, county: Any) -> Self:
        """The county's row, or an unsaved one with the defaults."""
        return cls.objects.filter(county=county).first() or cls(county=county)  # type: ignore[attr-defined]
