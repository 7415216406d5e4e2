"""Plan tasks with their responsible units, progress reports with evidence, and the county's settings
for reporting and scorecards (see xiangcun.domain.tasks and xiangcun.domain.scorecards)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from xiangcun.core.models import CountySettings
from xiangcun.domain import tasks as domain
from xiangcun.domain.scorecards import DEFAULT_WEIGHTS


class TaskSettings(CountySettings):
    """A county's reporting period, grace days and scorecard weights."""

    class PeriodKind(models.TextChoices):
        QUARTER = "quarter", "按季度"
        MONTH = "month", "按月"

    period = models.CharField("进度报送周期", max_length=10, choices=PeriodKind.choices, default="quarter")
    grace_days = models.PositiveSmallIntegerField("报送期限（期末后天数）", default=domain.DEFAULT_GRACE_DAYS)
    cooperating_report = models.BooleanField(
        "配合单位也按期报送本单位承担的部分",
        default=True,
        help_text="取消后只有牵头单位必须按期报送，配合单位可自愿报送",
    )
    data_due_month = models.PositiveSmallIntegerField("年度数据报送截止（次年月）", default=3)
    data_due_day = models.PositiveSmallIntegerField("年度数据报送截止（日）", default=31)
    department_weights = models.JSONField("部门考核权重", default=dict, blank=True)
    township_weights = models.JSONField("乡镇考核权重", default=dict, blank=True)

    class Meta:
        verbose_name = "任务与考核设置"
        verbose_name_plural = "任务与考核设置"

    def __str__(self) -> str:
        return f"{self.county.name} 任务与考核设置"

    def weights(self, kind: str) -> dict[str, float]:
        stored = self.department_weights if kind == "department" else self.township_weights
        return {**DEFAULT_WEIGHTS[kind], **(stored or {})}


