from __future__ import annotations

from django.db import models

from xiangcun.domain import catalog as domain


class Indicator(models.Model):
    """A catalog entry: national indicators have no region; a county's local ones belong to it."""

    class Direction(models.TextChoices):
        HIGHER = "higher", "越高越好"
        LOWER = "lower", "越低越好"
        BAND = "band", "目标区间"

    class Kind(models.TextChoices):
        PERCENTAGE = "percentage", "百分比"
        QUANTITY = "quantity", "数量"
        RATIO = "ratio", "比值"
        COUNT = "count", "个数"
        ZERO = "zero", "动态清零"

    code = models.CharField("编码", max_length=30, unique=True)
    name = models.CharField("名称", max_length=200)
    synonyms = models.JSONField("同义名称", default=list, blank=True)
    unit = models.CharField("单位", max_length=30, blank=True)
    dimension = models.CharField("维度", max_length=30)
    direction = models.CharField("方向", max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    kind = models.CharField("类型", max_length=12, choices=Kind.choices, default=Kind.PERCENTAGE)
    national = models.BooleanField("国家指标", default=False)
    definition = models.TextField("定义与口径", blank=True)
    owner = models.ForeignKey(
        "departments.Department",
        verbose_name="默认责任部门",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name="所属县（地方指标）", null=True, blank=True, on_delete=models.PROTECT
    )
    updated_at = models.DateTimeField(auto_now=True)

    scope_region_path = "region__path"
    scope_includes_ancestors = True
    scope_includes_global = True

    class Meta:
        verbose_name = "指标"
        verbose_name_plural = "指标目录"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def as_catalog(self) -> domain.CatalogIndicator:
        return domain.CatalogIndicator(
            code=self.code,
            name=self.name,
            unit=self.unit or None,
            dimension=self.dimension,
            direction=self.direction,
            kind=self.kind,
            national=self.national,
            synonyms=tuple(self.synonyms),
        )
