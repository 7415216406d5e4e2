from __future__ import annotations

from django.db import models


class Department(models.Model):
    """A county department; `aliases` are the other names documents use for it (教科局 for 教育局)."""

    name = models.CharField("名称", max_length=50)
    full_name = models.CharField("全称", max_length=100, blank=True)
    aliases = models.JSONField("别名", default=list, blank=True)
    region = models.ForeignKey("regions.Region", verbose_name="所属县", on_delete=models.PROTECT)

    # Township and village staff work with their county's departments, so ancestors count as in scope.
    scope_region_path = "region__path"
    scope_includes_ancestors = True

    class Meta:
        verbose_name = "部门"
        verbose_name_plural = "部门"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="unique_department_per_county")
        ]

    def __str__(self) -> str:
        return self.name
