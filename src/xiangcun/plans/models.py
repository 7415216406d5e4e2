from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class Plan(models.Model):
    """A county's plan document across its versions (re-imports of a revised file)."""

    region = models.ForeignKey("regions.Region", verbose_name="所属区域", on_delete=models.PROTECT)
    title = models.CharField("规划名称", max_length=300)
    period_start = models.PositiveSmallIntegerField("起始年", null=True, blank=True)
    period_end = models.PositiveSmallIntegerField("终止年", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField("归档时间", null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="归档人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    # Township and village staff read their county's plan.
    scope_region_path = "region__path"
    scope_includes_ancestors = True

    class Meta:
        verbose_name = "规划"
        verbose_name_plural = "规划"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def period_label(self) -> str:
        return f"{self.period_start}—{self.period_end}年" if self.period_start and self.period_end else ""

    def latest_version(self) -> PlanVersion | None:
        return self.versions.order_by("-number").first()

    def current_version(self) -> PlanVersion | None:
        """The latest confirmed version: the one whose targets count (unless the plan is archived)."""
        return self.versions.filter(status=PlanVersion.Status.CONFIRMED).order_by("-number").first()

    @property
    def archived(self) -> bool:
        return self.archived_at is not None


class PlanVersion(models.Model):
    class Status(models.TextChoices):
        REVIEW = "review", "待审核"
        CONFIRMED = "confirmed", "已确认"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("版本")
    filename = models.CharField("文件名", max_length=255)
    file = models.FileField(upload_to="plans/%Y/")
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    size = models.PositiveIntegerField("大小（字节）")
    extraction = models.JSONField("抽取结果", default=dict)
    source_lines = models.JSONField("原文（按行）", default=list)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.REVIEW)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    scope_region_path = "plan__region__path"
    scope_includes_ancestors = True

    class Meta:
        verbose_name = "规划版本"
        verbose_name_plural = "规划版本"
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="unique_plan_version")]

    def __str__(self) -> str:
        return f"{self.plan.title}（第{self.number}版）"

    def status_label(self, current_number: int | None) -> str:
        """The status as the plan list shows it: 待审核, 已确认（现行）, 已被第N版取代, 已归档."""
        if self.status == self.Status.REVIEW:
            return "待审核"
        if self.plan.archived:
            return "已确认（规划已归档）"
        if current_number is not None and self.number < current_number:
            return f"已确认（已被第{current_number}版取代）"
        return "已确认（现行）"


class PlanItem(models.Model):
    """One extracted thing (an indicator row, a prose target, a task …) under review.

    `data` is what the extractor read and never changes; a reviewer's edits live in `corrections`,
    so a re-import can tell a person's correction from a change in the document.
    """

    class Kind(models.TextChoices):
        INDICATOR = "indicator", "主要指标"
        TARGET = "target", "文中目标"
        PROJECT = "project", "重点项目"
        TASK = "task", "任务分工"
        PLACE = "place", "村庄"
        PLACE_LIST = "place_list", "村庄名单"
        SCHOOL = "school", "学校"

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        CONFIRMED = "confirmed", "已确认"
        REJECTED = "rejected", "已剔除"

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField("类别", max_length=12, choices=Kind.choices)
    position = models.PositiveIntegerField("顺序")
    key = models.CharField("识别键", max_length=300)
    data = models.JSONField("抽取内容")
    corrections = models.JSONField("人工更正", default=dict, blank=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.PENDING)
    indicator = models.ForeignKey(
        "indicators.Indicator", verbose_name="对应目录指标", null=True, blank=True, on_delete=models.SET_NULL
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name="对应区划", null=True, blank=True, on_delete=models.SET_NULL
    )
    departments = models.JSONField("责任部门（已识别）", default=dict, blank=True)
    note = models.CharField("提示", max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_region_path = "version__plan__region__path"
    scope_includes_ancestors = True

    class Meta:
        verbose_name = "规划条目"
        verbose_name_plural = "规划条目"
        ordering = ["version", "kind", "position"]
        indexes = [models.Index(fields=["version", "kind", "position"])]

    def __str__(self) -> str:
        return self.label

    @property
    def effective(self) -> dict[str, Any]:
        return {**self.data, **self.corrections}

    @property
    def label(self) -> str:
        d = self.effective
        return str(
            d.get("name")
            or d.get("subject")
            or d.get("title")
            or d.get("village")
            or d.get("list")
            or self.key
        )