class Task(models.Model):
    """One task of a county's yearly breakdown (or of a confirmed plan's 任务分工)."""

    class DeadlineKind(models.TextChoices):
        DATE = "date", "日期"
        YEAR_END = "年底", "年底"
        QUARTERLY = "每季度", "每季度"
        LONG_TERM = "长期", "长期"

    class Status(models.TextChoices):
        NOT_STARTED = "未开始", "未开始"
        IN_PROGRESS = "推进中", "推进中"
        DONE = "已完成", "已完成"
        LAGGING = "滞后", "滞后"

    county = models.ForeignKey(
        "regions.Region", verbose_name="县", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    code = models.CharField("任务编号", max_length=40)
    chapter = models.CharField("所属规划条目", max_length=200, blank=True)
    plan_item = models.ForeignKey(
        "plans.PlanItem",
        verbose_name="来源规划条目",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="breakdown_tasks",
    )
    content = models.TextField("任务内容")
    goal_value = models.DecimalField("量化目标", max_digits=18, decimal_places=4, null=True, blank=True)
    goal_unit = models.CharField("目标单位", max_length=20, blank=True)
    goal_text = models.CharField("目标说明", max_length=200, blank=True)
    target = models.ForeignKey(
        "indicators.Target", verbose_name="对应目标", null=True, blank=True, on_delete=models.SET_NULL
    )
    deadline_kind = models.CharField("时限类型", max_length=10, choices=DeadlineKind.choices, default="年底")
    deadline = models.DateField("完成时限", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.NOT_STARTED)
    completed_on = models.DateField("完成日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_region_path = "county__path"
    scope_includes_ancestors = True
    scope_department_field = "units__department"

    class Meta:
        verbose_name = "任务"
        verbose_name_plural = "任务"
        ordering = ["-year", "code"]
        constraints = [
            models.UniqueConstraint(fields=["county", "year", "code"], name="unique_task_code_per_year")
        ]
        indexes = [models.Index(fields=["county", "year", "status"])]

    def __str__(self) -> str:
        return f"{self.code} {self.content[:40]}"

    @property
    def deadline_label(self) -> str:
        if self.deadline_kind == self.DeadlineKind.DATE and self.deadline:
            return self.deadline.isoformat()
        return self.get_deadline_kind_display()

    @property
    def goal_label(self) -> str:
        if self.goal_value is None:
            return ""
        value = format(self.goal_value.normalize(), "f")
        return f"{self.goal_text}{' ' if self.goal_text else ''}{value}{self.goal_unit}"

    def shown_status(self, today: Any = None) -> str:
        today = today or timezone.localdate()
        return domain.current_status(self.status, self.deadline, today)


class TaskUnit(models.Model):
    """A responsible unit of a task: a department or a township, as lead or cooperating."""

    class Role(models.TextChoices):
        LEAD = "lead", "牵头"
        COOPERATING = "cooperating", "配合"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="units")
    role = models.CharField("职责", max_length=12, choices=Role.choices)
    department = models.ForeignKey(
        "departments.Department", verbose_name="部门", null=True, blank=True, on_delete=models.PROTECT,
        related_name="task_units",
    )  # fmt: skip
    township = models.ForeignKey(
        "regions.Region",
        verbose_name="乡镇",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    scope_region_path = "task__county__path"
    scope_includes_ancestors = True
    scope_department_field = "department"

    class Meta:
        verbose_name = "责任单位"
        verbose_name_plural = "责任单位"
        ordering = ["task", "role", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(department__isnull=False, township__isnull=True)
                | models.Q(department__isnull=True, township__isnull=False),
                name="task_unit_department_or_township",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}：{self.name}"

    @property
    def name(self) -> str:
        return self.department.name if self.department_id else self.township.name  # type: ignore[union-attr]


class ProgressReport(models.Model):
    """One unit's progress on a task for one period; the county approves or returns it."""

    class Review(models.TextChoices):
        SUBMITTED = "submitted", "待审核"
        APPROVED = "approved", "已通过"
        RETURNED = "returned", "已退回"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports")
    unit = models.ForeignKey(
        TaskUnit, verbose_name="报送单位", on_delete=models.CASCADE, related_name="reports"
    )
    period = models.CharField("报送期", max_length=10)
    status = models.CharField("进展状态", max_length=10, choices=Task.Status.choices)
    text = models.TextField("进展情况")
    figure = models.DecimalField("完成数量", max_digits=18, decimal_places=4, null=True, blank=True)
    review = models.CharField("审核", max_length=10, choices=Review.choices, default=Review.SUBMITTED)
    return_reason = models.CharField("退回原因", max_length=300, blank=True)
    times_returned = models.PositiveSmallIntegerField("退回次数", default=0)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reported_at = models.DateTimeField("报送时间", default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_region_path = "task__county__path"
    scope_includes_ancestors = True
    scope_department_field = "task__units__department"

    class Meta:
        verbose_name = "任务进展"
        verbose_name_plural = "任务进展"
        ordering = ["task", "period", "unit__role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["task", "unit", "period"], name="unique_task_report_period")
        ]

    def __str__(self) -> str:
        return f"{self.task.code} {self.period_label} {self.unit.name}"

    @property
    def period_label(self) -> str:
        try:
            return domain.period_by_key(self.period).label
        except ValueError:
            return self.period


def evidence_path(instance: Evidence, filename: str) -> str:
    """Stored with the task: tasks/<county code>/<task id>/<random name><ext>."""
    task = instance.report.task
    return f"tasks/{task.county.code}/{task.pk}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class Evidence(models.Model):
    """An evidence file of a progress report (pdf, docx, xlsx, jpg, png)."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField("佐证材料", upload_to=evidence_path)
    filename = models.CharField("文件名", max_length=255)
    kind = models.CharField("类型", max_length=8)
    size = models.PositiveIntegerField("大小（字节）", default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    scope_region_path = "report__task__county__path"
    scope_includes_ancestors = True

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename
