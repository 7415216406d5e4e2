"""The project library (项目库): projects funded by 衔接资金, their status steps and the county's fund rules.

Amounts are in 万元 with four decimals (DecimalField, never float), so subtotals in a 公告 add up exactly.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models

from xiangcun.domain.projects import (
    DEFAULT_INDUSTRY_FLOOR,
    DEFAULT_INDUSTRY_SOURCE,
    DEFAULT_LABOUR_FLOOR,
    DEFAULT_LABOUR_SOURCE,
    STATUSES,
    TYPES,
)

AMOUNT = {"max_digits": 16, "decimal_places": 4, "default": Decimal("0")}


class ProjectType(models.TextChoices):
    INDUSTRY = "industry", TYPES["industry"]
    EMPLOYMENT = "employment", TYPES["employment"]
    CONSTRUCTION = "construction", TYPES["construction"]
    RELOCATION = "relocation", TYPES["relocation"]
    GOVERNANCE = "governance", TYPES["governance"]
    OTHER = "other", TYPES["other"]


class ProjectStatus(models.TextChoices):
    RESERVE = "reserve", STATUSES["reserve"]
    ADMITTED = "admitted", STATUSES["admitted"]
    IN_PROGRESS = "in_progress", STATUSES["in_progress"]
    COMPLETED = "completed", STATUSES["completed"]
    ACCEPTED = "accepted", STATUSES["accepted"]
    ASSETS_FORMED = "assets_formed", STATUSES["assets_formed"]
    TERMINATED = "terminated", STATUSES["terminated"]


class Project(models.Model):
    """A project in a county's library; `code` (项目编号) is unique within the county."""

    county = models.ForeignKey(
        "regions.Region", verbose_name="所属县", on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField("项目编号", max_length=40)
    name = models.CharField("项目名称", max_length=200)
    project_type = models.CharField("项目类型", max_length=20, choices=ProjectType.choices)
    work_relief = models.BooleanField("以工代赈", default=False)
    region = models.ForeignKey(
        "regions.Region", verbose_name="建设地点", on_delete=models.PROTECT, related_name="projects"
    )
    content = models.TextField("建设内容及规模", blank=True)
    department = models.ForeignKey(
        "departments.Department",
        verbose_name="实施单位",
        null=True,  # a project taken from a plan's 专栏 may not have one yet
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    year = models.PositiveSmallIntegerField("计划年度")
    total_investment = models.DecimalField("总投资（万元）", **AMOUNT)
    link_fund = models.DecimalField("衔接资金（万元）", **AMOUNT)
    central_fund = models.DecimalField("其中中央（万元）", **AMOUNT)
    provincial_fund = models.DecimalField("其中省级（万元）", **AMOUNT)
    local_fund = models.DecimalField("其中市县（万元）", **AMOUNT)
    other_fund = models.DecimalField("其他资金（万元）", **AMOUNT)
    labour_pay = models.DecimalField("劳务报酬（万元）", **AMOUNT)
    poor_households = models.PositiveIntegerField("受益脱贫户数", default=0)
    monitored_households = models.PositiveIntegerField("受益监测户数", default=0)
    performance_target = models.TextField("绩效目标", blank=True)
    performance_quantity = models.DecimalField(
        "绩效目标数量", max_digits=16, decimal_places=4, null=True, blank=True
    )
    performance_unit = models.CharField("绩效目标单位", max_length=20, blank=True)
    planned_start = models.DateField("计划开工日期", null=True, blank=True)
    planned_finish = models.DateField("计划完工日期", null=True, blank=True)
    actual_start = models.DateField("实际开工日期", null=True, blank=True)
    actual_finish = models.DateField("实际完工日期", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.RESERVE
    )
    termination_reason = models.TextField("终止原因", blank=True)
    plan_item = models.ForeignKey(
        "plans.PlanItem",
        verbose_name="来源规划条目",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="library_projects",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_region_path = "region__path"
    scope_department_field = "department"

    class Meta:
        verbose_name = "项目"
        verbose_name_plural = "项目"
        ordering = ["-year", "code"]
        constraints = [
            models.UniqueConstraint(fields=["county", "code"], name="unique_project_code_per_county")
        ]
        indexes = [
            models.Index(fields=["county", "year", "status"]),
            models.Index(fields=["year", "project_type"]),
            # covers the fund figures (by year and type, by township, the funds JSON): index-only on 20 000
            models.Index(
                fields=[
                    "county",
                    "year",
                    "project_type",
                    "status",
                    "link_fund",
                    "total_investment",
                    "region",
                ],
                name="project_fund_totals",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def type_label(self) -> str:
        return ProjectType(self.project_type).label

    @property
    def status_label(self) -> str:
        return ProjectStatus(self.status).label


class ProjectStep(models.Model):
    """One status change of a project: who, when, from what to what, and why."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="steps")
    from_status = models.CharField("原状态", max_length=20, choices=ProjectStatus.choices, blank=True)
    to_status = models.CharField("新状态", max_length=20, choices=ProjectStatus.choices)
    remarks = models.TextField("说明", blank=True)
    actor = models.ForeignKey(
        "accounts.User", verbose_name="办理人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField("办理时间", auto_now_add=True)

    scope_region_path = "project__region__path"
    scope_department_field = "project__department"

    class Meta:
        verbose_name = "项目步骤"
        verbose_name_plural = "项目步骤"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.project.code} → {ProjectStatus(self.to_status).label}"


class StepAttachment(models.Model):
    """A file kept with a step (批复, 验收报告, 照片 …)."""

    step = models.ForeignKey(ProjectStep, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("附件", upload_to="projects/%Y/")
    filename = models.CharField("文件名", max_length=255)
    size = models.PositiveIntegerField("大小（字节）", default=0)

    scope_region_path = "step__project__region__path"
    scope_department_field = "step__project__department"

    class Meta:
        verbose_name = "步骤附件"
        verbose_name_plural = "步骤附件"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename


class FundRule(models.Model):
    """A county's fund rules for one year, each with the document it comes from."""

    county = models.ForeignKey(
        "regions.Region", verbose_name="县", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    industry_floor = models.DecimalField(
        "产业发展项目占衔接资金比例下限", max_digits=5, decimal_places=4, default=DEFAULT_INDUSTRY_FLOOR
    )
    industry_source = models.CharField("产业比例依据", max_length=300, default=DEFAULT_INDUSTRY_SOURCE)
    labour_floor = models.DecimalField(
        "以工代赈劳务报酬占中央资金比例下限", max_digits=5, decimal_places=4, default=DEFAULT_LABOUR_FLOOR
    )
    labour_source = models.CharField("劳务报酬比例依据", max_length=300, default=DEFAULT_LABOUR_SOURCE)
    updated_at = models.DateTimeField(auto_now=True)

    scope_region_path = "county__path"
    scope_includes_ancestors = True

    class Meta:
        verbose_name = "资金规则"
        verbose_name_plural = "资金规则"
        ordering = ["county", "-year"]
        constraints = [models.UniqueConstraint(fields=["county", "year"], name="unique_fund_rule_year")]

    def __str__(self) -> str:
        return f"{self.year}年资金规则"
