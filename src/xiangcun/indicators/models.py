from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q

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


class TargetQuerySet(models.QuerySet["Target"]):
    """Which targets count.

    A target comes from a plan version or was entered by hand (no plan version). The targets *in force*
    are the hand targets and those of each plan's current version (its latest confirmed one) while the
    plan is not archived. When two targets in force set the same indicator, region and year, the
    reviewer chose one when the second plan was confirmed: the other points at it (`superseded_by`)
    and does not count while the chosen one is in force.
    """

    def in_force(self) -> TargetQuerySet:
        return self.filter(Q(plan_version__isnull=True) | Q(plan_version__in=current_versions()))

    def current(self) -> TargetQuerySet:
        """The targets a dashboard counts by default."""
        in_force = Target.objects.in_force()
        return self.in_force().exclude(superseded_by__in=in_force)

    def of_version(self, version: Any) -> TargetQuerySet:
        return self.filter(plan_version=version)


def current_versions() -> models.QuerySet[Any]:
    """Each non-archived plan's latest confirmed version."""
    version_model = apps.get_model("plans", "PlanVersion")
    confirmed = version_model.objects.filter(status="confirmed")
    later = confirmed.filter(plan=OuterRef("plan"), number__gt=OuterRef("number"))
    return confirmed.filter(plan__archived_at__isnull=True).exclude(Exists(later))


class Target(models.Model):
    """What a plan version (or the county by hand) sets for an indicator in a region and year.

    Targets of different plans, and of different versions of one plan, are kept side by side; a hand
    target (`plan_version` empty) is the county's own and is unique per indicator, region and year.
    """

    class Attribute(models.TextChoices):
        BINDING = "约束性", "约束性"
        EXPECTED = "预期性", "预期性"

    class Origin(models.TextChoices):
        TABLE = "table", "主要指标表"
        PROSE = "prose", "文中目标"

    class Op(models.TextChoices):
        EQ = "=", "="
        GT = ">", ">"
        GE = ">=", "≥"
        LT = "<", "<"
        LE = "<=", "≤"
        TEXT = "text", "文字"

    indicator = models.ForeignKey(
        Indicator, verbose_name="指标", on_delete=models.PROTECT, related_name="targets"
    )
    region = models.ForeignKey("regions.Region", verbose_name="区域", on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField("目标年")
    value = models.FloatField("目标值", null=True, blank=True)
    op = models.CharField("关系", max_length=4, choices=Op.choices, default=Op.GE)
    text = models.CharField("文字目标", max_length=100, blank=True)
    attribute = models.CharField("属性", max_length=4, choices=Attribute.choices, default=Attribute.EXPECTED)
    baseline_year = models.PositiveSmallIntegerField("基期年", null=True, blank=True)
    baseline_value = models.FloatField("基期值", null=True, blank=True)
    department = models.ForeignKey(
        "departments.Department", verbose_name="责任部门", null=True, blank=True, on_delete=models.SET_NULL
    )
    plan_version = models.ForeignKey(
        "plans.PlanVersion",
        verbose_name="规划版本",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="targets",
        help_text="空表示手工添加的目标",
    )
    superseded_by = models.ForeignKey(
        "self",
        verbose_name="重复时以此目标为准",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="superseding",
    )
    source = models.CharField("来源", max_length=300, blank=True)
    origin = models.CharField(
        "目标来自", max_length=8, choices=Origin.choices, default=Origin.TABLE,
        help_text="规划的主要指标表，或正文、专栏中的文中目标",
    )  # fmt: skip
    plan_item = models.ForeignKey(
        "plans.PlanItem",
        verbose_name="规划条目",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="targets",
        help_text="生成该目标的已确认条目（文中目标带原文）",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = TargetQuerySet.as_manager()

    scope_region_path = "region__path"
    scope_department_field = "department"

    class Meta:
        verbose_name = "目标"
        verbose_name_plural = "目标"
        ordering = ["indicator__code", "region__path", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan_version", "indicator", "region", "year"],
                condition=Q(plan_version__isnull=False),
                name="unique_plan_target_per_year",
            ),
            models.UniqueConstraint(
                fields=["indicator", "region", "year"],
                condition=Q(plan_version__isnull=True),
                name="unique_manual_target_per_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.name} {self.year}"

    @property
    def quote(self) -> str:
        """The plan's own words for a prose target (empty for table rows and hand targets)."""
        if self.origin != self.Origin.PROSE or self.plan_item is None:
            return ""
        return str(self.plan_item.effective.get("quote") or "")

    @property
    def source_label(self) -> str:
        """Where the target comes from, as a cadre reads it."""
        if self.plan_version_id is None:
            return "手工添加" + (f"（{self.source}）" if self.source and self.source != "手工添加" else "")
        version = self.plan_version
        return f"{version.plan.title}（第{version.number}版）"


class Observation(models.Model):
    """A reported value: indicator × region × period, moving 草稿 → 已提交 → 已审核 (or 退回)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已提交"
        APPROVED = "approved", "已审核"
        RETURNED = "returned", "退回"

    indicator = models.ForeignKey(
        Indicator, verbose_name="指标", on_delete=models.PROTECT, related_name="observations"
    )
    region = models.ForeignKey("regions.Region", verbose_name="区域", on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField("季度", default=0, help_text="0 表示全年")
    value = models.FloatField("数值")
    department = models.ForeignKey(
        "departments.Department", verbose_name="填报部门", null=True, blank=True, on_delete=models.SET_NULL
    )
    note = models.CharField("说明", max_length=500, blank=True)
    evidence = models.FileField("佐证材料", upload_to="evidence/%Y/", blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    return_reason = models.CharField("退回原因", max_length=300, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_region_path = "region__path"
    scope_department_field = "department"

    class Meta:
        verbose_name = "监测数据"
        verbose_name_plural = "监测数据"
        ordering = ["indicator__code", "region__path", "year", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "region", "year", "quarter"], name="unique_observation_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.name} {self.region.name} {self.year}"

    @property
    def period_label(self) -> str:
        return f"{self.year}年" + (f"第{self.quarter}季度" if self.quarter else "")
