"""Villages as the plan sees them: class memberships from confirmed plans, merges applied to the tree, layout rules."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from xiangcun.domain.villages.layout import KINDS

# A plan version's extraction and source lines are large JSON: lists of memberships or merges never need them.
HEAVY_VERSION_FIELDS = ("plan_version__extraction", "plan_version__source_lines")


class ClassMembershipQuerySet(models.QuerySet["ClassMembership"]):
    def with_sources(self) -> ClassMembershipQuerySet:
        return self.select_related("plan_version__plan").defer(*HEAVY_VERSION_FIELDS)


class ClassMembership(models.Model):
    """A village named in a confirmed plan's list (中心村, 先行示范村 …): derived from the plan, never typed in."""

    village = models.ForeignKey(
        "regions.Region", verbose_name="村", on_delete=models.CASCADE, related_name="class_memberships"
    )
    name = models.CharField("类别", max_length=50)
    plan_version = models.ForeignKey("plans.PlanVersion", verbose_name="规划版本", on_delete=models.CASCADE)
    plan_item = models.ForeignKey(
        "plans.PlanItem", verbose_name="规划条目", null=True, on_delete=models.CASCADE, related_name="+"
    )
    line = models.PositiveIntegerField("原文行号", null=True, blank=True)
    written_as = models.CharField("规划写法", max_length=100, blank=True)

    objects = ClassMembershipQuerySet.as_manager()
    scope_region_path = "village__path"

    class Meta:
        verbose_name = "村庄类别"
        verbose_name_plural = "村庄类别"
        ordering = ["village__path", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "name", "plan_item"], name="unique_village_class_per_item"
            )
        ]
        indexes = [models.Index(fields=["name", "village"])]

    def __str__(self) -> str:
        return f"{self.village.name}：{self.name}"

    @property
    def source(self) -> str:
        line = f" 第{self.line}行" if self.line else ""
        return f"{self.plan_version}{line}"


class ClassSync(models.Model):
    """When a county's classes were last read from its plans, and the listed villages not found in the tree."""

    county = models.OneToOneField(
        "regions.Region", verbose_name="县", on_delete=models.CASCADE, related_name="+"
    )
    synced_at = models.DateTimeField("更新时间", auto_now=True)
    unmatched = models.JSONField("未找到的村", default=list, blank=True)

    scope_region_path = "county__path"
    scope_includes_ancestors = True

    class Meta:
        verbose_name = "村庄类别更新"
        verbose_name_plural = "村庄类别更新"

    def __str__(self) -> str:
        return f"{self.county.name} 村庄类别"


class VillageMerge(models.Model):
    """A merge the plan records, proposed for review and then applied to the region tree as a dated change.

    The villages merged away stay in the tree (with their codes, names and history); what they held moves to
    the village that continues, and `before` keeps their figures as they were.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", "待审核"
        APPLIED = "applied", "已应用"
        REJECTED = "rejected", "不采用"

    county = models.ForeignKey(
        "regions.Region", verbose_name="县", on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name="所在乡镇", on_delete=models.PROTECT, related_name="+"
    )  # the township when the plan's township was found, else the county (what scopes the record)
    plan_version = models.ForeignKey(
        "plans.PlanVersion", verbose_name="规划版本", null=True, blank=True, on_delete=models.PROTECT
    )
    line = models.PositiveIntegerField("原文行号", null=True, blank=True)
    year = models.PositiveSmallIntegerField("规划所载年份", null=True, blank=True)
    written_township = models.CharField("规划所写乡镇", max_length=50, blank=True)
    written_villages = models.JSONField("规划所写合并村", default=list)
    written_into = models.CharField("规划所写合并后村", max_length=50)
    sources = models.ManyToManyField(
        "regions.Region", verbose_name="参与合并的村", blank=True, related_name="merges_taken_part"
    )
    target = models.ForeignKey(
        "regions.Region",
        verbose_name="合并后的村",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merges_received",
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PROPOSED)
    effective_on = models.DateField("生效日期", null=True, blank=True)
    population_after = models.PositiveIntegerField("合并后户籍人口", null=True, blank=True)
    households_after = models.PositiveIntegerField("合并后户数", null=True, blank=True)
    before = models.JSONField("合并前情况", default=dict, blank=True)
    moved = models.JSONField("随之变更的记录", default=dict, blank=True)
    note = models.CharField("审核说明", max_length=300, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_region_path = "region__path"

    class Meta:
        verbose_name = "村庄合并"
        verbose_name_plural = "村庄合并"
        ordering = ["status", "region__path", "line", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan_version", "line", "written_into"], name="unique_merge_per_plan_line"
            )
        ]

    def __str__(self) -> str:
        return f"{'、'.join(self.written_villages)} → {self.written_into}"


class LayoutRule(models.Model):
    """One of the plan's settlement rules as a check the county can configure; running it changes nothing."""

    county = models.ForeignKey(
        "regions.Region", verbose_name="县", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("规则名称", max_length=100)
    kind = models.CharField("类型", max_length=12, choices=list(KINDS.items()))
    enabled = models.BooleanField("启用", default=True)
    threshold = models.PositiveIntegerField("人口规模下限（人）", null=True, blank=True)
    class_name = models.CharField("类别", max_length=50, blank=True, help_text="如 中心村、先行示范村")
    other_class = models.CharField("与之矛盾的类别", max_length=50, blank=True)
    low = models.PositiveIntegerField("服务人口下限（人）", null=True, blank=True)
    high = models.PositiveIntegerField("服务人口上限（人）", null=True, blank=True)
    assignment = models.TextField(
        "指定服务范围",
        blank=True,
        help_text="每行一个中心村：「中心村：村、村」，村可写名称、乡镇/村 或代码；未列出的村按所在乡镇就近分配",
    )
    source = models.CharField("规划依据", max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_region_path = "county__path"
    scope_includes_ancestors = True  # township and village staff read the county's rules and their results

    class Meta:
        verbose_name = "村庄布局规则"
        verbose_name_plural = "村庄布局规则"
        ordering = ["county", "kind", "id"]

    def __str__(self) -> str:
        return self.name
