from __future__ import annotations

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
